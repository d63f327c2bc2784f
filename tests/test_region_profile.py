"""Region profiles: every number reconciles with the page that owns it (Map, Investment, Capability
gaps), coverage says "at least" where the data is thin, and the ONS statistics read as published."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.analysis import gaps, investment, landscape, region_profile
from lib.analysis.region_profile import ABSENT, HELD, THIN, UK
from lib.data.schemas import ITL1_CODES
from lib.figures import region_figures, theme
from lib.figures.text_tables import markdown_text

ALL_AREAS = [*ITL1_CODES, UK]


@pytest.fixture(scope="module")
def long(facility_frame):
    return landscape.facility_capabilities(facility_frame)


@pytest.fixture(scope="module")
def gap_table(long, embedded):
    return gaps.gap_table(long, embedded["capabilities"], embedded["regions"])


@pytest.mark.parametrize("code", ALL_AREAS)
def test_facilities_are_the_maps_filtered_facilities(facility_frame, long, code):
    """The Map with the region filter set (no filter for the UK) shows exactly these facilities."""
    on_map = landscape.apply_filters(facility_frame, long, region_profile.area_filters(code))
    profiled = region_profile.area_facilities(facility_frame, code)
    assert list(profiled["facility_id"]) == list(on_map["facility_id"])
    counts = region_profile.facility_counts(profiled)
    assert counts["facilities"] == len(on_map) == counts["sites"] + counts["centres"]


@pytest.mark.parametrize("code", ITL1_CODES)
def test_money_is_the_investment_pages_regional_total(embedded, code):
    totals = investment.region_totals(investment.select_awards(embedded["investments"]), embedded["regions"])
    row = totals.set_index("itl1_code").loc[code]
    cash = region_profile.money(embedded["investments"], embedded["regions"], code)
    assert cash.total_gbp == pytest.approx(row["public_gbp"])
    assert (cash.awards, cash.awards_with_amount) == (row["awards"], row["awards_with_amount"])


def test_uk_money_is_every_award_uk_wide_included(embedded):
    awards = investment.select_awards(embedded["investments"])
    cash = region_profile.money(embedded["investments"], embedded["regions"], UK)
    assert cash.total_gbp == pytest.approx(awards["public_gbp"].sum())
    assert cash.uk_wide_gbp == pytest.approx(awards.loc[awards["itl1_code"] == "UK", "public_gbp"].sum())
    regional = sum(region_profile.money(embedded["investments"], embedded["regions"], c).total_gbp for c in ITL1_CODES)
    assert cash.total_gbp == pytest.approx(regional + cash.uk_wide_gbp)


def test_grants_and_loans_apart_when_the_data_states_an_instrument(embedded):
    investments = embedded["investments"].copy()
    cash = region_profile.money(investments, embedded["regions"], "TLC")
    assert cash.instrument_known and "do not say" not in region_profile.money_note(cash, "TLC")
    investments = investments.assign(part_of=pd.NA)  # every award stands alone in this example
    awards = investments["record_type"] == "award"
    north_east = awards & (investments["itl1_code"] == "TLC") & investments["public_gbp"].notna()
    ids = investments.loc[north_east].index
    investments["instrument"] = "grant"
    investments.loc[ids[:2], "instrument"] = "loan"
    cash = region_profile.money(investments, embedded["regions"], "TLC")
    loans = investments.loc[ids[:2], "public_gbp"].sum()
    assert cash.loans_gbp == pytest.approx(loans)
    assert cash.grants_gbp == pytest.approx(investments.loc[ids[2:], "public_gbp"].sum())
    sentence = region_profile.headline(
        "TLC",
        {"facilities": 1, "sites": 1, "centres": 0},
        {HELD: 1, THIN: 0, ABSENT: 0},
        cash,
        region_profile.coverage(pd.DataFrame(columns=["kind", "status", "itl1_code", "employees"]), None, "TLC"),
    )
    assert f"{theme.format_gbp(cash.grants_gbp)} of traced public grants" in sentence
    assert f"loans apart: {theme.format_gbp(loans)}" in sentence


@pytest.mark.parametrize("code", ITL1_CODES)
def test_capability_levels_are_the_gap_methods(gap_table, code):
    profile = region_profile.capability_profile(gap_table, code)
    rows = gap_table.loc[gap_table["itl1_code"] == code].set_index("capability_id")
    assert set(profile["capability_id"]) == set(rows.index)
    expected = rows.loc[profile["capability_id"], "gap_level"].map(region_profile.LEVEL_OF_GAP)
    assert list(profile["level"]) == list(expected)
    assert list(profile["count"]) == list(rows.loc[profile["capability_id"], "count"])


def test_uk_levels_absent_nowhere_thin_where_national(gap_table):
    profile = region_profile.capability_profile(gap_table, UK).set_index("capability_id")
    national = gaps.national_gaps(gap_table).set_index("capability_id")
    thin = national.index[national["national"] & (national["uk_count"] > 0)]
    assert set(profile.index[profile["level"] == THIN]) == set(thin)
    assert (profile.loc[profile["level"] == ABSENT, "count"] == 0).all()
    listed = region_profile.largest_gaps(gap_table, UK)
    assert set(listed["Capability"]) <= set(national.loc[national["national"], "capability"])


def test_largest_gaps_are_the_regions_highest_scores(gap_table):
    listed = region_profile.largest_gaps(gap_table, "TLI", n=3)
    scores = gap_table.loc[gap_table["itl1_code"] == "TLI", "gap_score"].sort_values(ascending=False)
    assert list(listed["Gap score"]) == list(scores.head(3).round(2))


def test_proposed_facilities_say_what_they_would_add(facility_frame, gap_table):
    profile = region_profile.capability_profile(gap_table, "TLC")
    changes = region_profile.proposed_changes(facility_frame, profile, "TLC")
    proposed = facility_frame.loc[
        (facility_frame["itl1_code"] == "TLC") & facility_frame["status"].isin(gaps.PROPOSED_STATUSES)
    ]
    assert len(changes) == (proposed["capabilities"].map(len) > 0).sum()
    weak = set(profile.loc[profile["level"] != HELD, "capability"])
    for added in changes["Would add"]:
        assert set(filter(None, added.split(", "))) <= weak
    lines = region_profile.change_lines(changes, markdown_text)
    assert len(lines) == (changes["Would add"] != "").sum() + (changes["Would add"] == "").any()


def test_northern_ireland_has_no_bres_and_reads_at_least(facility_frame, embedded):
    facilities = region_profile.area_facilities(facility_frame, "TLN")
    cover = region_profile.coverage(facilities, embedded["ons_bres_pharma_jobs_itl1"], "TLN")
    assert cover.bres_jobs is None and cover.share is None and cover.low
    assert "does not cover Northern Ireland" in region_profile.coverage_sentence(cover)
    assert region_profile.bres_series(embedded["ons_bres_pharma_jobs_itl1"], "TLN").empty


def test_uk_coverage_compares_great_britain_with_great_britain(facility_frame, embedded):
    bres = embedded["ons_bres_pharma_jobs_itl1"]
    cover = region_profile.coverage(facility_frame, bres, UK)
    sites = facility_frame.loc[
        (facility_frame["kind"] == landscape.SITE)
        & (facility_frame["status"] == "operational")
        & (facility_frame["itl1_code"] != "TLN")
    ]
    assert cover.stated_headcount == int(sites["employees"].dropna().sum())
    latest = bres.loc[bres["itl1_code"] == "GB"].sort_values("year").iloc[-1]
    assert (cover.bres_year, cover.bres_jobs) == (latest["year"], latest["jobs"])
    assert cover.share == pytest.approx(cover.stated_headcount / latest["jobs"])
    assert "Great Britain only" in region_profile.coverage_sentence(cover)


def _site_rows(employees: list[int | None], region: str = "TLC") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "facility_id": [f"S{i:04d}" for i in range(len(employees))],
            "kind": landscape.SITE,
            "status": "operational",
            "itl1_code": region,
            "employees": pd.array(employees, dtype="Int64"),
        }
    )


def test_at_least_only_where_coverage_is_low():
    bres = pd.DataFrame({"itl1_code": ["TLC"], "year": [2023], "jobs": [1000], "name": ["North East"]})
    many = _site_rows([100] * 12)
    few = _site_rows([100] * 3)
    thin_heads = _site_rows([10] * 12)
    assert not region_profile.coverage(many, bres, "TLC").low
    assert region_profile.coverage(few, bres, "TLC").low  # under LOW_COVERAGE_SITES sites
    assert region_profile.coverage(thin_heads, bres, "TLC").low  # 12% of BRES jobs
    cash = region_profile.Money(5e6, 2, 2, None, None, 0.0)
    levels = {HELD: 3, THIN: 1, ABSENT: 2}
    counts = region_profile.facility_counts(many)
    fair = region_profile.headline("TLC", counts, levels, cash, region_profile.coverage(many, bres, "TLC"))
    low = region_profile.headline("TLC", counts, levels, cash, region_profile.coverage(thin_heads, bres, "TLC"))
    assert "at least" not in fair and "lacks 2" in fair
    assert low.count("at least") == 2 and "no listed facility holds 2" in low
    assert "12% of BRES jobs" in region_profile.low_coverage_reason(region_profile.coverage(thin_heads, bres, "TLC"))
    assert "fewer than 10" in region_profile.low_coverage_reason(region_profile.coverage(few, bres, "TLC"))
    assert region_profile.low_coverage_reason(region_profile.coverage(many, bres, "TLC")) == ""
    assert "12 medicines-manufacturing facilities (12 sites, 0 innovation centres)" in fair


def test_gva_regions_add_up_to_the_uk(embedded):
    gva = embedded["ons_gva_pharma_itl1"]
    for year, rows in gva.groupby("year"):
        regions = rows.loc[rows["itl1_code"] != UK, "gva_gbp_million"].sum()
        uk = rows.loc[rows["itl1_code"] == UK, "gva_gbp_million"].iloc[0]
        assert regions == pytest.approx(uk, rel=0.01), year
    shares = sum(region_profile.gva_series(gva, code)["uk_share"].iloc[-1] for code in ITL1_CODES)
    assert shares == pytest.approx(1.0, rel=0.01)
    uk = region_profile.gva_series(gva, UK)
    assert list(uk["year"]) == list(range(1998, 2022)) and (uk["uk_share"] == 1).all()


def test_bres_is_great_britain_only(embedded):
    bres = embedded["ons_bres_pharma_jobs_itl1"]
    assert "TLN" not in set(bres["itl1_code"])
    assert set(region_profile.bres_series(bres, UK)["year"]) == {2022, 2023}
    assert region_profile.rounded_jobs(43575) == "about 43,600"


def test_shared_scales_only_between_two_regions(embedded, facility_frame, gap_table):
    def profile(code):
        return region_profile.area_profile(
            code,
            facility_frame,
            gap_table,
            embedded["investments"],
            embedded["regions"],
            embedded["ons_gva_pharma_itl1"],
            embedded["ons_bres_pharma_jobs_itl1"],
        )

    two = region_profile.shared_scales({"TLI": profile("TLI"), "TLM": profile("TLM")})
    assert two.capability_max == max(profile(c)["capability"]["count"].max() for c in ("TLI", "TLM"))
    assert two.gva_max == max(profile(c)["gva"]["gva_gbp_million"].max() for c in ("TLI", "TLM"))
    beside_uk = region_profile.shared_scales({"TLI": profile("TLI"), UK: profile(UK)})
    assert beside_uk.capability_max is None and beside_uk.gva_max is None and beside_uk.years is not None


def test_facility_list_links_each_row_to_its_directory_profile(facility_frame):
    rows = region_profile.area_facilities(facility_frame, "TLL")
    listed = region_profile.facility_list(rows, {})
    assert sorted(listed["Profile"]) == sorted("directory?site=" + rows["facility_id"])
    operational = listed["Status"] == "operational"
    assert not (operational.astype(int).diff().fillna(0) > 0).any()  # operational rows first


@pytest.mark.parametrize("code", ["TLC", "TLN", UK])
def test_figures_state_the_finding_and_credit_the_source(embedded, facility_frame, gap_table, code):
    facilities = region_profile.area_facilities(facility_frame, code)
    profile = region_profile.capability_profile(gap_table, code)
    name = region_profile.area_name(code)
    figures = [
        region_figures.region_map(facilities, code),
        region_figures.capability_chart(profile, code),
        region_figures.programme_chart(region_profile.area_awards(embedded["investments"], code), code),
        region_figures.year_chart(region_profile.area_awards(embedded["investments"], code), code),
        region_figures.gva_chart(region_profile.gva_series(embedded["ons_gva_pharma_itl1"], code), code),
        region_figures.coverage_chart(
            region_profile.coverage(facilities, embedded["ons_bres_pharma_jobs_itl1"], code), code
        ),
    ]
    for fig in figures:
        fitted = region_figures.fit_title(fig, region_figures.NARROW_TITLE_CHARS, 3)
        title = fitted.layout.title.text.replace("<br>", " ")
        assert name.split()[0] in title or "UK" in title, title
        assert max(len(line) for line in fitted.layout.title.text.split("<br>")) <= region_figures.NARROW_TITLE_CHARS
        assert theme.source_of(fitted)
    for fig in figures[-2:]:
        assert "Office for National Statistics licensed under the Open Government Licence v.3.0" in theme.source_of(fig)
    levels = region_profile.level_counts(profile)
    assert f"holds {levels[HELD] + levels[THIN]} of {len(profile)}" in figures[1].layout.title.text.replace("<br>", " ")


def test_region_map_zooms_to_the_region(facility_frame, embedded):
    from lib.figures import map_figures
    from lib.geo import boundaries

    shapes, _ = boundaries.load_itl1_boundaries(allow_download=False)
    if shapes is None:
        pytest.skip("ONS boundaries not available")
    rings = map_figures.region_rings(boundaries.geojson_of(shapes, "itl1_code", simplify_m=1000))
    facilities = region_profile.area_facilities(facility_frame, "TLI")
    fig = region_figures.region_map(facilities, "TLI", rings=rings)
    span = np.diff(fig.layout.xaxis.range)[0]
    assert span < 0.3 * np.diff(map_figures.projection.PLANE_X_RANGE)[0]  # London, not the UK
    located = facilities.dropna(subset=["latitude"])
    x, y = map_figures.projection.to_plane(located["longitude"], located["latitude"])
    assert (x > fig.layout.xaxis.range[0]).all() and (x < fig.layout.xaxis.range[1]).all()
    assert (y > fig.layout.yaxis.range[0]).all() and (y < fig.layout.yaxis.range[1]).all()


def test_a_region_with_no_gap_lists_none(gap_table):
    no_gaps = gap_table.assign(gap_score=0.0, national=False, gap_level=gaps.COVERED)
    assert region_profile.largest_gaps(no_gaps, "TLC").empty
    assert region_profile.largest_gaps(no_gaps, UK).empty


@pytest.mark.parametrize("code", ["TLM", UK])
def test_the_listed_facilities_are_the_profiles(facility_frame, embedded, code):
    from lib.analysis import directory

    names = dict(zip(embedded["capabilities"]["capability_id"], embedded["capabilities"]["name"]))
    table = directory.directory_table(facility_frame, embedded["sites"], embedded["centres"], names)
    facilities = region_profile.area_facilities(facility_frame, code)
    # The download is the Directory's export of the same facilities, built from the area's rows only.
    exported = region_profile.facility_export(facilities, embedded["sites"], embedded["centres"], names)
    pd.testing.assert_frame_equal(
        exported, directory.export_table(region_profile.area_facilities(table, code)), check_dtype=False
    )
    # The grid shows the Directory's capability names for the rows it lists.
    listed = region_profile.facility_list(facilities, names, 5)
    assert len(listed) == min(5, len(facilities))
    shown = table.set_index("facility_id").loc[listed["Profile"].str.removeprefix("directory?site="), "capability_text"]
    assert list(listed["Capabilities"]) == list(shown.astype(str))


def test_programme_note_counts_awards_with_no_amount():
    cash = region_profile.Money(1e6, awards=4, awards_with_amount=3, grants_gbp=None, loans_gbp=None, uk_wide_gbp=0)
    assert region_profile.programme_note(cash).endswith("1 award states no amount.")
    full = region_profile.Money(1e6, 3, 3, None, None, 0.0)
    assert "no amount" not in region_profile.programme_note(full)
