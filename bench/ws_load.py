"""Load and soak with websocket clients: N sessions that speak Streamlit's protocol, no browser.

    .venv/bin/python -m bench.ws_load --sessions 20 --duration-s 300          # the issue's soak
    .venv/bin/python -m bench.ws_load --sessions 20 --duration-s 60           # a short check

``bench/load.py`` drives real browser contexts, but 20 headless Chromiums saturate a two-core machine,
so that run measures the load generator more than the server. This client costs a few milliseconds
of CPU per rerun: it opens ``ws://127.0.0.1:PORT/_stcore/stream`` like the frontend does, sends
``BackMsg.rerun_script`` with the widget states the frontend would send, and reads ``ForwardMsg``s
until ``script_finished``. Nothing is drawn, so the times are the server's rerun as a client sees
it (request sent until the script has finished and every delta has arrived).

Each session opens the map page (``--page``), finds the sidebar multiselect "Region (ITL1)" in the
deltas, then until the end alternately picks a random region and clears it again, waiting a moment
between changes as a person would. Errors: an ``exception`` element, the app's own "This page could
not be shown" message, a script compile error, a rerun without ``script_finished`` within
``--timeout-s``, a closed connection. The server's RSS is read after the warm-up (every session has
opened the page and been active for ``--warmup-s``) and at the end; the targets of issue #10 are
zero errors and RSS at the end within 10% of RSS after warm-up.

Starts its own server on 127.0.0.1 and contacts nothing else (loopback only). Bounded: at most 50
sessions and 30 minutes. The result is printed and written into docs/PERFORMANCE.md as the section
"Load and soak (websocket clients)", between its own markers (the browser section is left alone).

Protocol notes (Streamlit 1.67, checked against its source):

- Subprotocol: the frontend sends ``["streamlit", <xsrf or "PLACEHOLDER_AUTH_TOKEN">, <session>]``;
  the server selects the first entry and only uses the token for auth cookies, so
  ``["streamlit", "PLACEHOLDER_AUTH_TOKEN"]`` is what a fresh browser tab without cookies sends.
- Multiselect values travel as ``WidgetState.string_array_value`` holding the *formatted* option
  strings (what ``format_func`` returns, as listed in ``MultiSelect.options``), not indices.
- Cached messages: the server replaces a cacheable delta by a ``ref_hash`` reference only when the
  client listed that hash in ``ClientState.cached_message_hashes``. Like the frontend's
  ForwardMsgCache, this client keeps cacheable messages, advertises their hashes, resolves
  references, and expires entries not used for ``max_cached_message_age`` finished runs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import random
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.RootContainer_pb2 import RootContainer
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench import report

MAX_SESSIONS, MAX_DURATION_S = report.MAX_SESSIONS, report.MAX_DURATION_S
# What the frontend sends when it has no XSRF cookie and no session to resume (WebsocketConnection.tsx).
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]
STREAM_PATH = "/_stcore/stream"
REGION_LABEL = "Region (ITL1)"
ERROR_TEXT = "This page could not be shown"  # lib.ui.ERROR_PREFIX; a test keeps the two equal
DEFAULT_MAX_CACHED_AGE = 2  # Streamlit's global.maxCachedMessageAge, until new_session says otherwise
SECTION_START = "<!-- bench.ws_load writes between these lines -->"
SECTION_END = "<!-- end of bench.ws_load -->"
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(Exception):
    """The server sent something a browser tab could not have handled."""


# ---------------------------------------------------------------- the frontend's message cache


class MessageCache:
    """The frontend's ForwardMsgCache: cacheable messages by hash, expired by finished runs."""

    def __init__(self):
        self._entries: dict[str, tuple[bytes, int]] = {}  # hash -> (encoded message, run count last used)
        self._runs = 0

    def hashes(self) -> list[str]:
        return list(self._entries)

    def resolve(self, msg: ForwardMsg, raw: bytes) -> ForwardMsg:
        """The message itself, or for a ``ref_hash`` the cached message with the reference's metadata."""
        if msg.WhichOneof("type") != "ref_hash":
            if msg.metadata.cacheable and msg.hash:
                self._entries[msg.hash] = (raw, self._runs)
            return msg
        entry = self._entries.get(msg.ref_hash)
        if entry is None:
            raise ProtocolError(f"reference to a message not in the cache: {msg.ref_hash}")
        self._entries[msg.ref_hash] = (entry[0], self._runs)
        resolved = ForwardMsg.FromString(entry[0])
        resolved.metadata.CopyFrom(msg.metadata)  # the reference says where the element goes
        return resolved

    def script_finished(self, max_age: int) -> None:
        """A run has finished: forget what was not used for more than ``max_age`` runs."""
        self._runs += 1
        self._entries = {h: e for h, e in self._entries.items() if self._runs - e[1] <= max_age}


# ---------------------------------------------------------------- widgets in the deltas


@dataclass(frozen=True)
class Widget:
    id: str
    kind: str  # the Element field, e.g. "multiselect"
    label: str
    options: tuple[str, ...]
    in_sidebar: bool


def widget_of(element: Element, delta_path) -> Widget | None:
    """The widget an element draws, or None for elements that are not widgets."""
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    proto = getattr(element, kind)
    if "id" not in proto.DESCRIPTOR.fields_by_name or not proto.id:
        return None
    label = proto.label if "label" in proto.DESCRIPTOR.fields_by_name else ""
    options = tuple(proto.options) if "options" in proto.DESCRIPTOR.fields_by_name else ()
    in_sidebar = bool(delta_path) and delta_path[0] == RootContainer.SIDEBAR
    return Widget(proto.id, kind, label, options, in_sidebar)


def drawn_value(element: Element) -> WidgetState | None:
    """The value the frontend holds for a widget it has just drawn: the one the server set
    (``set_value``), else the default. None for widget kinds this client does not model; the server
    keeps their previous values, which is what an untouched browser widget would send back."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    state = WidgetState(id=getattr(proto, "id", ""))
    if kind == "multiselect":
        values = list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default]
        state.string_array_value.data.extend(values)
    elif kind in ("radio", "selectbox"):
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default") and 0 <= proto.default < len(proto.options):
            state.string_value = proto.options[proto.default]
        else:
            return None  # no selection: the frontend sends nothing for it either
    elif kind in ("text_input", "text_area"):
        state.string_value = proto.value if proto.set_value else proto.default
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    else:
        return None
    return state


def element_errors(element: Element) -> list[str]:
    """What a person would read as an error in this element."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return [f"exception: {element.exception.type}: {element.exception.message[:160]}"]
    text = {
        "markdown": lambda: element.markdown.body,
        "alert": lambda: element.alert.body,
        "text": lambda: element.text.body,
    }.get(kind, lambda: "")()
    return [f"{kind}: {text[:160]}"] if ERROR_TEXT in text else []


# ---------------------------------------------------------------- one browser tab, modelled


@dataclass
class Run:
    """What one script run sent."""

    elements: int = 0
    errors: list[str] = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus once finished


class Tab:
    """The state a browser tab keeps between reruns: the URL, the current page, the widget values
    it would send back, and the message cache. Fed with raw ForwardMsgs; produces rerun BackMsgs."""

    def __init__(self, page_name: str, url: str = ""):
        self.page_name = page_name  # the url path of the page, until the server names its hash
        self.url = url
        self.query_string = ""
        self.page_script_hash = ""
        self.max_cached_age = DEFAULT_MAX_CACHED_AGE
        self.cache = MessageCache()
        self.values: dict[str, WidgetState] = {}
        self.widgets: dict[str, Widget] = {}  # drawn in the current run
        self.run = Run()

    def rerun_message(self) -> bytes:
        """``BackMsg.rerun_script`` with every widget value, as the frontend sends it."""
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            page_name="" if self.page_script_hash else self.page_name,
        )
        state.widget_states.widgets.extend(self.values.values())
        state.cached_message_hashes.extend(self.cache.hashes())
        state.context_info.url = self.url
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        return BackMsg(rerun_script=state).SerializeToString()

    def set_value(self, widget: Widget, values: list[str]) -> None:
        """A person changed a multiselect to ``values`` (formatted option strings)."""
        state = WidgetState(id=widget.id)
        state.string_array_value.data.extend(values)
        self.values[widget.id] = state

    def find(self, kind: str, label: str, in_sidebar: bool | None = None) -> Widget | None:
        for widget in self.widgets.values():
            if widget.kind == kind and widget.label == label and in_sidebar in (None, widget.in_sidebar):
                return widget
        return None

    def receive(self, raw: bytes) -> ForwardMsg:
        msg = self.cache.resolve(ForwardMsg.FromString(raw), raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # every run starts with one; the page is drawn anew
            # A run the app ended with st.rerun() continues in this one: keep what it showed.
            early = self.run.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN
            self.run = Run(errors=self.run.errors if early else [])
            self.widgets = {}
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
            if msg.new_session.config.max_cached_message_age:
                self.max_cached_age = msg.new_session.config.max_cached_message_age
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # the app wrote st.query_params: the address bar follows
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._drawn(msg.delta.new_element, list(msg.metadata.delta_path))
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            error = msg.session_event.script_compilation_exception
            self.run.errors.append(f"script compile error: {error.type}: {error.message[:160]}")
        elif kind == "script_finished":
            self._finished(msg.script_finished)
        return msg

    def _drawn(self, element: Element, delta_path: list[int]) -> None:
        self.run.elements += 1
        self.run.errors.extend(element_errors(element))
        widget = widget_of(element, delta_path)
        if widget is None:
            return
        self.widgets[widget.id] = widget
        proto = getattr(element, widget.kind)
        if widget.id not in self.values or getattr(proto, "set_value", False):
            value = drawn_value(element)
            if value is not None:
                self.values[widget.id] = value

    def _finished(self, status: int) -> None:
        self.run.status = status
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.run.errors.append("script finished with a compile error")
        if status in FINISHED:
            self.cache.script_finished(self.max_cached_age)
            # The frontend forgets the widgets a complete run no longer drew.
            self.values = {i: v for i, v in self.values.items() if i in self.widgets}


# ---------------------------------------------------------------- statistics


def rerun_stats(seconds: list[float]) -> dict:
    """Count, p50, p95 and max of rerun times (NaN when there are none)."""
    return {
        "reruns": len(seconds),
        "p50_s": report.percentile(seconds, 50),
        "p95_s": report.percentile(seconds, 95),
        "max_s": max(seconds) if seconds else math.nan,
    }


def summarise(result: dict) -> dict:
    """The load summary of bench.report (targets, verdict) plus the max and the first errors."""
    summary = report.load_summary({**result, "script_s": result["rerun_s"]})
    summary.update(rerun_stats(result["rerun_s"]))
    summary["first_errors"] = result["errors"][:5]
    summary["picks"], summary["picks_applied"] = result.get("picks", 0), result.get("picks_applied", 0)
    summary["client_cpu_s"] = result.get("client_cpu_s", math.nan)
    summary["errors_verdict"] = "pass" if not result["errors"] else "FAIL"
    summary["rss_verdict"] = "pass" if summary["rss_growth"] <= report.RSS_GROWTH_LIMIT else "FAIL"
    return summary


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- the sessions


class Tally:
    def __init__(self):
        self.reruns: list[tuple[float, float]] = []  # (monotonic time sent, seconds until finished)
        self.errors: list[str] = []
        self.opened: set[int] = set()
        self.picks = 0  # reruns that picked a region (the others cleared it)
        self.applied = 0  # picks after which the app's URL named a region

    def since(self, start: float) -> list[float]:
        return [seconds for sent, seconds in self.reruns if sent >= start]


async def timed_rerun(ws, tab: Tab, timeout_s: float) -> tuple[float, Run]:
    """Send a rerun and read until its script has finished; seconds and what the run sent."""
    tab.run = Run()  # the previous run has finished: only this one's script_finished counts
    started = time.perf_counter()
    await ws.send(tab.rerun_message())
    async with asyncio.timeout(timeout_s):
        while True:
            tab.receive(await ws.recv())
            # FINISHED_EARLY_FOR_RERUN: the app called st.rerun(); the next run follows by itself.
            if tab.run.status is not None and tab.run.status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter() - started, tab.run


async def session_loop(
    base_url: str,
    page: str,
    seed: int,
    tally: Tally,
    ready: asyncio.Event,
    timeout_s: float,
    think_s: tuple[float, float] = (0.2, 1.0),
    max_failures: int = 3,
) -> None:
    """One simulated person: open the page, then change the Region filter until cancelled.
    A failure is counted and the tab reopened (a new session), up to ``max_failures`` in a row."""
    from websockets.asyncio.client import connect

    rng = random.Random(seed)
    ws_url = "ws" + base_url.removeprefix("http") + STREAM_PATH
    failures = 0
    while failures < max_failures:
        try:
            # max_size=None: a map figure with its boundaries is several MB in one delta.
            async with connect(ws_url, subprotocols=SUBPROTOCOLS, max_size=None, open_timeout=timeout_s) as ws:
                tab = Tab(page, url=f"{base_url}/{page}")
                _, run = await timed_rerun(ws, tab, timeout_s)
                tally.errors.extend(f"session {seed}, opening: {e}" for e in run.errors)
                region = tab.find("multiselect", REGION_LABEL, in_sidebar=True)
                if region is None or not region.options:
                    raise ProtocolError(f"no sidebar multiselect {REGION_LABEL!r} on page {page!r}")
                tally.opened.add(seed)
                await ready.wait()
                while True:
                    for values in ([rng.choice(region.options)], []):
                        tab.set_value(region, values)
                        sent = time.monotonic()
                        seconds, run = await timed_rerun(ws, tab, timeout_s)
                        tally.reruns.append((sent, seconds))
                        # The app mirrors its filters in the URL: proof the server applied the value sent.
                        tally.picks += bool(values)
                        tally.applied += bool(values) and "region=" in tab.query_string
                        tally.errors.extend(f"session {seed}, {values or 'cleared'}: {e}" for e in run.errors)
                        failures = 0
                        await asyncio.sleep(rng.uniform(*think_s))  # a person reads before the next change
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a timeout, a closed connection, a protocol surprise: an error of the run
            failures += 1
            message = str(exc).splitlines()[0][:160] if str(exc) else ""
            tally.errors.append(f"session {seed}: {type(exc).__name__}: {message}")
            await asyncio.sleep(1.0)


async def run_load(
    base_url: str,
    pid: int,
    sessions: int,
    duration_s: float,
    warmup_s: float,
    timeout_s: float,
    page: str = "map",
    progress=print,
) -> dict:
    """Run the sessions against the server at ``base_url`` (process ``pid``); the raw result."""
    if not is_loopback(base_url):
        raise ValueError(f"loopback only: {base_url}")
    if not (1 <= sessions <= MAX_SESSIONS and 0 < duration_s <= MAX_DURATION_S):
        raise ValueError(f"at most {MAX_SESSIONS} sessions and {MAX_DURATION_S} s")
    from bench.browser import rss_mib

    tally, ready = Tally(), asyncio.Event()
    client_cpu_start = time.process_time()  # this process only: the clients, not the server
    tasks = [
        asyncio.create_task(session_loop(base_url, page, seed, tally, ready, timeout_s)) for seed in range(sessions)
    ]
    try:
        open_deadline = time.monotonic() + 2 * timeout_s
        while len(tally.opened) < sessions and time.monotonic() < open_deadline and not all(t.done() for t in tasks):
            await asyncio.sleep(0.2)
        progress(f"{len(tally.opened)}/{sessions} sessions opened; warming up {warmup_s:.0f} s")
        # Warm-up: every session changing filters for warmup_s; its RSS is what the soak is compared with.
        ready.set()
        await asyncio.sleep(warmup_s)
        rss_warm = rss_mib(pid)
        progress(f"RSS after warm-up {rss_warm:.0f} MiB; measuring {duration_s:.0f} s")
        measure_start = time.monotonic()
        end = measure_start + duration_s
        samples = []
        while time.monotonic() < end:
            await asyncio.sleep(min(5.0, max(0.0, end - time.monotonic())))
            samples.append(rss_mib(pid))
            progress(
                f"  {len(tally.since(measure_start))} reruns, {len(tally.errors)} errors, RSS {samples[-1]:.0f} MiB"
            )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    # The sessions' script runs stop with their connections: let the server settle before the last RSS.
    await asyncio.sleep(2)
    return {
        "sessions": sessions,
        "opened": len(tally.opened),
        "duration_s": duration_s,
        "rerun_s": tally.since(measure_start),
        "errors": tally.errors,
        "picks": tally.picks,
        "picks_applied": tally.applied,
        "rss_warm_mib": rss_warm,
        "rss_end_mib": rss_mib(pid),
        "rss_max_mib": max(samples or [rss_warm]),
        "client_cpu_s": time.process_time() - client_cpu_start,
    }


# ---------------------------------------------------------------- report


def _num(value: float, digits: int = 2) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def markdown(summary: dict, command: str, page: str, data_dir) -> str:
    rows = [
        (
            "sessions opened / asked",
            f"{summary['opened']} / {summary['sessions']}",
            "all",
            "pass" if summary["opened"] == summary["sessions"] else "FAIL",
        ),
        ("measured duration", f"{summary['duration_s']:.0f} s", "", ""),
        ("reruns measured", f"{summary['reruns']:,}", "", ""),
        (
            "rerun until script_finished, p50 / p95 / max",
            f"{_num(summary['p50_s'])} / {_num(summary['p95_s'])} / {_num(summary['max_s'])} s",
            "",
            "",
        ),
        (
            "region picks the app applied (in its URL), whole run",
            f"{summary['picks_applied']:,} / {summary['picks']:,}",
            "all",
            "",
        ),
        ("errors", f"{summary['errors']}", "0", summary["errors_verdict"]),
        ("CPU used by all the clients, whole run", f"{_num(summary['client_cpu_s'], 1)} s", "", ""),
        ("server RSS after warm-up", f"{summary['rss_warm_mib']:.0f} MiB", "", ""),
        (
            "server RSS at the end (max during)",
            f"{summary['rss_end_mib']:.0f} MiB ({summary['rss_max_mib']:.0f})",
            "",
            "",
        ),
        ("RSS end / warm-up", f"{summary['rss_growth']:.3f}", f"≤ {report.RSS_GROWTH_LIMIT:g}", summary["rss_verdict"]),
    ]
    import pandas as pd

    table = report.markdown_table(pd.DataFrame(rows, columns=["measure", "value", "target", "verdict"]))
    errors = [f"- `{e}`" for e in summary["first_errors"]]
    return "\n".join(
        [
            SECTION_START,
            "",
            "## Load and soak (websocket clients)",
            "",
            f"`{command}` — page `{page}`, data: {data_dir or 'embedded'}. Each session is a websocket",
            "client speaking Streamlit's protocol (no browser, so the load generator costs little CPU): it",
            "picks a random region in the sidebar's Region filter, then clears it, and times each rerun",
            "from the request until `script_finished` has arrived with every delta.",
            "",
            table,
            "",
            *(["First errors:", "", *errors, ""] if errors else []),
            f"Verdict: **{summary['verdict']}**.",
            "",
            SECTION_END,
            "",
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace this tool's section (between its markers) in ``path``, or append it at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION_START in text and SECTION_END in text.split(SECTION_START, 1)[1]:
        head, rest = text.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = head + section.rstrip("\n") + "\n" + ("\n" + tail if tail else "")
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from tests.e2e.harness import ROOT, streamlit_server

    args = report.soak_arguments(
        __doc__.splitlines()[0], default_page="map", timeout_s=60.0, timeout_help="per rerun", root=ROOT, argv=argv
    )
    env = {"MMIP_DATA_DIR": str(args.data_dir)} if args.data_dir else {}
    with streamlit_server("dashboard.py", env=env, startup_timeout_s=120) as (url, process):
        result = asyncio.run(
            run_load(
                url,
                process.pid,
                args.sessions,
                args.duration_s,
                args.warmup_s,
                args.timeout_s,
                args.page,
                progress=lambda s: print(s, flush=True),
            )
        )
    summary = summarise(result)
    command = ".venv/bin/python -m bench.ws_load " + shlex.join(argv if argv is not None else sys.argv[1:])
    section = markdown(summary, command, args.page, args.data_dir)
    print(section)
    for error in result["errors"][:20]:
        print("  error:", error)
    write_section(args.out, section)
    return 0 if summary["verdict"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
