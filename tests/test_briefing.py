"""The briefing pack: python-pptx reads the deck back and finds every slide, with chart images
when a browser is available, and a complete deck (data tables) when it is not."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from lib.present import briefing, slides, static_images, story


@pytest.fixture(scope="module")
def data(embedded):
    return slides.slide_data(embedded)


def _texts(deck_bytes: bytes) -> list[str]:
    deck = Presentation(io.BytesIO(deck_bytes))
    return [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in deck.slides]


def _pictures(deck_bytes: bytes) -> int:
    deck = Presentation(io.BytesIO(deck_bytes))
    return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in deck.slides for shape in slide.shapes)


def _no_browser(fig):
    raise static_images.StaticImagesUnavailable("Chart images need a Chromium browser")


def test_deck_without_a_browser_is_complete_and_says_why(data):
    default = story.load()
    pack = briefing.build(default, data, render_png=_no_browser)
    texts = _texts(pack.content)
    assert len(texts) == 1 + len(default.slides) + 1  # title, story slides, sources
    assert default.title in texts[0]
    assert "Sources and notes" in texts[-1] and "never added" in texts[-1]
    assert "Manufacturing sites" in " ".join(texts)
    assert _pictures(pack.content) == 0
    assert any("Chart image not available" in t for t in texts)
    assert pack.warnings == ["Chart images need a Chromium browser"]


def test_headline_numbers_are_added_when_the_story_has_none(data):
    only_map = story.Story("Map only", (story.Slide(story.MAP, "The map"),))
    pack = briefing.build(only_map, data, render_png=_no_browser)
    assert pack.slide_titles == ["Map only", "Headline numbers", "The map", "Sources and notes"]


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_map_that_cannot_be_drawn_falls_back_to_a_bar_chart(data):
    drawn = []

    def no_maps(fig):
        if fig.layout.uirevision == "uk-map":
            raise static_images.StaticImagesUnavailable("map failed")
        drawn.append(fig.data[0].type)
        return _tiny_png()

    pack = briefing.build(story.Story("T", (story.Slide(story.MAP, "Map"),)), data, render_png=no_maps)
    assert drawn == ["bar"]
    assert _pictures(pack.content) == 1
    assert any("map could not be drawn as an image" in t for t in _texts(pack.content))
    assert pack.warnings == []


@pytest.mark.skipif(not static_images.browser_available(), reason="no Chromium for kaleido")
def test_deck_with_a_browser_has_chart_images(data):
    default = story.load()
    pack = briefing.build(default, data)
    charts = sum(s.view != story.OVERVIEW_NUMBERS for s in default.slides)
    assert _pictures(pack.content) == charts
    assert pack.warnings == []
