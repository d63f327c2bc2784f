"""The offline maps' plane (lib/geo/projection.py, numpy) agrees with PROJ's EPSG:4326 -> 27700."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer

from lib.geo import projection


@pytest.fixture(scope="module")
def uk_points():
    rng = np.random.default_rng(20261206)
    return rng.uniform(-8.6, 1.8, 20_000), rng.uniform(49.9, 60.8, 20_000)


def test_forward_agrees_with_proj_within_a_centimetre(uk_points):
    lon, lat = uk_points
    expected = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(lon, lat)
    x, y = projection.to_plane(lon, lat)
    assert np.max(np.hypot(x - expected[0], y - expected[1])) < 0.01


def test_inverse_agrees_with_proj_and_round_trips(uk_points):
    lon, lat = uk_points
    x, y = projection.to_plane(lon, lat)
    expected = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(x, y)
    back = projection.from_plane(x, y)
    assert np.max(np.abs(back[0] - expected[0])) < 1e-6 and np.max(np.abs(back[1] - expected[1])) < 1e-6
    assert np.max(np.abs(back[0] - lon)) < 1e-6 and np.max(np.abs(back[1] - lat)) < 1e-6


def test_a_missing_coordinate_stays_a_gap_between_lines():
    x, y = projection.to_plane([-1.5, np.nan, -2.0], [53.0, 52.0, np.nan])
    assert np.isfinite(x[0]) and np.isnan(x[1:]).all() and np.isnan(y[1:]).all()
