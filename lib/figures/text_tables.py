"""Text from the data as Markdown: escaped so it stays text, and small tables that should read
like text, not like a data grid.

Streamlit draws a Markdown table as a plain HTML table in the page's own font, wrapping long
names instead of cutting them off, which reads better on a projector than a scrolling grid. It
also needs none of the Arrow table code the browser otherwise downloads and parses (~1 MB of
JavaScript for ``st.table`` or ``st.dataframe``), so a page made of text and charts opens faster.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pandas as pd

# Everything Markdown (and Streamlit's LaTeX and emoji shortcodes) could read as syntax. Cell
# text can come from a user's imported file, so it is always escaped, never interpreted.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def escape_markdown(values: pd.Series) -> pd.Series:
    """Text from the data made inert for Markdown, each value on one line: every formatting
    character backslash-escaped, so a name or note can never become a link, an image or markup.
    Missing values are empty."""
    text = values.astype("string").fillna("").str.split().str.join(" ")
    return text.str.replace(_MARKDOWN_SPECIAL, r"\\\1", regex=True)


def markdown_text(text) -> str:
    """:func:`escape_markdown` for one value (a title, a profile field)."""
    return escape_markdown(pd.Series([text], dtype=object)).iloc[0]


def _cell_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return escape_markdown(values)
    pattern = "{:,.0f}" if pd.api.types.is_integer_dtype(values) else "{:,.2f}"
    present = values.notna()
    text = pd.Series("", index=values.index, dtype="string")
    text[present] = values[present].map(pattern.format)
    return escape_markdown(text)


def markdown_table(frame: pd.DataFrame, links: dict[str, pd.Series] | None = None) -> str:
    """``frame`` as a Markdown table: its columns as headers, numbers right-aligned with
    thousands separators, every cell escaped.

    ``links``: a column's cells become links, each to its URL in the Series given (aligned on
    ``frame``'s index), e.g. a relative ``directory?site=S0001``. The URL is percent-encoded, so
    it can only ever be a link to that address; the cell's text stays escaped text."""
    links = links or {}
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in frame.columns
    ]
    header = "| " + " | ".join(escape_markdown(pd.Series(frame.columns))) + " |"
    rule = "| " + " | ".join("---:" if n else "---" for n in numeric) + " |"
    texts = {c: _cell_text(frame[c]) for c in frame.columns}
    for column, urls in links.items():
        address = urls.reindex(frame.index).astype("string").fillna("").map(lambda url: quote(url, safe="/?=&"))
        texts[column] = "[" + texts[column] + "](" + address + ")"
    cells = pd.DataFrame({i: texts[c].to_numpy() for i, c in enumerate(frame.columns)})
    rows = ("| " + cells.agg(" | ".join, axis=1) + " |") if len(cells) else pd.Series([], dtype="string")
    return "\n".join([header, rule, *rows])
