"""A data pack: the datasets a session works on, as a zip a user keeps and the app loads back.

An import lives only in the browser session. The pack holds every dataset as Parquet (the same
files, names and schemas as ``data/``), a ``sources.csv`` listing the source and date behind
each dataset's rows, and a README saying how to load it: unzip it into a folder and start the
app with ``MMIP_DATA_DIR`` pointing at that folder (:func:`lib.data.loading.load_dataset` reads
and validates it like the embedded data).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from lib import config
from lib.data import export
from lib.data.loading import write_parquet

README = """UK medicines manufacturing capability: data pack

{origin}

Files: one Parquet file per dataset (the layout of the dashboard's data/ folder, described in
its data/README.md) and sources.csv (the source and date behind each dataset's rows).

To use it: unzip this file into a folder, then start the dashboard with
    MMIP_DATA_DIR=/path/to/that/folder python -m lib.ui.launch
Every page then shows this data. The files are checked on loading like the embedded data.
"""


def sources_csv(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per dataset, the distinct (source_url, as_of) behind its rows, with the number of rows."""
    parts = []
    for name, frame in frames.items():
        table = export.sources_table(frame)
        table.insert(0, "dataset", name)
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=["dataset", "source_url", "as_of", "rows"])
    return pd.concat(parts, ignore_index=True)


def pack_bytes(frames: dict[str, pd.DataFrame], origin: str = "") -> bytes:
    """The zip: ``<dataset>.parquet`` for each of :data:`lib.config.DATASETS` present, ``sources.csv``
    (formula-safe, like every download) and ``README.txt``."""
    buffer = io.BytesIO()
    present = {name: frames[name] for name in config.DATASETS if name in frames}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, frame in present.items():
            parquet = io.BytesIO()
            write_parquet(frame, parquet)
            # Parquet is compressed already (zstd): storing it again compressed gains nothing.
            archive.writestr(f"{name}.parquet", parquet.getvalue())
        archive.writestr("sources.csv", export.to_csv_bytes(sources_csv(present)))
        archive.writestr("README.txt", README.format(origin=origin or "Datasets exported from the dashboard."))
    return buffer.getvalue()


def unpack(data: bytes, folder: Path) -> list[str]:
    """Write a pack's Parquet files into ``folder`` (for ``MMIP_DATA_DIR``); returns the dataset names.

    Only the dataset files are taken, by their own names: a member path cannot leave ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in config.DATASETS:
            member = f"{name}.parquet"
            if member in archive.namelist():
                (folder / member).write_bytes(archive.read(member))
                names.append(name)
    return names
