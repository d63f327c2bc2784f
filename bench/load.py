"""Load and soak: N concurrent browser sessions changing the shared filters against one server.

    .venv/bin/python -m bench.load --sessions 20 --duration-s 300          # the issue's soak
    .venv/bin/python -m bench.load --sessions 20 --duration-s 60           # a short check

Starts its own server on 127.0.0.1 (loopback only; nothing else is contacted), opens ``--sessions``
contexts in one headless Chromium, and in each one keeps picking a random region in the sidebar's
Region filter and clearing it again, timing every rerun until the page is drawn. Counts errors
(a timed-out rerun, a Streamlit exception block, the app's "could not be shown" message, a console
error), samples the server's RSS, and checks the issue's targets: zero errors, RSS at the end
within 10% of RSS after warm-up. Bounded: at most 50 sessions and 30 minutes.
The result is printed and written into docs/PERFORMANCE.md (the "Load and soak" section).
"""

from __future__ import annotations

import asyncio
import random
import shlex
import sys
import time

from bench import report
from bench.browser import VIEWPORT, rss_mib
from bench.run import page_path
from lib.data.schemas import ITL1_NAMES
from tests.e2e.harness import (
    ROOT,
    WAIT_FOR_CHARTS_JS,
    launch_chromium,
    streamlit_server,
)

ERROR_TEXT = "This page could not be shown"
SCRIPT_FINISHED_JS = (
    "(document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state') === 'notRunning')"
)


class Tally:
    def __init__(self):
        self.rerun_s: list[float] = []
        self.script_s: list[float] = []
        self.errors: list[str] = []


async def _timed_rerun(page, action, done_js: str, timeout_ms: int) -> tuple[float, float]:
    """Seconds until the run the action starts has finished (``done_js``, what the run changes, is
    true and the script state is back to not running), and until the browser has drawn it."""
    started = time.perf_counter()
    await action()
    await page.wait_for_function(f"() => ({done_js}) && {SCRIPT_FINISHED_JS}", timeout=timeout_ms, polling=100)
    finished = time.perf_counter() - started
    await page.wait_for_function(WAIT_FOR_CHARTS_JS, timeout=timeout_ms, polling=100)
    return finished, time.perf_counter() - started


async def session_loop(
    browser, url: str, seed: int, deadline: float, tally: Tally, timeout_ms: int, ready: asyncio.Event, opened: list
) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    page.on(
        "console",
        lambda msg: (
            tally.errors.append(f"console: {msg.text[:120]}")
            if msg.type == "error" and "/_stcore/" not in (msg.location or {}).get("url", "")
            else None
        ),
    )
    page.on("pageerror", lambda exc: tally.errors.append(f"page error: {str(exc)[:120]}"))
    try:
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_function(WAIT_FOR_CHARTS_JS, timeout=timeout_ms, polling=100)
        opened.append(seed)
        await ready.wait()
        sidebar = page.locator('[data-testid="stSidebar"]')
        region = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Region").first
        while time.monotonic() < deadline:
            code = rng.choice(list(ITL1_NAMES))
            name = ITL1_NAMES[code]
            # Each run is known by what it does to the link: the harness's run counter missed
            # 2-3 runs in ~150 with three sessions in one browser.
            done = {
                "pick": f"new URLSearchParams(location.search).get('region') === '{code}'",
                "clear": "!new URLSearchParams(location.search).has('region')",
            }

            async def pick():
                await region.click()
                # Typed first: the list draws its first options only and more as it is scrolled,
                # so the last regions are not in the page until then.
                await page.keyboard.type(name)
                await page.get_by_role("option", name=name, exact=True).click()
                await page.keyboard.press("Escape")
                # While the list is open the rest of the page takes no clicks: the next action
                # starts once it has closed, as a user sees it close.
                await page.get_by_role("listbox").wait_for(state="detached")

            async def clear():
                await sidebar.get_by_role("button", name="Clear filters").click()

            for action in (pick, clear):
                try:
                    finished, drawn = await _timed_rerun(page, action, done[action.__name__], timeout_ms)
                    tally.script_s.append(finished)
                    tally.rerun_s.append(drawn)
                except Exception as exc:  # every failed interaction is an error of the run, counted
                    tally.errors.append(
                        f"{action.__name__} ({name}): {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                    )
                    await page.goto(url, timeout=timeout_ms)
                    await page.wait_for_function(WAIT_FOR_CHARTS_JS, timeout=timeout_ms, polling=100)
                    break
                if (
                    await page.locator('[data-testid="stException"]').count()
                    or await page.get_by_text(ERROR_TEXT).count()
                ):
                    tally.errors.append(f"error shown on the page after {action.__name__} ({name})")
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # a person reads before clicking again
    except Exception as exc:  # a session that cannot even open is an error too
        tally.errors.append(f"session {seed}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def run_load(url: str, pid: int, sessions: int, duration_s: float, warmup_s: float, timeout_ms: int) -> dict:
    from playwright.async_api import async_playwright

    tally, opened, ready = Tally(), [], asyncio.Event()
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            far = time.monotonic() + 10 * timeout_ms / 1000 + duration_s + warmup_s
            tasks = [
                asyncio.create_task(session_loop(browser, url, seed, far, tally, timeout_ms, ready, opened))
                for seed in range(sessions)
            ]
            start_deadline = time.monotonic() + timeout_ms / 1000 * 2
            while len(opened) < sessions and time.monotonic() < start_deadline and not all(t.done() for t in tasks):
                await asyncio.sleep(0.5)
            print(f"{len(opened)}/{sessions} sessions drawn; warming up {warmup_s:.0f} s", flush=True)
            # Warm-up: every session active for warmup_s, then the RSS the soak is compared with.
            ready.set()
            await asyncio.sleep(warmup_s)
            rss_warm = rss_mib(pid)
            print(f"RSS after warm-up {rss_warm:.0f} MiB; measuring {duration_s:.0f} s", flush=True)
            warm_index = len(tally.rerun_s)
            end = time.monotonic() + duration_s
            samples = []
            while time.monotonic() < end:
                await asyncio.sleep(min(5.0, max(0.0, end - time.monotonic())))
                samples.append(rss_mib(pid))
                print(
                    f"  {len(tally.rerun_s) - warm_index} reruns, {len(tally.errors)} errors, "
                    f"RSS {samples[-1]:.0f} MiB",
                    flush=True,
                )
            for task in tasks:  # stop the loops: they check the deadline between interactions
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await browser.close()
    await asyncio.sleep(3)
    return {
        "sessions": sessions,
        "opened": len(opened),
        "duration_s": duration_s,
        "rerun_s": tally.rerun_s[warm_index:],
        "script_s": tally.script_s[warm_index:],
        "errors": tally.errors,
        "rss_warm_mib": rss_warm,
        "rss_end_mib": rss_mib(pid),
        "rss_max_mib": max(samples or [rss_warm]),
    }


def main(argv: list[str] | None = None) -> int:
    args = report.soak_arguments(
        __doc__.splitlines()[0],
        default_page="overview",
        timeout_s=120.0,
        timeout_help="per interaction",
        root=ROOT,
        argv=argv,
    )
    env = {"MMIP_DATA_DIR": str(args.data_dir)} if args.data_dir else {}
    with streamlit_server("dashboard.py", env=env, startup_timeout_s=120) as (url, process):
        result = asyncio.run(
            run_load(
                url + page_path(args.page),
                process.pid,
                args.sessions,
                args.duration_s,
                args.warmup_s,
                int(args.timeout_s * 1000),
            )
        )
    summary = report.load_summary(result)
    command = ".venv/bin/python -m bench.load " + shlex.join(argv if argv is not None else sys.argv[1:])
    section = report.load_markdown(summary, command, args.page, args.data_dir)
    print(section)
    for error in result["errors"][:20]:
        print("  error:", error)
    report.replace_section(args.out, report.LOAD_MARKER, section)
    return 0 if summary["verdict"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
