"""Every page renders on the embedded data with no exception, and shows its headline elements."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import assert_healthy, open_page
from tests.data_rules import default_landscape

PAGES = {
    "app_pages/overview.py": "UK medicines manufacturing capability",
    "app_pages/map.py": "Map of sites and centres",
    "app_pages/region.py": "Region profile",
    "app_pages/gaps.py": "Capability gaps",
    "app_pages/investment.py": "Public investment",
    "app_pages/centres.py": "Centres of excellence",
    "app_pages/directory.py": "Directory",
    "app_pages/present.py": "Where the UK can make medicines today",
    "app_pages/import_data.py": "Bring your own data",
    "app_pages/about.py": "About the data",
}


@pytest.mark.parametrize("page,title", PAGES.items())
def test_page_renders(page, title):
    at = open_page(page)
    assert_healthy(at)
    assert at.title[0].value == title


def test_overview_headline_numbers(embedded):
    at = open_page()
    assert_healthy(at)
    metrics = {m.label: m.value for m in at.metric}
    sites, centres = default_landscape(embedded["sites"], embedded["centres"])
    assert metrics["Manufacturing sites"] == f"{len(sites):,}"
    assert metrics["Innovation centres"] == f"{len(centres):,}"
    assert metrics["Regions with a facility"] == "12 of 12"


def test_filters_come_from_the_url(embedded):
    at = open_page(query={"region": "TLM", "type": "site"})
    assert_healthy(at)
    assert at.multiselect(key="f_region").value == ["TLM"]
    assert at.multiselect(key="f_type").value == ["site"]
    metrics = {m.label: m.value for m in at.metric}
    sites, _ = default_landscape(embedded["sites"], embedded["centres"])
    assert metrics["Manufacturing sites"] == f"{(sites['itl1_code'] == 'TLM').sum():,}"
    assert metrics["Innovation centres"] == "0"


def test_changing_a_filter_updates_the_numbers():
    at = open_page()
    before = {m.label: m.value for m in at.metric}["Manufacturing sites"]
    at.multiselect(key="f_region").set_value(["TLN"]).run()
    assert_healthy(at)
    after = {m.label: m.value for m in at.metric}["Manufacturing sites"]
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    assert {m.label: m.value for m in at.metric}["Regions with a facility"] == "1 of 12"


def test_clear_filters_resets_every_filter_and_the_link():
    at = open_page(query={"region": "TLM", "type": "site"})
    unfiltered = {m.label: m.value for m in open_page().metric}
    at.text_input(key="f_search").set_value("Glasgow").run()
    for _ in range(2):  # the second time: the button must keep working, not only once
        next(b for b in at.sidebar.button if b.label == "Clear filters").click().run()
        assert_healthy(at)
        assert at.multiselect(key="f_region").value == []
        assert at.multiselect(key="f_type").value == []
        assert at.text_input(key="f_search").value == ""
        assert {m.label: m.value for m in at.metric} == unfiltered
        assert "region" not in at.query_params and "type" not in at.query_params
        at.multiselect(key="f_region").set_value(["TLL"]).run()


def test_unknown_url_values_show_a_notice_not_a_crash():
    at = open_page(query={"region": "TLZ,TLC", "cap": "no_such_thing"})
    assert_healthy(at)
    assert at.multiselect(key="f_region").value == ["TLC"]
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "TLZ" in notices and "no_such_thing" in notices


def test_broken_dataset_is_named_and_other_pages_still_work(tmp_path, monkeypatch, root):
    import shutil

    for parquet in (root / "data").glob("*.parquet"):
        shutil.copy(parquet, tmp_path / parquet.name)
    (tmp_path / "investments.parquet").write_bytes(b"garbage")
    monkeypatch.setenv("MMIP_DATA_DIR", str(tmp_path))
    at = open_page("app_pages/investment.py")
    assert not at.exception
    assert any("investments.parquet" in e.value for e in at.error)
    at.switch_page("app_pages/directory.py").run()
    assert_healthy(at)
    assert not any("investments.parquet" in e.value for e in at.error)
