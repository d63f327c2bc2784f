"""Presentation mode and sharing in a real browser: step through the default story with the keys
and the buttons, reopen a copied link in a fresh context, and open every kind of download."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS, download_by_clicking, wait_until_drawn

pytestmark = pytest.mark.e2e


def _title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def _wait_for_slide(page, number: int) -> None:
    page.wait_for_function(
        f"() => new URLSearchParams(window.location.search).get('slide') === '{number}'", timeout=READY_TIMEOUT_MS
    )
    wait_until_drawn(page)


@pytest.fixture(scope="module")
def default_story():
    from lib.present import story

    return story.load()


def test_presentation_steps_through_the_default_story(page, app_url, default_story):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/present")
    wait_until_drawn(page)
    assert _title(page) == default_story.slides[0].title
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    body_px = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector("
        "'[data-testid=stMain] [data-testid=stMarkdownContainer] p')).fontSize)"
    )
    assert body_px >= 22

    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, 2)
    assert _title(page) == default_story.slides[1].title
    page.get_by_role("button", name="Next →").click()
    _wait_for_slide(page, 3)
    assert _title(page) == default_story.slides[2].title
    page.keyboard.press("ArrowLeft")
    _wait_for_slide(page, 2)
    assert _title(page) == default_story.slides[1].title
    for number in range(3, len(default_story.slides) + 1):
        page.keyboard.press("ArrowRight")
        _wait_for_slide(page, number)
    assert _title(page) == default_story.slides[-1].title
    assert page.get_by_role("button", name="Next →").is_disabled()
    assert page.console_errors == []
    assert page.external_requests == []


def test_a_copied_link_reproduces_the_view_in_a_fresh_browser(browser, app_url, default_story):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    tab = context.new_page()
    tab.goto(f"{app_url}/map?region=TLM&type=site")
    wait_until_drawn(tab)
    sidebar = tab.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stExpander"]').filter(has_text="Copy link to this view").locator("summary").click()
    code = sidebar.locator('[data-testid="stCode"]')
    code.wait_for(timeout=READY_TIMEOUT_MS)  # built by the rerun that opening it starts
    link = code.inner_text().strip()
    assert "/map?" in link and "region=TLM" in link and "type=site" in link
    context.close()

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
    tab = fresh.new_page()
    tab.goto(link)
    wait_until_drawn(tab)
    assert tab.locator('[data-testid="stSidebar"]').get_by_text("Scotland").count() >= 1
    assert "region=TLM" in tab.url
    tab.goto(f"{app_url}/present?slide=3")
    wait_until_drawn(tab)
    assert _title(tab) == default_story.slides[2].title
    fresh.close()


def test_downloads_open(page, app_url):
    from openpyxl import load_workbook
    from pptx import Presentation

    page.goto(f"{app_url}/directory")
    wait_until_drawn(page)
    excel = download_by_clicking(page, page.get_by_role("button", name="Download Excel").first)
    with open(excel.path(), "rb") as handle:  # the saved file has no extension: read bytes
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert "sources" in workbook.sheetnames and workbook["data"].max_row > 1

    page.goto(f"{app_url}/present?slide=2")
    wait_until_drawn(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    with page.expect_download() as png:
        chart.locator(
            '.modebar-btn[data-title="Download plot as a png"], .modebar-btn[data-title^="Download plot"]'
        ).first.click()
    assert png.value.suggested_filename.endswith(".png")
    with open(png.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"

    page.get_by_text("Story, link and briefing pack").click()
    # Building the pack (charts drawn as images) takes seconds: a long first wait before a second click.
    deck = download_by_clicking(
        page, page.get_by_role("button", name="Download briefing pack (PPTX)"), first_wait_ms=60_000, timeout_ms=120_000
    )
    slides = Presentation(io.BytesIO(Path(deck.path()).read_bytes())).slides
    assert len(slides) >= 7  # title, five story slides, sources
    assert page.external_requests == []
