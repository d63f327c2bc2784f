"""A fresh install, offline, with no boundary folder and nothing cached: the maps still draw the UK
and its 12 regions (from the outline shipped in data/boundaries/), with the ONS attribution."""

from __future__ import annotations

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS, streamlit_server, wait_until_drawn

pytestmark = pytest.mark.e2e


def test_the_maps_draw_the_uk_and_its_regions_with_no_boundary_files(browser, tmp_path):
    env = {"MMIP_BOUNDARIES_DIR": "", "MMIP_CACHE_DIR": str(tmp_path), "MMIP_OFFLINE": "1"}
    with streamlit_server(env=env) as (url, _process):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.set_default_timeout(READY_TIMEOUT_MS)
        page = context.new_page()
        requests = []
        page.on(
            "request",
            lambda r: requests.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None,
        )

        page.goto(f"{url}/map")
        wait_until_drawn(page)
        plot = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
        # The coastline and region borders: one line trace of many points, drawn.
        outline_points = page.evaluate(
            """() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')._fullData
                .filter(t => t.name === 'ITL1 regions').reduce((n, t) => n + t.x.length, 0)"""
        )
        assert outline_points > 2_000
        assert plot.locator(".scatterlayer .js-line").count() >= 1
        # The ONS attribution in the source line (its lines are separate SVG text, joined here).
        source = " ".join(plot.locator(".annotation tspan, .annotation text").all_text_contents())
        assert "National Statistics licensed under the Open Government" in source and "Crown copyright" in source

        page.goto(f"{url}/map?layer=regions")
        wait_until_drawn(page)
        filled = page.evaluate(
            """() => document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot')._fullData
                .filter(t => t.fill === 'toself').length"""
        )
        assert filled == 12, "each ITL1 region drawn as a filled shape, not the tile grid"
        assert page.get_by_text("tile grid").count() == 0
        assert requests == []
        context.close()
