"""The ITL1 outline shipped with the dashboard: the UK on a fresh install with no network."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest

from lib.data.schemas import ITL1_CODES
from lib.geo import boundaries, outline

# Places whose region nobody disputes, well inside it: the outline must put each in its region.
PLACES = {
    "TLI": (-0.1276, 51.5072),  # London
    "TLM": (-3.1883, 55.9533),  # Edinburgh
    "TLN": (-5.9301, 54.5973),  # Belfast
    "TLL": (-3.1791, 51.4816),  # Cardiff
    "TLD": (-2.2426, 53.4808),  # Manchester
    "TLC": (-1.6178, 54.9783),  # Newcastle
    "TLK": (-2.5879, 51.4545),  # Bristol
    "TLG": (-1.8904, 52.4862),  # Birmingham
}


def test_offline_with_no_boundaries_folder_the_outline_gives_the_12_regions(tmp_path, monkeypatch):
    monkeypatch.delenv("MMIP_BOUNDARIES_DIR", raising=False)
    monkeypatch.setenv("MMIP_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("MMIP_OFFLINE", "1")
    shapes, message = boundaries.load_itl1_boundaries()
    assert shapes is not None, message
    assert sorted(shapes["itl1_code"]) == sorted(ITL1_CODES)
    assert shapes["name"].notna().all() and shapes.is_valid.all()
    assert "outline shipped with the dashboard" in message
    places = gpd.GeoDataFrame(
        {"expected": list(PLACES)}, geometry=gpd.points_from_xy(*zip(*PLACES.values())), crs="EPSG:4326"
    )
    found = boundaries.region_of_points(places.assign(longitude=places.geometry.x, latitude=places.geometry.y), shapes)
    assert found.tolist() == places["expected"].tolist()
    # Local-authority boundaries have no shipped default: they still need a path, cache or download.
    assert boundaries.load_lad_boundaries()[0] is None


def test_a_boundaries_folder_still_wins_over_the_outline(itl1):
    full = boundaries.read_itl1(boundaries.locate_boundary_file("itl1", allow_download=False).path)
    assert full.geometry.count_coordinates().sum() == itl1.geometry.count_coordinates().sum()
    shipped = boundaries.read_itl1(outline.OUTLINE_FILE)
    assert shipped.geometry.count_coordinates().sum() < itl1.geometry.count_coordinates().sum()


def test_the_shipped_outline_is_small_and_carries_the_ons_attribution():
    size = outline.OUTLINE_FILE.stat().st_size
    assert 50_000 < size <= outline.MAX_BYTES
    payload = json.loads(outline.OUTLINE_FILE.read_text(encoding="utf-8"))
    assert payload["attribution"] == boundaries.attribution()
    assert len(payload["features"]) == 12


def test_the_shipped_outline_is_what_the_script_builds_from_the_official_file(tmp_path):
    lookup = boundaries.locate_boundary_file("itl1", allow_download=False)
    if lookup.path is None:
        pytest.skip(f"official ONS ITL1 file not available: {lookup.message}")
    from scripts import build_outline

    fresh = tmp_path / "itl1_outline.geojson"
    assert build_outline.main([str(lookup.path), "--out", str(fresh)]) == 0
    assert fresh.read_text(encoding="utf-8") == outline.OUTLINE_FILE.read_text(encoding="utf-8"), (
        "data/boundaries/itl1_outline.geojson is out of date: run scripts/build_outline.py and commit it"
    )
    # Generalised, yet close to the official regions: each within a few per cent of its true area.
    official = boundaries.read_itl1(lookup.path).set_index("itl1_code").to_crs(boundaries.BRITISH_NATIONAL_GRID)
    shipped = boundaries.read_itl1(fresh).set_index("itl1_code").to_crs(boundaries.BRITISH_NATIONAL_GRID)
    ratio = shipped.area / official.area.reindex(shipped.index)
    assert ratio.between(0.97, 1.03).all(), ratio.to_dict()


def test_the_shipped_lines_are_what_the_script_derives_from_the_outline(tmp_path):
    """The lines and label points the offline maps read (without geopandas) are the outline's own."""
    lookup = boundaries.locate_boundary_file("itl1", allow_download=False)
    if lookup.path is None:
        pytest.skip(f"official ONS ITL1 file not available: {lookup.message}")
    from scripts import build_outline

    assert build_outline.main([str(lookup.path), "--out", str(tmp_path / "itl1_outline.geojson")]) == 0
    fresh = tmp_path / outline.LINES_FILE.name
    assert fresh.read_text(encoding="utf-8") == outline.LINES_FILE.read_text(encoding="utf-8"), (
        "data/boundaries/itl1_outline_lines.json is out of date: run scripts/build_outline.py and commit it"
    )
    lon, lat = outline.read_lines()
    expected = boundaries.outline_coordinates(boundaries.read_itl1(outline.OUTLINE_FILE))
    assert len(lon) == len(expected[0]) and np.nanmax(np.abs(lon - expected[0])) < 1e-5
    assert (np.isnan(lon) == np.isnan(expected[0])).all()


def test_label_points_fall_inside_their_region():
    points = outline.read_label_points()
    assert list(points["itl1_code"]) == sorted(ITL1_CODES)
    shapes = boundaries.read_itl1(outline.OUTLINE_FILE)
    assert (boundaries.region_of_points(points, shapes) == points["itl1_code"]).all()


def test_a_damaged_lines_file_reads_as_none(tmp_path):
    broken = tmp_path / "lines.json"
    broken.write_text('{"lon": [1, 2], "lat": [1]}', encoding="utf-8")
    assert outline.read_lines(broken) is None and outline.read_label_points(broken) is None


def test_the_map_page_offline_with_no_boundary_folder_draws_without_geopandas(root, tmp_path):
    """A README install offline: the map page's server never imports the geo stack (~17 MiB)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from streamlit.testing.v1 import AppTest; "
        "at = AppTest.from_file('dashboard.py', default_timeout=120); at.run(); "
        "at.switch_page('app_pages/map.py'); at.run(); assert not at.exception, at.exception; "
        "print(sorted(m for m in ('geopandas', 'pyproj', 'pandera') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "MMIP_BOUNDARIES_DIR"}
    env.update(MMIP_OFFLINE="1", MMIP_CACHE_DIR=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
