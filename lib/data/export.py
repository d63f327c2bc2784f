"""Files a user downloads: CSV and Excel, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are prefixed with an apostrophe, the OWASP-recommended neutralisation.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"
_NUMBER_PATTERN = r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$"


def _neutralise_text(text: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (plain numbers such as
    "-5" are left alone: they are not formulas)."""
    risky = text.str.match(_FORMULA_PATTERN, na=False) & ~text.str.match(_NUMBER_PATTERN, na=False)
    return text.where(~risky, "'" + text)


def _join_lists(column: pd.Series) -> pd.Series:
    """List cells joined by "; " with pyarrow (vectorised); other cells unchanged."""
    values = column.tolist()
    if not any(isinstance(v, (list, tuple, np.ndarray)) for v in values[:1000]):
        return column
    lists = pa.array(
        [list(v) if isinstance(v, (list, tuple, np.ndarray)) else None for v in values], type=pa.list_(pa.string())
    )
    joined = pd.Series(pc.binary_join(lists, "; ").to_pylist(), index=column.index, dtype="object")
    return joined.where(joined.notna(), column)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list cells joined by "; " and formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            values = _join_lists(values)
            text = values.astype("string")
            out[column] = _neutralise_text(text).astype(object).where(values.notna(), None)
    out.columns = _neutralise_text(pd.Series([str(c) for c in out.columns], dtype="string")).tolist()
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so that Excel shows £ and accents correctly when the CSV is double-clicked.
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook, one sheet per frame. xlsxwriter (about 10x faster than openpyxl on
    100k rows) is told never to turn text into formulas or hyperlinks."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        for name, frame in sheets.items():
            spreadsheet_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def sources_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The distinct sources behind a table, for a "Sources" sheet."""
    columns = [c for c in ("source_url", "as_of") if c in frame.columns]
    if not columns:
        return pd.DataFrame(columns=["source_url", "as_of", "rows"])
    return (
        frame.groupby(columns, dropna=False)
        .size()
        .rename("rows")
        .reset_index()
        .sort_values("rows", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


def slug(title: str) -> str:
    """A file name from a chart title: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "chart"
