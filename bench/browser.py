"""Measurements in headless Chromium (through tests/e2e/harness.py): drawn, rerun, selection, RSS.

"Drawn" is the harness's definition shared with the browser tests: the script has finished, no
skeleton is left, and every Plotly chart has its SVG (every MapLibre map has loaded). A rerun is counted by
watching the app's ``data-test-script-state`` go ``running`` -> ``notRunning``, so a measurement
never ends on the state left over from the previous run.

Reruns are timed on the page's own clock, from the user's gesture (pressing the option, the
mouse release that ends a box) to the first frame in which the page is drawn again. Timed from
Python, they also counted the automation's own round trips (Playwright's checks before a click,
the key press that closes the list): the same ~0.1 s for every app, which pulled every ratio
towards 1.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e.harness import DRAWN_AFTER_RUN_JS, WAIT_FOR_CHARTS_JS, finished_runs

VIEWPORT = {"width": 1600, "height": 1000}
MIB = 1024 * 1024

# Remembers when the next event of a type reaches the page (event.timeStamp: performance.now()'s clock).
MARK_NEXT_EVENT_JS = """
(type) => {
  window.__benchEventAt = null;
  document.addEventListener(type, (event) => { window.__benchEventAt = event.timeStamp; },
                            {capture: true, once: true});
}
"""


class Session:
    """One browser context on one page: a user's session on the server."""

    def __init__(self, browser, url: str, timeout_ms: int):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.url = url
        self.timeout_ms = timeout_ms

    def open(self) -> float:
        """Seconds from navigation until every chart and map is drawn."""
        started = time.perf_counter()
        self.page.goto(self.url, wait_until="commit", timeout=self.timeout_ms)
        self.page.wait_for_function(WAIT_FOR_CHARTS_JS, timeout=self.timeout_ms, polling="raf")
        return time.perf_counter() - started

    def _mark_next(self, event_type: str) -> None:
        self.page.evaluate(MARK_NEXT_EVENT_JS, event_type)

    def _wait_for_rerun(self, before: int) -> float:
        """Seconds from the marked event to the first frame drawn after a new run, on the page's clock
        (polled once per animation frame)."""
        drawn_at = self.page.wait_for_function(
            DRAWN_AFTER_RUN_JS, arg=before, timeout=self.timeout_ms, polling="raf"
        ).json_value()
        event_at = self.page.evaluate("() => window.__benchEventAt")
        if event_at is None:
            raise RuntimeError("the page never received the gesture it was timed from")
        return (drawn_at - event_at) / 1000

    def change_filter(self, label: str, option: str) -> float:
        """Pick ``option`` in the sidebar multiselect labelled ``label``; seconds until redrawn."""
        before = finished_runs(self.page)
        widget = self.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
        widget.first.click()
        choice = self.page.get_by_role("option", name=option, exact=True)
        choice.wait_for(timeout=self.timeout_ms)
        self._mark_next("mousedown")  # the option may be taken on press, before any click event
        choice.click()
        self.page.keyboard.press("Escape")
        return self._wait_for_rerun(before)

    def box_select_on_map(self) -> float:
        """Drag a box over the middle of the first map (Box Select tool); seconds until redrawn."""
        # A MapLibre map (the baseline, street tiles) or the dashboard's offline map, a chart whose
        # plot area is Plotly's drag layer.
        area_selector = ".maplibregl-map, .nsewdrag"
        chart = self.page.locator('[data-testid="stPlotlyChart"]').filter(has=self.page.locator(area_selector)).first
        chart.hover()
        tool = chart.locator('.modebar-btn[data-title="Box Select"]')
        if tool.count():
            tool.first.click()
        box = chart.locator(area_selector).first.bounding_box()
        x0, y0 = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35
        x1, y1 = box["x"] + box["width"] * 0.65, box["y"] + box["height"] * 0.65
        before = finished_runs(self.page)
        self.page.mouse.move(x0, y0)
        self.page.mouse.down()
        self.page.mouse.move(x1, y1, steps=8)
        self._mark_next("mouseup")
        self.page.mouse.up()
        return self._wait_for_rerun(before)

    def close(self) -> None:
        self.context.close()


def rss_mib(pid: int) -> float:
    """Resident set size of one process (Linux /proc), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / MIB
    raise RuntimeError(f"no VmRSS for process {pid}")


def measure_rss(
    browser, url: str, pid: int, timeout_ms: int, sessions: int = 5, settle_s: float = 2.0
) -> tuple[float, float]:
    """Server RSS with one session drawn, then with ``sessions`` drawn at once."""
    opened = []
    try:
        for count in range(sessions):
            session = Session(browser, url, timeout_ms)
            opened.append(session)
            session.open()
            if count == 0:
                time.sleep(settle_s)
                one = rss_mib(pid)
        time.sleep(settle_s)
        return one, rss_mib(pid)
    finally:
        for session in opened:
            session.close()
