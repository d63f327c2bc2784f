"""The benchmark's pure helpers (bench/report.py): medians, the issue's targets, the load verdict.

The benchmark itself runs on demand (python -m bench.run); these checks are fast and need no browser.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bench import report


def rec(size, app, page, metric, repeat, value, error=None):
    return {"size": size, "app": app, "page": page, "metric": metric, "repeat": repeat, "value": value, "error": error}


def test_summary_takes_the_median_and_counts_failures():
    records = [rec(1000, "app", "map", "drawn_s", r, v) for r, v in enumerate([3.0, 1.0, 2.0], 1)]
    records.append(rec(1000, "app", "map", "drawn_s", 4, math.nan, "TimeoutError: 60000ms"))
    row = report.summarise(records).iloc[0]
    assert row["median"] == 2.0 and row["n"] == 3 and row["failed"] == 1


def _summary_for_targets():
    records = [
        rec("embedded", "floor", "floor", "drawn_s", 1, 1.5),  # the bare floor: a reference, no target
        rec("embedded", "floor+chrome", "floor", "drawn_s", 1, 2.0),
        rec("embedded", "app", "map", "drawn_s", 1, 2.2),  # 1.1 x floor with chrome: pass
        rec("embedded", "app", "gaps", "drawn_s", 1, 3.0),  # 1.5 x floor with chrome: fail
        rec(100_000, "app", "map", "drawn_s", 1, 3.0),
        rec(100_000, "baseline", "map", "drawn_s", 1, 10.0),  # 0.3: pass (limit 0.6)
        rec(100_000, "app", "map", "rerun_s", 1, 1.0),
        rec(100_000, "baseline", "map", "rerun_s", 1, 2.0),  # 0.5: fail (limit 0.35)
        rec(100_000, "app", "map", "rss1_mib", 1, 300.0),
        rec(100_000, "app", "map", "rss5_mib", 1, 316.0),  # 4 MiB per extra session: pass
        rec(100_000, "baseline", "map", "rss5_mib", 1, 800.0),  # 0.395: pass
        rec(1_000_000, "app", "map", "drawn_s", 1, 6.0),  # 2.0 x its 100k time: fail
    ]
    targets = report.evaluate_targets(report.summarise(records), ["map", "gaps"])
    return targets.set_index("target")


def test_targets_are_ratios_against_the_issue_limits():
    targets = _summary_for_targets()
    assert targets.loc["map page, embedded data: drawn vs floor with chrome", "measured"] == pytest.approx(1.1)
    assert targets.loc["map page, embedded data: drawn vs floor with chrome", "verdict"] == "pass"
    assert targets.loc["gaps page, embedded data: drawn vs floor with chrome", "verdict"] == "FAIL"
    assert targets.loc["map page, 100,000 sites: drawn vs baseline", "measured"] == pytest.approx(0.3)
    assert targets.loc["map page, 100,000 sites: rerun after a filter vs baseline", "verdict"] == "FAIL"
    assert targets.loc["map page, 1,000,000 vs 100,000 sites: drawn", "measured"] == pytest.approx(2.0)
    assert targets.loc["map page, 1,000,000 vs 100,000 sites: drawn", "verdict"] == "FAIL"
    assert targets.loc["server RSS per extra session, 100,000 sites", "measured"] == pytest.approx(4.0)
    assert targets.loc["server RSS, 5 sessions, 100,000 sites: vs baseline", "measured"] == pytest.approx(0.395)


def test_a_target_that_was_not_measured_says_so_instead_of_passing():
    targets = _summary_for_targets()
    verdict = targets.loc["map page, 100,000 sites: redraw after a selection vs baseline", "verdict"]
    assert verdict == "not measured"
    assert targets.loc["gaps page, 1,000,000 vs 100,000 sites: drawn", "verdict"] == "not measured"
    rss_at_1m = targets.loc[targets.index.str.startswith("server RSS, 1 session, 1,000,000 sites")]
    assert list(rss_at_1m["verdict"]) == ["not measured"]


def test_memory_at_a_million_sites_is_held_on_the_page_that_uses_most():
    records = [
        rec(1_000_000, "app", "map", "rss1_mib", 1, 600.0),
        rec(1_000_000, "app", "gaps", "rss1_mib", 1, 720.0),
        rec(1_000_000, "app", "gaps", "rss1_mib", 2, 710.0),
        rec(1_000_000, "app", "gaps", "rss1_mib", 3, 690.0),  # median 710
    ]
    targets = report.evaluate_targets(report.summarise(records), ["map", "gaps", "region"]).set_index("target")
    row = targets.loc[targets.index.str.startswith("server RSS, 1 session, 1,000,000 sites")].iloc[0]
    assert row["measured"] == 710.0 and row["verdict"] == "FAIL"
    assert "gaps page" in row.name and "2 of 3 pages" in row.name  # the region page was not measured: said


def test_results_table_shows_failures_and_formats_sizes():
    records = [rec(10_000, "app", "map", "drawn_s", 1, 1.234), rec(10_000, "app", "map", "rerun_s", 1, math.nan, "x")]
    table = report.results_table(report.summarise(records))
    assert table.loc[0, "size"] == "10,000"
    assert table.loc[0, "drawn (s)"] == "1.23"
    assert table.loc[0, "rerun after filter (s)"] == "– (1 failed)"
    markdown = report.markdown_table(table)
    assert markdown.splitlines()[0].startswith("| size | app | page |")


def _load_result(**changes):
    result = {
        "sessions": 20,
        "opened": 20,
        "duration_s": 60.0,
        "rerun_s": [1.0, 2.0, 3.0, 4.0, 5.0],
        "errors": [],
        "rss_warm_mib": 400.0,
        "rss_end_mib": 420.0,
        "rss_max_mib": 430.0,
    }
    return {**result, **changes}


def test_load_summary_percentiles_and_pass():
    summary = report.load_summary(_load_result())
    assert summary["p50_s"] == 3.0 and summary["p95_s"] == pytest.approx(4.8)
    assert summary["rss_growth"] == pytest.approx(1.05) and summary["verdict"] == "pass"


@pytest.mark.parametrize(
    "changes",
    [
        {"errors": ["TimeoutError: rerun"]},
        {"rss_end_mib": 445.0},  # 11% growth
        {"opened": 19},  # a session never opened
        {"rerun_s": []},  # nothing measured is not a pass
    ],
)
def test_load_summary_fails_on_errors_growth_or_missing_sessions(changes):
    assert report.load_summary(_load_result(**changes))["verdict"] == "FAIL"


def test_a_benchmark_rewrite_keeps_the_load_section(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    report.replace_section(path, report.LOAD_MARKER, report.LOAD_MARKER + "\nload v1\n")
    path.write_text("# Performance v1\n\n" + report.kept_section(path, report.LOAD_MARKER))
    report.replace_section(path, report.LOAD_MARKER, report.LOAD_MARKER + "\nload v2\n")
    text = path.read_text()
    assert text.startswith("# Performance v1") and "load v2" in text and "load v1" not in text


def test_three_runs_each_rewrite_only_their_own_section(tmp_path):
    """bench.run writes the top, bench.session_cpu the middle, bench.load the end: none loses the others."""
    path = tmp_path / "PERFORMANCE.md"
    session, load = report.SESSION_CPU_MARKER, report.LOAD_MARKER

    def bench_run(version):
        kept = report.kept_section(path, session, load)
        path.write_text(f"# Performance {version}\n" + ("\n" + kept if kept else ""))

    bench_run("v1")
    report.replace_section(path, load, load + "\nload v1\n")
    report.replace_middle_section(path, session, session + "\ncpu v1\n", load)
    bench_run("v2")
    report.replace_middle_section(path, session, session + "\ncpu v2\n", load)
    report.replace_section(path, load, load + "\nload v2\n")
    text = path.read_text()
    assert text.startswith("# Performance v2")
    assert text.index("# Performance v2") < text.index("cpu v2") < text.index("load v2")
    assert "v1" not in text


def test_percentile_of_nothing_is_not_a_number():
    assert math.isnan(report.percentile([], 50))
    assert report.percentile(pd.Series([2.0]).tolist(), 95) == 2.0


def test_soak_command_lines_are_bounded_in_sessions_and_time(tmp_path):
    from bench import report

    args = report.soak_arguments(
        "soak",
        default_page="map",
        timeout_s=60.0,
        timeout_help="per rerun",
        root=tmp_path,
        argv=["--sessions", "3", "--duration-s", "10"],
    )
    assert (args.sessions, args.duration_s, args.page) == (3, 10.0, "map")
    assert args.out == tmp_path / "docs" / "PERFORMANCE.md"
    for too_much in (["--sessions", "51"], ["--duration-s", "1801"], ["--sessions", "0"]):
        with pytest.raises(SystemExit):
            report.soak_arguments("soak", "map", 60.0, "per rerun", tmp_path, argv=too_much)


def test_chrome_breakdown_splits_a_page_into_chrome_and_content():
    records = [
        rec("embedded", "floor", "floor", "drawn_s", 1, 2.0),
        rec("embedded", report.FLOOR_CHROME, "floor", "drawn_s", 1, 2.4),
        rec("embedded", "app", "gaps", "drawn_s", 1, 3.0),
    ]
    table = report.chrome_breakdown(report.summarise(records), ["gaps", "map"]).set_index("what")
    assert table.loc["the floor's chart with the dashboard's chrome", "vs floor"] == "1.20"
    assert table.loc["gaps page", "vs floor"] == "1.50"
    assert table.loc["gaps page", "vs floor with chrome"] == "1.25"
    assert table.loc["gaps page", "over floor with chrome (s)"] == "0.60"
    assert table.loc["map page", "drawn (s)"] == "–"  # not measured: no number is made up


def test_bench_data_gives_the_baseline_the_dashboards_sites_as_csv(tmp_path):
    """The plain baseline reads the same sites as the dashboard, lists joined as a user's CSV has them."""
    from bench import datasets
    from lib.data.loading import load_dataset

    folder = datasets.prepare(300, tmp_path)
    dashboard_sites = load_dataset("sites", folder)
    baseline_sites = pd.read_csv(folder / "sites.csv")
    assert len(baseline_sites) == len(dashboard_sites) == 300
    assert list(baseline_sites["site_id"]) == list(dashboard_sites["site_id"])
    joined = dashboard_sites["capabilities"].str.join(";")
    assert list(baseline_sites["capabilities"].fillna("")) == list(joined)
    assert set(pd.read_csv(folder / "regions.csv")["itl1_code"]) >= set(baseline_sites["itl1_code"])


def _app_page_keys():
    import streamlit as st

    from lib.ui import shell

    st.text(" ".join(shell.page_key(page) for page in shell.navigation_pages()))


def test_the_benchmark_measures_every_page_of_the_app():
    """A page missing from the bench's list is a page no target holds (the Region profile was)."""
    from streamlit.testing.v1 import AppTest

    from bench.run import DEFAULT_PAGES

    # st.Page keeps its url_path only inside a running script.
    at = AppTest.from_function(_app_page_keys).run()
    assert at.text[0].value.split() == DEFAULT_PAGES
