"""Property-based: no file, however generated or damaged, crashes the import.

Generated and mutated CSV, Excel and Parquet bytes go through :func:`lib.ingest.pipeline.import_file`
(read_table then ingest: the steps the page and the command line run), with the layout recognised,
forced (as ``--format`` does) or the columns matched by hand in any way the page allows. Every outcome is either a
result whose rows add up (read = accepted + rejected + unplaced) and whose problems name file,
row and column, or an :class:`IngestError` naming the file with a message.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lib.data import export
from lib.data.loading import load_dataset
from lib.ingest import pipeline

TODAY = pd.Timestamp("2025-01-31").date()
COMMON = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HEADERS = [
    "company",
    "Company",
    "site name",
    "site_name",
    "town",
    "Postcode",
    "latitude",
    "Longitude",
    "capabilities",
    "status",
    "operator_type",
    "Source URL",
    "As-of date",
    "approx_employees",
    "public_gbp",
    "year",
    "opened_year",
    "itl1_code",
    "",
    " ",
    '=HYPERLINK("x")',
    "<script>alert(1)</script>",
    "Unnamed: 0",
]
HOSTILE = [
    "=1+2",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "'=already quoted",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1))",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e308",
    "99999999999999999999999999999",
    "9" * 400,
    "0x1F",
    "£1.2m",
    "(500)",
    "53.27",
    "-2.13",
    "2019/20",
    "31/02/2024",
    "2024-05-01",
    "oral solid dose; cell and gene therapy",
    "sterile fill-finish, moon dust",
    "SK10 2NA",
    "not a postcode",
    "operational",
    "CDMO",
    "TLE",
    "Yorkshire and The Humber",
    "UK",
    "\x00\x01\x02",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    '"quoted, with comma"',
    "semi;colon",
    "pipe|pipe",
    "Café £ – ü",
    "\ufeffbom inside",
    "\u202eright-to-left",
    "",
    " ",
]
cell = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.text(min_size=1, max_size=20).map(lambda t: (t or "x") * 200),  # long cells, cheaply
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
DATASET = st.sampled_from(["sites", "sites", "sites", "centres", "investments"])  # the plain lists are sites
headers = st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10)


PLAIN = {  # a plain site list as people keep one: most rows of it are accepted
    "Company": ["=Example Pharma Ltd", "<b>CellCo</b>", "Café Pharma £", "@Sterile Co", "Plain Ltd"],
    "Site name": ["Main site", "Plant 2", "-North-", "+Annex"],
    "Town": ["Macclesfield", "Stevenage", "Leeds", "Glasgow"],
    "Postcode": ["SK10 2NA", "sg1 2fx", "LS2 9JT", "", "G4 0SF"],
    "Latitude": ["53.27", "51.90", "53.80", "55.86"],
    "Longitude": ["-2.13", "-0.20", "-1.55", "-4.25"],
    "Capabilities": ["oral solid dose", "cell and gene therapy; sterile fill-finish", "biologics, moon dust", ""],
    "Status": ["operational", "Operational", "", "proposed"],
    "Source URL": ["https://example.org/a", ""],
    "As-of date": ["2024-05-01", "01/05/2024", ""],
}


REQUIRED = ["Company", "Site name", "Town", "Latitude", "Longitude"]


@st.composite
def tables(draw) -> pd.DataFrame:
    if draw(st.booleans()):
        # A plain list with some of its cells replaced by hostile ones.
        optional = [c for c in PLAIN if c not in REQUIRED]
        columns = REQUIRED + draw(st.lists(st.sampled_from(optional), max_size=len(optional), unique=True))
        rows = draw(st.integers(min_value=1, max_value=6))
        data = [
            [draw(cell) if draw(st.integers(0, 12)) == 0 else draw(st.sampled_from(PLAIN[c])) for c in columns]
            for _ in range(rows)
        ]
        return pd.DataFrame(data, columns=columns, dtype=object)
    columns = draw(headers)
    rows = draw(st.integers(min_value=0, max_value=6))
    data = [[draw(cell) for _ in columns] for _ in range(rows)]
    return pd.DataFrame(data, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """The bytes as they are, or damaged the ways files get damaged on the way to a user."""
    how = draw(st.sampled_from(["none", "truncate", "insert", "duplicate_line", "drop_byte", "append"]))
    if not data or how == "none":
        return data
    at = draw(st.integers(min_value=0, max_value=len(data)))
    if how == "truncate":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    if how == "drop_byte":
        return data[:at] + data[at + 1 :]
    if how == "append":
        return data + draw(st.sampled_from([b",,,,\n", b"\n\n\n", b"\x00", b";extra;values\n", b'"unclosed']))
    lines = data.split(b"\n")
    line = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    return b"\n".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])


@st.composite
def csv_files(draw) -> bytes:
    frame = draw(tables())
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    text = frame.to_csv(index=False, sep=sep)
    data = text.encode(encoding, errors="replace")
    return draw(mutated(data))


@st.composite
def excel_files(draw) -> bytes:
    frame = draw(tables())
    # openpyxl refuses control characters in cells: a real .xlsx cannot hold them either.
    frame = frame.apply(lambda c: c.map(lambda v: "".join(ch for ch in str(v) if ch >= " " or ch in "\t\n\r")))
    frame.columns = ["".join(ch for ch in str(c) if ch >= " ") for c in frame.columns]
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        frame.to_excel(writer, index=False, sheet_name="Sites")
    return draw(mutated(buffer.getvalue()))


@st.composite
def parquet_files(draw) -> bytes:
    frame = draw(tables())
    names = list(dict.fromkeys(frame.columns))  # Arrow tables may repeat names, pandas writers not
    frame = frame.loc[:, ~frame.columns.duplicated()]
    arrays = []
    for name in names:
        values = frame[name].tolist()
        dataset = draw(st.sampled_from(["text", "text", "text", "float", "int", "list", "null"]))
        if dataset == "float":
            arrays.append(
                pa.array([draw(st.floats(allow_nan=True, allow_infinity=True)) for _ in values], pa.float64())
            )
        elif dataset == "int":
            arrays.append(pa.array([draw(st.integers(-(2**63), 2**63 - 1)) for _ in values], pa.int64()))
        elif dataset == "list":
            arrays.append(pa.array([[str(v), "biologics"] for v in values], pa.list_(pa.string())))
        elif dataset == "null":
            arrays.append(pa.nulls(len(values)))
        else:
            arrays.append(pa.array([str(v) for v in values], pa.string()))
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays, names=names), buffer)
    return draw(mutated(buffer.getvalue()))


@pytest.fixture(scope="module")
def capabilities():
    return load_dataset("capabilities")


LAYOUTS = st.sampled_from(["auto", "auto", "auto", "by hand", "project", "innovate_uk", "360giving"])


def check_outcome(data: bytes, file: str, dataset: str, capabilities, places, draw) -> None:
    """``draw`` picks the layout, and for "by hand" any matching of columns a user could pick on the page."""
    fmt, mapping = draw(LAYOUTS), None
    try:
        if fmt == "by hand":
            columns = list(pipeline.read_table(data, file).frame.columns)
            choice = st.sampled_from([None, *columns])
            mapping = {target: draw(choice) for target in pipeline.target_columns(dataset)}
            fmt = "mapped"
        result = pipeline.import_file(
            data, file, dataset, capabilities, fmt=fmt, mapping=mapping, places=places, today=TODAY
        )
    except pipeline.IngestError as error:
        event("refused: " + error.message[:40])
        assert error.file == file
        assert error.message and "Traceback" not in error.message
        return
    event(f"result: {'some' if result.rows_accepted else 'no'} rows accepted")
    assert result.rows_read == result.rows_accepted + result.rejected_rows + result.rows_unplaced
    assert min(result.rows_accepted, result.rejected_rows, result.rows_unplaced) >= 0
    for report in (result.rejected, result.notices):
        assert list(report.columns) == ["file", "row", "column", "value", "reason"]
        assert (report["file"] == file).all()
        assert report["column"].astype(str).str.len().gt(0).all()
        assert report["reason"].astype(str).str.len().gt(0).all()
        # Numbered as in the file (blank rows are skipped but keep their numbers), 1 = first data row.
        assert (report["row"].dropna() >= 1).all()
    assert result.rejected["row"].dropna().nunique() <= result.rows_read
    # Whatever was accepted is formula-safe once downloaded: no cell starts a formula.
    written = export.spreadsheet_safe(result.accepted.astype(object))
    for column in written.columns:
        text = written[column].dropna().astype(str)
        risky = text.str.match(r"^[=+\-@\t\r]") & ~text.str.match(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
        assert not risky.any(), text[risky].head().tolist()
    if "latitude" in result.accepted.columns:
        assert result.accepted["latitude"].map(lambda v: math.isfinite(v)).all()


@settings(COMMON, max_examples=150)
@given(data=csv_files(), dataset=DATASET, choices=st.data())
def test_any_csv_gives_a_result_or_a_clear_message(data, dataset, choices, capabilities, places):
    check_outcome(data, "upload.csv", dataset, capabilities, places, choices.draw)


@settings(COMMON, max_examples=30)
@given(data=excel_files(), dataset=DATASET, choices=st.data())
def test_any_excel_file_gives_a_result_or_a_clear_message(data, dataset, choices, capabilities, places):
    check_outcome(data, "upload.xlsx", dataset, capabilities, places, choices.draw)


@settings(COMMON, max_examples=50)
@given(data=parquet_files(), dataset=DATASET, choices=st.data())
def test_any_parquet_file_gives_a_result_or_a_clear_message(data, dataset, choices, capabilities, places):
    check_outcome(data, "upload.parquet", dataset, capabilities, places, choices.draw)
