"""Large tables hold their repeating text as categoricals (lib.data.loading.compact_repeated_text):
at a million sites that is the difference between fitting the memory target and not. Nothing a
user sees may change: these tests compact the embedded data (the threshold lowered to 0) and
check every page still renders, with the same numbers as the plain tables."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from lib import config
from lib.analysis import landscape
from lib.data.loading import compact_repeated_text
from tests.apptest_helpers import assert_healthy, open_page
from tests.test_pages import PAGES


@pytest.fixture
def compact_everything(monkeypatch):
    """Every loaded table compacted, with caches cleared before and after so no other test sees them."""
    monkeypatch.setattr(config, "COMPACT_MIN_ROWS", 0)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_compacting_keeps_every_value_and_only_changes_repeating_text(embedded, monkeypatch):
    monkeypatch.setattr(config, "COMPACT_MIN_ROWS", 0)
    sites = embedded["sites"]
    compact = compact_repeated_text(sites)
    changed = [c for c in sites.columns if compact[c].dtype != sites[c].dtype]
    assert "itl1_code" in changed and "status" in changed
    assert "site_id" not in changed and "company" not in changed  # unique text stays text
    for column in changed:
        assert isinstance(compact[column].dtype, pd.CategoricalDtype)
        assert list(compact[column].astype(object).where(compact[column].notna(), None)) == list(
            sites[column].astype(object).where(sites[column].notna(), None)
        )
        # Sorted categories: sorting on the column is still alphabetical.
        assert list(compact[column].cat.categories) == sorted(compact[column].cat.categories)


def test_small_tables_are_left_as_text(embedded):
    assert compact_repeated_text(embedded["sites"]) is embedded["sites"]


def test_facilities_from_compacted_tables_keep_categories_and_values(embedded, monkeypatch):
    monkeypatch.setattr(config, "COMPACT_MIN_ROWS", 0)
    plain = landscape.facilities(embedded["sites"], embedded["centres"])
    compact = landscape.facilities(compact_repeated_text(embedded["sites"]), compact_repeated_text(embedded["centres"]))
    assert isinstance(compact["status"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(
        compact.astype({c: plain[c].dtype for c in plain.columns}), plain, check_categorical=False
    )


@pytest.mark.parametrize("page,title", PAGES.items())
def test_every_page_renders_on_compacted_tables(compact_everything, page, title):
    at = open_page(page)
    assert_healthy(at)
    assert at.title[0].value == title


def test_overview_figures_are_the_same_on_compacted_tables(compact_everything):
    compact = {m.label: m.value for m in open_page().metric}
    config.COMPACT_MIN_ROWS = 10**9  # restored by monkeypatch
    st.cache_resource.clear()
    st.cache_data.clear()
    plain = {m.label: m.value for m in open_page().metric}
    assert compact == plain
