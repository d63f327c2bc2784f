"""Files a user downloads: CSV and Excel, safe to open in a spreadsheet.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) are prefixed with an apostrophe, the OWASP-recommended neutralisation.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")


def _neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _flatten(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value)
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list cells joined by "; " and formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_flatten).map(_neutralise)
    out.columns = [_neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so that Excel shows £ and accents correctly when the CSV is double-clicked.
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            spreadsheet_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def sources_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The distinct sources behind a table, for a "Sources" sheet."""
    columns = [c for c in ("source_url", "as_of") if c in frame.columns]
    if not columns:
        return pd.DataFrame(columns=["source_url", "as_of", "rows"])
    return (frame.groupby(columns, dropna=False).size().rename("rows").reset_index()
            .sort_values("rows", ascending=False, kind="stable").reset_index(drop=True))


def slug(title: str) -> str:
    """A file name from a chart title: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "chart"
