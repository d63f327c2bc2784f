"""Server CPU per new browser session, and file-watcher warnings, on the README's launch path.

    .venv/bin/python -m bench.session_cpu [--data-dir DIR] [--pages overview map ...] [--sessions 3]

Starts the dashboard exactly as ``bash scripts/app.sh`` does (``python -m lib.ui.launch``, through
tests/e2e/harness.py), opens each page in a fresh browser context ``--sessions`` times after one
warm-up, and reads the server process's CPU time (user + system, /proc/PID/stat, children
included) before and after each session until the page is drawn. CPU seconds are not wall time,
so a busy machine changes them less than timings; still compare within one run. It also counts
the server log's "Inotify queue overflowed" lines (the file-watcher cost issue #20 found).
Prints a Markdown table: page, median and max server CPU seconds per new session.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading

from tests.e2e.harness import launch_chromium, streamlit_server, wait_until_drawn

PAGES = ["overview", "map", "region", "gaps", "investment", "centres", "directory", "present", "about"]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its waited-for children, in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    # After the command name: utime, stime, cutime, cstime are fields 14-17 of stat (1-based).
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.session_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="MMIP_DATA_DIR for the server (default: embedded data)")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--sessions", type=int, default=3)
    args = parser.parse_args(argv)
    env = {"MMIP_DATA_DIR": args.data_dir} if args.data_dir else {}
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
            for page_name in args.pages:
                path = "" if page_name == "overview" else page_name
                costs = []
                for session in range(args.sessions + 1):
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
    overflow = sum("Inotify queue overflowed" in line for line in log_lines)
    print("| page | server CPU per new session, median (s) | max (s) |")
    print("| --- | --- | --- |")
    for name, median, worst in rows:
        print(f"| {name} | {median:.2f} | {worst:.2f} |")
    print(f"\nfile-watcher overflow warnings in the server log: {overflow}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
