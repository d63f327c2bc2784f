"""The Region page in a real browser: a comparison chosen with the page's own controls goes into the
link, and the copied link reproduces it in a fresh browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS, wait_until_drawn

pytestmark = pytest.mark.e2e


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the page's selectbox labelled ``label``, as a user does."""
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def sentences(page) -> list[str]:
    """The one-sentence profiles shown, in column order."""
    texts = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').all_inner_texts()
    return [t for t in texts if re.match(r"^[A-Z][\w ]+: (at least )?\d", t)]


def test_a_copied_link_reproduces_a_comparison(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(f"{app_url}/region")
    wait_until_drawn(tab)
    choose(tab, "Region", "Wales")
    tab.wait_for_function("() => window.location.search.includes('area=TLL')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(tab)
    choose(tab, "Side by side with", "Scotland")
    tab.wait_for_function("() => window.location.search.includes('vs=TLM')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(tab)
    shown = sentences(tab)
    assert [s.split(":")[0] for s in shown] == ["Wales", "Scotland"]

    sidebar = tab.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stExpander"]').filter(has_text="Copy link to this view").locator("summary").click()
    code = sidebar.locator('[data-testid="stCode"]')
    code.wait_for(timeout=READY_TIMEOUT_MS)  # built by the rerun that opening it starts
    link = code.inner_text().strip()
    assert "/region?" in link and "area=TLL" in link and "vs=TLM" in link
    context.close()

    fresh = browser.new_context(viewport={"width": 1920, "height": 1080})
    fresh.set_default_timeout(READY_TIMEOUT_MS)
    tab = fresh.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(link)
    wait_until_drawn(tab)
    assert sentences(tab) == shown
    assert "area=TLL" in tab.url and "vs=TLM" in tab.url
    # Two columns of every block: two maps, two capability charts, two money charts, ...
    assert tab.locator('[data-testid="stPlotlyChart"]').count() == 12
    assert tab.locator('[data-testid="stException"]').count() == 0
    assert errors == []
    fresh.close()


def test_a_region_clicked_on_the_map_opens_its_profile(page, app_url):
    from tests.e2e.test_map_page import pick_region_on_region_map

    # A profile seen earlier in the same session must not stick: the link's region wins.
    page.goto(f"{app_url}/region?area=TLC")
    wait_until_drawn(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Map").click()
    page.wait_for_function("() => window.location.pathname.endsWith('/map')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    pick_region_on_region_map(page, "TLM")
    page.get_by_role("link", name="Open the Scotland profile").click()
    page.wait_for_function("() => window.location.pathname.endsWith('/region')", timeout=READY_TIMEOUT_MS)
    page.wait_for_function("() => window.location.search.includes('area=TLM')", timeout=READY_TIMEOUT_MS)
    wait_until_drawn(page)
    assert [s.split(":")[0] for s in sentences(page)] == ["Scotland"]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.console_errors == []
