"""Where things live, and the environment variables that move them.

| variable | meaning | default |
| --- | --- | --- |
| MMIP_DATA_DIR | folder holding the Parquet datasets | ``data/`` in the project |
| MMIP_BOUNDARIES_DIR | folder holding ONS boundary GeoJSON files | unset: use the cache, else download |
| MMIP_CACHE_DIR | cache for downloaded boundaries and geocoding results | ``~/.cache/mmip-dashboard`` |
| MMIP_OFFLINE | ``1`` forbids every network request (boundaries download, geocoding) | ``0`` |
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
SOURCE_DIR = DEFAULT_DATA_DIR / "source"

DATASETS = ("capabilities", "regions", "sites", "centres", "investments", "mmip_proposals")


def data_dir() -> Path:
    return Path(os.environ.get("MMIP_DATA_DIR") or DEFAULT_DATA_DIR)


def boundaries_dir() -> Path | None:
    value = os.environ.get("MMIP_BOUNDARIES_DIR")
    return Path(value) if value else None


def cache_dir() -> Path:
    return Path(os.environ.get("MMIP_CACHE_DIR") or Path.home() / ".cache" / "mmip-dashboard")


def offline() -> bool:
    return os.environ.get("MMIP_OFFLINE", "0").strip().lower() in {"1", "true", "yes"}
