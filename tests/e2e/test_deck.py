"""The offline deck in a real browser, as a presenter would use it on a PC with no network: opened
from file:// with every other request blocked, stepped through with the keys a clicker sends, each
slide drawn (charts included) and fitting the screen, the charts still interactive."""

from __future__ import annotations

import pytest

from tests.e2e.harness import READY_TIMEOUT_MS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory, embedded):
    from lib.present import deck, slides, story

    path = tmp_path_factory.mktemp("deck") / "deck.html"
    path.write_text(deck.build(story.load(), slides.slide_data(embedded), "https://example.org/present"), "utf-8")
    return path


def _shown(tab) -> dict:
    return tab.evaluate(
        """() => {
          const s = document.querySelector('.slide.current');
          const r = s.getBoundingClientRect();
          const chart = s.querySelector('.chart');
          return {
            index: window.mmipDeck.current(),
            title: s.querySelector('h1').textContent,
            progress: s.querySelector('.progress').textContent,
            visible: document.querySelectorAll('.slide.current').length,
            fits: s.scrollHeight <= s.clientHeight + 1 && s.scrollWidth <= s.clientWidth + 1
                  && r.width <= innerWidth && r.height <= innerHeight,
            chart: chart ? !!chart.querySelector('.main-svg') && chart.getBoundingClientRect().height > 300 : null,
          };
        }"""
    )


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_deck_steps_through_every_slide_offline(browser, deck_file, size):
    from lib.present import story

    default = story.load()
    count = len(default.slides) + 2
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(READY_TIMEOUT_MS)
    blocked, errors = [], []

    def only_the_file(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    tab = context.new_page()
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(deck_file.as_uri())
    tab.wait_for_function("() => window.mmipDeck !== undefined")

    keys = ["ArrowRight", "PageDown"]  # arrow keys and a presenter's clicker
    titles = []
    for number in range(1, count + 1):
        tab.wait_for_function(f"() => window.mmipDeck.current() === {number - 1}")
        if number > 1 and number <= count - 1 and default.slides[number - 2].view != story.OVERVIEW_NUMBERS:
            tab.wait_for_function("() => !!document.querySelector('.slide.current .chart .main-svg')")
        shown = _shown(tab)
        assert shown["visible"] == 1 and shown["progress"] == f"{number} / {count}"
        assert shown["fits"], f"slide {number} does not fit {size}"
        assert shown["chart"] in (None, True), f"slide {number}: chart not drawn"
        titles.append(shown["title"])
        tab.keyboard.press(keys[number % 2])
    assert titles[1:-1] == [s.title for s in default.slides]
    assert titles[-1] == "Live view and sources"
    assert tab.locator(".slide.current a").inner_text() == "https://example.org/present"
    assert tab.locator(".slide.current svg").count() == 1  # the QR code

    # Back with Page Up (to the investment bars) and the left arrow; the charts answer the mouse.
    money = 1 + [s.view for s in default.slides].index(story.INVESTMENT_BY_REGION)
    for _ in range(count - 1 - money):
        tab.keyboard.press("PageUp")
    tab.wait_for_function(f"() => window.mmipDeck.current() === {money}")
    tab.locator(".slide.current .chart .bars .point path").last.hover(force=True)
    tab.wait_for_selector(".slide.current .hoverlayer .hovertext", timeout=10_000)
    tab.keyboard.press("ArrowLeft")
    tab.wait_for_function(f"() => window.mmipDeck.current() === {money - 1}")
    assert blocked == [] and errors == []
    context.close()
