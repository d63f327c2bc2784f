"""The websocket load client (bench/ws_load.py): its model of a browser tab, the statistics, and one
short real run against the dashboard.

The pure checks build ForwardMsgs by hand, as the server would send them; the last test starts the
app on a free loopback port and runs two sessions for a few seconds.
"""

from __future__ import annotations

import asyncio
import math
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.RootContainer_pb2 import RootContainer

from bench import ws_load
from bench.ws_load import MessageCache, ProtocolError, Tab
from lib.ui import shell


def run_coroutine(coroutine):
    """asyncio.run in its own thread: in the full suite the browser tests' Playwright keeps an
    event loop running in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


REGIONS = ["North East", "Wales", "Scotland"]


# ---------------------------------------------------------------- building server messages


def new_session(page_hash="page-map", max_age=2) -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = page_hash
    msg.new_session.config.max_cached_message_age = max_age
    return msg


def element_msg(path, fill, cacheable=False, hash_=""):
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = path
    fill(msg.delta.new_element)
    if cacheable:
        msg.metadata.cacheable = True
        msg.hash = hash_
    return msg


def multiselect(id_="$$ID-1-f_region", label="Region (ITL1)", options=REGIONS, default=(), raw=None):
    def fill(element):
        element.multiselect.id = id_
        element.multiselect.label = label
        element.multiselect.options[:] = options
        element.multiselect.default[:] = list(default)
        if raw is not None:
            element.multiselect.raw_values[:] = raw
            element.multiselect.set_value = True

    return fill


def markdown(body):
    def fill(element):
        element.markdown.body = body

    return fill


def finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def query(qs) -> ForwardMsg:
    msg = ForwardMsg()
    msg.page_info_changed.query_string = qs
    return msg


def ref(hash_, path) -> ForwardMsg:
    msg = ForwardMsg()
    msg.ref_hash = hash_
    msg.metadata.delta_path[:] = path
    return msg


def feed(tab: Tab, *msgs: ForwardMsg) -> None:
    for msg in msgs:
        tab.receive(msg.SerializeToString())


def sent(tab: Tab):
    back = BackMsg.FromString(tab.rerun_message())
    assert back.WhichOneof("type") == "rerun_script"
    return back.rerun_script


def sidebar_run(tab, *extra, region=None):
    feed(tab, new_session(), element_msg([RootContainer.SIDEBAR, 0], multiselect(raw=region)), *extra, finished())


# ---------------------------------------------------------------- the message cache


def test_cache_resolves_a_reference_with_the_references_own_place():
    cache = MessageCache()
    big = element_msg([0, 3], markdown("a large table"), cacheable=True, hash_="h1")
    cache.resolve(big, big.SerializeToString())
    assert cache.hashes() == ["h1"]
    reference = ref("h1", [0, 7])
    resolved = cache.resolve(reference, reference.SerializeToString())
    assert resolved.delta.new_element.markdown.body == "a large table"
    assert list(resolved.metadata.delta_path) == [0, 7]


def test_cache_keeps_only_cacheable_messages_and_a_miss_is_an_error():
    cache = MessageCache()
    small = element_msg([0, 1], markdown("small"), hash_="h2")
    cache.resolve(small, small.SerializeToString())
    assert cache.hashes() == []
    with pytest.raises(ProtocolError):
        cache.resolve(ref("h2", [0, 1]), b"")


def test_cache_expires_entries_unused_for_more_than_max_age_runs():
    cache = MessageCache()
    for hash_ in ("old", "used"):
        msg = element_msg([0, 1], markdown(hash_), cacheable=True, hash_=hash_)
        cache.resolve(msg, msg.SerializeToString())
    cache.script_finished(max_age=2)
    cache.script_finished(max_age=2)
    cache.resolve(ref("used", [0, 1]), b"")  # used again in the third run: its age starts over
    cache.script_finished(max_age=2)
    assert cache.hashes() == ["used"]


# ---------------------------------------------------------------- widgets and errors in the deltas


def test_widget_lookup_finds_the_sidebar_multiselect_by_label():
    tab = Tab("map")
    feed(
        tab,
        new_session(),
        element_msg([RootContainer.MAIN, 0], multiselect(id_="$$ID-main", label="Region (ITL1)")),
        element_msg([RootContainer.SIDEBAR, 1], multiselect(id_="$$ID-side", label="Region (ITL1)")),
        element_msg([RootContainer.SIDEBAR, 2], multiselect(id_="$$ID-type", label="Type")),
        element_msg([RootContainer.MAIN, 1], markdown("text")),
    )
    found = tab.find("multiselect", "Region (ITL1)", in_sidebar=True)
    assert found.id == "$$ID-side" and found.options == tuple(REGIONS) and found.in_sidebar
    assert tab.find("multiselect", "Region (ITL1)", in_sidebar=False).id == "$$ID-main"
    assert tab.find("selectbox", "Region (ITL1)") is None
    assert set(tab.widgets) == {"$$ID-main", "$$ID-side", "$$ID-type"}  # markdown is no widget


def test_multiselect_value_is_the_formatted_options_default_or_set_by_the_server():
    from streamlit.proto.Element_pb2 import Element

    element = Element()
    multiselect(default=[1, 2])(element)
    assert list(ws_load.drawn_value(element).string_array_value.data) == ["Wales", "Scotland"]
    multiselect(default=[1], raw=["North East"])(element)
    assert list(ws_load.drawn_value(element).string_array_value.data) == ["North East"]


def test_radio_value_is_its_option_string_and_none_without_a_selection():
    from streamlit.proto.Element_pb2 import Element

    element = Element()
    element.radio.id, element.radio.default = "$$ID-r", 1
    element.radio.options[:] = ["Sites", "Regions"]
    assert ws_load.drawn_value(element).string_value == "Regions"
    element.radio.raw_value, element.radio.set_value = "Sites", True
    assert ws_load.drawn_value(element).string_value == "Sites"
    empty = Element()
    empty.selectbox.id = "$$ID-s"
    empty.selectbox.options[:] = ["a"]
    assert ws_load.drawn_value(empty) is None


def test_exceptions_and_the_apps_error_message_count_as_errors():
    tab = Tab("map")
    feed(tab, new_session(), element_msg([0, 0], markdown("All fine")))
    assert tab.run.errors == []

    def exception(element):
        element.exception.type, element.exception.message = "KeyError", "'region'"

    def alert(element):
        element.alert.body = ws_load.ERROR_TEXT + " because of an unexpected error."

    feed(tab, element_msg([0, 1], exception), element_msg([0, 2], alert))
    assert len(tab.run.errors) == 2 and "KeyError" in tab.run.errors[0] and ws_load.ERROR_TEXT in tab.run.errors[1]
    feed(tab, finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR))
    assert len(tab.run.errors) == 3


def test_error_text_is_the_apps_own():

    assert ws_load.ERROR_TEXT == shell.ERROR_PREFIX


# ---------------------------------------------------------------- what the tab sends back


def test_first_rerun_names_the_page_by_url_path_later_ones_by_hash():
    tab = Tab("map", url="http://127.0.0.1:1/map")
    first = sent(tab)
    assert first.page_name == "map" and first.page_script_hash == "" and first.context_info.url.endswith("/map")
    sidebar_run(tab)
    later = sent(tab)
    assert later.page_script_hash == "page-map" and later.page_name == ""


def test_rerun_sends_every_widget_value_the_query_string_and_cached_hashes():
    tab = Tab("map")
    big = element_msg([0, 5], markdown("map figure"), cacheable=True, hash_="fig")
    type_filter = element_msg(
        [RootContainer.SIDEBAR, 2], multiselect(id_="$$ID-type", label="Type", options=["Site"], default=[0])
    )
    sidebar_run(tab, type_filter, big)
    region = tab.find("multiselect", "Region (ITL1)", in_sidebar=True)
    tab.set_value(region, ["Wales"])
    state = sent(tab)
    values = {w.id: list(w.string_array_value.data) for w in state.widget_states.widgets}
    assert values == {region.id: ["Wales"], "$$ID-type": ["Site"]}
    assert list(state.cached_message_hashes) == ["fig"]

    # The app writes the filter into the URL; the next rerun carries it, as the address bar would.
    feed(tab, new_session(), query("region=TLL"), finished())
    assert sent(tab).query_string == "region=TLL"


def test_a_value_set_by_the_server_replaces_the_tabs_and_undrawn_widgets_are_forgotten():
    tab = Tab("map")
    sidebar_run(tab, element_msg([0, 1], multiselect(id_="$$ID-gone", label="Other")))
    region = tab.find("multiselect", "Region (ITL1)")
    tab.set_value(region, ["Wales"])
    sidebar_run(tab)  # drawn without set_value: the tab keeps what the person chose
    assert list(tab.values[region.id].string_array_value.data) == ["Wales"]
    assert "$$ID-gone" not in tab.values
    sidebar_run(tab, region=[])  # e.g. "Clear filters": the server sets the value
    assert list(tab.values[region.id].string_array_value.data) == []


class FakeSocket:
    """Sends what the server would for one rerun; records what the client sent."""

    def __init__(self, replies):
        self.replies = [m.SerializeToString() for m in replies]
        self.sent = []

    async def send(self, data):
        self.sent.append(data)

    async def recv(self):
        if not self.replies:
            await asyncio.sleep(10)
        return self.replies.pop(0)


def running() -> ForwardMsg:
    msg = ForwardMsg()
    msg.session_status_changed.script_is_running = True
    return msg


def test_a_timed_rerun_waits_past_an_early_finish_and_keeps_its_errors():
    tab = Tab("map")
    sidebar_run(tab)  # the previous run's script_finished must not end the next one
    socket = FakeSocket(
        [
            running(),
            new_session(),
            element_msg([0, 0], markdown(ws_load.ERROR_TEXT)),
            finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN),
            new_session(),
            element_msg([0, 0], markdown("ok")),
            finished(),
        ]
    )
    seconds, run = run_coroutine(ws_load.timed_rerun(socket, tab, timeout_s=5))
    assert len(socket.sent) == 1 and seconds >= 0
    assert run.status == ForwardMsg.FINISHED_SUCCESSFULLY and run.elements == 1 and len(run.errors) == 1


def test_a_rerun_without_script_finished_times_out():
    tab = Tab("map")
    with pytest.raises(TimeoutError):
        run_coroutine(ws_load.timed_rerun(FakeSocket([new_session()]), tab, timeout_s=0.2))


# ---------------------------------------------------------------- statistics and report


def test_rerun_stats_percentiles_and_max():
    stats = ws_load.rerun_stats([float(s) for s in range(1, 101)])
    assert stats["reruns"] == 100 and stats["max_s"] == 100.0
    assert stats["p50_s"] == pytest.approx(50.5) and stats["p95_s"] == pytest.approx(95.05)
    empty = ws_load.rerun_stats([])
    assert empty["reruns"] == 0 and math.isnan(empty["p50_s"]) and math.isnan(empty["max_s"])


def _result(**changes):
    result = {
        "sessions": 20,
        "opened": 20,
        "duration_s": 60.0,
        "rerun_s": [0.5, 1.0, 2.0],
        "errors": [],
        "rss_warm_mib": 300.0,
        "rss_end_mib": 320.0,
        "rss_max_mib": 325.0,
    }
    return {**result, **changes}


def test_summary_verdicts_against_the_issues_targets():
    good = ws_load.summarise(_result())
    assert good["verdict"] == "pass" and good["errors_verdict"] == "pass" and good["rss_verdict"] == "pass"
    assert good["max_s"] == 2.0 and good["p50_s"] == 1.0
    errors = ws_load.summarise(_result(errors=[f"e{i}" for i in range(8)]))
    assert (
        errors["verdict"] == "FAIL"
        and errors["errors"] == 8
        and errors["first_errors"] == ["e0", "e1", "e2", "e3", "e4"]
    )
    grown = ws_load.summarise(_result(rss_end_mib=331.0))  # 1.103 x warm-up
    assert grown["verdict"] == "FAIL" and grown["rss_verdict"] == "FAIL" and grown["errors_verdict"] == "pass"
    assert ws_load.summarise(_result(opened=19))["verdict"] == "FAIL"


def test_section_is_appended_then_replaced_in_place(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n\n<!-- bench.load writes below this line -->\n\n## Load and soak\n\nbrowser\n")
    summary = ws_load.summarise(_result())
    ws_load.write_section(path, ws_load.markdown(summary, "cmd v1", "map", None))
    ws_load.write_section(path, ws_load.markdown(summary, "cmd v2", "map", None))
    text = path.read_text()
    assert text.count(ws_load.SECTION_START) == 1 and "cmd v2" in text and "cmd v1" not in text
    assert text.startswith(
        "# Performance\n\n<!-- bench.load writes below this line -->\n\n## Load and soak\n\nbrowser\n"
    )
    assert "## Load and soak (websocket clients)" in text and "| errors | 0 | 0 | pass |" in text

    path.write_text(text + "\n## Written later by hand\n")
    ws_load.write_section(path, ws_load.markdown(summary, "cmd v3", "map", None))
    assert path.read_text().endswith("<!-- end of bench.ws_load -->\n\n## Written later by hand\n")


def test_only_loopback_addresses_are_accepted():
    assert ws_load.is_loopback("http://127.0.0.1:8501") and ws_load.is_loopback("http://localhost:1")
    assert not ws_load.is_loopback("http://10.0.0.2:8501") and not ws_load.is_loopback("http://example.org")
    with pytest.raises(ValueError, match="loopback"):
        run_coroutine(ws_load.run_load("http://10.0.0.2:8501", 1, 1, 1, 0, 1))
    with pytest.raises(ValueError, match="at most"):
        run_coroutine(ws_load.run_load("http://127.0.0.1:1", 1, ws_load.MAX_SESSIONS + 1, 1, 0, 1))


# ---------------------------------------------------------------- a real, short run


def test_two_sessions_against_the_real_server():
    from tests.e2e.harness import streamlit_server

    with streamlit_server("dashboard.py", startup_timeout_s=60) as (url, process):
        result = run_coroutine(
            ws_load.run_load(
                url,
                process.pid,
                sessions=2,
                duration_s=6,
                warmup_s=2,
                timeout_s=30,
                page="map",
                progress=lambda _: None,
            )
        )
    assert result["errors"] == []
    assert result["opened"] == 2
    # The app received the region values the clients sent: it wrote ?region=... into its URL.
    assert result["picks"] >= 2 and result["picks_applied"] == result["picks"]
    assert len(result["rerun_s"]) >= 4 and all(0 < s < 30 for s in result["rerun_s"])
    assert result["rss_warm_mib"] > 50 and result["rss_end_mib"] > 50
