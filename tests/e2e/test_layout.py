"""Nothing clipped or overlapping, at a laptop (1366x768) and a projector (1920x1080), on every
page and in every tab: every chart text inside its chart, no table wider than its column, chart
text large enough to read, and the charts in the page's own typeface."""

from __future__ import annotations

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS
from tests.e2e.layout_checks import FONTS_JS, SMALLEST_CHART_TEXT_JS, plotly_text_problems, table_problems
from tests.e2e.views import all_views, open_view

pytestmark = pytest.mark.e2e

SIZES = {"laptop": (1366, 768), "projector": (1920, 1080)}
MIN_CHART_TEXT_PX = 14


@pytest.fixture(scope="module", params=list(SIZES))
def sized_page(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("view", all_views(), ids=lambda v: v.name)
def test_nothing_is_clipped_or_overlapping(sized_page, app_url, view):
    open_view(sized_page, app_url, view)
    problems = plotly_text_problems(sized_page) + table_problems(sized_page)
    assert problems == [], f"{view.label}:\n" + "\n".join(problems)
    smallest, where = sized_page.evaluate(SMALLEST_CHART_TEXT_JS)
    assert smallest >= MIN_CHART_TEXT_PX, f"{view.label}: chart text {smallest} px ({where!r})"


def test_charts_use_the_page_typeface_served_by_the_app(page, app_url):
    """One typeface: the charts name the font the page uses (Streamlit's Source Sans, served from
    the app itself), and the browser has it loaded: no request for a font goes anywhere else."""
    page.goto(f"{app_url}/")
    from tests.e2e.harness import wait_until_drawn

    wait_until_drawn(page)
    fonts = page.evaluate(FONTS_JS)
    page_family = fonts["page"].split(",")[0].strip().strip('"')
    assert page_family == "Source Sans"
    assert fonts["charts"] and all(f.split(",")[0].strip().strip("\"'") == page_family for f in fonts["charts"]), fonts
    assert page.evaluate("() => document.fonts.check('16px \"Source Sans\"')")
    assert page.external_requests == []


def test_the_map_fills_the_height_of_the_window(sized_page, app_url):
    """Scrolled to, the UK map is as tall as the window allows (less the app's header), on a
    laptop and on a projector, and the UK itself takes most of that height."""
    from tests.e2e.views import View

    open_view(sized_page, app_url, View("map", "map"))
    height = sized_page.viewport_size["height"]
    chart, drawn = sized_page.evaluate(
        """() => { const p = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
        return [p.getBoundingClientRect().height, p._fullLayout.yaxis._length]; }"""
    )
    assert height - 120 <= chart <= height
    assert drawn >= 0.55 * height
