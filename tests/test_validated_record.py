"""The validation record (data/validated.json): files the build validated are loaded without
validating them again, so a server on the embedded data never imports pandera (~13 MiB resident,
issue #20); any other file, or a changed one, is validated as before and named when bad."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib import config
from lib.data.datasets import load_datasets_uncached
from lib.data.loading import VALIDATED_FILE, validated_files


def test_the_embedded_data_is_recorded_as_validated_by_todays_schemas():
    # Fails when a CSV or lib/data/schemas.py changed without `python -m lib.data.build`.
    assert validated_files(config.DEFAULT_DATA_DIR)


def test_loading_the_embedded_data_does_not_import_pandera(root):
    code = (
        "import sys; from lib.data.datasets import load_datasets_uncached; "
        "d = load_datasets_uncached(); assert not d.errors, d.errors; "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _copy_with_bad_status(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("source", "boundaries"))
    table = pq.read_table(folder / "sites.parquet")
    status = table.column("status").to_pylist()
    status[4] = "open for business"
    table = table.set_column(table.column_names.index("status"), "status", pa.array(status, pa.string()))
    pq.write_table(table, folder / "sites.parquet")
    return folder


def test_a_changed_file_is_validated_again_and_its_problem_named(tmp_path):
    folder = _copy_with_bad_status(tmp_path)
    assert (folder / VALIDATED_FILE).exists() and not validated_files(folder)
    data = load_datasets_uncached(folder)
    error = data.errors["sites"]
    problems = error.problems
    assert error.file == "sites.parquet"
    assert ((problems["row"] == 5) & (problems["column"] == "status")).any()


def test_a_record_for_other_rules_or_files_is_not_trusted(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, folder, ignore=shutil.ignore_patterns("source", "boundaries"))
    assert validated_files(folder)
    record = (folder / VALIDATED_FILE).read_text(encoding="utf-8")
    (folder / VALIDATED_FILE).write_text(record.replace('"schema": "', '"schema": "0'), encoding="utf-8")
    assert not validated_files(folder)
    (folder / VALIDATED_FILE).write_text("not json", encoding="utf-8")
    assert not validated_files(folder)
    assert not validated_files("s3://bucket/prefix")


def test_the_synthetic_writer_records_what_it_validated(tmp_path):
    from lib.data.synthetic import write_synthetic_data

    write_synthetic_data(200, tmp_path / "synthetic", use_boundaries=False)
    assert validated_files(tmp_path / "synthetic")
    assert len(pd.read_parquet(tmp_path / "synthetic" / "sites.parquet")) == 200
