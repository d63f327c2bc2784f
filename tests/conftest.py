"""Shared test set-up: boundaries from ../shared, no network, the embedded data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_BOUNDARIES = ROOT.parent / "shared" / "data" / "boundaries"

os.environ.setdefault("MMIP_BOUNDARIES_DIR", str(SHARED_BOUNDARIES))
os.environ.setdefault("MMIP_OFFLINE", "1")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def embedded():
    """The embedded datasets as the app loads them (validated)."""
    from lib import config
    from lib.data.datasets import load_datasets_uncached

    data = load_datasets_uncached(config.data_dir())
    assert not data.errors, {name: error.message for name, error in data.errors.items()}
    return data.frames


@pytest.fixture(scope="session")
def itl1():
    from lib.geo import boundaries

    shapes, message = boundaries.load_itl1_boundaries(allow_download=False)
    if shapes is None:
        pytest.skip(f"ONS boundaries not available: {message}")
    return shapes


@pytest.fixture(scope="session")
def facility_frame(embedded):
    """Sites and centres of the embedded data as one facilities table."""
    from lib.analysis import landscape

    return landscape.facilities(embedded["sites"], embedded["centres"])


@pytest.fixture(scope="session")
def default_facilities(facility_frame):
    """The facilities the pages show by default: sites in the default scopes, and centres."""
    from lib.analysis import landscape

    return facility_frame.loc[landscape.in_scope(facility_frame, landscape.Filters().scopes)]


@pytest.fixture(scope="session")
def metrics(facility_frame, embedded):
    """Per-region metrics of the embedded data (the map's choropleth values)."""
    from lib.analysis import region_metrics

    return region_metrics.region_metrics(facility_frame, embedded["investments"], embedded["regions"])


@pytest.fixture(scope="session")
def places():
    """Offline placing for imports: LAD centroids and ITL1 polygons from the ONS files."""
    from lib.geo import boundaries
    from lib.ingest import pipeline

    itl1, _ = boundaries.load_itl1_boundaries(allow_download=False)
    lad, _ = boundaries.load_lad_boundaries(allow_download=False)
    if itl1 is None or lad is None:
        pytest.skip("ONS boundaries not available")
    return pipeline.Places(lad_centroids=boundaries.lad_centroids(lad, itl1), itl1=itl1, use_postcodes=False)
