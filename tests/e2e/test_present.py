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


STAGE_JS = """
() => {
  const stage = document.querySelector('.st-key-present-stage');
  const r = stage.getBoundingClientRect();
  const inside = el => { const b = el.getBoundingClientRect();
    return b.width === 0 || (b.top >= r.top - 1 && b.bottom <= r.bottom + 1 && b.left >= r.left - 1 && b.right <= r.right + 1); };
  const texts = Array.from(stage.querySelectorAll('.main-svg text')).filter(t => t.textContent.trim());
  return {
    titles: Array.from(stage.querySelectorAll('h1')).map(h => h.textContent),
    chartTitles: stage.querySelectorAll('.main-svg .gtitle').length,
    furniture: Array.from(stage.querySelectorAll('.modebar, [data-testid=stExpander], [data-testid=stDownloadButton], [data-testid=stElementToolbar]')).filter(e => getComputedStyle(e).display !== 'none').length,
    fits: r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && stage.scrollHeight <= stage.clientHeight + 1
          && Array.from(stage.querySelectorAll('p, h1, .main-svg')).every(inside),
    scrolled: document.querySelector('[data-testid=stMain]').scrollTop,
    progress: stage.querySelector('.present-progress').textContent.trim(),
    findingPx: parseFloat(getComputedStyle(stage.querySelector('.present-finding')).fontSize),
    source: stage.querySelector('.present-source').textContent,
    smallestChartPx: texts.length ? Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))) : null,
    chartHeight: stage.querySelector('.main-svg') ? stage.querySelector('.main-svg').getBoundingClientRect().height : null,
  };
}
"""


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_every_slide_is_a_clean_stage_that_fits_the_screen(browser, app_url, default_story, size):
    from lib.present import story

    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(f"{app_url}/present")
    wait_until_drawn(tab)
    count = len(default_story.slides)
    for number, spec in enumerate(default_story.slides, start=1):
        tab.mouse.move(size[0] / 2, size[1] / 2)  # over the chart: no toolbar may appear on hover
        tab.wait_for_timeout(300)
        stage = tab.evaluate(STAGE_JS)
        assert stage["titles"] == [spec.title], stage["titles"]  # one title per slide
        assert stage["chartTitles"] == 0  # and not again inside the chart
        assert stage["furniture"] == 0  # no toolbar, expander or download on stage
        assert stage["fits"] and stage["scrolled"] == 0, f"slide {number} does not fit {size}"
        assert stage["progress"] == f"{number} / {count}"
        assert stage["findingPx"] >= 26 and stage["source"].startswith("Source:")
        if spec.view != story.OVERVIEW_NUMBERS:
            assert stage["smallestChartPx"] >= 20, (number, stage["smallestChartPx"])
            assert stage["chartHeight"] >= 0.45 * size[1]  # the chart takes the room it is given
        if number < count:
            tab.keyboard.press("PageDown" if number % 2 else "ArrowRight")
            _wait_for_slide(tab, number + 1)
    tab.keyboard.press("PageUp")
    _wait_for_slide(tab, count - 1)
    # Off stage, below it: the presenter's tools.
    assert tab.get_by_text("Story, link and briefing pack").count() == 1
    context.close()


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

    page.goto(f"{app_url}/investment")
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

    page.goto(f"{app_url}/present?slide=2")
    wait_until_drawn(page)
    page.get_by_text("Story, link and briefing pack").click()
    offline = download_by_clicking(page, page.get_by_role("button", name="Download offline deck (HTML, one file)"))
    document = Path(offline.path()).read_text(encoding="utf-8")
    from lib.present import story

    sections = len(story.load().slides) + 2  # the title slide, the story, the live view and sources
    assert offline.suggested_filename.endswith(".html") and document.count('<section class="slide') == sections
    assert f'href="{app_url}/present"' in document  # the live view, for the last slide's link and QR code
    # Building the pack (charts drawn as images) takes seconds: a long first wait before a second click.
    deck = download_by_clicking(
        page, page.get_by_role("button", name="Download briefing pack (PPTX)"), first_wait_ms=60_000, timeout_ms=120_000
    )
    slides = Presentation(io.BytesIO(Path(deck.path()).read_bytes())).slides
    assert len(slides) == sections  # title, the story's slides (headline numbers among them), sources
    assert page.external_requests == []


def test_a_region_profile_slide_draws_on_stage_without_scrolling(browser, app_url, tmp_path):
    """A story with a region profile (Scotland beside the UK), loaded as a presenter would: the
    slide fits a 1920x1080 stage with its headline, its two-panel chart and the ONS credit."""
    import json

    title = "Scotland beside the UK"
    story_file = tmp_path / "region.json"
    story_file.write_text(
        json.dumps(
            {
                "title": "Regions",
                "slides": [{"view": "region_profile", "title": title, "settings": {"area": "TLM", "vs": "UK"}}],
            }
        ),
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(READY_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(f"{app_url}/present")
    wait_until_drawn(tab)
    tab.get_by_text("Story, link and briefing pack").click()
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(story_file))
    tab.wait_for_function(
        f"() => document.querySelector('[data-testid=stMain] h1')?.textContent === {json.dumps(title)}",
        timeout=READY_TIMEOUT_MS,
    )
    wait_until_drawn(tab)
    tab.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    tab.mouse.move(960, 540)
    tab.wait_for_timeout(300)
    stage = tab.evaluate(STAGE_JS)
    assert stage["titles"] == [title] and stage["chartTitles"] == 0 and stage["furniture"] == 0
    assert stage["fits"] and stage["scrolled"] == 0, stage
    assert stage["smallestChartPx"] >= 20 and stage["chartHeight"] >= 0.45 * 1080, stage
    finding = tab.locator(".present-finding").inner_text()
    assert finding.startswith("Scotland:") and "(public grants placed in one region" in finding
    assert "Office for National Statistics licensed under the Open Government Licence v.3.0" in stage["source"]
    # Both areas are drawn: the panels are named under their bars.
    labels = tab.evaluate(
        "() => Array.from(document.querySelectorAll('.st-key-present-stage .main-svg .xtitle, "
        ".st-key-present-stage .main-svg .x2title')).map(t => t.textContent)"
    )
    assert labels == ["Scotland", "United Kingdom"]
    context.close()
