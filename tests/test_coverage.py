"""Coverage against official statistics: the rule that marks a region's gaps low-confidence."""

import pandas as pd

from lib.analysis import coverage, landscape


def _facilities(rows):
    frame = pd.DataFrame(rows, columns=["facility_id", "kind", "itl1_code", "status", "employees"])
    frame["employees"] = frame["employees"].astype("Int64")
    return frame


def _stats(jobs: dict[str, list[int]], gva: dict[str, int]):
    bres = pd.DataFrame(
        [{"itl1_code": c, "year": 2022 + i, "jobs": j} for c, js in jobs.items() for i, j in enumerate(js)]
    )
    gva_frame = pd.DataFrame([{"itl1_code": c, "year": 2021, "gva_gbp_million": v} for c, v in gva.items()])
    return bres, gva_frame


def test_share_uses_the_latest_bres_year_and_only_operational_sites():
    rows = [(f"S{i}", landscape.SITE, "TLC", "operational", 100) for i in range(12)]
    rows += [("S99", landscape.SITE, "TLC", "closed", 5000), ("C1", landscape.CENTRE, "TLC", "operational", None)]
    bres, gva = _stats({"TLC": [9000, 2000]}, {"TLC": 500, "TLD": 1500})
    table = coverage.coverage_table(_facilities(rows), bres, gva).set_index("itl1_code")
    assert table.loc["TLC", "operational_sites"] == 12
    assert table.loc["TLC", "stated_headcount"] == 1200
    assert table.loc["TLC", "bres_jobs"] == 2000 and table.loc["TLC", "bres_year"] == 2023
    assert table.loc["TLC", "headcount_share_of_jobs"] == 0.6
    assert table.loc["TLC", "coverage"] == coverage.COVERED
    assert table.loc["TLC", "gva_share_of_uk"] == 0.25


def test_few_sites_little_headcount_or_no_bres_is_low():
    rows = [(f"A{i}", landscape.SITE, "TLD", "operational", 10) for i in range(12)]
    rows += [(f"N{i}", landscape.SITE, "TLN", "operational", 300) for i in range(12)]
    bres, gva = _stats({"TLD": [5000, 5000]}, {"TLD": 100, "TLN": 100})
    table = coverage.coverage_table(_facilities(rows), bres, gva)
    low = set(coverage.low_coverage_regions(table))
    assert {"TLD", "TLN", "TLE"} <= low  # 120 of 5,000 jobs; no BRES; nothing listed
    assert list(coverage.readable(table).columns)[0] == "region"
