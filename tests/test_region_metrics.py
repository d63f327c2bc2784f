"""Per-region figures for the map's region layer: they must equal the analysis module's numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis import key_figures, landscape, region_metrics
from lib.data.schemas import ITL1_CODES
from tests.data_rules import counted_grants


def test_every_region_once_in_code_order(metrics):
    assert list(metrics["itl1_code"]) == list(ITL1_CODES)


def test_investment_equals_the_analysis_module(metrics, embedded):
    expected = key_figures.investment_by_region(embedded["investments"], embedded["regions"]).set_index("itl1_code")
    got = metrics.set_index("itl1_code")
    pd.testing.assert_series_equal(got["public_gbp"], expected.loc[got.index, "public_gbp"], check_names=False)
    pd.testing.assert_series_equal(got["gbp_per_head"], expected.loc[got.index, "gbp_per_head"], check_names=False)
    assert (got["public_gbp_m"] * 1e6).round(2).equals(got["public_gbp"].round(2))


def test_programme_totals_and_uk_wide_awards_are_not_in_any_region(metrics, embedded):
    inv = embedded["investments"]
    counted = counted_grants(inv)
    regional_awards = counted.loc[counted["itl1_code"] != "UK", "public_gbp"]
    assert metrics["public_gbp"].sum() == pytest.approx(regional_awards.sum())
    assert metrics["public_gbp"].sum() < inv["public_gbp"].sum()


def test_counts_per_region_add_up_to_the_located_facilities(metrics, facility_frame):
    assert metrics["facilities"].sum() == facility_frame["itl1_code"].notna().sum()
    scotland = metrics.set_index("itl1_code").loc["TLM"]
    assert scotland["facilities"] == (facility_frame["itl1_code"] == "TLM").sum()
    assert scotland["facilities_per_million"] == pytest.approx(
        scotland["facilities"] / scotland["population"] * 1_000_000
    )


def test_hand_computed_example():
    regions = pd.DataFrame(
        {
            "itl1_code": ["TLC", "TLM"],
            "name": ["North East", "Scotland"],
            "population": pd.array([2_000_000, 5_000_000], dtype="Int64"),
        }
    )
    facilities = pd.DataFrame({"itl1_code": ["TLM", "TLM", "TLC", None]})
    investments = pd.DataFrame(
        {
            "investment_id": ["I1", "I2", "I3", "I4", "I5"],
            "record_type": ["award", "award", "programme_total", "award", "award"],
            "itl1_code": ["TLM", "TLM", "TLM", "UK", "TLC"],
            "public_gbp": [1_000_000.0, None, 50_000_000.0, 9_000_000.0, 3_000_000.0],
            "instrument": "grant",
            "part_of": None,
        }
    )
    out = region_metrics.region_metrics(facilities, investments, regions).set_index("itl1_code")
    assert out.loc["TLM", "facilities"] == 2 and out.loc["TLC", "facilities"] == 1
    assert out.loc["TLM", "facilities_per_million"] == pytest.approx(0.4)
    assert out.loc["TLM", "public_gbp"] == 1_000_000  # not the programme total, not the unstated award
    assert out.loc["TLM", "awards"] == 2 and out.loc["TLM", "awards_with_amount"] == 1
    assert out.loc["TLC", "gbp_per_head"] == pytest.approx(1.5)
    assert region_metrics.formatted(out.reset_index(), "investment").tolist() == ["£3.0m", "£1.0m"]
    assert region_metrics.metric_finding(out.reset_index(), "per_head") == (
        "North East is highest on public investment per head (£1.50 per person); Scotland is lowest (£0.20 per person)."
    )


def test_finding_when_nothing_matches(embedded):
    empty = landscape.facilities(embedded["sites"].iloc[:0], embedded["centres"].iloc[:0])
    out = region_metrics.region_metrics(empty, embedded["investments"], embedded["regions"])
    assert out["facilities"].sum() == 0
    assert (
        region_metrics.metric_finding(out, "facilities")
        == "No region has any sites and centres for the current filters."
    )
