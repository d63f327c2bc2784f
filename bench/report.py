"""Pure helpers of the benchmark: medians, the targets of issue #10 as ratios, and the Markdown report.

Measurements are records ``{size, app, page, metric, repeat, value, error}``; ``value`` is seconds
for ``drawn_s`` / ``rerun_s`` / ``select_s`` and MiB for ``rss1_mib`` / ``rss5_mib``; a failed or
timed-out measurement has ``value`` NaN and an ``error``.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

import pandas as pd

APP, BASELINE, FLOOR = "app", "baseline", "floor"
# The floor's chart under the dashboard's navigation, sidebar filters and copy-link box
# (bench/floor_chrome/app.py): recorded as app FLOOR_CHROME, page FLOOR.
FLOOR_CHROME = "floor+chrome"
MAP_PAGE = "map"
RECORD_COLUMNS = ["size", "app", "page", "metric", "repeat", "value", "error"]
METRIC_LABELS = {
    "drawn_s": "drawn (s)",
    "rerun_s": "rerun after filter (s)",
    "select_s": "redraw after selection (s)",
    "rss1_mib": "RSS, 1 session (MiB)",
    "rss5_mib": "RSS, 5 sessions (MiB)",
    "first_drawn_s": "first load after server start (s)",
}


def summarise(records: list[dict]) -> pd.DataFrame:
    """Median, count and failures of every (size, app, page, metric)."""
    frame = pd.DataFrame(records, columns=RECORD_COLUMNS)
    grouped = frame.groupby(["size", "app", "page", "metric"], sort=False)
    return grouped.agg(
        median=("value", "median"), n=("value", "count"), failed=("error", lambda e: int(e.notna().sum()))
    ).reset_index()


def _value(summary: pd.DataFrame, size, app: str, page: str, metric: str) -> float:
    row = summary[
        (summary["size"] == size) & (summary["app"] == app) & (summary["page"] == page) & (summary["metric"] == metric)
    ]
    return float(row["median"].iloc[0]) if len(row) else math.nan


def _target(name: str, measured: float, limit: float, unit: str = "×") -> dict:
    verdict = "not measured" if math.isnan(measured) else ("pass" if measured <= limit else "FAIL")
    return {"target": name, "measured": measured, "limit": limit, "unit": unit, "verdict": verdict}


def evaluate_targets(
    summary: pd.DataFrame, pages: list[str], embedded="embedded", mid=100_000, large=1_000_000
) -> pd.DataFrame:
    """The issue's targets, each as measured ratio (or MiB) against its limit."""
    rows = []
    # The navigation and the sidebar filters are part of the product: pages are held to the floor
    # *with the dashboard's chrome*; the bare floor stays in the page table as the reference.
    chrome = _value(summary, embedded, FLOOR_CHROME, FLOOR, "drawn_s")
    for page in pages:
        rows.append(
            _target(
                f"{page} page, embedded data: drawn vs floor with chrome",
                _value(summary, embedded, APP, page, "drawn_s") / chrome,
                1.2,
            )
        )
    if "overview" in pages:
        rows.append(
            _target(
                f"overview page, {mid:,} sites: drawn vs floor with chrome",
                _value(summary, mid, APP, "overview", "drawn_s") / _value(summary, mid, FLOOR_CHROME, FLOOR, "drawn_s"),
                1.3,
            )
        )
    for metric, limit, words in (
        ("drawn_s", 0.6, "drawn"),
        ("rerun_s", 0.35, "rerun after a filter"),
        ("select_s", 0.4, "redraw after a selection"),
    ):
        rows.append(
            _target(
                f"map page, {mid:,} sites: {words} vs baseline",
                _value(summary, mid, APP, MAP_PAGE, metric) / _value(summary, mid, BASELINE, MAP_PAGE, metric),
                limit,
            )
        )
    for page in pages:
        rows.append(
            _target(
                f"{page} page, {large:,} vs {mid:,} sites: drawn",
                _value(summary, large, APP, page, "drawn_s") / _value(summary, mid, APP, page, "drawn_s"),
                1.5,
            )
        )
    rss5_app = _value(summary, mid, APP, MAP_PAGE, "rss5_mib")
    rows.append(
        _target(
            f"server RSS, 5 sessions, {mid:,} sites: vs baseline",
            rss5_app / _value(summary, mid, BASELINE, MAP_PAGE, "rss5_mib"),
            0.8,
        )
    )
    rows.append(
        _target(
            "fresh server after its first page, embedded data: RSS vs baseline",
            _value(summary, embedded, APP, MAP_PAGE, "rss1_mib")
            / _value(summary, embedded, BASELINE, MAP_PAGE, "rss1_mib"),
            1.1,
        )
    )
    page_rss = {page: _value(summary, large, APP, page, "rss1_mib") for page in pages}
    measured = {page: mib for page, mib in page_rss.items() if not math.isnan(mib)}
    # Every page must stay within the limit: the page that holds the most is the one held to it.
    largest = max(measured, key=measured.get, default=None)
    every = "every page" if len(measured) == len(pages) else f"{len(measured)} of {len(pages)} pages"
    rows.append(
        _target(
            f"server RSS, 1 session, {large:,} sites, {every} on a fresh server"
            + (f": largest ({largest} page)" if largest else ""),
            measured.get(largest, math.nan),
            700,
            "MiB",
        )
    )
    rows.append(
        _target(
            f"server RSS per extra session, {mid:,} sites",
            (rss5_app - _value(summary, mid, APP, MAP_PAGE, "rss1_mib")) / 4,
            5.0,
            "MiB",
        )
    )
    return pd.DataFrame(rows)


def chrome_breakdown(summary: pd.DataFrame, pages: list[str], embedded="embedded") -> pd.DataFrame:
    """Each page's drawn time on the embedded data against the bare floor and against the floor
    with the dashboard's chrome: how much of a page's excess every page pays for the shared
    navigation and filters, and how much its own content adds. Not one of the issue's targets."""
    floor = _value(summary, embedded, FLOOR, FLOOR, "drawn_s")
    chrome = _value(summary, embedded, FLOOR_CHROME, FLOOR, "drawn_s")
    rows = [("the floor's chart with the dashboard's chrome", chrome)]
    rows += [(f"{page} page", _value(summary, embedded, APP, page, "drawn_s")) for page in pages]
    return pd.DataFrame(
        {
            "what": [what for what, _ in rows],
            "drawn (s)": [_cell(value, 2) for _, value in rows],
            "vs floor": [_cell(value / floor, 2) for _, value in rows],
            "vs floor with chrome": [_cell(value / chrome, 2) for _, value in rows],
            "over floor with chrome (s)": [_cell(value - chrome, 2) for _, value in rows],
        }
    )


def _cell(value: float, digits: int) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def results_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per (size, app, page); one column per metric, as printed text."""
    shown = summary.assign(
        text=[
            _cell(m, 1 if metric.endswith("mib") else 2) + (f" ({f} failed)" if f else "")
            for m, metric, f in zip(summary["median"], summary["metric"], summary["failed"])
        ]
    )
    wide = shown.pivot_table(
        index=["size", "app", "page"], columns="metric", values="text", aggfunc="first", sort=False
    )
    wide = wide.reindex(columns=[m for m in METRIC_LABELS if m in wide.columns]).fillna("")
    wide.columns = [METRIC_LABELS[c] for c in wide.columns]
    wide = wide.reset_index()
    wide["size"] = wide["size"].map(lambda s: s if isinstance(s, str) else f"{int(s):,}")
    return wide


def markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def targets_table(targets: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target": targets["target"],
            "measured": [
                _cell(m, 2) + ("" if u == "×" else f" {u}") for m, u in zip(targets["measured"], targets["unit"])
            ],
            "limit": [f"≤ {lim:g}{'×' if u == '×' else ' ' + u}" for lim, u in zip(targets["limit"], targets["unit"])],
            "verdict": targets["verdict"],
        }
    )


# ---------------------------------------------------------------- load and soak

LOAD_MARKER = "<!-- bench.load writes below this line -->"
RSS_GROWTH_LIMIT = 1.10


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation; NaN for no values."""
    series = pd.Series(values, dtype="float64")
    return float(series.quantile(q / 100)) if len(series) else math.nan


def load_summary(result: dict) -> dict:
    """p50/p95 rerun, errors, RSS growth and the verdict against the issue's load targets."""
    growth = result["rss_end_mib"] / result["rss_warm_mib"]
    complete = result["opened"] == result["sessions"]
    ok = not result["errors"] and growth <= RSS_GROWTH_LIMIT and complete and len(result["rerun_s"]) > 0
    return {
        "sessions": result["sessions"],
        "opened": result["opened"],
        "duration_s": result["duration_s"],
        "reruns": len(result["rerun_s"]),
        "p50_s": percentile(result["rerun_s"], 50),
        "p95_s": percentile(result["rerun_s"], 95),
        "script_p50_s": percentile(result.get("script_s", []), 50),
        "script_p95_s": percentile(result.get("script_s", []), 95),
        "errors": len(result["errors"]),
        "rss_warm_mib": result["rss_warm_mib"],
        "rss_end_mib": result["rss_end_mib"],
        "rss_max_mib": result["rss_max_mib"],
        "rss_growth": growth,
        "verdict": "pass" if ok else "FAIL",
    }


def load_markdown(summary: dict, command: str, page: str, data_dir) -> str:
    rows = pd.DataFrame(
        [
            ("sessions opened / asked", f"{summary['opened']} / {summary['sessions']}", "all"),
            ("measured duration", f"{summary['duration_s']:.0f} s", ""),
            ("reruns measured", f"{summary['reruns']:,}", ""),
            ("rerun until drawn, p50 / p95", f"{_cell(summary['p50_s'], 2)} / {_cell(summary['p95_s'], 2)} s", ""),
            (
                "rerun until the script finished, p50 / p95",
                f"{_cell(summary['script_p50_s'], 2)} / {_cell(summary['script_p95_s'], 2)} s",
                "",
            ),
            ("errors", f"{summary['errors']}", "0"),
            ("server RSS after warm-up", f"{summary['rss_warm_mib']:.0f} MiB", ""),
            (
                "server RSS at the end (max during)",
                f"{summary['rss_end_mib']:.0f} MiB ({summary['rss_max_mib']:.0f})",
                "",
            ),
            ("RSS end / warm-up", f"{summary['rss_growth']:.3f}", f"≤ {RSS_GROWTH_LIMIT:g}"),
        ],
        columns=["measure", "value", "target"],
    )
    return "\n".join(
        [
            LOAD_MARKER,
            "",
            "## Load and soak",
            "",
            f"`{command}` — page `{page}`, data: {data_dir or 'embedded'}. Each session is a browser",
            "context that picks a random region in the sidebar's Region filter, then clears it, timing",
            "each rerun until the script has finished and until the page is drawn again. One Chromium",
            "renders every session on the same machine as the server (maps in software WebGL), so the",
            "drawn times include the browser's share of the CPU.",
            "",
            markdown_table(rows),
            "",
            f"Verdict: **{summary['verdict']}**.",
            "",
        ]
    )


def replace_section(path, marker: str, section: str) -> None:
    """Replace everything from ``marker`` on in the file at ``path`` (append if absent)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = text.split(marker)[0].rstrip("\n")
    path.write_text((head + "\n\n" if head else "") + section, encoding="utf-8")


def kept_section(path, *markers: str) -> str:
    """The part of the file at ``path`` from the first of ``markers`` it holds on ('' if none):
    what a rewrite of the part above keeps."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    found = [text.index(marker) for marker in markers if marker in text]
    return text[min(found) :] if found else ""


SESSION_CPU_MARKER = "<!-- bench.session_cpu writes below this line -->"


def replace_middle_section(path, marker: str, section: str, next_marker: str) -> None:
    """Put ``section`` (starting with ``marker``) in the file at ``path`` in place of the part from
    ``marker`` up to ``next_marker``, keeping what is above and the part from ``next_marker`` on."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    tail = text[text.index(next_marker) :] if next_marker in text else ""
    head = text[: text.index(marker)] if marker in text else text[: len(text) - len(tail)]
    path.write_text(head.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n\n" + tail, encoding="utf-8")


# ---------------------------------------------------------------- the soak command line (load.py, ws_load.py)

MAX_SESSIONS, MAX_DURATION_S = 50, 1800  # bounded in count and time, as the issue asks


def soak_arguments(
    description: str, default_page: str, timeout_s: float, timeout_help: str, root: Path, argv: list[str] | None = None
) -> argparse.Namespace:
    """The options both soaks share, checked against the bounds; sets the server's offline
    environment (the shared ONS boundaries beside the project, no network)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration-s", type=float, default=300.0, help="measured time after warm-up")
    parser.add_argument("--warmup-s", type=float, default=30.0)
    parser.add_argument("--page", default=default_page, help="url path of the page the sessions use")
    parser.add_argument("--data-dir", type=Path, help="MMIP_DATA_DIR for the server (default: embedded data)")
    parser.add_argument("--timeout-s", type=float, default=timeout_s, help=timeout_help)
    parser.add_argument("--out", type=Path, default=root / "docs" / "PERFORMANCE.md")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if not 0 < args.duration_s <= MAX_DURATION_S:
        parser.error(f"--duration-s must be between 1 and {MAX_DURATION_S}")
    if not 0 <= args.warmup_s <= MAX_DURATION_S:
        parser.error(f"--warmup-s must be between 0 and {MAX_DURATION_S}")
    os.environ.setdefault("MMIP_BOUNDARIES_DIR", str(root.parent / "shared" / "data" / "boundaries"))
    os.environ.setdefault("MMIP_OFFLINE", "1")
    return args
