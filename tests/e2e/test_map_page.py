"""The Map page in headless Chromium: drawn offline, a region click filters, a dot click shows details."""

from __future__ import annotations

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS, wait_until_drawn

pytestmark = pytest.mark.e2e

# Screen position of a point in data coordinates (British National Grid metres) on the n-th chart.
TO_SCREEN = """
  const toScreen = (gd, x, y) => {
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
    return {x: box.left + xa._offset + xa.l2p(x), y: box.top + ya._offset + ya.l2p(y)};
  };"""

# The labelled dot of one region on the region map (the trace whose customdata are ITL1 codes).
REGION_DOT_JS = (
    """(code) => {"""
    + TO_SCREEN
    + """
  const gd = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[0];
  const t = gd._fullData.find(t => t.mode === 'markers+text');
  const i = Array.from(t.customdata).findIndex(row => row[0] === code);
  return toScreen(gd, t.x[i], t.y[i]);
}"""
)


def pick_region_on_region_map(page, code: str) -> None:
    """On the Map page: show the regions layer, click region ``code``'s dot, wait for the filter."""
    page.get_by_text("Regions coloured by a measure").click()
    page.wait_for_function("() => window.location.search.includes('layer=regions')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    spot = page.evaluate(REGION_DOT_JS, code)  # the region's labelled dot on the region map
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_function(f"() => window.location.search.includes('region={code}')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)


# The on-screen dot of the facility map farthest from every other dot (so a click hits only it),
# away from the legend and the edges of the map.
LONELY_DOT_JS = (
    """() => {"""
    + TO_SCREEN
    + """
  const gd = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[0];
  const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const legend = gd.querySelector('.legend').getBoundingClientRect();
  const dots = [];
  // _fullData: the arrays as Plotly decoded them (the figure sends numbers as typed arrays).
  gd._fullData.forEach(t => { if (t.mode === 'markers' && t.marker.color !== 'white')
    Array.from(t.x).forEach((px, i) => {
      const {x, y} = toScreen(gd, px, t.y[i]);
      const inside = x > area.left + 30 && x < area.right - 30 && y > area.top + 30 && y < area.bottom - 30;
      const underLegend = x > legend.left - 20 && x < legend.right + 20 && y > legend.top - 20 && y < legend.bottom + 20;
      if (inside && !underLegend) dots.push({x, y, id: t.customdata[i][0]});
    }); });
  let best = null, bestGap = -1;
  for (const a of dots) {
    let gap = Infinity;
    for (const b of dots) if (b !== a) gap = Math.min(gap, Math.hypot(a.x - b.x, a.y - b.y));
    if (gap > bestGap) { bestGap = gap; best = a; }
  }
  return best;
}"""
)


def count_text(page) -> str:
    return page.locator('[data-testid="stMarkdown"]').filter(has_text="facilities match the filters").first.inner_text()


def facility_count(page) -> int:
    return int(count_text(page).split(" ", 1)[0].replace(",", ""))


def test_map_page_draws_offline_and_a_region_click_filters(page, app_url):
    page.goto(f"{app_url}/map")
    wait_until_drawn(page)
    box = page.locator('[data-testid="stPlotlyChart"] .main-svg').first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400  # one large map of the sites
    before = facility_count(page)

    pick_region_on_region_map(page, "TLM")
    page.wait_for_function(
        "(before) => { const m = Array.from(document.querySelectorAll('[data-testid=stMarkdown]'))"
        ".find(e => e.innerText.includes('facilities match the filters'));"
        " return m && parseInt(m.innerText.replace(/,/g, '')) < before; }",
        arg=before,
        timeout=READY_TIMEOUT_MS,
    )
    assert 0 < facility_count(page) < before
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Scotland").count() >= 1
    assert page.get_by_role("button", name="Show all regions").is_visible()

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == []
    assert page.external_requests == [], "the map must work with no internet"


def test_clicking_a_dot_opens_its_details(page, app_url):
    page.goto(f"{app_url}/map")
    wait_until_drawn(page)
    dot = page.evaluate(LONELY_DOT_JS)
    page.mouse.click(dot["x"], dot["y"])
    page.wait_for_function(f"() => window.location.search.includes('site={dot['id']}')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    details = (
        page.locator('[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVerticalBlock"]')
        .filter(has_text="Approximate employees")
        .last
    )
    details.wait_for(timeout=READY_TIMEOUT_MS)
    assert "Company / operator" in details.inner_text()
    assert page.console_errors == []
    assert page.external_requests == []
