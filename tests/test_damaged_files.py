"""Every file the app reads, damaged: a clear message on the pages that need it, the rest works.

Data folder (MMIP_DATA_DIR) with a truncated or wrong-schema Parquet file, a story JSON with wrong
fields (uploaded, or the default story itself), boundary files that are not GeoJSON.
"""

from __future__ import annotations

import json
import shutil

import pytest
import streamlit as st

from tests.apptest_helpers import assert_healthy, open_page


@pytest.fixture
def data_copy(tmp_path, root, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    for parquet in (root / "data").glob("*.parquet"):
        shutil.copy(parquet, folder / parquet.name)
    monkeypatch.setenv("MMIP_DATA_DIR", str(folder))
    return folder


def errors_naming(at, file: str) -> list[str]:
    return [e.value for e in at.error if file in e.value]


def test_a_truncated_parquet_file_is_named_and_other_pages_work(data_copy):
    sites = data_copy / "sites.parquet"
    sites.write_bytes(sites.read_bytes()[: sites.stat().st_size // 2])
    at = open_page()  # the overview needs the sites
    assert not at.exception
    assert errors_naming(at, "sites.parquet") == [
        "**sites.parquet** cannot be used: the file is not a readable Parquet file (ArrowInvalid). "
        "Pages that need it are unavailable; the rest of the dashboard still works."
    ]
    at.switch_page("app_pages/investment.py").run()
    assert_healthy(at)
    assert not errors_naming(at, "sites.parquet")
    assert at.title[0].value == "Public investment"


def test_a_parquet_file_of_the_wrong_schema_is_named_with_its_first_problem(data_copy):
    shutil.copy(data_copy / "regions.parquet", data_copy / "centres.parquet")
    at = open_page("app_pages/centres.py")
    assert not at.exception
    assert errors_naming(at, "centres.parquet") == [
        "**centres.parquet** cannot be used: the file does not have the centres columns: missing column(s) "
        "centre_id, operator, centre_type, town, postcode_outward, latitude …; unexpected column(s) nuts1_code, "
        "nation, population, population_year, population_source_url, area_km2 …. Pages that need it are "
        "unavailable; the rest of the dashboard still works."
    ]
    at.switch_page("app_pages/investment.py").run()
    assert_healthy(at)
    assert not errors_naming(at, "centres.parquet")


def test_a_story_with_wrong_fields_is_refused_by_field_and_the_default_stays(embedded):
    at = open_page("app_pages/present.py")
    first_title = at.title[0].value
    wrong = {"format": "mmip-story", "version": 1, "title": "Mine", "slides": [{"view": "map", "titel": "typo"}]}
    at.file_uploader(key="present-upload").set_value(("mine.json", json.dumps(wrong).encode(), "application/json"))
    at.run()
    assert_healthy(at)
    assert [e.value.replace("\\", "") for e in at.error] == [
        "This story cannot be used: mine.json: slides[0].titel: is not a slide field "
        "(view, title, finding, filters, settings)"
    ]
    assert at.title[0].value == first_title


def test_a_story_error_quoting_the_file_stays_text():
    at = open_page("app_pages/present.py")
    hostile = {"format": "mmip-story", "version": 1, "title": "x", "slides": [{"view": "[a](javascript:alert(1))"}]}
    upload = ("[x](javascript:y).json", json.dumps(hostile).encode(), "application/json")
    at.file_uploader(key="present-upload").set_value(upload).run()
    assert_healthy(at)
    [message] = [e.value for e in at.error]
    assert "](javascript" not in message  # every bracket escaped: Markdown cannot make it a link
    assert message.replace("\\", "").startswith("This story cannot be used: [x](javascript:y).json: slides[0].view:")


@pytest.fixture
def fresh_caches():
    """Boundaries and the default story are cached for the life of the process: start and end clean."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_broken_default_story_falls_back_to_the_headline_numbers(tmp_path, monkeypatch, fresh_caches):
    from lib.present import story

    broken = tmp_path / "default.json"
    broken.write_text(json.dumps({"format": "mmip-story", "version": 1, "title": "x", "slides": "none"}))
    monkeypatch.setattr(story, "DEFAULT_STORY_PATH", broken)
    at = open_page("app_pages/present.py")
    assert_healthy(at)
    assert [w.value for w in at.warning] == [
        "The default story cannot be used (default.json: slides: must be a non-empty list of slides). "
        "Showing the headline numbers only; load a story under “Story, link and briefing pack” below."
    ]
    assert at.title[0].value == "UK medicines manufacturing in numbers"
    assert at.metric, "the headline numbers are shown"


def test_boundary_files_that_are_not_geojson_leave_a_working_map(tmp_path, monkeypatch, fresh_caches):
    folder = tmp_path / "boundaries"
    folder.mkdir()
    (folder / "itl1_regions.geojson").write_text("<html><body>Service unavailable</body></html>")
    (folder / "lad_districts.geojson").write_text(json.dumps({"type": "Topology", "objects": {}}))
    monkeypatch.setenv("MMIP_BOUNDARIES_DIR", str(folder))
    monkeypatch.setenv("MMIP_CACHE_DIR", str(tmp_path / "cache"))  # nothing cached to fall back on
    at = open_page("app_pages/map.py")
    assert_healthy(at)
    # The damaged file is named, and the map draws the outline shipped with the dashboard instead.
    [notice] = [i.value for i in at.info if "Region boundaries" in i.value]
    assert notice.startswith(
        "Region boundaries: the generalised ITL1 outline shipped with the dashboard (the region boundary file "
        "itl1_regions.geojson could not be read ("
    )
    at.switch_page("app_pages/gaps.py").run()
    assert_healthy(at)
    at.switch_page("app_pages/overview.py").run()
    assert_healthy(at)
