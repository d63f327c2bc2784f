"""Where things live, and the environment variables that move them.

| variable | meaning | default |
| --- | --- | --- |
| MMIP_DATA_DIR | folder, or fsspec URL (``s3://bucket/prefix``), holding the Parquet datasets | ``data/`` in the project |
| MMIP_DATA_CHECK_SECONDS | how often the app checks whether the dataset files changed | ``60`` |
| MMIP_BOUNDARIES_DIR | folder holding ONS boundary GeoJSON files | unset: use the cache, else download, else (regions only) the outline in ``data/boundaries/`` |
| MMIP_CACHE_DIR | cache for downloaded boundaries and geocoding results | ``~/.cache/mmip-dashboard`` |
| MMIP_OFFLINE | ``1`` forbids every network request (boundaries download, geocoding); an ``MMIP_DATA_DIR`` URL is still read | ``0`` |
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
SOURCE_DIR = DEFAULT_DATA_DIR / "source"

DATASETS = (
    "capabilities",
    "regions",
    "sites",
    "centres",
    "investments",
    "mmip_proposals",
    # Official statistics (ONS, Open Government Licence): the yardstick for coverage.
    "ons_gva_pharma_itl1",
    "ons_bres_pharma_jobs_itl1",
)


# Text columns of tables this long whose values repeat (at most one distinct value in ten rows) are
# held as categoricals: one small integer per row instead of the text. At a million synthetic
# sites that is ~600 MiB less resident (the status, region, town, source and note columns); below
# this many rows the saving is nothing worth a second code path in the pages.
COMPACT_MIN_ROWS = 20_000
COMPACT_MAX_DISTINCT_SHARE = 0.1
# Only the sites grow that long (and the facilities table built from them, lib/ui/caching.py).
COMPACTED_DATASETS = ("sites",)


def is_url(location: str | Path) -> bool:
    """``s3://…``, ``gs://…``, ``az://…``, ``https://…``, ``memory://…``, ``file://…``: read through fsspec.

    A local path never contains ``://``, and ``Path`` would collapse the double slash, so URLs stay
    strings everywhere.
    """
    return "://" in str(location)


def data_dir() -> Path | str:
    """The datasets' location: a local folder, or an fsspec URL string kept exactly as given."""
    value = os.environ.get("MMIP_DATA_DIR")
    if not value:
        return DEFAULT_DATA_DIR
    return value if is_url(value) else Path(value)


def data_check_seconds() -> float:
    # Each check costs one metadata request per dataset on object storage: not on every rerun.
    return float(os.environ.get("MMIP_DATA_CHECK_SECONDS") or 60)


def boundaries_dir() -> Path | None:
    value = os.environ.get("MMIP_BOUNDARIES_DIR")
    return Path(value) if value else None


def cache_dir() -> Path:
    return Path(os.environ.get("MMIP_CACHE_DIR") or Path.home() / ".cache" / "mmip-dashboard")


def offline() -> bool:
    return os.environ.get("MMIP_OFFLINE", "0").strip().lower() in {"1", "true", "yes"}
