"""Server CPU per new browser session, and file-watcher warnings, on the README's launch path.

    .venv/bin/python -m bench.session_cpu [--sizes embedded 100000] [--pages overview map ...] [--sessions 3]

Starts the dashboard exactly as ``bash scripts/app.sh`` does (``python -m lib.ui.launch``, through
tests/e2e/harness.py), opens each page in a fresh browser context ``--sessions`` times after one
warm-up, and reads the server process's CPU time (user + system, /proc/PID/stat, children
included) before and after each session until the page is drawn. CPU seconds are not wall time,
so a busy machine changes them less than timings; still compare within one run. It also counts
the server log's "Inotify queue overflowed" lines (the file-watcher cost issue #20 found).
Prints a Markdown table (page, median and max server CPU seconds per new session, per data size)
and writes it into docs/PERFORMANCE.md (``--out``), between the benchmark's results and the load test.
The synthetic data is the benchmark's (bench/datasets.py), loaded through ``MMIP_DATA_DIR``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import statistics
import sys
import threading
from pathlib import Path

from bench import datasets, report
from tests.e2e.harness import ROOT, launch_chromium, streamlit_server, wait_until_drawn

PAGES = ["overview", "map", "region", "gaps", "investment", "centres", "directory", "present", "about"]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its waited-for children, in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    # After the command name: utime, stime, cutime, cstime are fields 14-17 of stat (1-based).
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS


def measure(env: dict[str, str], pages: list[str], sessions: int) -> tuple[list[tuple[str, float, float]], int]:
    """(page, median, max) server CPU seconds per new session, and the watcher warnings in the log."""
    log_lines: list[str] = []
    from playwright.sync_api import sync_playwright

    with streamlit_server("dashboard.py", env=env, startup_timeout_s=120) as (url, process):
        # Keep the server's log flowing (and count the watcher's warnings in it).
        reader = threading.Thread(
            target=lambda: log_lines.extend(line.decode(errors="replace") for line in process.stdout), daemon=True
        )
        reader.start()
        rows = []
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for page_name in pages:
                path = "" if page_name == "overview" else page_name
                costs = []
                for session in range(sessions + 1):
                    context = browser.new_context(viewport={"width": 1366, "height": 768})
                    page = context.new_page()
                    before = cpu_seconds(process.pid)
                    page.goto(f"{url}/{path}")
                    wait_until_drawn(page, timeout_ms=120_000)
                    if session:  # the first session of each page warms caches: not counted
                        costs.append(cpu_seconds(process.pid) - before)
                    context.close()
                rows.append((page_name, statistics.median(costs), max(costs)))
            browser.close()
    return rows, sum("Inotify queue overflowed" in line for line in log_lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.session_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=[datasets.EMBEDDED, "100000"], help="'embedded' or site counts")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--data-root", type=Path, default=datasets.DEFAULT_ROOT)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args(argv)
    results = {}
    for size in args.sizes:
        size = size if size == datasets.EMBEDDED else int(size)
        folder = datasets.prepare(size, args.data_root)
        results[size] = measure(datasets.app_env(size, folder), args.pages, args.sessions)
    labels = [datasets.size_label(size) for size in results]
    lines = [
        "| page | " + " | ".join(f"{label}: median (max) s" for label in labels) + " |",
        "| --- |" + " --- |" * len(labels),
    ]
    for index, page in enumerate(args.pages):
        cells = [f"{rows[index][1]:.2f} ({rows[index][2]:.2f})" for rows, _ in results.values()]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    warnings = ", ".join(f"{label}: {overflow}" for label, (_, overflow) in zip(labels, results.values()))
    worst = max(rows[i][1] for rows, _ in results.values() for i in range(len(args.pages)))
    print(table)
    print(f"\nfile-watcher overflow warnings in the server log: {warnings}")
    command = ".venv/bin/python -m bench.session_cpu " + shlex.join(argv if argv is not None else sys.argv[1:])
    section = "\n".join(
        [
            report.SESSION_CPU_MARKER,
            "",
            "## Server CPU per new session (issue #20: under 1 s on the embedded data and at 100,000 sites)",
            "",
            f"`{command}`, run {dt.datetime.now().isoformat(timespec='minutes')}. The dashboard started as the",
            "README's `bash scripts/app.sh` starts it; each page opened in a fresh browser context "
            f"{args.sessions} times after one warm-up; server CPU (user + system) read from /proc around each.",
            "",
            table,
            "",
            f"Largest median: **{worst:.2f} s** ({'under' if worst < 1 else 'NOT under'} the 1 s target). "
            f'"Inotify queue overflowed" lines in the server log: {warnings}.',
            "",
        ]
    )
    report.replace_middle_section(args.out, report.SESSION_CPU_MARKER, section, report.LOAD_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
