"""Downloads are safe to open in a spreadsheet: no cell runs as a formula, lists are readable."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from lib.data import export

HOSTILE = ['=HYPERLINK("http://x","y")', "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


def test_formula_like_text_is_neutralised_but_numbers_are_not():
    frame = pd.DataFrame({"text": [*HOSTILE, "-5", "1e3", "plain"]})
    safe = export.spreadsheet_safe(frame)["text"].tolist()
    assert safe[:6] == ["'" + v for v in HOSTILE]
    assert safe[6:] == ["-5", "1e3", "plain"]


def test_lists_are_joined_and_missing_stays_missing():
    frame = pd.DataFrame({"caps": [["rna", "vaccines"], [], None], "name": ["a", None, "=b"]})
    safe = export.spreadsheet_safe(frame)
    assert safe["caps"].tolist()[0] == "rna; vaccines"
    assert safe["name"].tolist() == ["a", None, "'=b"]


def test_excel_cells_are_text_not_formulas():
    frame = pd.DataFrame({"name": HOSTILE, "amount": range(len(HOSTILE))})
    workbook = openpyxl.load_workbook(io.BytesIO(export.to_excel_bytes({"data": frame})))
    cells = workbook["data"]
    values = [c.value for c in cells["A"]][1:]
    # Excel stores a carriage return as _x000D_, so compare that one by its neutralised start.
    assert values[:5] == ["'" + v for v in HOSTILE[:5]] and values[5].startswith("'")
    assert all(c.data_type == "s" for c in cells["A"][1:])
    assert [c.value for c in cells["B"]][1:] == list(range(len(HOSTILE)))


def test_csv_has_bom_for_excel_and_round_trips():
    frame = pd.DataFrame({"region": ["North East"], "public £": [1_200_000.0]})
    raw = export.to_csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back.columns.tolist() == ["region", "public £"] and back.iloc[0, 1] == 1_200_000.0


def test_sources_table_counts_rows_per_source():
    frame = pd.DataFrame({"source_url": ["u1", "u1", "u2"], "as_of": ["2024-01-01"] * 3})
    table = export.sources_table(frame)
    assert table.to_dict("records") == [
        {"source_url": "u1", "as_of": "2024-01-01", "rows": 2},
        {"source_url": "u2", "as_of": "2024-01-01", "rows": 1},
    ]
