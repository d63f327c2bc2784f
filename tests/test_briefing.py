"""The briefing pack, read back as a recipient would: python-pptx finds every slide, one title per
slide, chart images drawn for the space they fill with text a meeting room can read, money totals
that agree under their stated rules, each source cited once; LibreOffice (when installed) turns it
into a PDF whose text stays on the page."""

from __future__ import annotations

import html as html_module
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu

from lib.figures import theme
from lib.present import briefing, slides, static_images, story

TODAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def data(embedded):
    return slides.slide_data(embedded)


def _slide_texts(deck_bytes: bytes) -> list[list[str]]:
    deck = Presentation(io.BytesIO(deck_bytes))
    return [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides]


def _texts(deck_bytes: bytes) -> list[str]:
    return [" ".join(texts) for texts in _slide_texts(deck_bytes)]


def _pictures(deck_bytes: bytes) -> list:
    deck = Presentation(io.BytesIO(deck_bytes))
    return [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _no_browser(fig, **size):
    raise static_images.StaticImagesUnavailable("Chart images need a Chromium browser")


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(buffer, format="PNG")
    return buffer.getvalue()


class Recorder:
    """A stand-in renderer that keeps every figure and the size it was asked to draw."""

    def __init__(self):
        self.calls = []

    def __call__(self, fig, width, height, scale=1.0):
        self.calls.append((fig, width, height))
        return _tiny_png()


def test_deck_without_a_browser_is_complete_and_says_why(data):
    default = story.load()
    pack = briefing.build(default, data, render_png=_no_browser, today=TODAY)
    texts = _texts(pack.content)
    assert len(texts) == 1 + len(default.slides) + 1  # title, story slides, sources
    assert default.title in texts[0]
    assert "Sources and notes" in texts[-1] and "never added" in texts[-1]
    assert "Manufacturing sites" in " ".join(texts)
    assert _pictures(pack.content) == []
    assert any("Chart image not available" in t for t in texts)
    assert pack.warnings == ["Chart images need a Chromium browser"]


def test_headline_numbers_are_added_when_the_story_has_none(data):
    only_map = story.Story("Map only", (story.Slide(story.MAP, "The map"),))
    pack = briefing.build(only_map, data, render_png=_no_browser)
    assert pack.slide_titles == ["Map only", "Headline numbers", "The map", "Sources and notes"]


def test_map_that_cannot_be_drawn_falls_back_to_a_bar_chart(data):
    drawn = []

    def no_maps(fig, **size):
        if fig.layout.uirevision == "uk-map":
            raise static_images.StaticImagesUnavailable("map failed")
        drawn.append(fig.data[0].type)
        return _tiny_png()

    pack = briefing.build(story.Story("T", (story.Slide(story.MAP, "Map"),)), data, render_png=no_maps)
    assert drawn == ["bar"]
    assert len(_pictures(pack.content)) == 1
    assert any("map could not be drawn as an image" in t for t in _texts(pack.content))
    assert pack.warnings == []


def _figure_font_sizes(fig) -> list[float]:
    layout = fig.layout
    sizes = [layout.font.size, layout.legend.font.size, layout.xaxis.tickfont.size, layout.yaxis.tickfont.size]
    sizes += [a.font.size for a in layout.annotations]
    sizes += [t.textfont.size for t in fig.data if "textfont" in t and t.text is not None]
    return sizes


def test_chart_images_have_no_title_and_text_of_at_least_14_points_filling_their_space(data):
    default = story.load()
    recorder = Recorder()
    pack = briefing.build(default, data, render_png=recorder)
    pictures = _pictures(pack.content)
    assert len(pictures) == len(recorder.calls) == sum(s.view != story.OVERVIEW_NUMBERS for s in default.slides)
    for (fig, width_px, height_px), picture in zip(recorder.calls, pictures):
        # One title per slide: the slide's, as text; none inside the image, and no source line in it.
        assert not fig.layout.title.text
        assert theme.source_of(fig) is None
        # The image is placed at the size it was drawn for (no stretching), so a CSS pixel is
        # picture inches / width px; the smallest text must still be 14 pt on the slide.
        px_per_inch = width_px / Emu(picture.width).inches
        assert height_px / Emu(picture.height).inches == pytest.approx(px_per_inch, rel=0.02)
        smallest_pt = min(_figure_font_sizes(fig)) / px_per_inch * 72
        assert smallest_pt >= 14, smallest_pt
        # The chart fills the slide's width and most of the space under the finding.
        assert picture.width >= briefing.SLIDE_WIDTH - 2 * briefing.MARGIN - 10
        assert picture.height >= 0.45 * briefing.SLIDE_HEIGHT
    for texts, title in zip(_slide_texts(pack.content), pack.slide_titles):
        assert sum(title in t for t in texts) == 1  # the title once on its slide


RULES_PATTERN = "|".join(map(re.escape, slides.TOTAL_RULES.values()))
STATED_TOTAL = re.compile(r"(£[\d,.]+(?:bn|m|k)?)[^£()]{0,60}?\(((?:" + RULES_PATTERN + r")[^()]*)\)")


def _amount(label: str) -> float:
    number = float(re.sub(r"[£,a-z]", "", label))
    return number * {"bn": 1e9, "m": 1e6, "k": 1e3}.get(re.sub(r"[£\d,.]", "", label), 1)


def test_money_totals_agree_under_their_stated_rules(data):
    pack = briefing.build(story.load(), data, render_png=Recorder(), today=TODAY)
    by_rule: dict[str, set[str]] = {}
    for text in _texts(pack.content):
        stated = STATED_TOTAL.findall(text)
        for amount, rule in stated:
            by_rule.setdefault(rule, set()).add(amount)
        if re.search(r"\bof £|total|in all", text) and "£" in text:
            assert stated, f"a slide gives a money total without its rule: {text}"
    # Every rule (and every rule restricted to a region, as on a region profile) is stated with
    # one total in the whole deck...
    assert by_rule and all(len(amounts) == 1 for amounts in by_rule.values()), by_rule
    total = {rule: _amount(next(iter(amounts))) for rule, amounts in by_rule.items()}
    rules = slides.TOTAL_RULES
    # ...a restricted total is part of its rule's total...
    restricted = {rule: amount for rule, amount in total.items() if rule not in rules.values()}
    for rule, amount in restricted.items():
        assert 0 < amount <= total[rule.split("; ")[0]], rule
        del total[rule]
    # ...and the totals under different rules add up: all awards = placed in a region + the rest.
    assert set(total) == {rules["all_awards"], rules["regional_awards"], rules["uk_wide_awards"]}
    assert total[rules["all_awards"]] == pytest.approx(
        total[rules["regional_awards"]] + total[rules["uk_wide_awards"]], abs=0.15e6
    )


def test_sources_slide_cites_each_source_once_with_the_dates(data):
    only_map = story.Story("Map", (story.Slide(story.MAP, "The map"), story.Slide(story.GAPS, "Gaps")))
    outlined = slides.SlideData(**{**data.__dict__, "outlines": ([0.0], [0.0], [0.0], [0.0])})
    pack = briefing.build(only_map, outlined, render_png=Recorder(), today=TODAY)
    sources = _texts(pack.content)[-1]
    for citation in slides.citations(["facts", "towns", "boundaries"]):
        assert sources.count(citation) == 1
    assert "project dataset" not in sources  # the slides' short source lines are not repeated here
    assert "Made 2026-12-06." in sources
    frames = (data.facilities, data.investments, data.regions)
    newest = max(frame["verified_on"].dropna().max() for frame in frames if "verified_on" in frame.columns)
    assert f"Data last verified: {newest}" in sources


def _boxes_overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


@pytest.mark.parametrize("longest", [False, True])
def test_every_shape_is_on_its_slide_and_none_overlaps_another(data, longest):
    chosen = story.load()
    if longest:  # the longest title and finding a story may have (story.MAX_TEXT characters)
        words = ("Capability " * 40)[: story.MAX_TEXT].strip()
        chosen = story.Story(
            words,
            tuple(
                story.Slide(s.view, words, finding=words, filters=s.filters, settings=s.settings) for s in chosen.slides
            ),
        )
    pack = briefing.build(chosen, data, render_png=Recorder())
    deck = Presentation(io.BytesIO(pack.content))
    for number, slide in enumerate(deck.slides, start=1):
        boxes = [(s.left, s.top, s.left + s.width, s.top + s.height) for s in slide.shapes]
        for left, top, right, bottom in boxes:
            assert left >= 0 and top >= 0 and right <= deck.slide_width and bottom <= deck.slide_height, number
        for i, box in enumerate(boxes):
            assert not any(_boxes_overlap(box, other) for other in boxes[i + 1 :]), f"slide {number}"
        for shape in slide.shapes:
            if shape.has_text_frame:  # sized here: no client may grow a box off the slide
                assert shape.text_frame.auto_size == MSO_AUTO_SIZE.NONE


def _office() -> tuple[str | None, str | None]:
    return shutil.which("soffice") or shutil.which("libreoffice"), shutil.which("pdftotext")


@pytest.mark.skipif(
    None in _office(),
    reason="LibreOffice (soffice) and pdftotext are not installed: "
    "apt-get install libreoffice-impress poppler-utils to check the pack as a PDF",
)
def test_pack_converted_by_libreoffice_keeps_every_slide_and_its_text_on_the_page(data, tmp_path):
    soffice, pdftotext = _office()
    pack = briefing.build(story.load(), data)  # real chart images where a browser exists
    (tmp_path / "pack.pptx").write_bytes(pack.content)
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "pack.pptx")],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    subprocess.run([pdftotext, "-bbox", str(tmp_path / "pack.pdf"), str(tmp_path / "words.html")], check=True)
    html = (tmp_path / "words.html").read_text(encoding="utf-8")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert len(pages) == len(pack.slide_titles)
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')
    for number, (width, height, body) in enumerate(pages, start=1):
        boxes = [tuple(map(float, w)) for w in word.findall(body)]
        assert boxes, f"page {number} has no text"
        for x0, y0, x1, y1 in boxes:
            assert x0 >= 0 and x1 <= float(width) and y0 >= 0 and y1 <= float(height), (number, x0, y0, x1, y1)
        # Text that overflowed its box would run into the next one: no two words overlap (a word's
        # box spans its font's full ascent and descent, 1.3 em, more than the line spacing: compare
        # the middle 60% of each).
        boxes = [(x0, y0 + 0.2 * (y1 - y0), x1, y1 - 0.2 * (y1 - y0)) for x0, y0, x1, y1 in boxes]
        ordered = sorted(boxes, key=lambda b: (b[1], b[0]))
        for i, (x0, y0, x1, y1) in enumerate(ordered):
            for a0, b0, a1, b1 in ordered[i + 1 : i + 40]:
                overlap = min(x1, a1) - max(x0, a0) > 1 and min(y1, b1) - max(y0, b0) > 2
                assert not overlap, f"page {number}: words overlap at {(x0, y0)} and {(a0, b0)}"
    # Every slide's title on its page, once (words in reading order, wrapped lines joined).
    for (_, _, body), title in zip(pages, pack.slide_titles):
        words = html_module.unescape(" ".join(re.findall(r">([^<]+)</word>", body)))
        assert words.count(title) == 1, (title, words[:200])


@pytest.mark.skipif(not static_images.browser_available(), reason="no Chromium for kaleido")
def test_deck_with_a_browser_has_chart_images(data):
    default = story.load()
    pack = briefing.build(default, data)
    charts = sum(s.view != story.OVERVIEW_NUMBERS for s in default.slides)
    assert len(_pictures(pack.content)) == charts
    assert pack.warnings == []


REGION_SLIDES = (
    story.Slide(story.REGION_PROFILE, "Scotland beside the UK", settings={"area": "TLM", "vs": "UK"}),
    story.Slide(story.REGION_PROFILE, "The United Kingdom as a region profile", settings={"area": "UK"}),
)


def test_region_profile_slides_are_pack_slides_whose_totals_agree_with_the_rest(data):
    with_regions = story.Story("With regions", (*story.load().slides, *REGION_SLIDES))
    recorder = Recorder()
    pack = briefing.build(with_regions, data, render_png=recorder, today=TODAY)
    assert pack.slide_titles[-3:-1] == [s.title for s in REGION_SLIDES]
    texts = _texts(pack.content)
    by_rule: dict[str, set[str]] = {}
    for text in texts:
        for amount, rule in STATED_TOTAL.findall(text):
            by_rule.setdefault(rule, set()).add(amount)
    # The UK profile's total is the headline numbers' total, word for word; Scotland's is stated
    # under the regional rule, restricted to Scotland, and is less than all regions together.
    assert all(len(amounts) == 1 for amounts in by_rule.values()), by_rule
    regional = slides.TOTAL_RULES["regional_awards"]
    scotland = _amount(next(iter(by_rule[f"{regional}; regions: Scotland"])))
    assert 0 < scotland < _amount(next(iter(by_rule[regional])))
    assert set(by_rule) == {*slides.TOTAL_RULES.values(), f"{regional}; regions: Scotland"}
    # A chart image on each, drawn with both panels for the comparison; the ONS credited once.
    region_figures = [fig for fig, _, _ in recorder.calls][-2:]
    assert "xaxis2" in region_figures[0].layout and "xaxis2" not in region_figures[1].layout
    assert len(_pictures(pack.content)) == len(recorder.calls)
    ons = slides.citations(["ons"])[0]
    assert texts[-1].count(ons) == 1
