"""Key interactions in a real browser that the per-page browser tests do not cover: the shared
region filter changes the numbers on several pages, and a chart's "Show data" download is a file
that opens and holds what the page shows."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from lib.data.schemas import ITL1_NAMES
from tests.e2e.harness import (
    READY_TIMEOUT_MS,
    download_by_clicking,
    finished_runs,
    wait_until_drawn,
    wait_until_drawn_after_run,
)

pytestmark = pytest.mark.e2e

REGION, REGION_CODE = "Wales", "TLL"


def pick_region(page, name: str) -> None:
    """Choose a region in the sidebar's shared Region filter, as a user does, and wait for the redraw."""
    widget = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Region")
    widget.first.click()
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => window.location.search.includes('region={REGION_CODE}')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)


def metric_value(page, label: str) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(re.sub(r"[^\d]", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def first_number_before(page, words: str) -> int:
    """The bold number of the first paragraph containing ``words`` (e.g. "**52** of 141 facilities match")."""
    text = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=words).first.inner_text()
    return int(re.search(r"[\d,]+", text).group().replace(",", ""))


READERS = {
    "investment": lambda page: metric_value(page, "Awards with a stated amount"),
    "directory": lambda page: first_number_before(page, "facilities match."),
    "map": lambda page: first_number_before(page, "facilities match the filters"),
}


@pytest.mark.parametrize("path", list(READERS))
def test_region_filter_lowers_the_count_on_the_page(page, app_url, path):
    read = READERS[path]
    page.goto(f"{app_url}/{path}")
    wait_until_drawn(page)
    before = read(page)
    pick_region(page, REGION)
    after = read(page)
    assert 0 < after < before, f"{path}: {before} before, {after} after choosing {REGION}"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == []


def download_show_data_csv(page, chart_index: int = 0) -> tuple[str, pd.DataFrame]:
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Show data").nth(chart_index)
    button = expander.get_by_role("button", name="Download (CSV)")
    expander.wait_for(state="visible")
    if not button.is_visible():  # an expander stays open across reruns: a second click would close it
        before = finished_runs(page)
        expander.locator("summary").click()
        # Opening reruns the script (the table is built only when shown). Clicking Download while
        # that run is still going lost the download now and then on a loaded machine, so wait for
        # that very run to finish (a fixed pause could end before the run had even started).
        wait_until_drawn_after_run(page, before)
    button.wait_for(state="visible")  # the expander opens with an animation
    # The table above the button is drawn after the run, once the browser has loaded the grid's
    # code, and pushes the button down: click once it is there.
    expander.locator('[data-testid="stDataFrame"] canvas').first.wait_for(state="attached")
    download = download_by_clicking(page, button)
    with open(download.path(), "rb") as handle:  # the saved file has no extension: read bytes
        raw = handle.read()
    return download.suggested_filename, pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")


def test_show_data_download_opens_and_follows_the_filter(page, app_url):
    page.goto(f"{app_url}/map")
    wait_until_drawn(page)
    name, everything = download_show_data_csv(page)
    assert name.endswith(".csv") and not name.startswith("facility-map")  # named after the chart title
    assert everything["region"].nunique() > 1

    pick_region(page, REGION)
    _, filtered = download_show_data_csv(page)
    assert 0 < len(filtered) < len(everything)
    assert set(filtered["region"]) == {REGION}
    assert page.external_requests == []


def test_investment_chart_data_download_opens_with_every_region(page, app_url):
    page.goto(f"{app_url}/investment")
    wait_until_drawn(page)
    name, table = download_show_data_csv(page)
    assert name.endswith(".csv")
    assert set(ITL1_NAMES.values()) <= set(table["region"])
