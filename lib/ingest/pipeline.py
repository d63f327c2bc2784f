"""Bring your own data: read a user's file, recognise its format, clean it, validate it, place it.

The pipeline, each step a pure function over frames:

1. :func:`read_table` parses CSV / TSV (any of UTF-8, UTF-8 with BOM, Windows-1252; ``,`` ``;``
   tab or ``|`` delimited), Excel (.xlsx, one sheet) or Parquet bytes in memory, as text;
2. :func:`detect_format` recognises the project's own columns, the Innovate UK "funded projects"
   spreadsheet and the 360Giving flat CSV; anything else goes through :func:`suggest_mapping`;
3. :func:`to_project_columns` renames / converts to the dataset's schema columns;
4. :func:`normalise` repairs messy but common values (``£1.2m``, ``1,200,000``, postcodes in any
   case, region names, capability names) and flags impossible ones with a reason;
5. :func:`ingest` places rows (:mod:`lib.geo.geocode`), types them with :func:`lib.data.coerce_frame`
   and validates them with the same pandera schemas as the embedded data (:func:`lib.data.validate`).

Every rejected row is reported with its row number (1 = first row under the header), column, value
and reason; nothing is dropped silently. Columns a user's own list cannot be expected to have
(:data:`DEFAULTS`) become "not stated", and capability words map to the taxonomy through the
synonym table ``capability_synonyms.csv``; both are listed as notices, the row is still accepted.
:func:`import_file` is the whole import of a file's bytes (the page runs the same two steps with
the column matching between them). Command line (writes the CSV in ``data/source`` layout and the
reports next to it; exit codes 0 all accepted, 1 some rejected, 2 unreadable or wrong dataset)::

    python -m lib.ingest FILE --kind sites|centres|investments [--format auto] [--sheet NAME] --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import io
import re
import sys
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lib.data.loading import (
    LIST_SEPARATOR,
    PROBLEM_COLUMNS,
    coerce_frame,
    empty_problems,
    validate,
)
from lib.data.schemas import (
    CENTRE_STATUSES,
    CENTRE_TYPES,
    ITL1_CODES,
    ITL1_NAMES,
    LIST_COLUMNS,
    LOCATION_PRECISIONS,
    MMIP_PROPOSALS,
    NOT_STATED,
    OPERATOR_TYPES,
    RECORD_TYPES,
    SITE_STATUSES,
    UK_LAT,
    UK_LON,
    UK_WIDE,
    schema_for,
)
from lib.geo import geocode

MAX_UPLOAD_MB = 50  # = server.maxUploadSize in .streamlit/config.toml
MAX_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 2_000_000

IMPORTABLE = ("sites", "centres", "investments")
ID_COLUMNS = {"sites": ("site_id", "S"), "centres": ("centre_id", "C"), "investments": ("investment_id", "I")}
FORMATS = {
    "project": "this dashboard's own columns",
    "innovate_uk": "Innovate UK funded projects",
    "360giving": "360Giving flat CSV",
    "mapped": "other: match the columns by hand",
}
# Extra input columns that are not in any schema but help place a row.
POSTCODE, DISTRICT = "postcode", "district"
SOURCE_KEY = "source_key"  # the external file's own id, for duplicate checks
POSTCODE_GIVEN = "postcode_not_recognised"  # the text of a postcode that is not a valid UK postcode

INNOVATE_UK_URL = "https://www.ukri.org/publications/innovate-uk-funded-projects-since-2004/"
GIVING_URL = "https://www.threesixtygiving.org/"

Progress = Callable[[str, int, int], None]


class IngestError(Exception):
    """A file that cannot be read at all, with a message fit to show a user."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


# ---------------------------------------------------------------- reading bytes


@dataclass
class RawTable:
    frame: pd.DataFrame
    file: str
    file_type: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    blank_rows: int = 0

    def describe(self) -> str:
        parts = [f"{len(self.frame):,} rows, {len(self.frame.columns)} columns", self.file_type]
        if self.encoding:
            parts.append(f"encoding {self.encoding}")
        if self.delimiter:
            parts.append("delimiter " + {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.delimiter])
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.blank_rows:
            parts.append(f"{self.blank_rows:,} blank row(s) ignored")
        return "; ".join(parts)


def file_type(data: bytes, file: str) -> str:
    """``parquet``, ``xlsx`` or ``csv``, from the content first (names lie), then the extension."""
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(file, "this is an old Excel .xls file: save it as .xlsx or CSV and upload again")
    suffix = Path(file).suffix.lower()
    if suffix in {".xlsx", ".parquet"}:
        raise IngestError(file, f"the file is named {suffix} but its content is not a {suffix[1:]} file")
    return "csv"


def sniff_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any byte; better than refusing a file with one odd character


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header most often (headers rarely hold quoted delimiters)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def excel_sheets(data: bytes, file: str = "upload.xlsx") -> list[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise IngestError(file, f"the Excel file could not be opened ({type(exc).__name__})") from exc
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _read_csv(data: bytes, file: str) -> RawTable:
    encoding = sniff_encoding(data)
    head = data[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    first = next((line for line in head.splitlines() if line.strip()), "")
    if not first:
        raise IngestError(file, "the file is empty")
    delimiter = sniff_delimiter(first)
    options = dict(
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        encoding=encoding,
        nrows=MAX_ROWS + 1,
        skip_blank_lines=False,
        encoding_errors="replace",
    )
    try:
        frame = pd.read_csv(io.BytesIO(data), **options)
        if not isinstance(frame.index, pd.RangeIndex):
            # Rows with more values than the header: pandas silently turns the first column(s)
            # into the index. Spreadsheets often end every row with a delimiter (an empty extra
            # value): drop those; extra values that hold something are refused, never dropped.
            extra = frame.index.nlevels
            whole = frame.reset_index()
            tail = whole.iloc[:, -extra:].fillna("")
            if not tail.astype(str).eq("").all(axis=None):
                row = int(np.flatnonzero(tail.astype(str).ne("").any(axis=1).to_numpy())[0]) + 1
                raise IngestError(
                    file,
                    f"the CSV could not be read: row {row} has more values than the header has columns; "
                    "is a column name missing, or a value containing the delimiter not in quotes?",
                )
            with warnings.catch_warnings():  # "loss of data": only the empty values checked above
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                frame = pd.read_csv(io.BytesIO(data), index_col=False, **options)
    except pd.errors.ParserError as exc:
        where = re.search(r"line (\d+), saw (\d+)", str(exc))
        detail = (
            (
                f"line {where.group(1)} has {where.group(2)} values but the header has fewer; "
                "is a value containing the delimiter not in quotes?"
            )
            if where
            else "it is not a readable table"
        )
        raise IngestError(file, f"the CSV could not be read: {detail}") from exc
    except pd.errors.EmptyDataError as exc:
        raise IngestError(file, "the file is empty") from exc
    except (ValueError, UnicodeError, OverflowError) as exc:
        # The C parser's last resort errors (e.g. a NUL byte in a quoted field, a line too long
        # for its buffer): the message is about the parser, so say what the user can do.
        raise IngestError(file, f"the CSV could not be read ({type(exc).__name__}); is it a text table?") from exc
    return RawTable(frame, file, "CSV", encoding=encoding, delimiter=delimiter)


def _read_excel(data: bytes, file: str, sheet: str | None) -> RawTable:
    sheets = excel_sheets(data, file)
    if sheet is not None and sheet not in sheets:
        raise IngestError(file, f"there is no sheet named {sheet!r}; sheets: {', '.join(sheets)}")
    chosen = sheet if sheet is not None else sheets[0]
    try:
        frame = pd.read_excel(
            io.BytesIO(data), sheet_name=chosen, dtype=str, keep_default_na=False, engine="openpyxl", nrows=MAX_ROWS + 1
        )
    except Exception as exc:
        raise IngestError(file, f"sheet {chosen!r} could not be read ({type(exc).__name__})") from exc
    return RawTable(frame, file, "Excel", sheet=chosen)


def _read_parquet(data: bytes, file: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(io.BytesIO(data)).to_pandas()
    except Exception as exc:
        raise IngestError(file, f"the Parquet file could not be read ({type(exc).__name__})") from exc
    if not isinstance(frame.index, pd.RangeIndex):
        # A pandas index saved in the file: keep it as ordinary column(s), rows are numbered here.
        frame = frame.reset_index()
    for column in frame.columns:
        values = frame[column]
        is_list = values.map(lambda v: isinstance(v, (list, np.ndarray))).any() if values.dtype == object else False
        if is_list:
            frame[column] = values.map(
                lambda v: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, (list, np.ndarray)) else v
            )
        frame[column] = frame[column].astype("string").fillna("")
    return RawTable(frame, file, "Parquet")


def read_table(data: bytes, file: str, sheet: str | None = None, max_bytes: int | None = MAX_BYTES) -> RawTable:
    """Parse uploaded bytes in memory into a frame of text cells (row labels = data row - 1).

    ``max_bytes`` is the app's upload limit; the command line passes ``None`` (official downloads
    can be larger), the row limit always applies.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(file, f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB")
    if not data.strip():
        raise IngestError(file, "the file is empty")
    file_format = file_type(data, file)
    table = {
        "parquet": lambda: _read_parquet(data, file),
        "xlsx": lambda: _read_excel(data, file, sheet),
        "csv": lambda: _read_csv(data, file),
    }[file_format]()
    frame = table.frame
    if len(frame) > MAX_ROWS:
        raise IngestError(file, f"the file has more than {MAX_ROWS:,} rows; split it into smaller files")
    frame = frame.reset_index(drop=True)  # row label = data row - 1, whatever the reader did
    frame.columns = unique_headers(frame.columns)
    frame = frame.fillna("")
    # Blank rows (often trailing ones left by spreadsheets) are ignored but keep row numbering.
    blank = frame.eq("").all(axis=1) if len(frame.columns) else pd.Series(True, index=frame.index)
    table.frame = frame.loc[~blank]
    table.blank_rows = int(blank.sum())
    if table.frame.empty:
        raise IngestError(file, "the file has a header but no data rows")
    return table


def unique_headers(columns) -> list[str]:
    """Column names as stripped text, made unique: an empty name becomes ``column N`` and a
    repeated one ``name (2)``, so every column can be named in a message and mapped on its own."""
    names: list[str] = []
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        name = str(column).strip().lstrip("\ufeff").strip()
        if not name or name.startswith("Unnamed: "):
            name = f"column {position}"
        candidate, copy = name, 1
        while candidate in seen:
            copy += 1
            candidate = f"{name} ({copy})"
        seen.add(candidate)
        names.append(candidate)
    return names


# ---------------------------------------------------------------- formats and mapping


def target_columns(dataset: str) -> list[str]:
    """Columns a user can map to: the schema's plus the helpers used for placing rows."""
    return [*schema_for(dataset).columns, POSTCODE, DISTRICT]


def required_columns(dataset: str) -> list[str]:
    """Schema columns that must hold a value and cannot be filled in at import."""
    fillable = {
        ID_COLUMNS[dataset][0],
        "source_url",
        "as_of",
        "location_precision",
        "location_source",
        "itl1_code",
        "latitude",
        "longitude",
        "record_type",
    }
    return [
        name
        for name, column in schema_for(dataset).columns.items()
        if not column.nullable
        and name not in fillable
        and name not in LIST_COLUMNS.get(dataset, ())
        and name not in DEFAULTS.get(dataset, {})
    ]


# Columns a user's own list cannot be expected to have: filled with "not stated" where the file
# has no such column or leaves the cell empty, and reported (never a reason to reject a row).
DEFAULTS = {
    "sites": {"operator_type": NOT_STATED, "status": NOT_STATED},
    "centres": {"centre_type": NOT_STATED},
    # A list of money given is a list of awards; a headline budget must say programme_total.
    "investments": {"record_type": "award", "programme": NOT_STATED},
}


INNOVATE_UK_AMOUNTS = ("Award Offered (£)", "Grant Offered (£)")


def detect_format(columns, dataset: str) -> str:
    present = set(columns)
    if dataset == "investments":
        if {"Participant Name", "Project Title"} <= present and present & set(INNOVATE_UK_AMOUNTS):
            return "innovate_uk"
        if {"Identifier", "Amount Awarded", "Recipient Org:Name"} <= present:
            return "360giving"
    own = [c for c in schema_for(dataset).columns if c in present]
    if set(required_columns(dataset)) <= present and len(own) >= len(schema_for(dataset).columns) // 2:
        return "project"
    return "mapped"


SYNONYMS = {
    "site_id": ["id", "site id", "site number", "mhra site number"],
    "centre_id": ["id", "centre id", "center id"],
    "investment_id": ["id", "identifier", "award id", "grant id"],
    "company": [
        "organisation",
        "organization",
        "company name",
        "holder name",
        "name of authorisation holder",
        "licence holder",
        "manufacturer",
    ],
    "site_name": ["site", "site name", "facility", "facility name"],
    "name": ["centre", "centre name", "center name", "facility name"],
    "operator": ["operated by", "organisation", "organization", "owner"],
    "town": ["city", "town or city", "town/city", "locality", "post town", "recipient org:city"],
    POSTCODE: ["postcode", "post code", "postal code", "zip", "postcode or outward code", "recipient org:postal code"],
    DISTRICT: ["local authority", "address local authority", "lad", "district", "council", "local authority district"],
    "latitude": ["lat", "y"],
    "longitude": ["lon", "lng", "long", "x"],
    "itl1_code": ["region", "itl1", "itl1 region", "address region", "nuts1", "region code"],
    "capabilities": ["capability", "capability areas", "capabilities list", "what is made", "activities"],
    "approx_employees": ["employees", "headcount", "staff", "number of employees"],
    "status": ["site status", "project status", "state"],
    "operator_type": ["operator_type", "site_kind", "kind", "type", "site type", "category"],
    "centre_type": ["type", "kind", "category"],
    "public_gbp": [
        "amount",
        "amount awarded",
        "grant",
        "award offered (£)",
        "grant offered (£)",
        "public funding",
        "public money",
        "award",
        "value",
    ],
    "private_gbp": ["private funding", "private money", "match funding", "co-investment"],
    "public_funding_gbp": ["public funding", "public money", "funding"],
    "private_funding_gbp": ["private funding", "industry funding"],
    "recipient": ["recipient org:name", "participant name", "organisation", "organization", "company"],
    "programme": ["grant programme:title", "programme name", "program", "competition", "scheme"],
    "funder": ["funding org:name", "funder name", "funding body"],
    "project": ["title", "project title", "project name"],
    "year": ["award year", "competition year", "financial year"],
    "opened_year": ["opened", "year opened", "opening year"],
    "source_url": ["source", "url", "link", "web address", "source link", "source url", "website", "web page"],
    "as_of": ["date", "as of", "as of date", "as at", "as at date", "last updated", "date checked", "award date"],
    "note": ["notes", "comment", "comments", "description", "remarks"],
    "funders": ["funded by", "public funders"],
}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text).casefold())


def suggest_mapping(columns, dataset: str) -> dict[str, str | None]:
    """For each target column, the uploaded column that looks like it (exact name, synonym, then a
    close spelling), or ``None``. Each uploaded column is suggested at most once."""
    by_key = {}
    for column in columns:
        by_key.setdefault(_header_key(column), column)
    used: set[str] = set()
    mapping: dict[str, str | None] = {}
    targets = target_columns(dataset)
    for exact_only in (True, False):
        for target in targets:
            if mapping.get(target):
                continue
            names = [target, *SYNONYMS.get(target, [])]
            keys = [k for k in map(_header_key, names) if k in by_key and by_key[k] not in used]
            if not keys and not exact_only:
                free = [k for k in by_key if by_key[k] not in used]
                close = difflib.get_close_matches(_header_key(target), free, n=1, cutoff=0.8)
                keys = close
            mapping[target] = by_key[keys[0]] if keys else None
            if keys:
                used.add(by_key[keys[0]])
    return {target: mapping.get(target) for target in targets}


def apply_mapping(raw: pd.DataFrame, mapping: dict[str, str | None]) -> pd.DataFrame:
    """A frame whose columns are the mapped targets (unmapped source columns are left out)."""
    chosen = {target: source for target, source in mapping.items() if source and source in raw.columns}
    return pd.DataFrame({target: raw[source] for target, source in chosen.items()}, index=raw.index)


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    return (
        raw[name].astype("string").fillna("") if name in raw.columns else pd.Series("", index=raw.index, dtype="string")
    )


def innovate_uk_frame(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One award per participant row (the file's grain): money offered to a named organisation.

    Rows the source marks as withdrawn are rejected with that reason: no money was spent on them.
    """
    amount = next(c for c in INNOVATE_UK_AMOUNTS if c in raw.columns)
    product = _col(raw, "Innovate UK Product Type").str.strip()
    project_number = _col(raw, "Project Number").str.strip()
    total_costs = _col(raw, "Total Costs (£)").str.strip()
    note = (
        "Innovate UK project "
        + project_number
        + "; one row per participant; lead participant: "
        + _col(raw, "Is Lead Participant").replace("", "not stated")
    )
    note = note.where(total_costs == "", note + "; total project costs (£) " + total_costs)
    frame = pd.DataFrame(
        {
            "record_type": "award",
            "programme": ("Innovate UK: " + product).where(product != "", "Innovate UK"),
            "funder": "Innovate UK",
            "recipient": _col(raw, "Participant Name"),
            "project": _col(raw, "Project Title"),
            "town": "",
            "itl1_code": _col(raw, "Address Region"),
            "public_gbp": _col(raw, amount),
            "private_gbp": "",
            "year": _col(raw, "Competition Year"),
            "capabilities": "",
            "source_url": INNOVATE_UK_URL,
            "as_of": "",
            "note": note,
            POSTCODE: _col(raw, "Postcode"),
            DISTRICT: _col(raw, "Address Local Authority"),
            SOURCE_KEY: project_number + " | " + _col(raw, "Participant Name").str.strip().str.casefold(),
        },
        index=raw.index,
    )
    status = _col(raw, "Project Status").str.strip().str.casefold()
    participant_withdrawn = _col(raw, "Participant Withdrawn").str.strip().str.casefold()
    withdrawn = (status == "withdrawn") | participant_withdrawn.isin(["yes", "withdrawn", "true", "y"])
    problems = _problems(
        file,
        raw.index[withdrawn],
        "Project Status",
        status[withdrawn].str.capitalize(),
        "withdrawn: the source marks this project or participant as withdrawn",
    )
    return frame, problems


def giving_frame(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """360Giving flat CSV: one grant per row. Amounts in another currency are rejected, not converted."""
    programme = _col(raw, "Grant Programme:Title").str.strip()
    funder = _col(raw, "Funding Org:Name").str.strip()
    url = _col(raw, "URL").str.strip()
    data_source = _col(raw, "Data Source").str.strip()
    award_date = _col(raw, "Award Date").str.strip()
    frame = pd.DataFrame(
        {
            "record_type": "award",
            "programme": programme.where(programme != "", funder),
            "funder": funder,
            "recipient": _col(raw, "Recipient Org:Name"),
            "project": _col(raw, "Title"),
            "town": _col(raw, "Recipient Org:City"),
            "itl1_code": "",
            "public_gbp": _col(raw, "Amount Awarded"),
            "private_gbp": "",
            "year": award_date.str[:4],
            "capabilities": "",
            "source_url": url.where(url != "", data_source.where(data_source != "", GIVING_URL)),
            "as_of": award_date.str[:10],
            "note": "360Giving grant " + _col(raw, "Identifier").str.strip() + "; funder: " + funder,
            POSTCODE: _col(raw, "Recipient Org:Postal Code"),
            DISTRICT: "",
            SOURCE_KEY: _col(raw, "Identifier").str.strip(),
        },
        index=raw.index,
    )
    currency = _col(raw, "Currency").str.strip().str.upper()
    foreign = (currency != "") & (currency != "GBP")
    problems = _problems(
        file,
        raw.index[foreign],
        "Currency",
        currency[foreign],
        "amount is not in pounds sterling (GBP); it is not converted",
    )
    return frame, problems


# The columns without which a recognised layout cannot be read (all of them, or one of a tuple).
LAYOUT_COLUMNS = {
    "innovate_uk": ("Participant Name", "Project Title", INNOVATE_UK_AMOUNTS),
    "360giving": ("Identifier", "Amount Awarded", "Recipient Org:Name"),
}


def check_layout(columns, dataset: str, fmt: str, file: str) -> None:
    """Refuse, with a message, a layout chosen by hand that does not fit the dataset or the file."""
    if fmt not in LAYOUT_COLUMNS:
        return
    if dataset != "investments":
        raise IngestError(file, f"the {FORMATS[fmt]} layout lists investments, not {dataset}")
    present = set(columns)
    missing = [
        " or ".join(need) if isinstance(need, tuple) else need
        for need in LAYOUT_COLUMNS[fmt]
        if not (present & set(need) if isinstance(need, tuple) else need in present)
    ]
    if missing:
        raise IngestError(
            file, f"the file does not have the columns of the {FORMATS[fmt]} layout: no {', '.join(map(repr, missing))}"
        )


def to_project_columns(
    raw: pd.DataFrame, dataset: str, fmt: str, file: str, mapping: dict[str, str | None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    check_layout(raw.columns, dataset, fmt, file)
    if fmt == "innovate_uk":
        return innovate_uk_frame(raw, file)
    if fmt == "360giving":
        return giving_frame(raw, file)
    if fmt == "project":
        mapping = {t: t for t in target_columns(dataset) if t in raw.columns}
    return apply_mapping(raw, mapping or suggest_mapping(raw.columns, dataset)), empty_problems()


# ---------------------------------------------------------------- messy values


def _problems(file: str, rows, column: str, values, reason) -> pd.DataFrame:
    rows = pd.Index(rows)
    return pd.DataFrame(
        {
            "file": file,
            "row": pd.array(rows + 1, dtype="Int64"),
            "column": column,
            "value": (
                np.asarray(pd.Series(values, dtype="string").astype(str)) if not isinstance(values, str) else values
            )
            if len(rows)
            else [],
            "reason": reason if isinstance(reason, str) else pd.Series(reason).astype(str).to_numpy(),
        }
    )[PROBLEM_COLUMNS]


_MONEY = re.compile(
    r"^(?P<neg>-|\()?\s*(?:£|GBP)?\s*(?P<neg2>-)?\s*(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>k|m|mn|bn|b|thousand|million|billion)?\s*\)?$",
    re.IGNORECASE,
)
_UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9}


def by_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a text transform to the distinct values only and spread the results back.

    Columns of a large file repeat a few values (statuses, regions, dates, amounts), so this is
    how a million rows are cleaned in about a second.
    """
    codes, uniques = pd.factorize(values.astype("string").fillna(""), use_na_sentinel=False)
    done = transform(pd.Series(uniques, dtype="string"))
    # ``take`` on the extension array stays in Arrow; going through NumPy objects is 40x slower.
    return pd.Series(done.array.take(codes), index=values.index)


def parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``"£1.2m"`` -> 1200000, ``"1,200,000"`` -> 1200000, ``"£250k"`` -> 250000, ``"(500)"`` -> -500.

    Returns (amount in £ as float, True where a value was given but is not an amount).
    """
    amount = by_distinct(values, _money_amounts)
    given = values.astype("string").fillna("").str.strip() != ""
    return amount, given & amount.isna()


def _money_amounts(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    parts = text.str.extract(_MONEY)
    number = pd.to_numeric(parts["number"].str.replace(",", "", regex=False), errors="coerce")
    unit = parts["unit"].str.lower().map(_UNITS).astype("float64").fillna(1.0)
    negative = parts["neg"].notna() | parts["neg2"].notna()
    amount = (number * unit).where(~negative, -number * unit)
    # Round away float noise from the unit multiplication (1.2 * 1e6 = 1199999.9999999998).
    return amount.round(2).astype("float64")


def parse_year(values: pd.Series) -> pd.Series:
    """``"2019/20"`` or ``"2019-20"`` (financial or competition years) -> ``"2019"``; others unchanged."""

    def transform(text: pd.Series) -> pd.Series:
        text = text.str.strip()
        return text.str.extract(r"^(\d{4})\s*[/-]\s*\d{2,4}$")[0].fillna(text)

    return by_distinct(values, transform)


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates, ISO date-times and day-first ``dd/mm/yyyy`` -> ``YYYY-MM-DD``; others unchanged."""
    return by_distinct(values, _iso_dates)


def _iso_dates(text: pd.Series) -> pd.Series:
    text = text.str.strip()
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$")[0]
    dayfirst = pd.to_datetime(text.where(iso.isna()), format="%d/%m/%Y", errors="coerce").dt.strftime("%Y-%m-%d")
    return iso.fillna(dayfirst.astype("string")).fillna(text)


def _canonical(values: pd.Series, allowed, aliases: dict[str, str] | None = None) -> pd.Series:
    """Case- and spacing-insensitive match onto the allowed spellings; others are left for the schema."""
    lookup = {re.sub(r"[\s_-]+", " ", str(v).casefold()): v for v in allowed}
    lookup.update(aliases or {})

    def transform(text: pd.Series) -> pd.Series:
        text = text.str.strip()
        key = text.str.casefold().str.replace(r"[\s_-]+", " ", regex=True)
        return key.map(lookup).astype("string").fillna(text)

    return by_distinct(values, transform)


_REGION_ALIASES = {
    **{name.casefold(): code for code, name in ITL1_NAMES.items()},
    **{code.casefold(): code for code in ITL1_CODES},
    **{("uk" + code[2]).casefold(): code for code in ITL1_CODES},  # NUTS1 UKC..UKN
    "yorkshire and humber": "TLE",
    "yorkshire & the humber": "TLE",
    "yorkshire & humber": "TLE",
    "yorkshire": "TLE",
    "east": "TLH",
    "eastern": "TLH",
    "east of england": "TLH",
    "greater london": "TLI",
    "uk": UK_WIDE,
    "uk wide": UK_WIDE,
    "uk-wide": UK_WIDE,
    "united kingdom": UK_WIDE,
    "national": UK_WIDE,
}


def normalise_regions(values: pd.Series, allow_uk: bool) -> pd.Series:
    def transform(text: pd.Series) -> pd.Series:
        text = text.str.strip()
        code = text.str.casefold().map(_REGION_ALIASES).astype("string")
        if not allow_uk:
            code = code.mask(code == UK_WIDE)
        return code.fillna(text)

    return by_distinct(values, transform)


SYNONYMS_FILE = Path(__file__).with_name("capability_synonyms.csv")
# Items of a capabilities cell: the project's ";" lists, and the commas, pipes and line breaks
# people write between words.
_CAPABILITY_SPLIT = re.compile(r"[;|,\n]")


def capability_key(text: str) -> str:
    """The form in which capability words are compared: case, hyphens, underscores, "&" and
    spacing do not matter ("Sterile fill-finish" = "sterile fill finish")."""
    text = str(text).casefold().replace("&", " and ")
    return re.sub(r"[\s_\-/.]+", " ", text).strip()


def capability_synonyms() -> pd.DataFrame:
    """The synonym table (``lib/ingest/capability_synonyms.csv``: words, capability_id)."""
    return pd.read_csv(SYNONYMS_FILE, dtype=str, keep_default_na=False)


def capability_lookup(capabilities: pd.DataFrame) -> dict[str, str]:
    """Id, display name and synonym (compared by :func:`capability_key`) -> capability id.

    Synonyms of an id that the loaded taxonomy does not have are ignored."""
    ids = list(capabilities["capability_id"])
    known = set(ids)
    synonyms = capability_synonyms()
    lookup = {capability_key(w): i for w, i in zip(synonyms["words"], synonyms["capability_id"]) if i in known}
    lookup.update({capability_key(n): i for n, i in zip(capabilities["name"], ids)})
    lookup.update({capability_key(i): i for i in ids})
    return lookup


def normalise_capabilities(values: pd.Series, capabilities: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``"Biologics, cell and gene therapy"`` -> ``"biologics;advanced_therapy"``.

    Returns (the recognised ids as a ``;`` list, and for rows with words that map to nothing the
    list of them with the nearest known name). Unrecognised words are left out of the list, not a
    reason to reject the row. Works on the distinct values, which are few even in a million-row file.
    """
    lookup = capability_lookup(capabilities)
    names = dict(zip(capabilities["capability_id"], capabilities["name"]))
    text = values.astype("string").fillna("")
    clean: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for value in text.unique():
        items = [p.strip() for p in _CAPABILITY_SPLIT.split(str(value)) if p.strip()]
        known = [lookup.get(capability_key(item)) for item in items]
        clean[value] = LIST_SEPARATOR.join(dict.fromkeys(k for k in known if k))
        unknown = [item for k, item in zip(known, items) if not k]
        if unknown:
            parts = []
            for item in unknown:
                near = difflib.get_close_matches(capability_key(item), list(lookup), n=1, cutoff=0.6)
                hint = f" (nearest: '{names[lookup[near[0]]]}', {lookup[near[0]]})" if near else ""
                parts.append(f"'{item[:80]}'{hint}")
            reasons[value] = "capability words not recognised, left out: " + "; ".join(parts)
    return text.map(clean), text.map(reasons)


def check_coordinates(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Reason for coordinates that cannot be in the UK (missing where they are fine or absent)."""
    inside = lat.between(*UK_LAT) & lon.between(*UK_LON)
    swapped = lat.between(*UK_LON) & lon.between(*UK_LAT)
    given = lat.notna() & lon.notna()
    reason = pd.Series(pd.NA, index=lat.index, dtype="string")
    reason = reason.mask(given & ~inside, "coordinates are outside the UK")
    return reason.mask(given & ~inside & swapped, "latitude and longitude look swapped")


@dataclass
class Normalised:
    frame: pd.DataFrame
    problems: pd.DataFrame
    covered: pd.DataFrame  # (row, column) pairs already explained, so the schema does not repeat them
    notices: pd.DataFrame = field(default_factory=empty_problems)  # filled in or left out, row still accepted


def _covered(rows, columns) -> pd.DataFrame:
    rows = pd.Index(rows)
    return pd.DataFrame(
        {
            "row": np.repeat(np.asarray(rows + 1, dtype="int64"), len(columns)),
            "column": np.tile(np.asarray(columns, dtype=object), len(rows)),
        }
    )


def normalise(
    frame: pd.DataFrame, dataset: str, file: str, capabilities: pd.DataFrame, source_label: str, as_of: str
) -> Normalised:
    """Repair common messiness; explain the impossible. Input and output are text frames."""
    out = frame.copy()
    for column in out.columns:
        text = out[column].astype("string").fillna("").str.strip()
        # Undo the apostrophe a formula-safe export puts before "=", "+", "-", "@": the value is
        # text either way, and a re-imported export then matches the data it came from.
        out[column] = text.str.replace(r"^'(?=[=+\-@])", "", regex=True)
    problems = []
    covered = []
    id_column, prefix = ID_COLUMNS[dataset]
    if id_column not in out.columns:
        # No ids in the file: number the rows so that the id is stable for the same file.
        out[id_column] = prefix + pd.Series(out.index + 1, index=out.index).astype(str).str.zfill(4)
    else:
        out[id_column] = out[id_column].str.upper()
    if SOURCE_KEY in out.columns:
        dup = out[SOURCE_KEY].ne("") & out[SOURCE_KEY].duplicated(keep=False)
        problems.append(_problems(file, out.index[dup], "id", out.loc[dup, SOURCE_KEY], "duplicate id"))
    schema = schema_for(dataset)
    enums = {
        "status": SITE_STATUSES if dataset == "sites" else CENTRE_STATUSES,
        "operator_type": OPERATOR_TYPES,
        "centre_type": CENTRE_TYPES,
        "location_precision": LOCATION_PRECISIONS,
        "record_type": RECORD_TYPES,
        "mmip_proposal": MMIP_PROPOSALS,
        "mmip_match": ("full", "partial"),
    }
    aliases = {
        "record_type": {"programme total": "programme_total", "program total": "programme_total", "grant": "award"},
        "operator_type": {"contract manufacturer": "CDMO", "cmo": "CDMO", "cdmo": "CDMO"},
    }
    for column, allowed in enums.items():
        if column in out.columns and column in schema.columns:
            out[column] = _canonical(out[column], allowed, aliases.get(column))
    if "itl1_code" in out.columns:
        out["itl1_code"] = normalise_regions(out["itl1_code"], allow_uk=dataset == "investments")
    for column in ("public_gbp", "private_gbp", "public_funding_gbp", "private_funding_gbp"):
        if column in out.columns:
            amount, bad = parse_money(out[column])
            problems.append(
                _problems(
                    file,
                    out.index[bad],
                    column,
                    out.loc[bad, column],
                    "not an amount of money (examples: 1200000, £1.2m, £250k, 1,200,000)",
                )
            )
            negative = amount < 0
            problems.append(
                _problems(
                    file,
                    out.index[negative],
                    column,
                    out.loc[negative, column],
                    "negative money: an amount cannot be below zero",
                )
            )
            covered.append(_covered(out.index[bad | negative], [column]))
            out[column] = amount.astype("string").fillna("")
    for column in ("year", "opened_year"):
        if column in out.columns:
            out[column] = parse_year(out[column])
    if "as_of" in out.columns:
        out["as_of"] = parse_dates(out["as_of"])
    notices = []
    if "capabilities" in out.columns:
        given = out["capabilities"]
        out["capabilities"], reasons = normalise_capabilities(given, capabilities)
        unknown = reasons.notna()
        # Listed, and kept in the row's note, so the words are not lost with the report.
        notices.append(_problems(file, out.index[unknown], "capabilities", given[unknown], reasons[unknown]))
        if unknown.any():
            note = out["note"] if "note" in out.columns else pd.Series("", index=out.index, dtype="string")
            out["note"] = note.mask(unknown, (note + "; " + reasons).str.lstrip("; "))
    for column, default in DEFAULTS.get(dataset, {}).items():
        absent = column not in out.columns
        if absent:
            out[column] = ""
        empty = out[column] == ""
        if empty.any():
            out[column] = out[column].mask(empty, default)
            notices.append(
                _problems(
                    file,
                    [] if absent else out.index[empty],
                    column,
                    "",
                    f"no {column} given: set to '{default}'",
                )
            )
            if absent:
                notices.append(
                    pd.DataFrame(
                        [[file, pd.NA, column, "", f"the file has no {column} column: every row set to '{default}'"]],
                        columns=PROBLEM_COLUMNS,
                    ).astype({"row": "Int64"})
                )
    if {"latitude", "longitude"} <= set(out.columns):
        for column in ("latitude", "longitude"):
            # A decimal comma (a European-locale spreadsheet): "53,27" is 53.27 degrees.
            out[column] = out[column].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
        lat = pd.to_numeric(out["latitude"], errors="coerce").astype("float64")
        lon = pd.to_numeric(out["longitude"], errors="coerce").astype("float64")
        reason = check_coordinates(lat, lon)
        wrong = reason.notna()
        problems.append(
            _problems(
                file,
                out.index[wrong],
                "latitude, longitude",
                out.loc[wrong, "latitude"] + ", " + out.loc[wrong, "longitude"],
                reason[wrong],
            )
        )
        covered.append(_covered(out.index[wrong], ["latitude", "longitude"]))
    if POSTCODE in out.columns:
        given = out[POSTCODE] != ""
        postcodes = geocode.normalise_postcodes(out[POSTCODE])
        out[POSTCODE_GIVEN] = out[POSTCODE].where(given & postcodes.isna(), "")
        out[POSTCODE] = postcodes.fillna("")
        if "postcode_outward" in schema.columns:
            outward = out["postcode_outward"] if "postcode_outward" in out.columns else ""
            out["postcode_outward"] = (
                geocode.outward_code(postcodes).fillna("").where(pd.Series(outward, index=out.index).eq(""), outward)
            )
    if "postcode_outward" in out.columns:
        out["postcode_outward"] = out["postcode_outward"].str.upper().str.replace(" ", "", regex=False)
    defaults_used = []
    for column, value in (("source_url", source_label), ("as_of", as_of)):
        if column in schema.columns:
            if column not in out.columns:
                out[column] = ""
            empty = out[column] == ""
            if column == "as_of" and "verified_on" in out.columns:
                # An undated source on a verified row stays undated: the import date would be invented.
                empty &= out["verified_on"] == ""
            if empty.any():
                out[column] = out[column].mask(empty, value)
                defaults_used.append((column, empty))
    if defaults_used:
        note = out["note"] if "note" in out.columns else pd.Series("", index=out.index, dtype="string")
        for column, empty in defaults_used:
            text = {
                "source_url": "source_url not in the file: set to the uploaded file's name",
                "as_of": "as_of not in the file: set to the import date",
            }[column]
            note = note.mask(empty, (note + "; " + text).str.lstrip("; "))
        out["note"] = note
    problem_frame = pd.concat([p for p in problems if not p.empty] or [empty_problems()], ignore_index=True)
    covered_frame = pd.concat(covered or [_covered([], [])], ignore_index=True)
    notice_frame = pd.concat([p for p in notices if not p.empty] or [empty_problems()], ignore_index=True)
    return Normalised(out, problem_frame, covered_frame, notice_frame)


# ---------------------------------------------------------------- placing rows


@dataclass
class Places:
    """What :func:`place_rows` needs besides the frame: the geocoder and the boundaries."""

    client: geocode.PostcodeClient | None = None
    lad_centroids: pd.DataFrame | None = None
    itl1: object | None = None
    use_postcodes: bool = True


def _fill(column: pd.Series, where: pd.Series, values) -> pd.Series:
    """``column`` with ``values`` (a scalar or a Series aligned on the index) where ``where`` holds."""
    return column.mask(where, values) if where.any() else column


def place_rows(
    frame: pd.DataFrame, dataset: str, places: Places, progress: Progress | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill coordinates and region of rows that lack them. Returns (frame, unplaced rows with reasons)."""
    out = frame.copy()
    blank = pd.Series("", index=out.index, dtype="string")
    wanted = (
        ("itl1_code",)
        if dataset == "investments"
        else ("latitude", "longitude", "location_precision", "location_source", "itl1_code")
    )
    for column in wanted:
        if column not in out.columns:
            out[column] = blank
    if dataset == "investments":
        need = out["itl1_code"] == ""
    else:
        need = (out["latitude"] == "") | (out["longitude"] == "")
        # Coordinates from the file itself: say so where the file does not.
        out["location_precision"] = _fill(out["location_precision"], ~need & (out["location_precision"] == ""), "site")
        out["location_source"] = _fill(
            out["location_source"], ~need & (out["location_source"] == ""), "coordinates given in the uploaded file"
        )
    unplaced = pd.DataFrame({"row": pd.array([], dtype="Int64"), POSTCODE: [], DISTRICT: [], "reason": []})
    if need.any():
        postcodes = out.get(POSTCODE, blank)[need].replace("", pd.NA)
        districts = out.get(DISTRICT, blank)[need].replace("", pd.NA)
        placed = geocode.place(
            postcodes,
            districts,
            client=places.client,
            centroids=places.lad_centroids,
            use_postcodes=places.use_postcodes,
            progress=(lambda done, total: progress("geocoding", done, total)) if progress else None,
        )
        hit = pd.Series(out.index.isin(placed.index[placed["latitude"].notna()]), index=out.index)
        if dataset != "investments":
            out["latitude"] = _fill(out["latitude"], hit, placed["latitude"].astype("string"))
            out["longitude"] = _fill(out["longitude"], hit, placed["longitude"].astype("string"))
            out["location_precision"] = _fill(out["location_precision"], hit, placed["location_precision"])
            out["location_source"] = _fill(out["location_source"], hit, placed["location_source"])
        out["itl1_code"] = _fill(out["itl1_code"], hit & (out["itl1_code"] == ""), placed["itl1_code"].fillna(""))
        reason = placed["unplaced_reason"]
        if POSTCODE_GIVEN in out.columns:
            given_text = out[POSTCODE_GIVEN].reindex(reason.index)
            reason = reason.mask(reason.notna() & (given_text != ""), "not a valid UK postcode: " + given_text)
        reason = reason.dropna()
        unplaced = pd.DataFrame(
            {
                "row": pd.array(reason.index + 1, dtype="Int64"),
                POSTCODE: out.get(POSTCODE, blank).reindex(reason.index).to_numpy(),
                DISTRICT: out.get(DISTRICT, blank).reindex(reason.index).to_numpy(),
                "reason": reason.astype(str).to_numpy(),
            }
        )
        if dataset == "investments" and not reason.empty:
            # The award is real money: keep it, counted in UK totals but in no region.
            lost = pd.Series(out.index.isin(reason.index), index=out.index)
            out["itl1_code"] = _fill(out["itl1_code"], lost, UK_WIDE)
            note = out.get("note", blank)
            out["note"] = _fill(
                note,
                lost,
                (
                    note
                    + "; region not known ("
                    + reason.reindex(out.index)
                    + "): counted in UK totals, not in any region"
                ).str.lstrip("; "),
            )
    if dataset != "investments" and places.itl1 is not None:
        lat = pd.to_numeric(out["latitude"], errors="coerce").astype("float64")
        lon = pd.to_numeric(out["longitude"], errors="coerce").astype("float64")
        inside = lat.between(*UK_LAT) & lon.between(*UK_LON) & (out["itl1_code"] == "")
        if inside.any():
            from lib.geo import boundaries

            points = pd.DataFrame({"latitude": lat[inside], "longitude": lon[inside]})
            out["itl1_code"] = _fill(
                out["itl1_code"], inside, boundaries.region_of_points(points, places.itl1).astype("string").fillna("")
            )
    if dataset != "investments":
        lat = pd.to_numeric(out["latitude"], errors="coerce").astype("float64")
        lon = pd.to_numeric(out["longitude"], errors="coerce").astype("float64")
        no_region = lat.between(*UK_LAT) & lon.between(*UK_LON) & out["itl1_code"].fillna("").eq("").astype(bool)
        no_region &= ~out.index.isin(unplaced["row"].dropna().astype(int) - 1)
        if no_region.any():
            # Said plainly, rather than left for the schema's "itl1_code: required value is missing".
            reason = (
                "no region boundaries on this machine to find the region of its coordinates "
                "(give an itl1_code or region column, or set MMIP_BOUNDARIES_DIR)"
                if places.itl1 is None
                else "its coordinates are in no ITL1 region (at sea?)"
            )
            extra = pd.DataFrame(
                {
                    "row": pd.array(out.index[no_region] + 1, dtype="Int64"),
                    POSTCODE: out.get(POSTCODE, blank)[no_region].to_numpy(),
                    DISTRICT: out.get(DISTRICT, blank)[no_region].to_numpy(),
                    "reason": reason,
                }
            )
            unplaced = pd.concat([unplaced, extra], ignore_index=True) if not unplaced.empty else extra
    return out, unplaced


# ---------------------------------------------------------------- the whole import


@dataclass
class IngestResult:
    """What an import gave. Every row read is exactly one of: accepted, rejected (a problem other
    than its location) or unplaced (a site whose only problem is that it could not be placed).

    ``unplaced`` lists every row that could not be placed, including centres and investments that
    are kept (accepted) without a place; ``notices`` lists what was filled in or left out of rows
    that are accepted anyway (a default, capability words that map to nothing)."""

    dataset: str
    file: str
    format: str
    rows_read: int
    accepted: pd.DataFrame
    rejected: pd.DataFrame
    unplaced: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    notices: pd.DataFrame = field(default_factory=empty_problems)
    rows_unplaced: int = 0

    @property
    def rows_accepted(self) -> int:
        return len(self.accepted)

    @property
    def rejected_rows(self) -> int:
        return self.rows_read - self.rows_accepted - self.rows_unplaced

    def summary(self) -> str:
        text = f"{self.rows_read:,} rows read, {self.rows_accepted:,} accepted, {self.rejected_rows:,} rejected"
        return text + (f", {self.rows_unplaced:,} could not be placed" if self.rows_unplaced else "")


def _merge_problems(own: pd.DataFrame, schema: pd.DataFrame, covered: pd.DataFrame) -> pd.DataFrame:
    """Own explanations first; a schema complaint about a (row, column) already explained is dropped."""
    if not schema.empty and not covered.empty:
        key = (
            schema[["row", "column"]]
            .astype({"row": "float64"})
            .merge(covered.astype({"row": "float64"}).drop_duplicates(), how="left", indicator=True)
        )
        schema = schema.loc[(key["_merge"] == "left_only").to_numpy()]
    frames = [p for p in (own, schema) if not p.empty]
    if not frames:
        return empty_problems()
    merged = pd.concat(frames, ignore_index=True)
    merged["row"] = merged["row"].astype("Int64")
    return merged.sort_values(["row", "column"], kind="stable", na_position="first").reset_index(drop=True)


def ingest(
    raw: RawTable | pd.DataFrame,
    dataset: str,
    capabilities: pd.DataFrame,
    *,
    fmt: str = "auto",
    mapping: dict[str, str | None] | None = None,
    places: Places | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    file: str | None = None,
) -> IngestResult:
    """Read rows of ``raw`` as dataset ``dataset``; validate with the project's schema."""
    if dataset not in IMPORTABLE:
        raise ValueError(f"dataset must be one of {IMPORTABLE}")
    table = raw if isinstance(raw, RawTable) else RawTable(raw, file or "upload", "frame")
    file = file or table.file
    frame = table.frame
    if not pd.api.types.is_integer_dtype(frame.index):
        frame = frame.reset_index(drop=True)  # row numbers in messages come from the labels
    notes = [table.describe()]
    fmt = detect_format(frame.columns, dataset) if fmt == "auto" else fmt
    step = progress or (lambda stage, done, total: None)
    step("converting", 0, 4)
    converted, format_problems = to_project_columns(frame, dataset, fmt, file, mapping)
    missing = [c for c in required_columns(dataset) if c not in converted.columns]
    missing_problems = empty_problems()
    if missing:
        notes.append("missing required column(s): " + ", ".join(missing))
        # One line per missing column (no row can be accepted without it), not one per row.
        missing_problems = pd.DataFrame(
            {
                "file": file,
                "row": pd.array([pd.NA] * len(missing), dtype="Int64"),
                "column": missing,
                "value": "",
                "reason": "required column is missing: no column of the file is matched to it",
            }
        )
    step("cleaning", 1, 4)
    label = f"uploaded file {file}" if fmt not in {"innovate_uk", "360giving"} else ""
    clean = normalise(
        converted, dataset, file, capabilities, label or f"uploaded file {file}", (today or dt.date.today()).isoformat()
    )
    step("placing", 2, 4)
    placed, unplaced = place_rows(clean.frame, dataset, places or Places(use_postcodes=False), progress)
    unplaced_problems = pd.DataFrame()
    if dataset == "sites" and not unplaced.empty:
        # A site must have a location; listing why is more use than "latitude is missing".
        unplaced_problems = pd.DataFrame(
            {
                "file": file,
                "row": unplaced["row"],
                "column": "location",
                "value": (unplaced[POSTCODE].astype(str) + " " + unplaced[DISTRICT].astype(str)).str.strip(),
                "reason": "could not be placed: " + unplaced["reason"],
            }
        )
        covered_cols = ["latitude", "longitude", "location_precision", "location_source", "itl1_code"]
        clean.covered = pd.concat(
            [clean.covered, _covered(pd.Index(unplaced["row"].astype(int) - 1), covered_cols)], ignore_index=True
        )
    step("validating", 3, 4)
    typed, type_problems = coerce_frame(placed, dataset, file)
    capability_ids = set(capabilities["capability_id"])
    own = pd.concat(
        [p for p in (missing_problems, format_problems, clean.problems, unplaced_problems) if not p.empty]
        or [empty_problems()],
        ignore_index=True,
    )
    if missing:
        clean.covered = pd.concat([clean.covered, _covered(typed.index, missing)], ignore_index=True)
    _, schema_problems = validate(typed, dataset, file, capability_ids)
    problems = _merge_problems(
        own,
        pd.concat([type_problems, schema_problems], ignore_index=True) if not type_problems.empty else schema_problems,
        clean.covered,
    )
    located = problems.dropna(subset=["row"])
    where_only = located["column"] == "location"
    bad_rows = located["row"].astype(int) - 1
    other_rows = typed.index.isin(bad_rows[~where_only])
    unplaced_rows = typed.index.isin(bad_rows[where_only]) & ~other_rows
    if problems["row"].isna().any():
        # A table-level problem (a required column is missing) means no row can be trusted.
        other_rows = np.ones(len(typed), dtype=bool)
        unplaced_rows = np.zeros(len(typed), dtype=bool)
    accepted = typed.loc[~(other_rows | unplaced_rows)]
    step("validating", 4, 4)
    if dataset == "investments" and "public_gbp" in accepted.columns:
        unstated = int(accepted["public_gbp"].isna().sum())
        if unstated:
            notes.append(
                f"{unstated:,} accepted record(s) state no public amount: shown as not stated, excluded from sums"
            )
    notices = clean.notices
    if not notices.empty:
        # Only about rows that are kept: a rejected row's report already says what to fix.
        kept = notices["row"].isna() | (notices["row"].astype("Float64") - 1).isin(accepted.index)
        notices = notices.loc[kept.fillna(True).to_numpy()].reset_index(drop=True)
        for reason, count in notices.loc[notices["row"].notna(), "reason"].str.split(":").str[0].value_counts().items():
            notes.append(f"{reason}: {count:,} row(s); see the list of notices")
        notes.extend(notices.loc[notices["row"].isna(), "reason"])
    return IngestResult(
        dataset,
        file,
        fmt,
        len(frame),
        accepted.reset_index(drop=True),
        problems,
        unplaced,
        notes,
        notices,
        int(unplaced_rows.sum()),
    )


def import_file(
    data: bytes,
    file: str,
    dataset: str,
    capabilities: pd.DataFrame,
    *,
    sheet: str | None = None,
    max_bytes: int | None = MAX_BYTES,
    **options,
) -> IngestResult:
    """The whole import of a file's bytes: :func:`read_table` then :func:`ingest` (the page runs
    the same two steps, with the column matching in between). Raises only :class:`IngestError`."""
    return ingest(read_table(data, file, sheet, max_bytes=max_bytes), dataset, capabilities, file=file, **options)


def safe_label(file: str) -> str:
    """A file name fit for a banner: only letters, digits, spaces, dots and hyphens (no Markdown)."""
    return re.sub(r"[^A-Za-z0-9 .-]", "-", Path(str(file)).name)[:80] or "upload"


# ---------------------------------------------------------------- command line


class TextProgress:
    """A one-line text progress bar on stderr (tqdm is not a dependency)."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, stage: str, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{stage:<11} [{bar}] {done:,}/{total:,}{end}")
        self.stream.flush()


def to_source_csv(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """The typed frame in ``data/source`` layout: lists joined by ``;``, whole money without ``.0``."""
    out = frame.copy()
    for column in LIST_COLUMNS.get(dataset, ()):
        out[column] = out[column].map(lambda v: LIST_SEPARATOR.join(v))
    for column in out.columns:
        if out[column].dtype == "float64" and column not in {"latitude", "longitude"}:
            values = out[column]
            if (values.dropna() == np.floor(values.dropna())).all():
                out[column] = values.astype("Int64")
    return out


POSTCODE_HOST = "api.postcodes.io"


def network_reachable(host: str = POSTCODE_HOST, timeout: float = 3.0) -> bool:
    """Whether ``host`` answers on HTTPS within ``timeout`` seconds: one quick check before an
    import, so that no network means one line saying so, not a wait and a connection error per
    request."""
    import socket

    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _load_places(offline_only: bool) -> tuple[Places, str]:
    """The places for the command line, and one line saying where the boundaries came from."""
    from lib.geo import boundaries

    itl1, message = boundaries.load_itl1_boundaries(allow_download=not offline_only)
    lad, _ = boundaries.load_lad_boundaries(allow_download=not offline_only) if itl1 is not None else (None, "")
    centroids = boundaries.lad_centroids(lad, itl1) if lad is not None else None
    places = Places(
        client=None if offline_only else geocode.PostcodeClient(),
        lad_centroids=centroids,
        itl1=itl1,
        use_postcodes=not offline_only,
    )
    return places, message


EXIT_CODES = """exit codes:
  0  every row was accepted
  1  the file was read but some rows were rejected or could not be placed (see DIR/DATASET-rejected.csv)
  2  the file could not be read, or its columns do not fit the dataset (nothing accepted; message on stderr)"""

LAYOUTS = """layouts recognised (--format auto):
  project      this dashboard's own columns (data/source/*.csv, data/README.md)
  innovate_uk  Innovate UK funded projects spreadsheet (investments)
  360giving    360Giving flat CSV (investments)
  mapped       any other list, columns matched by name (e.g. company, site name, town, postcode,
               latitude, longitude, capabilities, status, source URL, as-of date)"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.ingest",
        description=textwrap.fill(
            __doc__.split("\n\n")[0]
            + " Writes DATASET.csv (accepted rows, data/source layout), DATASET-rejected.csv, DATASET-unplaced.csv"
            " and DATASET-notices.csv (defaults filled in, capability words not recognised) in DIR.",
            width=100,
        ),
        epilog=f"{LAYOUTS}\n\n{EXIT_CODES}\n\nOffline (MMIP_OFFLINE=1, or no network): rows are placed from "
        "their coordinates, or from their local authority district when boundaries are on this machine.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="CSV, Excel .xlsx or Parquet file")
    parser.add_argument("--kind", dest="dataset", choices=IMPORTABLE, required=True, help="what the file lists")
    parser.add_argument("--format", choices=["auto", *FORMATS], default="auto", help="layout (default: recognise)")
    parser.add_argument("--sheet", default=None, help="Excel sheet name (default: the first)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the CSV and the reports")
    parser.add_argument("--no-postcode-lookup", action="store_true", help="do not call postcodes.io")
    return parser


def main(argv: list[str] | None = None) -> int:
    import logging

    from lib import config
    from lib.data import export
    from lib.data.loading import DatasetError, load_dataset

    args = _parser().parse_args(argv)
    # Failures are summarised in one line below; library warnings would repeat them at length.
    logging.getLogger("lib").setLevel(logging.ERROR)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(
            f"error: {args.file}: the file could not be opened ({exc.strerror or type(exc).__name__})", file=sys.stderr
        )
        return 2
    try:
        table = read_table(data, args.file.name, args.sheet, max_bytes=None)
        capabilities = load_dataset("capabilities", config.DEFAULT_DATA_DIR)
    except (IngestError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table.describe(), file=sys.stderr)
    offline_only = args.no_postcode_lookup or config.offline()
    if config.offline():
        print("offline (MMIP_OFFLINE=1): no postcode look-up, no boundary download", file=sys.stderr)
    elif not args.no_postcode_lookup and not network_reachable():
        offline_only = True
        print(f"offline: {POSTCODE_HOST} cannot be reached: no postcode look-up, no boundary download", file=sys.stderr)
    places, where = _load_places(offline_only)
    if places.itl1 is None:
        print(f"no region boundaries ({where}): rows are placed only from coordinates given", file=sys.stderr)
    try:
        result = ingest(table, args.dataset, capabilities, fmt=args.format, places=places, progress=TextProgress())
    except IngestError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    if result.rows_accepted == 0 and result.rejected["row"].isna().any():
        # Nothing fits: the columns are not those of this dataset (or a required one is missing).
        table_problems = result.rejected.loc[result.rejected["row"].isna()]
        looks_like = detect_format(table.frame.columns, "investments")
        hint = (
            f" (it looks like a {FORMATS[looks_like]} file: try --kind investments)"
            if looks_like
            in {
                "innovate_uk",
                "360giving",
            }
            and args.dataset != "investments"
            else ""
        )
        print(f"error: {args.file.name}: the columns do not fit --kind {args.dataset}{hint}:", file=sys.stderr)
        for _, problem in table_problems.head(5).iterrows():
            print(f"  column {problem['column']}: {problem['reason']}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    # Formula-safe like every download: a spreadsheet opening it runs nothing; a re-import reads
    # the values back unchanged.
    (args.out / f"{args.dataset}.csv").write_bytes(export.to_csv_bytes(to_source_csv(result.accepted, args.dataset)))
    (args.out / f"{args.dataset}-rejected.csv").write_bytes(export.to_csv_bytes(result.rejected))
    (args.out / f"{args.dataset}-unplaced.csv").write_bytes(export.to_csv_bytes(result.unplaced))
    (args.out / f"{args.dataset}-notices.csv").write_bytes(export.to_csv_bytes(result.notices))
    if result.format == "mapped":
        matched = {t: c for t, c in suggest_mapping(table.frame.columns, args.dataset).items() if c}
        unused = [c for c in table.frame.columns if c not in matched.values()]
        print("columns matched by name: " + ", ".join(f"{c} -> {t}" for t, c in matched.items()), file=sys.stderr)
        if unused:
            print("columns not used: " + ", ".join(unused), file=sys.stderr)
    print(f"{result.summary()} (format: {FORMATS.get(result.format, result.format)})")
    for note in result.notes[1:]:
        print(note)
    print(
        f"written: {args.out / f'{args.dataset}.csv'}, {args.dataset}-rejected.csv, {args.dataset}-unplaced.csv, "
        f"{args.dataset}-notices.csv"
    )
    return 0 if result.rows_accepted == result.rows_read else 1
