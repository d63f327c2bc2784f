"""Reading, typing and validating the datasets.

Two entry points:
- :func:`coerce_frame` turns raw text columns (a CSV source, an upload) into the typed frame a
  schema expects, reporting every value it cannot convert instead of raising;
- :func:`load_dataset` reads one Parquet file and validates it, raising :class:`DatasetError` with a
  message that names the file and what is wrong. The file is local, or an fsspec URL
  (``s3://bucket/prefix/sites.parquet``, ``gs://…``, ``memory://…``) when ``MMIP_DATA_DIR`` is one;
  :func:`data_version` fingerprints the files either way so that caches see a changed file.

Problems are always reported as a frame with the columns of :data:`PROBLEM_COLUMNS`, one row per
(row, column) problem, so that the app can show and download them.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lib import config
from lib.data.schemas import LIST_COLUMNS, list_array, schema_for

PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason"]
LIST_SEPARATOR = ";"


@dataclass
class DatasetError(Exception):
    """A dataset that cannot be used, with a message fit to show a user."""

    file: str
    message: str
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def __str__(self) -> str:  # pragma: no cover - exercised through messages in tests
        return f"{self.file}: {self.message}"


def _libc():
    """glibc, or None elsewhere (macOS, musl): nothing to trim there."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


_LIBC = _libc()


def release_unused_memory() -> None:
    """Hand memory freed after a large load back to the operating system (glibc keeps it
    otherwise), so a long-running server's footprint is what it holds, not what it once parsed.

    What is left is frozen out of the cyclic garbage collector: the cached tables are hundreds of
    thousands of long-lived objects (list cells), and a full collection walking them took
    130-180 ms at 100k sites, about once per rerun. Reference counting still frees them; the next
    call unfreezes first, so tables dropped from a cache in between are collected then."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    pa_arrow.default_memory_pool().release_unused()
    return_freed_heap()


def return_freed_heap() -> None:
    """Give the C heap's free pages back to the operating system (glibc ``malloc_trim``).

    A page's run builds and drops working arrays (the map's grid at a million sites: ~130 MiB);
    glibc keeps freed heap memory resident unless told, so the server would carry every page's
    peak for the rest of its life. ~3 ms at a million sites (measured), so it runs after every
    run; unlike :func:`release_unused_memory` it touches no Python objects."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def compact_repeated_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its repeating text columns held as categoricals (sorted categories, so a sort
    on them is still alphabetical), when it has at least ``config.COMPACT_MIN_ROWS`` rows.

    Values, missing values and comparisons are unchanged; the frame is new, ``frame`` untouched."""
    rows = len(frame)
    if rows < config.COMPACT_MIN_ROWS or rows == 0:
        return frame
    limit = max(1, int(rows * config.COMPACT_MAX_DISTINCT_SHARE))
    compact = {}
    for column in frame.columns:
        values = frame[column]
        if not isinstance(values.dtype, pd.StringDtype):
            continue  # numbers, list cells, categoricals already
        if values.nunique(dropna=True) <= limit:
            compact[column] = pd.Categorical(values)
    return frame.assign(**compact) if compact else frame


def empty_problems() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})


def _column_kind(dtype) -> str:
    text = str(dtype).lower()
    if "int" in text:
        return "int"
    if "float" in text:
        return "float"
    if text in {"object"}:
        return "list"
    return "text"


def list_cells(lists: pa_arrow.Array | pa_arrow.ChunkedArray, index: pd.Index) -> pd.Series:
    """An Arrow list<string> column as a Series of plain Python lists (missing -> None), with one
    shared list object per distinct list and one string object per distinct item.

    Sites repeat a few hundred capability combinations; one list per row held ~20 MiB of Python
    objects at 100k sites. Sharing is safe because the tables are read-only once loaded (cached as
    resources, never mutated); code that needs a changed list builds a new one."""
    if isinstance(lists, pa_arrow.ChunkedArray):
        lists = lists.combine_chunks()
    lists = lists.cast(pa_arrow.list_(pa_arrow.string()))
    # Length, NUL, then the NUL-joined items identify a list exactly (the length tells [] from
    # [""]); a missing list stays missing and is encoded as a value of its own.
    length = pc.cast(pc.list_value_length(lists), pa_arrow.string())
    keys = pc.binary_join_element_wise(length, pc.binary_join(lists, "\x00"), "\x00")
    codes = keys.dictionary_encode(null_encoding="encode").indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    distinct = lists.take(pa_arrow.array(first, type=pa_arrow.int64()))
    # Items dictionary-encoded: Arrow then gives one str object per distinct item, not per cell.
    distinct = pa_arrow.ListArray.from_arrays(
        distinct.offsets, distinct.values.dictionary_encode(), mask=distinct.is_null()
    )
    distinct = pd.Series(distinct.to_pylist(), dtype=object).to_numpy()
    # ``first`` is sorted by code, so row i's list is distinct[codes[i]].
    return pd.Series(distinct[codes], index=index, dtype=object)


def split_list(values: pd.Series) -> pd.Series:
    """``"a; b;;c"`` -> ``["a", "b", "c"]``; empty or missing -> ``[]`` (vectorised in Arrow)."""
    text = pa_arrow.array(values.astype("string").fillna(""), type=pa_arrow.string())
    parts = pc.split_pattern(text, LIST_SEPARATOR)
    items = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    keep = pc.greater(pc.utf8_length(items), 0)
    parents = pc.list_parent_indices(parts).to_numpy()[keep.to_numpy(zero_copy_only=False)]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(parents, minlength=len(text)))]).astype(np.int32)
    lists = pa_arrow.ListArray.from_arrays(pa_arrow.array(offsets), items.filter(keep))
    return list_cells(lists, values.index)


def coerce_frame(raw: pd.DataFrame, name: str, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the text columns of ``raw`` for dataset ``name``.

    Returns the typed frame (same index as ``raw``; unconvertible values become missing) and a
    problems frame naming every value that could not be converted. Columns the schema does not
    know are dropped; missing columns are added empty (the schema then reports them if required).
    """
    schema = schema_for(name)
    problems = []
    out = pd.DataFrame(index=raw.index)
    list_columns = LIST_COLUMNS.get(name, ())
    for column, spec in schema.columns.items():
        if column in raw.columns:
            values = raw[column]
        else:
            values = pd.Series(pd.NA, index=raw.index, dtype="object")
        if column in list_columns:
            already_lists = list_array(values)
            out[column] = (
                split_list(values)
                if already_lists is None or already_lists.null_count
                else list_cells(already_lists, values.index)
            )
            continue
        text = values.astype("string").str.strip()
        text = text.mask(text == "")
        kind = _column_kind(spec.dtype)
        if kind in {"int", "float"}:
            numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
            bad = text.notna() & numbers.isna()
            if kind == "int":
                fractional = numbers.notna() & (numbers != np.floor(numbers))
                bad |= fractional
                numbers = numbers.mask(fractional)
                out[column] = numbers.astype("Int64")
            else:
                out[column] = numbers.astype("float64")
            if bad.any():
                problems.append(
                    pd.DataFrame(
                        {
                            "file": file,
                            "row": raw.index[bad] + 1,
                            "column": column,
                            "value": text[bad].astype(str).to_numpy(),
                            "reason": "not a whole number" if kind == "int" else "not a number",
                        }
                    )
                )
        else:
            out[column] = text.astype("str")
    typed = out
    problem_frame = pd.concat(problems, ignore_index=True) if problems else empty_problems()
    return typed, problem_frame


def schema_problems(error, file: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per failing (row, column) from a lazy pandera validation."""
    cases = error.failure_cases.copy()
    index = pd.to_numeric(cases.get("index"), errors="coerce")
    rows = index + 1  # 1-based data row, header not counted
    columns = cases["column"].fillna("(table)").astype(str)
    reasons = cases["check"].astype(str).map(_plain_reason)
    return pd.DataFrame(
        {
            "file": file,
            "row": rows.astype("Int64"),
            "column": columns,
            "value": cases["failure_case"].astype(str),
            "reason": reasons,
        }
    )[PROBLEM_COLUMNS]


def _plain_reason(check: str) -> str:
    """Pandera check names into words a user understands."""
    replacements = {
        "not_nullable": "required value is missing",
        "field_uniqueness": "duplicate id",
        "column_in_dataframe": "required column is missing",
        "column_in_schema": "unexpected column",
        "column_ordered": "columns are in the wrong order",
        "str_length(1, None)": "required value is empty",
        "multiple_fields_uniqueness": "duplicate id",
    }
    if check in replacements:
        return replacements[check]
    if check.startswith("isin("):
        return "not an allowed value; allowed: " + check[len("isin(") : -1]
    if check.startswith("in_range("):
        return "out of range " + check[len("in_range") :]
    if check.startswith("greater_than_or_equal_to(0)"):
        return "must not be negative"
    if check.startswith("greater_than(0)"):
        return "must be greater than zero"
    if check.startswith("str_matches("):
        return "wrong format, expected pattern " + check[len("str_matches(") : -1]
    if check.startswith("dtype("):
        return "wrong type " + check[len("dtype") :]
    return check


def validate(
    frame: pd.DataFrame, name: str, file: str, capability_ids: set[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily; return (valid rows, problems). Nothing is dropped silently."""
    import pandera.errors  # here, not at the top: see validated_files

    schema = schema_for(name, capability_ids)
    try:
        return schema.validate(frame, lazy=True), empty_problems()
    except pandera.errors.SchemaErrors as error:
        problems = (
            schema_problems(error, file, frame)
            .sort_values(["row", "column"], kind="stable", na_position="first")
            .reset_index(drop=True)
        )
        bad_rows = set(problems["row"].dropna().astype(int) - 1)
        good = frame.loc[~frame.index.isin(list(bad_rows))]
        return good, problems


def read_source_csv(name: str, source_dir: Path | None = None) -> pd.DataFrame:
    """Read and type one CSV source of the embedded data (all columns read as text first)."""
    path = (source_dir or config.SOURCE_DIR) / f"{name}.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    typed, problems = coerce_frame(raw, name, path.name)
    if not problems.empty:
        raise DatasetError(path.name, "values could not be read", problems)
    return typed


def parquet_path(name: str, directory: Path | str | None = None) -> Path | str:
    """Where dataset ``name`` lives: a local ``Path``, or a URL string when the location is a URL."""
    location = directory or config.data_dir()
    if config.is_url(location):
        location = str(location)
        return f"{location}{'' if location.endswith('/') else '/'}{name}.parquet"
    return Path(location) / f"{name}.parquet"


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa_arrow.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    # Stable bytes across rebuilds: no pandas metadata timestamps, fixed compression.
    pq.write_table(table, path, compression="zstd")


def _remote_problem(url: str, exc: Exception) -> str:
    """What went wrong reading ``url`` from object storage, in words that say what to do."""
    if isinstance(exc, FileNotFoundError):
        return f"not found: {url}"
    if isinstance(exc, ImportError):
        # fsspec names the package, e.g. "Install s3fs to access S3".
        return f"cannot read {url}: {exc} (pip install it)"
    if isinstance(exc, PermissionError):
        return f"access denied to {url}: check the credentials and the bucket's permissions ({exc})"
    # botocore's NoCredentialsError / PartialCredentialsError, matched by name so that reading
    # gs:// or az:// does not need botocore installed.
    if "Credentials" in type(exc).__name__:
        return (
            f"no credentials to read {url}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            f"(or AWS_PROFILE), or give the machine a role ({exc})"
        )
    return f"cannot read {url}: {type(exc).__name__}: {exc}"


def _read_table(path: Path | str, file: str) -> pa_arrow.Table:
    if config.is_url(path):
        try:
            filesystem, key = fsspec.core.url_to_fs(path)
            # One GET for the whole object: every column is read anyway, and it avoids the many
            # small range requests a file-like reader makes for the footer and each column chunk.
            source = pa_arrow.BufferReader(filesystem.cat_file(key))
        except Exception as exc:  # fsspec back-ends raise their own types (botocore, aiohttp…)
            raise DatasetError(file, _remote_problem(path, exc)) from exc
        where = f" ({path})"
    else:
        if not path.exists():
            raise DatasetError(file, f"file not found in {path.parent}")
        source, where = path, ""
    try:
        return pq.read_table(source)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise DatasetError(file, f"the file is not a readable Parquet file{where} ({type(exc).__name__})") from exc


# The metadata fields fsspec back-ends report that change when a file's content changes: S3 ETag
# and LastModified, GCS generation/md5Hash/updated, Azure etag/last_modified, HTTP headers,
# local mtime, memory created. Picked, not the whole info dict, so nothing that varies between
# two identical requests makes the app reload its data.
VERSION_KEYS = (
    "size",
    "ETag",
    "etag",
    "LastModified",
    "last_modified",
    "Last-Modified",
    "mtime",
    "created",
    "generation",
    "md5Hash",
    "updated",
    "VersionId",
    "Content-MD5",
    "Digest",
)


def data_version(directory: Path | str | None = None) -> str:
    """A fingerprint of the dataset files, to key caches on: it changes when any file changes.

    Local files: modification time and size. Remote objects: the fields of :data:`VERSION_KEYS`
    from one metadata request per file, no download. A missing or unreachable file gives a fixed
    marker; the loader, not this, reports what is wrong with it.
    """
    parts = []
    for name in config.DATASETS:
        path = parquet_path(name, directory)
        try:
            if config.is_url(path):
                filesystem, key = fsspec.core.url_to_fs(path)
                filesystem.invalidate_cache(key)  # s3fs and others cache listings: ask the store
                info = filesystem.info(key)
                parts.append(repr([(k, str(info[k])) for k in VERSION_KEYS if k in info]))
            else:
                stat = path.stat()
                parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except Exception as exc:
            parts.append(f"unavailable:{type(exc).__name__}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# Written beside the Parquet files by the code that has just validated them (the build, the
# synthetic data): which bytes passed which version of the schemas.
VALIDATED_FILE = "validated.json"


def schema_fingerprint() -> str:
    """Changes whenever the validation rules (lib/data/schemas.py) change."""
    from lib.data import schemas

    return hashlib.sha256(Path(schemas.__file__).read_bytes()).hexdigest()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_validated(directory: Path) -> Path:
    """Record that every dataset file now in ``directory`` passed its schema. Only for writers that
    have just validated everything they wrote (or copied from a folder whose record holds)."""
    directory = Path(directory)
    files = {f"{name}.parquet": _digest(directory / f"{name}.parquet") for name in config.DATASETS}
    path = directory / VALIDATED_FILE
    path.write_text(json.dumps({"schema": schema_fingerprint(), "files": files}, indent=1) + "\n", encoding="utf-8")
    return path


def validated_files(directory: Path | str | None = None) -> bool:
    """True when every dataset file in ``directory`` is byte for byte one recorded as validated
    against today's schemas: loading can then skip validating them again (and the server need not
    import pandera at all). Any changed, added or missing file, a changed schema, a URL or no
    record: False, and everything is validated. All or nothing, because the other datasets'
    capability lists are checked against the capabilities file."""
    location = directory or config.data_dir()
    if config.is_url(location):
        return False  # hashing would mean downloading every object twice
    folder = Path(location)
    try:
        record = json.loads((folder / VALIDATED_FILE).read_text(encoding="utf-8"))
        files = record["files"]
        if record["schema"] != schema_fingerprint() or set(files) != {f"{n}.parquet" for n in config.DATASETS}:
            return False
        return all(_digest(folder / file) == digest for file, digest in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def load_dataset(
    name: str, directory: Path | str | None = None, capability_ids: set[str] | None = None, validated: bool = False
) -> pd.DataFrame:
    """Read one Parquet dataset (local or an fsspec URL) and validate it; raise DatasetError naming the file.

    ``validated``: the file is known to have passed (:func:`validated_files`); only its columns are checked."""
    path = parquet_path(name, directory)
    file = f"{name}.parquet"
    table = _read_table(path, file)
    # List columns are left out of to_pandas: it would make a numpy array per row only for
    # list_cells to replace them, and at 100k sites that churn left ~7 MiB more resident.
    lists = sorted(
        (column for column in LIST_COLUMNS.get(name, ()) if column in table.column_names), key=table.column_names.index
    )
    try:
        frame = table.drop_columns(lists).to_pandas()
    except Exception as exc:  # a readable file whose types pandas cannot take
        raise DatasetError(file, f"the file is not a readable Parquet file ({type(exc).__name__})") from exc
    for column in lists:
        # Plain Python lists (pandas would give numpy arrays), converted by Arrow in one pass, in
        # the file's column order.
        frame.insert(table.column_names.index(column), column, list_cells(table.column(column), frame.index))
    if validated:  # these very bytes passed the schema, columns included
        return compact_repeated_text(frame) if name in config.COMPACTED_DATASETS else frame
    schema_columns = list(schema_for(name).columns)
    missing = [c for c in schema_columns if c not in frame.columns]
    unexpected = [c for c in frame.columns if c not in schema_columns]
    if missing or unexpected:
        # Another dataset's file, or an old layout: say which columns, not the first pandera check.
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing[:6])}{' …' if len(missing) > 6 else ''}")
        if unexpected:
            parts.append(
                f"unexpected column(s) {', '.join(map(str, unexpected[:6]))}{' …' if len(unexpected) > 6 else ''}"
            )
        listed = pd.DataFrame(
            {
                "file": file,
                "row": pd.array([pd.NA] * (len(missing) + len(unexpected)), dtype="Int64"),
                "column": [*missing, *map(str, unexpected)],
                "value": "",
                "reason": ["required column is missing"] * len(missing) + ["unexpected column"] * len(unexpected),
            }
        )[PROBLEM_COLUMNS]
        raise DatasetError(file, f"the file does not have the {name} columns: {'; '.join(parts)}", listed)
    valid, problems = validate(frame, name, file, capability_ids)
    if not problems.empty:
        first = problems.iloc[0]
        where = (
            f"row {first['row']}, column '{first['column']}'"
            if pd.notna(first["row"])
            else f"column '{first['column']}'"
        )
        raise DatasetError(
            file,
            f"{len(problems)} problem(s) against the {name} schema; first: {where}: {first['reason']}",
            problems,
        )
    return compact_repeated_text(valid) if name in config.COMPACTED_DATASETS else valid
