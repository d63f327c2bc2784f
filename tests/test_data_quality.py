"""The embedded data meets its targets and honesty rules. Each test names the offending ids."""

from __future__ import annotations

import pytest

from lib.analysis import centres, key_figures
from lib.data.schemas import ITL1_CODES, UK_LAT, UK_LON, YEAR_RANGE
from lib.geo import boundaries

ID_COLUMNS = {
    "sites": "site_id",
    "centres": "centre_id",
    "investments": "investment_id",
    "capabilities": "capability_id",
    "regions": "itl1_code",
    "mmip_proposals": "proposal_id",
}


@pytest.mark.parametrize("name", ID_COLUMNS)
def test_ids_unique(embedded, name):
    ids = embedded[name][ID_COLUMNS[name]]
    assert ids.is_unique, ids[ids.duplicated()].tolist()


@pytest.mark.parametrize("name", ID_COLUMNS)
def test_every_row_has_source_and_as_of(embedded, name):
    frame = embedded[name]
    # A row is dated by its source (as_of) or, where the source is undated, by its verification.
    undated = frame["as_of"].isna() & (frame["verified_on"].isna() if "verified_on" in frame else True)
    missing = frame.loc[frame["source_url"].isna() | undated, ID_COLUMNS[name]]
    assert missing.empty, missing.tolist()
    # At the source's precision: a year stays a year, never "1 January".
    assert frame["as_of"].dropna().str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()


@pytest.mark.parametrize("name", ["sites", "centres", "investments", "mmip_proposals"])
def test_every_capability_is_in_the_taxonomy(embedded, name):
    known = set(embedded["capabilities"]["capability_id"])
    frame = embedded[name]
    unknown = frame.loc[frame["capabilities"].map(lambda v: not set(v) <= known), ID_COLUMNS[name]]
    assert unknown.empty, unknown.tolist()


def test_site_targets(embedded):
    sites = embedded["sites"]
    assert len(sites) >= 150
    per_region = sites["itl1_code"].value_counts().reindex(list(ITL1_CODES), fill_value=0)
    assert (per_region >= 5).all(), per_region[per_region < 5].to_dict()


def test_investment_target(embedded):
    assert len(embedded["investments"]) >= 80


@pytest.mark.parametrize("name", ["sites", "centres"])
def test_coordinates_inside_the_uk(embedded, name):
    frame = embedded[name].dropna(subset=["latitude"])
    outside = frame.loc[~frame["latitude"].between(*UK_LAT) | ~frame["longitude"].between(*UK_LON), ID_COLUMNS[name]]
    assert outside.empty, outside.tolist()


@pytest.mark.parametrize("name", ["sites", "centres"])
def test_points_fall_in_their_stated_region(embedded, itl1, name):
    frame = embedded[name].dropna(subset=["latitude", "itl1_code"])
    found = boundaries.region_of_points(frame, itl1)
    wrong = frame.loc[found != frame["itl1_code"], ID_COLUMNS[name]]
    detail = dict(zip(wrong, found[wrong.index].fillna("outside every region")))
    assert wrong.empty, f"point not in stated ITL1 region: {detail}"


def test_amounts_non_negative_and_years_plausible(embedded):
    inv = embedded["investments"]
    negative = inv.loc[(inv["public_gbp"] < 0) | (inv["private_gbp"] < 0), "investment_id"]
    assert negative.empty, negative.tolist()
    years = inv["year"].dropna()
    assert years.between(*YEAR_RANGE).all()
    opened = embedded["centres"]["opened_year"].dropna()
    assert opened.between(1800, YEAR_RANGE[1]).all()


def test_programme_totals_are_excluded_from_regional_sums(embedded):
    inv = embedded["investments"]
    assert (inv["record_type"] == "programme_total").any(), "the data should keep headline programme totals"
    by_region = key_figures.investment_by_region(inv, embedded["regions"])
    awards = inv.loc[inv["record_type"] == "award"]
    counted = awards.loc[~awards["part_of"].isin(awards["investment_id"]) & (awards["instrument"] == "grant")]
    expected = counted.loc[counted["itl1_code"] != "UK", "public_gbp"].sum()
    assert by_region["public_gbp"].sum() == pytest.approx(expected)
    totals = inv.loc[inv["record_type"] == "programme_total", "public_gbp"].sum()
    assert totals > 0
    assert by_region["public_gbp"].sum() < expected + totals


def test_regions_complete(embedded):
    regions = embedded["regions"]
    assert sorted(regions["itl1_code"]) == sorted(ITL1_CODES)
    assert regions["population"].sum() > 60_000_000


def test_every_mmip_proposal_is_tracked(embedded):
    tracker = centres.mmip_tracker(embedded["mmip_proposals"], embedded["centres"])
    assert set(tracker["proposal_id"]) == {"P1", "P2", "P3", "P4"}
    unanswered = tracker.loc[~tracker["answered"], "name"]
    assert (unanswered == "No centre answers this proposal yet").all()


def test_empty_numbers_are_explained(embedded):
    sites = embedded["sites"]
    unexplained = sites.loc[sites["approx_employees"].isna() & sites["note"].isna(), "site_id"]
    assert unexplained.empty, unexplained.tolist()
    inv = embedded["investments"]
    unexplained = inv.loc[inv["public_gbp"].isna() & inv["note"].isna(), "investment_id"]
    assert unexplained.empty, unexplained.tolist()
