"""The benchmark: the dashboard against the naive baseline and the floor, in headless Chromium.

    .venv/bin/python -m bench.run --sizes 1000 10000 100000 1000000 --repeats 3

For the embedded data and every size: every dashboard page's time until drawn, the map page's
rerun after a filter change and redraw after a box selection (dashboard and baseline, alternating
within each repeat), the floor app's time until drawn, then server RSS with 1 and 5 sessions on a
fresh server (dashboard and baseline alternating). Medians over the repeats; the table and the
targets are printed and written to docs/PERFORMANCE.md, raw records to <data-root>/results.json.
Boundaries: as the README's start command gets them (MMIP_BOUNDARIES_DIR unset: the shipped ITL1
outline offline); MMIP_OFFLINE=1 so that no download is attempted on this offline machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import traceback
from pathlib import Path

from bench import datasets, report
from bench.browser import Session, measure_rss
from bench.report import APP, BASELINE, FLOOR, FLOOR_CHROME, MAP_PAGE
from tests.e2e.harness import ROOT, launch_chromium, streamlit_server

DEFAULT_PAGES = [
    "overview",
    "map",
    "region",
    "gaps",
    "investment",
    "centres",
    "directory",
    "present",
    "import",
    "about",
]
# Sizes at which every page also gets a fresh server of its own and its RSS is read (the 1M target
# is "every page"; at smaller sizes the map page's RSS stands for them).
DEFAULT_PAGE_RSS_SIZES = [1_000_000]
BASELINE_SCRIPT = ROOT / "bench" / "baseline" / "app.py"
FLOOR_SCRIPT = ROOT / "bench" / "floor" / "app.py"
FLOOR_CHROME_SCRIPT = ROOT / "bench" / "floor_chrome" / "app.py"
FILTER_LABEL, FILTER_OPTION = "Region (ITL1)", "Wales"


def page_path(page: str) -> str:
    return "/" if page == "overview" else f"/{page}"


class Recorder:
    def __init__(self):
        self.records: list[dict] = []

    def measure(self, size, app: str, page: str, metric: str, repeat: int, action) -> float:
        """Run one measurement; a failure or timeout is recorded as NaN with its reason, never raised."""
        try:
            value, error = float(action()), None
        except Exception as exc:  # a timed-out or crashed page is a result, not the end of the run
            value, error = math.nan, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        self.records.append(
            {"size": size, "app": app, "page": page, "metric": metric, "repeat": repeat, "value": value, "error": error}
        )
        shown = f"{value:.2f}" if error is None else f"FAILED ({error})"
        print(f"  {datasets.size_label(size):>10} {app:8} {page:10} {metric:9} #{repeat}: {shown}", flush=True)
        return value


def _open_and(browser, url, timeout_ms, then=None) -> float:
    session = Session(browser, url, timeout_ms)
    try:
        drawn = session.open()
        return then(session) if then else drawn
    finally:
        session.close()


def time_pages(rec, browser, size, app, url, pages, repeat, timeout_ms):
    for page in pages:
        rec.measure(size, app, page, "drawn_s", repeat, lambda: _open_and(browser, url + page_path(page), timeout_ms))
    if MAP_PAGE in pages or app == BASELINE:
        map_url = url + ("/" if app == BASELINE else page_path(MAP_PAGE))
        rec.measure(
            size,
            app,
            MAP_PAGE,
            "select_s",
            repeat,
            lambda: _open_and(browser, map_url, timeout_ms, lambda s: s.box_select_on_map()),
        )
        rec.measure(
            size,
            app,
            MAP_PAGE,
            "rerun_s",
            repeat,
            lambda: _open_and(browser, map_url, timeout_ms, lambda s: s.change_filter(FILTER_LABEL, FILTER_OPTION)),
        )


def page_rss(rec, browser, size, app_env, pages, repeats, timeout_ms):
    """Every page but the map (measured with the baseline) on a fresh server of its own: RSS with
    its first session drawn, so each page's figure is its own and not what an earlier page left."""
    for repeat in range(1, repeats + 1):
        for page in [p for p in pages if p != MAP_PAGE]:
            with streamlit_server("dashboard.py", env=app_env, startup_timeout_s=120) as (url, process):
                rec.measure(
                    size,
                    APP,
                    page,
                    "rss1_mib",
                    repeat,
                    lambda: measure_rss(browser, url + page_path(page), process.pid, timeout_ms, sessions=1)[0],
                )


def run_size(rec, browser, size, folder, pages, repeats, timeout_ms, floor_url, chrome_url, rss_every_page=False):
    app_env, base_env = datasets.app_env(size, folder), datasets.baseline_env(folder)
    with (
        streamlit_server("dashboard.py", env=app_env, startup_timeout_s=120) as (app_url, _),
        streamlit_server(BASELINE_SCRIPT, env=base_env, startup_timeout_s=120) as (base_url, _),
    ):
        print(f"{datasets.size_label(size)}: warming up (first loads, not counted)", flush=True)
        for page in pages:
            rec.measure(
                size, APP, page, "first_drawn_s", 0, lambda: _open_and(browser, app_url + page_path(page), timeout_ms)
            )
        rec.measure(
            size, BASELINE, MAP_PAGE, "first_drawn_s", 0, lambda: _open_and(browser, base_url + "/", timeout_ms)
        )
        for repeat in range(1, repeats + 1):
            # Alternate which goes first so neither always runs on a cooler machine.
            order = [(APP, app_url), (BASELINE, base_url)]
            for app, url in order if repeat % 2 else order[::-1]:
                time_pages(rec, browser, size, app, url, pages if app == APP else [MAP_PAGE], repeat, timeout_ms)
            rec.measure(size, FLOOR, FLOOR, "drawn_s", repeat, lambda: _open_and(browser, floor_url + "/", timeout_ms))
            rec.measure(
                size, FLOOR_CHROME, FLOOR, "drawn_s", repeat, lambda: _open_and(browser, chrome_url + "/", timeout_ms)
            )
    for repeat in range(1, repeats + 1):
        for app, script, env, path in (
            (APP, "dashboard.py", app_env, page_path(MAP_PAGE)),
            (BASELINE, BASELINE_SCRIPT, base_env, "/"),
        ):
            with streamlit_server(script, env=env, startup_timeout_s=120) as (url, process):
                pair = {}

                def both():
                    pair["rss"] = measure_rss(browser, url + path, process.pid, timeout_ms)
                    return pair["rss"][0]

                rec.measure(size, app, MAP_PAGE, "rss1_mib", repeat, both)
                # A failed RSS1 measurement fails this one too (KeyError), recorded with its reason.
                rec.measure(size, app, MAP_PAGE, "rss5_mib", repeat, lambda: pair["rss"][1])
    if rss_every_page:
        page_rss(rec, browser, size, app_env, pages, repeats, timeout_ms)


def machine_description() -> str:
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except Exception:  # only used for the report header
        chromium = "chromium (version unknown)"
    import plotly
    import streamlit

    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"Streamlit {streamlit.__version__}, Plotly {plotly.__version__}, {chromium}"
    )


def write_report(path: Path, records: list[dict], pages: list[str], sizes: list, command: str, data_root: Path) -> str:
    summary = report.summarise([r for r in records if r["metric"] != "first_drawn_s"])
    first = report.summarise([r for r in records if r["metric"] == "first_drawn_s"])
    table = report.markdown_table(report.results_table(summary))
    first_table = report.markdown_table(report.results_table(first))
    mid = 100_000 if 100_000 in sizes else None
    large = 1_000_000 if 1_000_000 in sizes else None
    targets = report.targets_table(
        report.evaluate_targets(summary, pages, mid=mid or 100_000, large=large or 1_000_000)
    )
    text = "\n".join(
        [
            "# Performance",
            "",
            "Generated by `bench/run.py` (run on demand; not part of the test command). Re-run it with",
            "exactly this command and this file is rewritten:",
            "",
            "```bash",
            command,
            "```",
            "",
            f"Run on {dt.datetime.now().isoformat(timespec='minutes')}: {machine_description()}.",
            f"Synthetic data (labelled synthetic on every row, generated by `lib/data/synthetic.py`) in `{data_root}`,",
            "loaded by the dashboard through `MMIP_DATA_DIR`, the switch a user would set.",
            "",
            "Method: headless Chromium through `tests/e2e/harness.py`; a fresh browser context per",
            "measurement on a warm server (the first load after start is reported separately below);",
            "dashboard, baseline and floor alternate within every repeat; values are medians of the",
            "repeats. *Drawn*: script finished, every Plotly chart has its SVG at its element's width (a chart",
            "first drawn at Plotly's default 700 px and laid out again is drawn when laid out) and every MapLibre",
            "map has loaded.",
            "*Rerun*: pick Wales in the sidebar's Region filter until the page is drawn again.",
            "*Selection*: drag a Box Select over the middle of the map until it is drawn again.",
            "Both on the page's own clock, from the press on the option (or the release that ends the box)",
            "to the first animation frame drawn after the new run (not the automation's round trips).",
            "*RSS*: the server process's resident memory on a fresh server with 1, then 5 sessions open",
            "on the map page; at the sizes in `--page-rss-sizes`, also every other page on a fresh server",
            "of its own with 1 session. Every app (dashboard, baseline, floors) is started the way the README's",
            "`bash scripts/app.sh` starts the dashboard: `python -m lib.ui.launch`, settings from",
            "`.streamlit/config.toml`. The baseline (`bench/baseline/app.py`, source below) is the plain",
            "app a user would write; the floor (`bench/floor/app.py`) is one tiny Plotly chart, measured",
            "bare and under the dashboard's chrome. Pages are held to the floor *with chrome* (the",
            "navigation and filters are part of the product); the bare floor stays as the reference.",
            "Timings on a shared machine are noisy: compare ratios within one run.",
            "",
            "## Results (medians)",
            "",
            table,
            "",
            "## Targets (issue #20)",
            "",
            report.markdown_table(targets),
            "",
            "## Each page against the bare floor and the floor with chrome",
            "",
            "The floor's tiny chart as the default page of `bench/floor_chrome/app.py`, under the dashboard's",
            "own page set-up, navigation, sidebar filters and copy-link box (embedded data). Its ratio to the",
            "bare floor is what every dashboard page pays before its own content.",
            "",
            report.markdown_table(report.chrome_breakdown(summary, pages)),
            "",
            "## First load after server start (not in the medians)",
            "",
            first_table,
            "",
            "## The plain baseline app",
            "",
            "```python",
            (Path(__file__).resolve().parent / "baseline" / "app.py").read_text(encoding="utf-8").rstrip(),
            "```",
            "",
        ]
    )
    # The session-CPU and load-test sections (bench/session_cpu.py, bench/load.py) are separate runs: keep them.
    kept = report.kept_section(path, report.SESSION_CPU_MARKER, report.LOAD_MARKER)
    path.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[1000, 10_000, 100_000, 1_000_000],
        help="synthetic site counts (the embedded data is always measured first)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=DEFAULT_PAGES)
    parser.add_argument(
        "--page-rss-sizes",
        type=int,
        nargs="*",
        default=DEFAULT_PAGE_RSS_SIZES,
        help="sizes at which every page's RSS is read on a fresh server of its own",
    )
    parser.add_argument("--data-root", type=Path, default=datasets.DEFAULT_ROOT)
    parser.add_argument("--timeout-s", type=float, default=300.0, help="per measurement")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    os.environ.setdefault("MMIP_OFFLINE", "1")
    command = ".venv/bin/python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:])
    sizes = [datasets.EMBEDDED, *args.sizes]
    folders = {}
    for size in sizes:
        folders[size] = datasets.prepare(size, args.data_root)
        print(f"data for {datasets.size_label(size)}: {folders[size]}", flush=True)

    from playwright.sync_api import sync_playwright

    rec = Recorder()
    timeout_ms = int(args.timeout_s * 1000)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            with (
                streamlit_server(FLOOR_SCRIPT) as (floor_url, _),
                streamlit_server(FLOOR_CHROME_SCRIPT) as (chrome_url, _),
            ):
                # Warm, like the apps: a first load after start (loading data, importing) is not
                # what the medians compare.
                for url in (floor_url, chrome_url):
                    _open_and(browser, url + "/", timeout_ms)
                for size in sizes:
                    try:
                        run_size(
                            rec,
                            browser,
                            size,
                            folders[size],
                            args.pages,
                            args.repeats,
                            timeout_ms,
                            floor_url,
                            chrome_url,
                            rss_every_page=size in args.page_rss_sizes,
                        )
                    except Exception:  # a server that will not start at one size must not lose the others
                        print(f"{datasets.size_label(size)}: aborted\n{traceback.format_exc()}", flush=True)
        finally:
            browser.close()
    (args.data_root / "results.json").write_text(json.dumps(rec.records, indent=1), encoding="utf-8")
    text = write_report(args.out, rec.records, args.pages, args.sizes, command, args.data_root)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
