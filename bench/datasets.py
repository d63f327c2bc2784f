"""Benchmark datasets: synthetic Parquet for the dashboard (via lib.data.synthetic) and CSV for the baseline.

Each size gets a folder ``<root>/sites-<N>/`` that is both an ``MMIP_DATA_DIR`` (six Parquet files)
and a ``BENCH_DATA_DIR`` for the naive baseline (``sites.csv``, ``regions.csv``). The embedded
data gets ``<root>/embedded/`` with the CSVs only: the dashboard reads ``data/`` as usual.
Folders already complete are reused, so a rerun of the benchmark does not regenerate a million rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lib import config
from lib.data import synthetic
from lib.data.loading import LIST_SEPARATOR, load_dataset
from lib.data.schemas import LIST_COLUMNS

EMBEDDED = "embedded"
DEFAULT_ROOT = Path("/tmp/mmip-bench")


def size_label(size: int | str) -> str:
    return EMBEDDED if size == EMBEDDED else f"{int(size):,}"


def csv_for_baseline(sites: pd.DataFrame) -> pd.DataFrame:
    """The sites as a user would export them to CSV: lists joined with ';'."""
    out = sites.copy()
    for column in LIST_COLUMNS["sites"]:
        out[column] = out[column].str.join(LIST_SEPARATOR)
    return out


def prepare(size: int | str, root: Path = DEFAULT_ROOT, seed: int = 0) -> Path:
    """The folder for one size, generated on first use."""
    folder = Path(root) / (EMBEDDED if size == EMBEDDED else f"sites-{int(size)}")
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    if size == EMBEDDED:
        sites = load_dataset("sites", config.DEFAULT_DATA_DIR)
    else:
        sites = synthetic.write_synthetic_data(int(size), folder, seed=seed)
    csv_for_baseline(sites).to_csv(folder / "sites.csv", index=False)
    load_dataset("regions", config.DEFAULT_DATA_DIR).to_csv(folder / "regions.csv", index=False)
    done.write_text(f"{len(sites)} sites, seed {seed}\n")
    return folder


def app_env(size: int | str, folder: Path) -> dict[str, str]:
    """Environment for the dashboard: the same MMIP_DATA_DIR switch a user would set."""
    return {} if size == EMBEDDED else {"MMIP_DATA_DIR": str(folder)}


def baseline_env(folder: Path) -> dict[str, str]:
    return {"BENCH_DATA_DIR": str(folder)}
