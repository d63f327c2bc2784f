"""Capability gaps (lib.analysis.gaps): every metric on a hand-made landscape with known answers.

The landscape: three regions (populations 1m, 8m, 1m), three capabilities, facilities on the
equator so that distances are whole degrees (1 degree = 111.195 km on the mean Earth radius):

| facility | kind   | region | status      | lon | capabilities |
| -------- | ------ | ------ | ----------- | --- | ------------ |
| F1       | site   | TLC    | operational | 0   | a, b         |
| F2       | site   | TLC    | operational | 0   | a            |
| F3       | centre | TLC    | operational | 0   | a            |
| F4       | site   | TLD    | operational | 1   | a            |
| F5       | site   | TLE    | closed      | 4   | b            |
| F6       | centre | TLE    | operational | 3   | b (listed twice) |

Reach points: TLC at lon 0 and 0.5, TLD at lon 1, TLE at lon 4. Nobody holds c.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.analysis import gaps

KM_PER_DEGREE = 111.19508  # 6371.0088 km x pi / 180


def long_table() -> pd.DataFrame:
    rows = [
        ("F1", "site", "TLC", "operational", 0.0, "a"),
        ("F1", "site", "TLC", "operational", 0.0, "b"),
        ("F2", "site", "TLC", "operational", 0.0, "a"),
        ("F3", "centre", "TLC", "operational", 0.0, "a"),
        ("F4", "site", "TLD", "operational", 1.0, "a"),
        ("F5", "site", "TLE", "closed", 4.0, "b"),
        ("F6", "centre", "TLE", "operational", 3.0, "b"),
        ("F6", "centre", "TLE", "operational", 3.0, "b"),
    ]
    frame = pd.DataFrame(rows, columns=["facility_id", "kind", "itl1_code", "status", "longitude", "capability_id"])
    frame.insert(4, "latitude", 0.0)
    return frame


def capabilities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "capability_id": ["c", "b", "a"],
            "name": ["Cap C", "Cap B", "Cap A"],
            "group": ["Enabling", "Process stage", "Modality"],
            "mmip_named_gap": ["no", "no", "yes"],
        }
    )


def regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "itl1_code": ["TLC", "TLD", "TLE"],
            "name": ["North East", "North West", "Yorkshire and The Humber"],
            "population": pd.array([1_000_000, 8_000_000, 1_000_000], dtype="Int64"),
        }
    )


def lad_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lad_code": ["L1", "L2", "L3", "L4"],
            "itl1_code": ["TLC", "TLC", "TLD", "TLE"],
            "latitude": [0.0, 0.0, 0.0, 0.0],
            "longitude": [0.0, 0.5, 1.0, 4.0],
        }
    )


PARAMS = gaps.GapParams(national_min_regions=2)  # a and b are in 2 regions: regional; c in none: national
REACH_SHORTFALL_1_DEGREE = (KM_PER_DEGREE - 30) / (150 - 30)  # 0.676626


def table(**kwargs) -> pd.DataFrame:
    options = {"lad_centroids": lad_points(), "params": PARAMS, **kwargs}
    return gaps.gap_table(long_table(), capabilities(), regions(), **options)


def cell(frame: pd.DataFrame, region: str, capability: str) -> pd.Series:
    rows = frame.loc[(frame["itl1_code"] == region) & (frame["capability_id"] == capability)]
    assert len(rows) == 1
    return rows.iloc[0]


# ---------------------------------------------------------------- distance


def test_haversine_known_distances():
    assert gaps.haversine_km(0, 0, 0, 1) == pytest.approx(KM_PER_DEGREE, abs=1e-3)
    assert gaps.haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * 6371.0088, abs=1e-6)
    # London (Charing Cross) to Edinburgh (Waverley): about 534 km as the crow flies
    assert gaps.haversine_km(51.5073, -0.1276, 55.9520, -3.1880) == pytest.approx(534, abs=2)


def test_haversine_broadcasts_points_against_facilities():
    out = gaps.haversine_km(np.zeros((2, 1)), np.array([[0.0], [1.0]]), np.zeros((1, 3)), np.array([[0.0, 1.0, 2.0]]))
    assert out.shape == (2, 3)
    assert out / KM_PER_DEGREE == pytest.approx(np.array([[0, 1, 2], [1, 0, 1]]), abs=1e-6)


# ---------------------------------------------------------------- the table


def test_one_row_per_region_and_capability_with_the_promised_columns():
    out = table()
    assert len(out) == 3 * 3
    for column in [
        "itl1_code",
        "region",
        "capability_id",
        "capability",
        "count",
        "per_million",
        "location_quotient",
        "median_km",
        "worst_km",
        "gap_score",
        "gap_level",
        "national",
    ]:
        assert column in out.columns
    assert cell(out, "TLD", "a")["region"] == "North West"
    assert cell(out, "TLD", "a")["capability"] == "Cap A"


def test_counts_operational_facilities_once_each():
    out = table()
    expected = {
        ("TLC", "a"): 3,
        ("TLD", "a"): 1,
        ("TLE", "a"): 0,
        ("TLC", "b"): 1,
        ("TLD", "b"): 0,
        ("TLE", "b"): 1,  # F5 is closed; F6 listed twice
        ("TLC", "c"): 0,
    }
    for (region, capability), count in expected.items():
        assert cell(out, region, capability)["count"] == count


def test_per_million_and_uk_rate():
    out = table()
    assert cell(out, "TLC", "a")["per_million"] == pytest.approx(3.0)
    assert cell(out, "TLD", "a")["per_million"] == pytest.approx(0.125)
    assert cell(out, "TLD", "a")["uk_per_million"] == pytest.approx(0.4)  # 4 facilities / 10m people


def test_location_quotient_against_the_uk():
    out = table()
    # TLC: 3 facilities, all with a; UK: 4 of 5 facilities have a -> 1 / 0.8
    assert cell(out, "TLC", "a")["location_quotient"] == pytest.approx(1.25)
    # TLC: 1 of 3 with b; UK: 2 of 5 -> (1/3) / 0.4
    assert cell(out, "TLC", "b")["location_quotient"] == pytest.approx(5 / 6)
    assert cell(out, "TLE", "b")["location_quotient"] == pytest.approx(2.5)
    assert cell(out, "TLE", "a")["location_quotient"] == 0


def test_reach_median_and_worst_from_local_authorities():
    out = table()
    tlc = cell(out, "TLC", "a")  # points at lon 0 and 0.5, facility at lon 0
    assert tlc["median_km"] == pytest.approx(0.25 * KM_PER_DEGREE, abs=1e-3)
    assert tlc["worst_km"] == pytest.approx(0.5 * KM_PER_DEGREE, abs=1e-3)
    # TLE's point (lon 4): nearest a is F4 at lon 1, in another region
    assert cell(out, "TLE", "a")["median_km"] == pytest.approx(3 * KM_PER_DEGREE, abs=1e-3)
    # the closed F5 at lon 4 does not count: nearest b is F6 at lon 3
    assert cell(out, "TLE", "b")["median_km"] == pytest.approx(KM_PER_DEGREE, abs=1e-3)
    assert np.isnan(cell(out, "TLC", "c")["median_km"])  # nobody holds c


@pytest.mark.parametrize("spread", ["uk", "world", "ties"])
def test_nearest_facility_is_the_true_nearest_on_the_sphere(spread):
    """The R-tree search gives exactly what checking every facility gives: a wrong bound would
    report a farther facility and overstate how far a region is from a capability."""
    rng = np.random.default_rng(7)
    if spread == "world":
        lat, lon = rng.uniform(-89, 89, 460), rng.uniform(-180, 180, 460)
    else:
        lat, lon = rng.uniform(49.9, 60.8, 460), rng.uniform(-8.6, 1.7, 460)
    if spread == "ties":  # many facilities on one spot (town-centroid locations)
        lat[:200], lon[:200] = lat[0], lon[0]
    vectors = gaps._unit_vectors(lat, lon)
    holders, origins = vectors[:400], vectors[400:]
    every_pair = np.linalg.norm(origins[:, None, :] - holders[None, :, :], axis=2)
    assert np.array_equal(gaps.nearest_chords(origins, holders), every_pair.min(axis=1))


def test_gap_scores_by_hand():
    out = table()
    expected = {
        ("TLC", "a"): 0.0,
        ("TLD", "a"): 0.3 * (1 - 0.125 / 0.4),  # thin: density only
        ("TLD", "b"): 0.4 + 0.3 + 0.3 * REACH_SHORTFALL_1_DEGREE,  # absent, 111 km away
        ("TLE", "a"): 1.0,  # absent, 334 km away
        ("TLE", "b"): 0.3 * REACH_SHORTFALL_1_DEGREE,  # present, but 111 km away
        ("TLC", "c"): 1.0,  # nobody holds it
    }
    for (region, capability), score in expected.items():
        assert cell(out, region, capability)["gap_score"] == pytest.approx(score, abs=1e-4), (region, capability)
    assert out["gap_score"].between(0, 1).all()


def test_levels_and_national_gaps():
    out = table()
    assert cell(out, "TLE", "a")["gap_level"] == gaps.ABSENT
    assert cell(out, "TLD", "a")["gap_level"] == gaps.THIN  # 0.125 per million < half of 0.4
    assert cell(out, "TLC", "a")["gap_level"] == gaps.COVERED
    assert out.loc[out["capability_id"] == "c", "national"].all()
    assert not out.loc[out["capability_id"] != "c", "national"].any()
    national = gaps.national_gaps(out)
    assert national["capability_id"].iloc[0] == "c"
    assert national.set_index("capability_id").loc["a", "regions_without"] == "Yorkshire and The Humber"


def test_without_boundaries_reach_is_unavailable_and_the_score_uses_absence_and_density():
    out = table(lad_centroids=None)
    assert gaps.reach_basis(None, None) == gaps.REACH_UNAVAILABLE
    assert out["median_km"].isna().all() and out["reach_shortfall"].isna().all()
    assert cell(out, "TLD", "a")["gap_score"] == pytest.approx(0.3 * 0.6875 / 0.7)
    assert cell(out, "TLE", "a")["gap_score"] == pytest.approx(1.0)
    assert cell(out, "TLE", "b")["gap_score"] == pytest.approx(0.0)


def test_region_centroids_stand_in_for_missing_local_authorities():
    centres = pd.DataFrame({"itl1_code": ["TLC", "TLD", "TLE"], "latitude": 0.0, "longitude": [0.0, 1.0, 2.0]})
    only_tlc = lad_points().iloc[:2]
    assert gaps.reach_basis(None, centres) == gaps.REACH_FROM_REGIONS
    out = table(lad_centroids=only_tlc, region_centroids=centres)
    assert cell(out, "TLC", "a")["median_km"] == pytest.approx(0.25 * KM_PER_DEGREE, abs=1e-3)  # its LADs
    assert cell(out, "TLE", "a")["median_km"] == pytest.approx(KM_PER_DEGREE, abs=1e-3)  # centroid at lon 2


def test_kind_filter_changes_what_counts():
    out = table(kinds=("site",))
    assert cell(out, "TLC", "a")["count"] == 2  # F3 is a centre
    assert cell(out, "TLE", "b")["count"] == 0  # F6 is a centre
    assert cell(out, "TLE", "b")["gap_level"] == gaps.ABSENT


# ---------------------------------------------------------------- views


def test_region_gap_scores_mean_and_absences():
    out = gaps.region_gap_scores(table())
    assert list(out.columns) == ["itl1_code", "region", "mean_gap_score", "absent_count"]
    assert list(out["itl1_code"]) == ["TLE", "TLD", "TLC"]
    by_region = out.set_index("itl1_code")
    assert by_region.loc["TLE", "mean_gap_score"] == pytest.approx(
        (1 + 0.3 * REACH_SHORTFALL_1_DEGREE + 1) / 3, abs=1e-4
    )
    assert by_region.loc["TLC", "absent_count"] == 1  # only c
    assert by_region.loc["TLD", "absent_count"] == 2  # b and c


def test_top_gaps_ranks_regional_gaps_and_leaves_national_ones_out():
    top = gaps.top_gaps(table(), 2)
    assert list(zip(top["rank"], top["itl1_code"], top["capability_id"])) == [(1, "TLE", "a"), (2, "TLD", "b")]
    with_national = gaps.top_gaps(table(), 9, include_national=True)
    assert "c" in set(with_national["capability_id"])


def test_score_matrix_orders_regions_by_gap_and_capabilities_by_group():
    matrix = gaps.score_matrix(table())
    assert list(matrix.index) == ["Yorkshire and The Humber", "North West", "North East"]
    assert list(matrix.columns) == ["Cap A", "Cap B", "Cap C"]  # Modality, Process stage, Enabling
    assert matrix.loc["Yorkshire and The Humber", "Cap A"] == pytest.approx(1.0)


def test_restrict_and_compare():
    out = table()
    assert set(gaps.restrict(out, capabilities=("a",))["capability_id"]) == {"a"}
    assert set(gaps.restrict(out, regions=("TLD",))["itl1_code"]) == {"TLD"}
    assert set(gaps.restrict(out, mmip_only=True)["capability_id"]) == {"a"}
    compared = gaps.compare_regions(out, "TLD", "TLE").set_index("capability_id")
    assert list(compared.index) == ["a", "b", "c"]
    assert compared.loc["a", "difference"] == pytest.approx(0.20625 - 1.0)
    assert compared.loc["b", "count_b"] == 1


def test_mmip_named_summary_states_what_the_data_shows():
    summary = gaps.mmip_named_summary(table())
    assert list(summary["capability_id"]) == ["a"]
    finding = summary["finding"].iloc[0]
    assert "4 operational facilities in 2 of 3 regions" in finding
    assert "none in Yorkshire and The Humber" in finding
    assert "Largest gap: Yorkshire and The Humber (score 1.00)" in finding


# ---------------------------------------------------------------- what if


def test_what_if_fills_an_absence_and_reports_the_delta():
    before = table()
    proposal = gaps.Proposal("New centre", "TLE", ("a",), latitude=0.0, longitude=4.0)
    after = gaps.gap_table(
        gaps.add_proposal(long_table(), proposal), capabilities(), regions(), lad_points(), params=PARAMS
    )
    delta = gaps.what_if_delta(before, after).set_index(["itl1_code", "capability_id"])
    assert delta.loc[("TLE", "a"), "gap_score_before"] == pytest.approx(1.0)
    assert delta.loc[("TLE", "a"), "gap_score_after"] == pytest.approx(0.0)
    assert delta.loc[("TLE", "a"), "closes"]
    # the UK rate for a rises from 0.4 to 0.5 per million, so North West's density gap widens
    assert delta.loc[("TLD", "a"), "change"] == pytest.approx(0.3 * (1 - 0.125 / 0.5) - 0.3 * (1 - 0.125 / 0.4))
    assert len(delta) == 2
    narrowed = gaps.narrowed_gaps(gaps.what_if_delta(before, after))
    assert list(narrowed["itl1_code"]) == ["TLE"]
    assert "1 other region–capability scores rise slightly (by at most 0.02)" in gaps.widening_note(
        gaps.what_if_delta(before, after)
    )


def test_what_if_without_a_place_counts_but_does_not_change_reach():
    proposal = gaps.Proposal("Programme", "TLE", ("a",))
    after = gaps.gap_table(
        gaps.add_proposal(long_table(), proposal), capabilities(), regions(), lad_points(), params=PARAMS
    )
    assert cell(after, "TLE", "a")["count"] == 1
    assert cell(after, "TLE", "a")["median_km"] == pytest.approx(3 * KM_PER_DEGREE, abs=1e-3)
    assert cell(after, "TLE", "a")["gap_score"] == pytest.approx(0.3)  # reach still full


def test_a_proposal_counts_whatever_the_kind_filter():
    proposal = gaps.Proposal("New centre", "TLE", ("a",), 0.0, 4.0, kind="centre")
    after = gaps.gap_table(
        gaps.add_proposal(long_table(), proposal),
        capabilities(),
        regions(),
        lad_points(),
        params=PARAMS,
        kinds=("site",),
    )
    assert cell(after, "TLE", "a")["count"] == 1


def test_proposals_from_the_data_and_from_the_user():
    frame = pd.DataFrame(
        {
            "facility_id": ["C1", "C2", "C3", "S1"],
            "kind": ["centre", "centre", "centre", "site"],
            "name": ["Planned", "Built", "No caps", "Programme"],
            "town": ["Leeds", "Hull", "York", None],
            "itl1_code": ["TLE", "TLE", "TLE", "TLE"],
            "region": "Yorkshire and The Humber",
            "status": ["proposed", "operational", "under construction", "under construction"],
            "latitude": [53.8, 53.7, 53.9, np.nan],
            "longitude": [-1.5, -0.3, -1.1, np.nan],
            "capabilities": [["a", "b"], ["a"], [], ["b"]],
        }
    )
    proposed = gaps.proposed_facilities(frame)
    assert list(proposed["facility_id"]) == ["C1", "S1"]
    from_data = gaps.proposal_from_facility(proposed.set_index("facility_id").loc["S1"])
    assert from_data.latitude is None and from_data.capability_ids == ("b",) and from_data.kind == "site"
    towns = gaps.town_locations(frame, "TLE")
    assert list(towns["town"]) == ["Hull", "Leeds", "York"]
    mine = gaps.user_proposal("TLE", ["a"], "Leeds", towns)
    assert (mine.latitude, mine.longitude, mine.label) == (53.8, -1.5, "A new centre in Leeds")
    nowhere = gaps.user_proposal("TLE", ["a"], gaps.NO_TOWN, towns)
    assert nowhere.latitude is None and nowhere.label == "A new centre in Yorkshire and The Humber"


# ---------------------------------------------------------------- the method text


def test_method_text_states_every_constant(root):
    text = (root / "docs" / "gaps_method.md").read_text(encoding="utf-8")
    numbers = set(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", text.replace(",", "")))
    defaults = gaps.GapParams()
    for name, value in vars(defaults).items():
        assert f"{value:g}" in numbers, f"docs/gaps_method.md does not state {name} = {value:g}"
    assert str(gaps.EARTH_RADIUS_KM) in numbers
    weights = defaults.weight_absence + defaults.weight_density
    assert f"{weights:g}" in numbers  # the no-reach denominator


# ---------------------------------------------------------------- the page (AppTest)

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "gaps.py")


def run_page(state: dict | None = None):
    """The gaps page on its own (as st.navigation runs it), with shared-filter state preset."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture(scope="module")
def embedded_gaps(embedded):
    """The gap table the page should show: embedded data, reach from the shared ONS boundaries."""
    from lib.analysis import landscape
    from lib.geo import boundaries

    itl1, _ = boundaries.load_itl1_boundaries(allow_download=False)
    lad, _ = boundaries.load_lad_boundaries(allow_download=False)
    if itl1 is None or lad is None:
        pytest.skip("ONS boundaries not available")
    long = landscape.facility_capabilities(landscape.facilities(embedded["sites"], embedded["centres"]))
    long = landscape.restrict_long(long, landscape.Filters().scopes)  # the default scope, as the page
    return gaps.gap_table(
        long,
        embedded["capabilities"],
        embedded["regions"],
        boundaries.lad_centroids(lad, itl1),
        boundaries.region_centroids(itl1),
    )


def test_page_shows_every_mmip_named_gap_with_its_numbers(embedded_gaps):
    at = run_page()
    assert at.title[0].value == "Capability gaps"
    callout = " ".join(m.value for m in at.markdown)
    for finding in gaps.mmip_named_summary(embedded_gaps)["finding"]:
        assert finding in callout
    named = embedded_gaps.loc[embedded_gaps["mmip_named_gap"], "capability"].unique()
    assert len(named) == 4


def test_page_opens_on_one_view_and_only_that_view_runs():
    at = run_page()
    assert len(at.get("plotly_chart")) == 1  # the heatmap; the other tabs' charts are not built
    assert len(at.dataframe) == 0  # "Show data" stays unbuilt until it is opened
    at = run_page({"gaps_view": "Largest gaps"})
    assert len(at.get("plotly_chart")) == 1
    assert any("gap score (0–1)" in d.value.columns for d in at.dataframe)


def test_page_numbers_equal_the_analysis(embedded_gaps):
    at = run_page({"gaps_view": "Largest gaps"})
    shown = frame_with(at, "gap score (0–1)")
    expected = gaps.top_gaps(embedded_gaps, 10)
    assert list(shown["region"]) == list(expected["region"])
    assert list(shown["capability"]) == list(expected["capability"])
    assert list(shown["gap score (0–1)"]) == pytest.approx(list(expected["gap_score"].round(2)))
    at = run_page({"gaps-heatmap-data": True})
    heatmap = at.dataframe[0].value.set_index("region")  # the heatmap's "Show data" table, opened
    matrix = gaps.score_matrix(embedded_gaps).round(2)
    assert list(heatmap.index) == list(matrix.index)
    assert heatmap.loc[matrix.index[0], matrix.columns[0]] == pytest.approx(matrix.iloc[0, 0])


def test_mmip_toggle_keeps_only_the_named_capabilities():
    at = run_page({"gaps-heatmap-data": True})
    at.toggle(key="gaps_mmip_only").set_value(True).run()
    heatmap = at.dataframe[0].value
    assert sorted(heatmap.columns.drop("region")) == sorted(
        ["Diagnostics", "Packaging and smart devices", "Advanced therapy production", "Small molecule processing"]
    )


def test_shared_filters_restrict_rows_columns_and_what_counts(embedded_gaps):
    at = run_page({"f_region": ["TLM"], "f_cap": ["vaccines", "biologics"], "gaps-heatmap-data": True})
    heatmap = at.dataframe[0].value
    assert list(heatmap["region"]) == ["Scotland"]
    assert set(heatmap.columns) == {"region", "Vaccines", "Biologics"}
    sites_only = run_page({"f_type": ["site"], "gaps_view": "National gaps", "gaps-national-data": True})
    national = frame_with(sites_only, "uk_count").set_index("capability")
    all_kinds = embedded_gaps.drop_duplicates("capability").set_index("capability")["uk_count"]
    assert (national["uk_count"] <= all_kinds.reindex(national.index)).all()
    assert (national["uk_count"] < all_kinds.reindex(national.index)).any()  # centres no longer count


def test_what_if_own_proposal_fills_the_largest_gap(embedded_gaps):
    first = gaps.top_gaps(embedded_gaps, 1).iloc[0]
    at = run_page({"gaps_view": "What if a centre opened", "gaps-whatif-data": True})
    at.radio(key="gaps_whatif_mode").set_value("My own proposal").run()
    at.selectbox(key="gaps_whatif_region").set_value(first["itl1_code"]).run()
    at.multiselect(key="gaps_whatif_caps").set_value([first["capability_id"]]).run()
    town = at.selectbox(key="gaps_whatif_town").options[1]
    at.selectbox(key="gaps_whatif_town").set_value(town).run()
    assert not at.exception
    delta = frame_with(at, "absence filled")
    row = delta.loc[(delta["region"] == first["region"]) & (delta["capability"] == first["capability"])].iloc[0]
    assert row["gap score before"] == pytest.approx(round(first["gap_score"], 2))
    assert row["facilities after"] == 1 and row["absence filled"] == "yes"
    assert any("absence" in c.value and "filled" in c.value for c in at.caption)


def test_what_if_from_the_data_copes_with_a_proposal_with_no_place(embedded):
    from lib.analysis import landscape

    proposed = gaps.proposed_facilities(landscape.facilities(embedded["sites"], embedded["centres"]))
    at = run_page({"gaps_view": "What if a centre opened"})
    assert len(at.selectbox(key="gaps_whatif_facility").options) == len(proposed)
    unplaced = proposed.loc[proposed["latitude"].isna(), "facility_id"]
    if unplaced.empty:
        pytest.skip("every proposed facility in the data has a place")
    at.selectbox(key="gaps_whatif_facility").set_value(unplaced.iloc[0]).run()
    assert not at.exception and not at.error
    assert any("no stated place" in c.value for c in at.caption)


def test_method_text_is_on_the_page(root):
    at = run_page({"gaps_view": "How we measure gaps"})
    text = " ".join(m.value for m in at.markdown)
    assert "gap score = 0.4 × absence + 0.3 × density shortfall + 0.3 × reach shortfall" in text


def test_top_gaps_one_per_region_keeps_each_regions_largest_gap():
    table = pd.DataFrame(
        {
            "itl1_code": ["TLN", "TLN", "TLN", "TLC", "TLC"],
            "capability_id": ["a", "b", "c", "a", "b"],
            "gap_score": [1.0, 1.0, 0.9, 0.8, 0.2],
            "median_km": [10.0, 10.0, 10.0, 10.0, 10.0],
            "national": [False] * 5,
        }
    )
    got = gaps.top_gaps(table, 5, one_per_region=True)
    assert got[["itl1_code", "capability_id"]].values.tolist() == [["TLN", "a"], ["TLC", "a"]]
    assert got["rank"].tolist() == [1, 2]
