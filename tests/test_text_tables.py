"""Small tables written as Markdown (the Overview's top-5 lists)."""

from __future__ import annotations

import pandas as pd

from lib.figures.text_tables import markdown_table


def _rows(markdown: str) -> list[str]:
    return markdown.splitlines()


def test_table_has_a_header_an_alignment_rule_and_one_line_per_row():
    table = markdown_table(pd.DataFrame({"region": ["Wales", "Scotland"], "awards": [12, 1500]}))
    assert _rows(table) == ["| region | awards |", "| --- | ---: |", "| Wales | 12 |", "| Scotland | 1,500 |"]


def test_text_from_a_users_file_cannot_break_the_table_or_become_markup():
    frame = pd.DataFrame({"name": ["Acme | Ltd *bold* [link](https://x.example) $x$", "line\nbreak", None]})
    rows = _rows(markdown_table(frame))
    assert len(rows) == 5  # the pipe and the line break did not add columns or rows
    assert rows[2] == r"| Acme \| Ltd \*bold\* \[link\]\(https\://x\.example\) \$x\$ |"
    assert rows[3] == "| line break |"
    assert rows[4] == "|  |"


def test_missing_numbers_are_empty_not_nan():
    rows = _rows(markdown_table(pd.DataFrame({"count": pd.array([3, None], dtype="Int64")})))
    assert rows[2:] == ["| 3 |", "|  |"]


def test_an_empty_frame_still_has_its_header():
    assert _rows(markdown_table(pd.DataFrame({"region": pd.Series([], dtype=str)}))) == ["| region |", "| --- |"]


def test_a_linked_column_links_each_row_to_its_own_address_and_its_text_stays_text():
    frame = pd.DataFrame({"Name": ["Acme [Ltd](x)", "Beta"], "Town": ["Hull", "Leeds"]}, index=[7, 3])
    urls = pd.Series({3: "directory?site=S0002", 7: "directory?site=S0001) [x](https://evil.example"})
    rows = _rows(markdown_table(frame, links={"Name": urls}))
    assert rows[2] == r"| [Acme \[Ltd\]\(x\)](directory?site=S0001%29%20%5Bx%5D%28https%3A//evil.example) | Hull |"
    assert rows[3] == "| [Beta](directory?site=S0002) | Leeds |"
