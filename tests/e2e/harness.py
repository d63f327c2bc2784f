"""Start the dashboard on a free port, drive it with Debian's Chromium, stop it by PID.

Used by the browser tests and by the benchmarks in ``bench/``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
READY_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: str | Path = "dashboard.py",
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    startup_timeout_s: float = 60.0,
):
    """A Streamlit server for ``script``; yields its base URL and its process."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("MMIP_OFFLINE", "1")
    # The README's launcher (lib/ui/launch.py), so tests and benchmarks measure what users get.
    command = [
        sys.executable,
        "-m",
        "lib.ui.launch",
        "--script",
        str(script),
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
    ]
    process = subprocess.Popen(
        command, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise RuntimeError(f"streamlit exited early:\n{output}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not become healthy")
            time.sleep(0.2)
        yield url, process
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    if process.stdout:
        process.stdout.close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def is_streamlit_path_probe(message) -> bool:
    """Streamlit's frontend, opened at /<page>, first probes /<page>/_stcore/… (404) before
    finding the server root: expected noise, not an app error."""
    url = (message.location or {}).get("url", "")
    return "404" in message.text and re.search(r"/[^/]+/_stcore/(health|host-config)$", url) is not None


WAIT_FOR_CHARTS_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  // Widgets and metrics load lazily: skeletons stand in until their code has arrived.
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')) return false;
  const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
  return charts.every(c => {
    const plot = c.querySelector('.js-plotly-plot');
    if (!plot) return false;
    // Plotly can draw first at its default 700 px and lay out again at the column's width a moment
    // later: the chart is not drawn until its figure is as wide as its element.
    const drawnWidth = plot._fullLayout && plot._fullLayout.width;
    if (!drawnWidth || Math.abs(drawnWidth - plot.getBoundingClientRect().width) > 2) return false;
    const isMap = plot.querySelector('.maplibregl-map, .mapboxgl-map');
    if (isMap) {
      // The canvas exists before MapLibre has painted: wait until every map says it is loaded.
      const layout = plot._fullLayout || {};
      const maps = Object.keys(layout).filter(k => /^map\\d*$/.test(k))
        .map(k => layout[k]._subplot && layout[k]._subplot.map);
      return !!plot.querySelector('canvas') && maps.length > 0 && maps.every(m => m && m.loaded());
    }
    return !!plot.querySelector('.main-svg');
  });
}
"""


# Counts the script runs that finish from the first call on (the app's data-test-script-state going
# running -> notRunning), so a wait can tell a new run from the state the previous one left behind.
# It can miss a run: with three sessions busy in one browser, 2-3 reruns in ~150 never showed
# 'running' (the front end drew the run's start and end at once). Where the run's effect is known
# (a filter in the URL), wait on that instead, as bench/load.py does.
COUNT_RUNS_JS = """
() => {
  if (window.__finishedRuns !== undefined) return window.__finishedRuns;
  const app = document.querySelector('[data-testid="stApp"]');
  window.__finishedRuns = 0;
  let running = false;
  new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') running = true;
    else if (state === 'notRunning' && running) { running = false; window.__finishedRuns += 1; }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return 0;
}
"""


def finished_runs(page) -> int:
    """Script runs finished since the counter was first read on this page (starts it at 0)."""
    return page.evaluate(COUNT_RUNS_JS)


# True (the page's clock, performance.now()) once a run after ``before`` has finished and the page
# is drawn; the benchmark times reruns with the value it returns.
DRAWN_AFTER_RUN_JS = f"""
(before) => window.__finishedRuns > before && ({WAIT_FOR_CHARTS_JS})() && performance.now()
"""


def wait_until_drawn_after_run(page, before: int, timeout_ms: int = READY_TIMEOUT_MS) -> None:
    """Wait until a run after ``before`` (from :func:`finished_runs`) has finished and the page is drawn."""
    page.wait_for_function(DRAWN_AFTER_RUN_JS, arg=before, timeout=timeout_ms, polling=100)


def download_by_clicking(page, button, first_wait_ms: int = 10_000, timeout_ms: int = READY_TIMEOUT_MS):
    """Click a Streamlit download button and return Playwright's Download.

    In Streamlit 1.67 a click on a download button that has just been drawn (a rerun that opened
    "Show data" or an expander) can reach the button and start nothing: no request for the file
    is sent (1-3 attempts in 10 in a probe). A user clicks again; so does this, once, after
    ``first_wait_ms``. Two clicks that start no download still fail."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        with page.expect_download(timeout=first_wait_ms) as download:
            button.click()
    except PlaywrightTimeoutError:
        with page.expect_download(timeout=timeout_ms) as download:
            button.click()
    return download.value


def wait_until_drawn(page, timeout_ms: int = READY_TIMEOUT_MS, settle_ms: int = 300) -> None:
    """Wait until the script has finished and every Plotly chart and map has drawn."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # The script state flips to running shortly after load; give it a moment before polling.
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(WAIT_FOR_CHARTS_JS, timeout=timeout_ms, polling=100)
    wait_until_charts_hold_still(page, timeout_ms)


# Where each chart's plot area is on screen. A chart can be drawn once and then laid out again a
# moment later (Plotly's autosize after the columns settle: one map moved ~90 px in 1 of 5 loads),
# so a test that aims a click from the first geometry can miss.
CHART_GEOMETRY_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')).map(gd => {
  const box = gd.getBoundingClientRect();
  const size = gd._fullLayout ? [gd._fullLayout.width, gd._fullLayout.height] : [0, 0];
  return [Math.round(box.left), Math.round(box.top), Math.round(box.width), Math.round(box.height), ...size];
})
"""


def wait_until_charts_hold_still(page, timeout_ms: int = READY_TIMEOUT_MS, interval_ms: int = 250) -> None:
    """Wait until every chart's position and size are the same in two looks ``interval_ms`` apart."""
    deadline = time.monotonic() + timeout_ms / 1000
    before = page.evaluate(CHART_GEOMETRY_JS)
    while True:
        page.wait_for_timeout(interval_ms)
        now = page.evaluate(CHART_GEOMETRY_JS)
        if now == before:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"charts still moving after {timeout_ms} ms: {before} -> {now}")
        before = now
