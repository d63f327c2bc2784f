"""The facilities table and the shared filters, including their URL round trip."""

from __future__ import annotations

import pandas as pd

from lib.analysis import landscape
from lib.analysis.landscape import Filters, filters_from_query, filters_to_query


def _tiny():
    sites = pd.DataFrame(
        {
            "site_id": ["S0001", "S0002", "S0003"],
            "company": ["Alpha", "Beta", "Gamma"],
            "site_name": ["North", "South", "West"],
            "town": ["Darlington", "Slough", "Cardiff"],
            "latitude": [54.5, 51.5, 51.48],
            "longitude": [-1.55, -0.6, -3.18],
            "location_precision": "town",
            "itl1_code": ["TLC", "TLJ", "TLL"],
            "capabilities": [["biologics"], ["small_molecule", "api"], ["biologics", "sterile_fill_finish"]],
            "status": ["operational", "operational", "closed"],
            "approx_employees": pd.array([100, None, 50], dtype="Int64"),
            "operator_type": "commercial",
            "source_url": "u",
            "as_of": "2024-01-01",
            "note": None,
        }
    )
    centres = pd.DataFrame(
        {
            "centre_id": ["C001"],
            "name": ["Hub"],
            "operator": ["CPI"],
            "town": ["Darlington"],
            "latitude": [54.52],
            "longitude": [-1.55],
            "location_precision": "town",
            "itl1_code": ["TLC"],
            "capabilities": [["rna"]],
            "status": ["operational"],
            "centre_type": "CPI",
            "source_url": "u",
            "as_of": "2024-01-01",
            "note": None,
        }
    )
    frame = landscape.facilities(sites, centres)
    return frame, landscape.facility_capabilities(frame)


def test_facilities_combines_sites_and_centres():
    frame, long = _tiny()
    assert frame["facility_id"].tolist() == ["S0001", "S0002", "S0003", "C001"]
    assert frame["kind"].tolist() == ["site", "site", "site", "centre"]
    assert frame.loc[0, "name"] == "Alpha – North"
    assert frame.loc[3, "region"] == "North East"
    assert len(long) == 6


def test_capability_filter_matches_any_selected():
    frame, long = _tiny()
    got = landscape.apply_filters(frame, long, Filters(capabilities=("biologics", "rna")))
    assert got["facility_id"].tolist() == ["S0001", "S0003", "C001"]


def test_filters_combine():
    frame, long = _tiny()
    got = landscape.apply_filters(
        frame, long, Filters(capabilities=("biologics",), regions=("TLC",), kinds=("site",), statuses=("operational",))
    )
    assert got["facility_id"].tolist() == ["S0001"]
    assert landscape.apply_filters(frame, long, Filters(search="slough"))["facility_id"].tolist() == ["S0002"]


def test_query_round_trip():
    filters = Filters(
        capabilities=("biologics", "rna"),
        regions=("TLC", "TLM"),
        kinds=("centre",),
        statuses=("operational",),
        search="cell",
    )
    query = filters_to_query(filters)
    assert query == {
        "cap": "biologics,rna",
        "region": "TLC,TLM",
        "type": "centre",
        "status": "operational",
        "q": "cell",
    }
    parsed = filters_from_query(query, ["biologics", "rna"])
    assert parsed.filters == filters and parsed.notices == []


def test_unknown_query_values_are_dropped_with_a_notice():
    parsed = filters_from_query({"cap": "biologics,unobtainium", "region": "TLZ", "type": "castle"}, ["biologics"])
    assert parsed.filters == Filters(capabilities=("biologics",))
    assert len(parsed.notices) == 3
    assert "unobtainium" in parsed.notices[0]


def test_empty_filters_give_empty_query():
    assert filters_to_query(Filters()) == {}
