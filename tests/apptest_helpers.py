"""Running the dashboard under Streamlit's AppTest, one page at a time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.ui.shell import ERROR_PREFIX

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")

TIMEOUT_S = 60


def open_page(page: str | None = None, query: dict[str, str] | None = None, env_data_dir=None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error if ERROR_PREFIX in e.value]
    assert not errors, errors


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """The Markdown tables on the page (lib.figures.text_tables), read back as frames of cell text."""
    tables = []
    for block in at.markdown:
        lines = [line for line in block.value.splitlines() if line.startswith("| ")]
        if len(lines) < 2:
            continue
        cells = [[cell.strip().replace("\\", "") for cell in line.strip("|").split(" | ")] for line in lines]
        tables.append(pd.DataFrame(cells[2:], columns=cells[0]))
    return tables
