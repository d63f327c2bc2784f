"""The directory: search, filters, size bands, profiles, and the CSV / Excel export."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from lib.analysis import directory, landscape
from lib.analysis.directory import DirectoryQuery
from lib.analysis.landscape import Filters
from lib.data import export
from lib.figures import text_tables
from tests.apptest_helpers import assert_healthy, open_page

NAMES = {"biologics": "Biologics", "small_molecule": "Small molecule processing", "rna": "RNA medicines"}


def _sites():
    return pd.DataFrame(
        {
            "site_id": ["S0001", "S0002", "S0003", "S0004"],
            "company": ["Alpha Pharma", "Beta Bio", '=HYPERLINK("http://x")', "Gamma"],
            "site_name": ["North", "Speke", "West", "East"],
            "town": ["Darlington", "Liverpool", "Cardiff", "Slough"],
            "latitude": [54.5, 53.4, 51.48, 51.5],
            "longitude": [-1.55, -2.9, -3.18, -0.6],
            "location_precision": "town",
            "itl1_code": ["TLC", "TLD", "TLL", "TLJ"],
            "capabilities": [
                ["biologics"],
                ["small_molecule", "mystery"],
                ["biologics", "small_molecule"],
                ["small_molecule"],
            ],
            "modality": ["monoclonal antibodies", "Tablets and capsules", "@sterile injectables", None],
            "status": ["operational", "operational", "closed", "operational"],
            "approx_employees": pd.array([1200, None, 49, 250], dtype="Int64"),
            "operator_type": ["commercial", "CDMO", "NHS", "commercial"],
            "source_url": ["https://a.example/1", "https://b.example/2", "javascript:alert(1)", "https://d.example"],
            "as_of": "2024-01-01",
            "note": [None, "Also reported at https://news.example/speke. and http://old.example/x;", "-1+2", None],
        }
    )


def _centres():
    return pd.DataFrame(
        {
            "centre_id": ["C001"],
            "name": ["RNA Hub"],
            "operator": ["CPI"],
            "town": ["Darlington"],
            "latitude": [54.52],
            "longitude": [-1.55],
            "location_precision": "town",
            "itl1_code": ["TLC"],
            "capabilities": [["rna"]],
            "status": ["operational"],
            "centre_type": "CPI",
            "opened_year": pd.array([2023], dtype="Int64"),
            "source_url": "https://c.example",
            "as_of": "2023-05-01",
            "note": None,
        }
    )


@pytest.fixture()
def tables():
    sites, centres = _sites(), _centres()
    facilities = landscape.facilities(sites, centres)
    table = directory.directory_table(facilities, sites, centres, NAMES)
    return table, landscape.facility_capabilities(facilities)


def _ids(tables, filters=Filters(), **query):
    table, long = tables
    return directory.search_directory(table, long, filters, DirectoryQuery(**query))["facility_id"].tolist()


def test_search_matches_name_company_and_town_in_any_case(tables):
    assert _ids(tables, search="speke") == ["S0002"]  # site name
    assert _ids(tables, search="ALPHA") == ["S0001"]  # company
    assert _ids(tables, search="darlington") == ["S0001", "C001"]  # town, site and centre
    assert _ids(tables, search="cpi") == ["C001"]  # a centre's operator
    assert _ids(tables, search="  beta   liverpool ") == ["S0002"]  # every word must match
    assert _ids(tables, search="beta cardiff") == []
    assert _ids(tables, search="(") == ["S0003"]  # plain text, not a regular expression


def test_modality_text_filter(tables):
    assert _ids(tables, modality="TABLET") == ["S0002"]
    assert _ids(tables, modality="inject") == ["S0003"]
    assert _ids(tables, modality="") == ["S0001", "S0002", "S0003", "S0004", "C001"]


def test_size_bands_from_employees_including_not_stated(tables):
    table, _ = tables
    assert table.set_index("facility_id")["size_band"].astype(str).to_dict() == {
        "S0001": "1,000 people or more",
        "S0002": "size not stated",
        "S0003": "under 50 people",
        "S0004": "250 to 999 people",
        "C001": "size not stated",
    }
    assert _ids(tables, size_bands=("size not stated",)) == ["S0002", "C001"]
    assert _ids(tables, size_bands=("under 50 people", "250 to 999 people")) == ["S0003", "S0004"]


def test_shared_filters_combine_with_the_directory_query(tables):
    assert _ids(tables, Filters(regions=("TLC",))) == ["S0001", "C001"]
    assert _ids(tables, Filters(capabilities=("small_molecule",), statuses=("operational",))) == ["S0002", "S0004"]
    assert _ids(tables, Filters(kinds=("centre",)), search="darlington") == ["C001"]
    assert _ids(tables, Filters(regions=("TLC",)), size_bands=("size not stated",)) == ["C001"]


def test_result_summary_says_how_many_are_shown():
    assert directory.result_summary(1200, 5000, 500) == (
        "**1,200** of 5,000 facilities match. The table shows the first 500; the downloads hold all 1,200."
    )
    assert directory.result_summary(3, 5000, 3) == "**3** of 5,000 facilities match."
    assert directory.result_summary(0, 10, 0).startswith("No facility of the 10 matches")


def test_capability_labels_name_known_ids_and_keep_unknown_ones():
    lists = pd.Series([["rna", "biologics"], [], ["mystery"]], index=[7, 8, 9])
    got = directory.capability_labels(lists, NAMES)
    assert got.to_dict() == {7: "RNA medicines, Biologics", 8: "", 9: "mystery"}


def test_display_table_shows_what_is_made_and_since_when(tables):
    table, _ = tables
    shown = directory.display_table(table).set_index("id")
    assert shown.loc["S0002", "What it makes"] == "Tablets and capsules"
    assert shown.loc["S0004", "What it makes"] == "not stated"
    assert shown.loc["S0002", "Capabilities"] == "Small molecule processing, mystery"
    assert shown.loc["C001", "Since"] == "2023"
    assert shown.loc["S0001", "Since"] == "not stated"
    assert shown.loc["C001", "Type"] == "Innovation centre (CPI)"


def test_site_profile_states_facts_and_lists_every_source(tables):
    table, _ = tables
    profile = directory.facility_profile(table, "S0002")
    fields = dict(profile.fields.itertuples(index=False))
    assert profile.title == "Beta Bio – Speke"
    assert fields["Size"] == "not stated"
    assert fields["Since"] == "not stated in the sources"
    assert fields["Where"] == "Liverpool, North West (map position: town centre)"
    assert profile.sources["source"].tolist() == [
        "https://b.example/2",
        "https://news.example/speke",
        "http://old.example/x",
    ]
    assert profile.sources["role"].tolist() == ["main source", "cited in the note", "cited in the note"]
    assert (
        directory.facility_profile(table, "S0001").fields.set_index("field").loc["Size", "value"]
        == "about 1,200 people"
    )


def test_unsafe_addresses_are_never_links_and_text_is_inert_markdown(tables):
    table, _ = tables
    sources = directory.facility_profile(table, "S0003").sources
    assert sources.loc[0, "source"] == "javascript:alert(1)"
    assert sources.loc[0, "link"] is None
    rendered = text_tables.markdown_text("[click](javascript:alert(1)) <b>x</b>")
    assert "](" not in rendered and "<b>" not in rendered
    assert rendered.replace("\\", "") == "[click](javascript:alert(1)) <b>x</b>"


def test_export_csv_opens_with_all_rows_columns_and_neutralised_formulas(tables):
    table, _ = tables
    frame = directory.export_table(table)
    read = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert read.columns.tolist() == directory.EXPORT_COLUMNS
    assert len(read) == 5
    by_id = read.set_index("id")
    assert by_id.loc["S0003", "company_or_operator"] == '\'=HYPERLINK("http://x")'
    assert by_id.loc["S0003", "modality"] == "'@sterile injectables"
    assert by_id.loc["S0003", "note"] == "'-1+2"
    assert by_id.loc["S0002", "employees"] == ""  # not stated stays empty, never 0
    assert by_id.loc["S0001", "capabilities"] == "Biologics"


def test_export_excel_opens_with_data_and_sources_sheets(tables):
    table, _ = tables
    frame = directory.export_table(table)
    content = export.to_excel_bytes({"data": frame, "sources": export.sources_table(frame)})
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["data", "sources"]
    sheet = book["data"]
    assert [c.value for c in sheet[1]] == directory.EXPORT_COLUMNS
    assert sheet.max_row == 1 + 5
    company = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert company["S0003"].startswith("'=")
    sources = pd.read_excel(io.BytesIO(content), sheet_name="sources")
    assert sources["rows"].sum() == 5


# ---------------------------------------------------------------- the page (AppTest)


def _summary(at) -> str:
    return next(m.value for m in at.markdown if "facilities match" in m.value or "matches" in m.value)


def test_page_search_narrows_the_list(facility_frame, default_facilities):
    at = open_page("app_pages/directory.py")
    assert_healthy(at)
    total = len(facility_frame)  # every facility once: a centre that is also a site is one
    assert _summary(at) == f"**{len(default_facilities):,}** of {total:,} facilities match."
    at.text_input(key="dir_search").input("speke").run()
    assert_healthy(at)
    shown = at.dataframe[0].value
    assert 0 < len(shown) < total
    text = (shown["Name"] + " " + shown["Company / operator"] + " " + shown["Town"]).str.lower()
    assert text.str.contains("speke").all()
    assert _summary(at).startswith(f"**{len(shown):,}** of {total:,}")


def test_page_size_band_not_stated_counts_centres_and_sites_without_headcount(default_facilities):
    at = open_page("app_pages/directory.py")
    at.multiselect(key="dir_size").set_value(["size not stated"]).run()
    assert_healthy(at)
    expected = int(default_facilities["employees"].isna().sum())
    assert _summary(at).startswith(f"**{expected:,}**")


def test_page_profile_opens_from_the_link_and_writes_the_link(embedded):
    site = embedded["sites"].iloc[0]
    at = open_page("app_pages/directory.py", query={"site": site["site_id"]})
    assert_healthy(at)
    assert at.selectbox(key="url_site").value == site["site_id"]
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert headings and site["company"].split()[0] in headings[0]
    other = embedded["sites"].iloc[1]["site_id"]
    at.selectbox(key="url_site").set_value(other).run()
    assert at.query_params["site"] == [other] or at.query_params["site"] == other


def test_page_unknown_site_in_link_is_a_notice_not_a_crash():
    at = open_page("app_pages/directory.py", query={"site": "S9999x"})
    assert_healthy(at)
    assert any("S9999x" in w.value for w in at.warning)
    assert at.selectbox(key="url_site").value == ""


def test_profile_sources_as_markdown_link_only_plain_web_addresses():
    sources = directory.profile_sources(
        "javascript:alert(1)", "2025-01-01", "See https://a.example/x_(1) and https://b.example."
    )
    text = directory.sources_markdown(sources)
    lines = text.splitlines()
    assert lines[0] == r"- main source (as of 2025\-01\-01): javascript\:alert\(1\)"  # text, not a link
    assert lines[1].startswith(r"- cited in the note: [https\://a\.example/x\_") and lines[1].endswith(
        "(<https://a.example/x_>)"
    )
    assert lines[2] == r"- cited in the note: [https\://b\.example](<https://b.example>)"


def test_directory_table_leaves_the_shared_facility_frame_unchanged():
    # The directory is built on the map's cached facility frame: adding its columns must not
    # change that frame for every other page.
    sites, centres = _sites(), _centres()
    facilities = landscape.facilities(sites, centres)
    before = facilities.copy()
    table = directory.directory_table(facilities, sites, centres, NAMES)
    assert "capability_text" in table.columns and "capability_text" not in facilities.columns
    pd.testing.assert_frame_equal(facilities, before)
