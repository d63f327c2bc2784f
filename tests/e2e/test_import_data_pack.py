"""Bring your own data in a real browser: a plain site list is imported, used, and its data pack
downloaded; the downloaded zip, unzipped, is a data folder the app loads (MMIP_DATA_DIR)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import download_by_clicking, wait_until_drawn

pytestmark = pytest.mark.e2e

PLAIN = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "plain_site_list_formula_html.csv"


def test_a_plain_list_is_imported_and_its_data_pack_loads_back(page, app_url, tmp_path):
    from lib.data import datapack
    from lib.data.datasets import load_datasets_uncached

    page.goto(f"{app_url}/import")
    wait_until_drawn(page)
    page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(PLAIN))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("4 rows read, 4 accepted, 0 rejected").wait_for()
    page.get_by_role("button", name="Use this data: 4 manufacturing sites in every page").click()
    page.get_by_text("Showing your data").wait_for()
    wait_until_drawn(page)
    button = page.get_by_role("button", name="Download data pack (zip)").last
    download = download_by_clicking(page, button)
    assert download.suggested_filename == "mmip-data-pack.zip"
    saved = tmp_path / "pack.zip"
    download.save_as(saved)
    datapack.unpack(saved.read_bytes(), tmp_path / "data")
    loaded = load_datasets_uncached(tmp_path / "data")
    assert not loaded.errors, {name: error.message for name, error in loaded.errors.items()}
    sites = loaded.frames["sites"]
    assert sites["company"].tolist() == [
        "=Example Pharma Ltd",
        "<script>alert(1)</script> Ltd",
        "+44 Pharma",
        "-Minus Ltd",
    ]  # kept as text in the data, never run
    assert sites["operator_type"].tolist() == ["not stated"] * 4
    assert not page.console_errors, page.console_errors
