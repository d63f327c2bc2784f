"""Loading, typing and validating datasets; the committed Parquet equals a fresh build."""

from __future__ import annotations

import gc
import shutil
import weakref

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lib import config
from lib.data import build
from lib.data.loading import (
    DatasetError,
    coerce_frame,
    list_cells,
    load_dataset,
    read_source_csv,
    release_unused_memory,
    split_list,
    write_parquet,
)


def test_committed_parquet_equals_fresh_build(tmp_path):
    assert build.main(["--out", str(tmp_path)]) == 0
    for name in config.DATASETS:
        fresh = pq.read_table(tmp_path / f"{name}.parquet")
        committed = pq.read_table(config.DEFAULT_DATA_DIR / f"{name}.parquet")
        assert committed.equals(fresh), f"{name}.parquet is stale: run python -m lib.data.build"


def test_every_dataset_loads_and_validates(embedded):
    assert set(embedded) == set(config.DATASETS)
    assert isinstance(embedded["sites"]["capabilities"].iloc[0], list)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(DatasetError) as info:
        load_dataset("sites", tmp_path)
    assert info.value.file == "sites.parquet"
    assert "not found" in info.value.message


def test_corrupt_file_names_the_file(tmp_path):
    (tmp_path / "centres.parquet").write_bytes(b"this is not parquet at all")
    with pytest.raises(DatasetError) as info:
        load_dataset("centres", tmp_path)
    assert info.value.file == "centres.parquet"
    assert "not a readable Parquet file" in info.value.message


def test_wrong_schema_names_row_and_column(tmp_path):
    sites = read_source_csv("sites")
    sites.loc[4, "latitude"] = 12.0  # far south of the UK
    sites.loc[7, "status"] = "thriving"
    write_parquet(sites, tmp_path / "sites.parquet")
    with pytest.raises(DatasetError) as info:
        load_dataset("sites", tmp_path)
    problems = info.value.problems
    found = set(zip(problems["row"].astype(int), problems["column"]))
    assert (5, "latitude") in found and (8, "status") in found
    assert info.value.file == "sites.parquet"
    assert "row 5, column 'latitude'" in info.value.message


def test_missing_column_is_reported(tmp_path):
    regions = read_source_csv("regions").drop(columns=["population"])
    write_parquet(regions, tmp_path / "regions.parquet")
    with pytest.raises(DatasetError) as info:
        load_dataset("regions", tmp_path)
    assert "population" in set(info.value.problems["column"]) or "population" in info.value.problems["value"].str.cat()


def test_coerce_reports_unreadable_numbers_and_keeps_rows():
    raw = pd.DataFrame(
        {
            "investment_id": ["I0001", "I0002", "I0003"],
            "public_gbp": ["1,200,000", "lots", ""],
            "year": ["2019", "2020.5", ""],
        }
    )
    typed, problems = coerce_frame(raw, "investments", "upload.csv")
    assert len(typed) == 3
    assert typed["public_gbp"].tolist()[0] == 1_200_000
    assert pd.isna(typed["public_gbp"].iloc[2])
    assert set(zip(problems["row"], problems["column"])) == {(2, "public_gbp"), (2, "year")}
    assert (problems["file"] == "upload.csv").all()


def test_split_list_trims_and_drops_empties():
    assert split_list(pd.Series(["a; b;;c", "", None])).tolist() == [["a", "b", "c"], [], []]


def test_list_cells_keep_every_list_and_share_repeats():
    rows = [["a", "b"], [], None, [""], ["a", "b"], ["a", "b", ""], ["b"]]
    cells = list_cells(pa.array(rows, type=pa.list_(pa.string())), pd.RangeIndex(10, 17))
    # Each row reads back exactly (an empty list, a missing one and [""] stay distinct) ...
    assert cells.tolist() == rows
    assert list(cells.index) == list(range(10, 17))
    # ... a repeated capability combination is one object, not one per row, and so is an item.
    assert cells.iloc[0] is cells.iloc[4]
    assert cells.iloc[0][1] is cells.iloc[6][0]


def test_loaded_sites_share_repeated_capability_lists(embedded):
    capabilities = embedded["sites"]["capabilities"]
    distinct = capabilities.map(tuple).nunique()
    assert distinct < len(capabilities)
    assert len({id(cell) for cell in capabilities}) == distinct


def test_loaded_centres_keep_the_files_columns_in_order_with_lists_as_lists(embedded):
    # Centres have two list columns, read apart from the rest and put back in the file's order:
    # the directory export and "Show data" tables follow this order.
    centres = embedded["centres"]
    assert list(centres.columns) == pq.read_schema(config.data_dir() / "centres.parquet").names
    assert centres["funders"].map(lambda cell: cell is None or isinstance(cell, list)).all()
    assert centres["capabilities"].map(lambda cell: isinstance(cell, list)).all()


def test_build_refuses_bad_sources(tmp_path, capsys):
    shutil.copytree(config.SOURCE_DIR, tmp_path / "source")
    path = tmp_path / "source" / "investments.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "public_gbp"] = "-5"
    frame.to_csv(path, index=False)
    assert build.main(["--source", str(tmp_path / "source"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "investments.csv" in err and "public_gbp" in err and "must not be negative" in err
    assert not (tmp_path / "out").exists()


class _Table:
    """Stands in for a cached table that refers to itself (a reference cycle)."""

    def __init__(self):
        self.me = self


def test_tables_frozen_after_a_load_are_still_freed_after_the_next_load():
    # A server that reloads changed data every few minutes must not keep every old copy.
    table = _Table()
    alive = weakref.ref(table)
    release_unused_memory()
    assert gc.get_freeze_count() > 0  # reruns no longer walk the loaded tables
    del table
    release_unused_memory()
    assert alive() is None
