"""The Region page under AppTest: every region renders, its numbers are the other pages' numbers,
and the comparison lives in the link."""

from __future__ import annotations

import re

import pytest

from lib.analysis import investment, landscape, region_profile
from lib.data.schemas import ITL1_CODES, ITL1_NAMES
from lib.figures import theme
from tests.apptest_helpers import assert_healthy, markdown_tables, open_page

PAGE = "app_pages/region.py"


def headlines(at) -> list[str]:
    """The one-sentence profiles, in column order."""
    return [m.value for m in at.markdown if re.match(r"^[A-Z][\w ]+: (at least )?\d", m.value)]


def metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


@pytest.mark.parametrize("code", ITL1_CODES)
def test_every_region_has_a_profile_that_reconciles(code, embedded, facility_frame):
    at = open_page(PAGE, query={"area": code})
    assert_healthy(at)
    assert at.title[0].value == "Region profile"
    assert at.selectbox(key="url_area").value == code
    [sentence] = headlines(at)
    # Facilities: the Map's count with the region filter set.
    long = landscape.facility_capabilities(facility_frame)
    on_map = landscape.apply_filters(facility_frame, long, landscape.Filters(regions=(code,)))
    assert sentence.startswith(f"{ITL1_NAMES[code]}: ")
    assert re.search(rf"(at least )?{len(on_map):,} medicines-manufacturing facilit", sentence), sentence
    # Money: the Investment page's regional total.
    totals = investment.region_totals(investment.select_awards(embedded["investments"]), embedded["regions"])
    expected = totals.set_index("itl1_code").loc[code]
    assert ("Traced public grants", theme.format_gbp(expected["public_gbp"])) in metrics(at)
    assert ("Awards with an amount", f"{expected['awards_with_amount']} of {expected['awards']}") in metrics(at)
    assert theme.format_gbp(expected["public_gbp"]) in sentence
    # Official statistics: Northern Ireland has no BRES and says so.
    captions = " ".join(c.value for c in at.caption)
    if code == "TLN":
        assert "BRES does not cover Northern Ireland" in captions
    else:
        assert "Great Britain only" in captions
    assert at.query_params["area"] == code


def test_a_link_opens_a_comparison_side_by_side():
    at = open_page(PAGE, query={"area": "TLL", "vs": "TLM"})
    assert_healthy(at)
    assert at.selectbox(key="url_area").value == "TLL"
    assert at.selectbox(key="url_vs").value == "TLM"
    assert [h.split(":")[0] for h in headlines(at)] == ["Wales", "Scotland"]
    assert [label for label, _ in metrics(at)].count("Traced public grants") == 2
    assert at.query_params["vs"] == "TLM"


def test_choosing_the_uk_beside_a_region_puts_it_in_the_link():
    at = open_page(PAGE, query={"area": "TLC"})
    assert "vs" not in at.query_params
    at.selectbox(key="url_vs").set_value(region_profile.UK).run()
    assert_healthy(at)
    assert at.query_params["vs"] == "UK"
    assert [h.split(":")[0] for h in headlines(at)] == ["North East", "United Kingdom"]
    at.selectbox(key="url_vs").set_value("").run()
    assert "vs" not in at.query_params
    assert len(headlines(at)) == 1


def test_an_unknown_region_in_the_link_is_named_not_a_crash():
    at = open_page(PAGE, query={"area": "TLZ"})
    assert_healthy(at)
    assert any("TLZ" in w.value for w in at.warning)
    assert at.selectbox(key="url_area").value == ITL1_CODES[0]


def test_a_single_region_filter_chooses_the_profile():
    at = open_page(PAGE, query={"region": "TLK"})
    assert_healthy(at)
    assert at.selectbox(key="url_area").value == "TLK"


def test_missing_official_statistics_are_named_and_the_rest_still_shows(tmp_path, monkeypatch, root):
    import shutil

    for parquet in (root / "data").glob("*.parquet"):
        if not parquet.name.startswith("ons_bres"):
            shutil.copy(parquet, tmp_path / parquet.name)
    monkeypatch.setenv("MMIP_DATA_DIR", str(tmp_path))
    at = open_page(PAGE, query={"area": "TLD"})
    assert not at.exception
    assert any("ons_bres_pharma_jobs_itl1.parquet" in e.value for e in at.error)
    assert headlines(at) and "BRES jobs dataset is not loaded" in " ".join(c.value for c in at.caption)


def test_the_facility_list_reads_as_text_and_its_directory_link_opens_the_same_rows(facility_frame):
    at = open_page(PAGE, query={"area": "TLD"})
    assert_healthy(at)
    area_rows = region_profile.area_facilities(facility_frame, "TLD")
    assert len(area_rows) > region_profile.FACILITIES_SHOWN  # the list is cut short, and says so
    [listed] = [t for t in markdown_tables(at) if "Name" in t.columns]
    assert len(listed) == region_profile.FACILITIES_SHOWN
    [note] = [m.value for m in at.markdown if "Every one in the Directory" in m.value]
    assert note.startswith(f"{region_profile.FACILITIES_SHOWN:,} of {len(area_rows):,}, operational first")
    assert "](directory?region=TLD)" in note
    # Each name links to its own profile in the Directory.
    [table_markdown] = [m.value for m in at.markdown if m.value.startswith("| Name |")]
    first_id = region_profile.facility_list(area_rows, {}, 1)["Profile"].iloc[0]
    assert f"]({first_id})" in table_markdown.splitlines()[2]
    # The link's page: the Directory counts exactly the profile's facilities.
    directory = open_page("app_pages/directory.py", query={"region": "TLD"})
    assert_healthy(directory)
    assert any(m.value.startswith(f"**{len(area_rows):,}** of ") for m in directory.markdown)


def test_the_uk_lists_eight_centres_and_names_the_page_with_every_one():
    at = open_page(PAGE, query={"area": "TLI", "vs": "UK"})
    assert_healthy(at)
    region, uk = [t for t in markdown_tables(at) if "Centre" in t.columns]
    assert 0 < len(region) < region_profile.CENTRES_SHOWN
    assert len(uk) == region_profile.CENTRES_SHOWN
    assert any(c.value.startswith(f"{region_profile.CENTRES_SHOWN} of ") for c in at.caption)
