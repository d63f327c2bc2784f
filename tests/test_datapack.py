"""A user's data survives: the data pack of an import loads back into the app via MMIP_DATA_DIR."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lib import config
from lib.data import datapack
from lib.data.datasets import load_datasets_uncached
from lib.ingest import pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def imported_sites(embedded, places):
    data = (FIXTURES / "plain_site_list.csv").read_bytes()
    result = pipeline.import_file(data, "plain_site_list.csv", "sites", embedded["capabilities"], places=places)
    assert result.summary() == "4 rows read, 4 accepted, 0 rejected"
    return result.accepted


def test_the_pack_holds_every_dataset_sources_and_how_to_load_it(embedded, imported_sites):
    frames = {**embedded, "sites": imported_sites}
    archive = zipfile.ZipFile(io.BytesIO(datapack.pack_bytes(frames, "your upload: plain_site_list.csv")))
    assert sorted(archive.namelist()) == sorted(
        [f"{name}.parquet" for name in config.DATASETS] + ["sources.csv", "README.txt"]
    )
    assert "MMIP_DATA_DIR" in archive.read("README.txt").decode()
    sources = pd.read_csv(io.BytesIO(archive.read("sources.csv")), encoding="utf-8-sig")
    sites = sources[sources["dataset"] == "sites"]
    assert set(sites["source_url"]) == {
        "https://example.org/sites/macclesfield",
        "https://example.org/sites/stevenage",
        "https://example.org/sites/speke",
        "https://example.org/sites/glasgow",
    }
    assert sites["rows"].sum() == 4


def test_the_pack_round_trips_through_mmip_data_dir(embedded, imported_sites, tmp_path):
    frames = {**embedded, "sites": imported_sites}
    names = datapack.unpack(datapack.pack_bytes(frames), tmp_path)
    assert names == list(config.DATASETS)
    loaded = load_datasets_uncached(tmp_path)
    assert not loaded.errors, {n: e.message for n, e in loaded.errors.items()}
    for name in config.DATASETS:
        expected = frames[name].reset_index(drop=True)
        got = loaded.frames[name].reset_index(drop=True)
        lists = [c for c in pipeline.LIST_COLUMNS.get(name, ()) if c in expected.columns]
        pd.testing.assert_frame_equal(got.drop(columns=lists), expected.drop(columns=lists), check_dtype=False)
        for column in lists:
            assert got[column].map(list).tolist() == expected[column].map(list).tolist()
    assert loaded.frames["sites"]["operator_type"].tolist() == ["not stated"] * 4


def test_unpack_takes_only_dataset_files(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.parquet", b"x")
        archive.writestr("sites.parquet", b"PAR1")
    assert datapack.unpack(buffer.getvalue(), tmp_path / "pack") == ["sites"]
    assert not (tmp_path / "escape.parquet").exists()


def test_import_page_offers_the_pack_and_the_app_loads_it_back(tmp_path, monkeypatch):
    from tests.apptest_helpers import assert_healthy, open_page

    at = open_page("app_pages/import_data.py")
    data = (FIXTURES / "plain_site_list.csv").read_bytes()
    at.file_uploader(key="import_file").set_value(("plain_site_list.csv", data, "text/csv")).run()
    at.button(key="import_check").click().run()
    assert_healthy(at)
    assert [m.value for m in at.metric] == ["4", "4", "0", "0"]
    notices = " ".join(str(t.value) for t in at.text)
    assert "the file has no operator_type column: every row set to 'not stated'" in notices
    at.button(key="import_use").click().run()
    assert_healthy(at)
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download data pack (zip)" in labels
    # A second import adds to the first rather than replacing it.
    at.radio(key="import_dataset").set_value("investments").run()
    grants = (FIXTURES / "360giving_grants.csv").read_bytes()
    at.file_uploader(key="import_file").set_value(("grants.csv", grants, "text/csv")).run()
    at.button(key="import_check").click().run()
    at.button(key="import_use").click().run()
    assert_healthy(at)
    chosen = at.session_state["user_datasets"]
    assert chosen.origin == "your upload: plain-site-list.csv; your upload: grants.csv"
    assert len(chosen.frames["sites"]) == 4
    assert chosen.frames["investments"]["recipient"].tolist() == ["Example Pharma Ltd", "PackCo Ltd"]
    # The bytes the button serves, unpacked where a user would, and the app started on them.
    datapack.unpack(datapack.pack_bytes(chosen.frames, chosen.origin), tmp_path)
    monkeypatch.setenv("MMIP_DATA_DIR", str(tmp_path))
    fresh = open_page()
    assert_healthy(fresh)
    metrics = {m.label: m.value for m in fresh.metric}
    assert metrics["Manufacturing sites"] == "4"
