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
    from lib.ui import load_datasets_uncached

    from lib import config

    data = load_datasets_uncached(config.data_dir())
    assert not data.errors, {name: error.message for name, error in data.errors.items()}
    return data.frames


@pytest.fixture(scope="session")
def itl1():
    from lib import geo

    shapes, message = geo.load_itl1_boundaries(allow_download=False)
    if shapes is None:
        pytest.skip(f"ONS boundaries not available: {message}")
    return shapes
