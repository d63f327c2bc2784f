"""Every page, in a real browser: drawn, no exception block, no console error."""

from __future__ import annotations

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS, wait_until_drawn

pytestmark = pytest.mark.e2e

PAGES = ["", "map", "region?area=TLN&vs=UK", "gaps", "investment", "centres", "directory", "about"]


@pytest.mark.parametrize("path", PAGES)
def test_page_draws_without_errors(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    wait_until_drawn(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("This page could not be shown").count() == 0
    assert page.locator("h1").first.is_visible()
    assert page.console_errors == []
    assert page.external_requests == [], "the app must work with no internet"


def test_map_draws_every_dot_and_the_outlines_offline(page, app_url):
    page.goto(f"{app_url}/map")
    wait_until_drawn(page)
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 500
    # One SVG marker per located facility (plus the white centre of each innovation centre).
    drawn = chart.locator(".scatterlayer .point").count()
    located = page.evaluate("""() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')
        ._fullData.filter(t => t.mode === 'markers').reduce((n, t) => n + t.x.length, 0)""")
    assert drawn == located > 150
    assert chart.locator(".scatterlayer .js-line").count() >= 1  # the ONS region outlines
    assert page.external_requests == []


def test_shared_link_reopens_the_filtered_view_on_a_fresh_server(browser):
    """A link straight to a page with filters, opened first on a new server, shows that view."""
    from tests.e2e.harness import streamlit_server

    with streamlit_server() as (url, _process):
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        tab = context.new_page()
        tab.goto(f"{url}/?region=TLM&type=site")
        wait_until_drawn(tab)
        sidebar = tab.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Scotland").count() >= 1
        metric = tab.locator('[data-testid="stMetric"]').filter(has_text="Innovation centres")
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == "0"
        assert "region=TLM" in tab.url and "type=site" in tab.url
        context.close()


def test_changing_a_filter_changes_numbers_and_url_and_clear_filters_restores_them(page, app_url):
    page.goto(f"{app_url}/")
    wait_until_drawn(page)
    value = (
        page.locator('[data-testid="stMetric"]')
        .filter(has_text="Manufacturing sites")
        .locator('[data-testid="stMetricValue"]')
    )
    before = int(value.inner_text().replace(",", ""))
    region = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').nth(1)
    region.click()
    # A long name: with it, the focused box is a line taller than the blurred one.
    page.get_by_role("option", name="Yorkshire and The Humber").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.location.search.includes('region=TLE')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    sites_shown = (
        "() => { const m = Array.from(document.querySelectorAll('[data-testid=stMetric]'))"
        ".find(e => e.innerText.includes('Manufacturing sites')); "
        "return m ? parseInt(m.querySelector('[data-testid=stMetricValue]').innerText.replace(/,/g,'')) : null; }"
    )
    page.wait_for_function(f"() => ({sites_shown})() < {before}", timeout=READY_TIMEOUT_MS)

    # Straight away, the Region box still focused, as a user does.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Clear filters").click()
    page.wait_for_function("() => !window.location.search.includes('region=')", timeout=READY_TIMEOUT_MS)
    page.wait_for_function(f"() => ({sites_shown})() === {before}", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    assert page.locator('[data-testid="stException"]').count() == 0
