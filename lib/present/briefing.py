"""The briefing pack: a PowerPoint deck of a story, built in one click.

Title slide, the headline numbers, one slide per story slide, and a sources slide. A story slide
is laid out as on the Present page and in the offline deck (:func:`lib.present.slides.slide_text`):
the title once, the finding in large type, the chart, the note and the source line. The chart image
is drawn for the space it fills on the slide, without its own title or source line, with every text
at least :data:`MIN_CHART_PT` points at the slide's size. Where a chart cannot be drawn as an image
the slide says so and shows the data as a table instead, so the pack is still complete.

Text boxes are sized from an estimate of their wrapped height (LibreOffice and PowerPoint do not
grow a box that is told not to), and the chart takes what is left: no text runs off a slide.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from lib.figures import theme
from lib.present import slides, static_images, story

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
GAP = Inches(0.1)
TEXT = RGBColor.from_string(theme.TEXT.lstrip("#"))
MUTED = RGBColor.from_string(theme.MUTED_TEXT.lstrip("#"))
ACCENT = RGBColor.from_string(theme.FOCUS.lstrip("#"))
FONT = "Arial"
TITLE_PT, FINDING_PT, FOOTER_PT, TABLE_PT = 28, 20, 14, 14
# Chart images are drawn at 96 CSS px per inch of slide, so 1 px prints as 0.75 pt: 20 px is 15 pt.
CSS_PX_PER_INCH = 96
CHART_FONT_PX = 20
MIN_CHART_PT = 14
IMAGE_SCALE = 2  # pixels per CSS pixel: sharp on a projector
TABLE_ROWS = 12
DATA_NOTES = slides.DATA_NOTES
# Arial's mean character width is about half an em in English text; 0.55 errs on the wide side
# so a box is never too short. A text box's insets: 0.1 in left and right, 0.05 in top and bottom.
CHAR_WIDTH_EM = 0.55
LINE_HEIGHT_EM = 1.2
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)


@dataclass
class BriefingPack:
    content: bytes
    slide_titles: list[str]
    warnings: list[str] = field(default_factory=list)


def text_lines(text: str, size_pt: float, width) -> int:
    """How many lines ``text`` wraps to at ``size_pt`` in a box ``width`` EMU wide (an estimate)."""
    per_line = max(int((Emu(width - 2 * INSET_X).pt) / (CHAR_WIDTH_EM * size_pt)), 1)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in text.split("\n"))


def text_height(text: str, size_pt: float, width) -> int:
    return int(Pt(text_lines(text, size_pt, width) * size_pt * LINE_HEIGHT_EM) + 2 * INSET_Y)


def _textbox(slide, left, top, width, height, text: str, size: float, bold: bool = False, color=TEXT):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # the box is sized here; a client must not grow it off the slide
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = color
        paragraph.font.name = FONT
    return frame


def fitted_size(text: str, sizes: tuple[float, ...], max_height, width=CONTENT_WIDTH) -> float:
    """The largest of ``sizes`` at which ``text`` fits in ``max_height`` (else the smallest): a
    long title set a little smaller rather than pushing the chart off the slide."""
    return next((size for size in sizes if text_height(text, size, width) <= max_height), sizes[-1])


def _stacked_text(slide, top, text: str, size: float, **style) -> int:
    """A full-width text box at ``top`` as tall as its text; returns the top of what comes next."""
    height = text_height(text, size, CONTENT_WIDTH)
    _textbox(slide, MARGIN, top, CONTENT_WIDTH, height, text, size, **style)
    return top + height


def _slide(deck, title: str) -> tuple[object, int]:
    """A blank slide with its title; returns the slide and the top of the space under the title."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no placeholder styles to fight
    size = fitted_size(title, (TITLE_PT, 24, 20), Inches(1.1))  # two lines at 28 pt
    return slide, _stacked_text(slide, Inches(0.3), title, size, bold=True, color=ACCENT)


def _numbers(slide, numbers: list[tuple[str, str]], top) -> None:
    width = Emu(int(CONTENT_WIDTH / max(len(numbers), 1)))
    for i, (label, value) in enumerate(numbers):
        left = MARGIN + Emu(int(width * i))
        _textbox(slide, left, top, width, Inches(1.0), value, 44, bold=True, color=ACCENT)
        _textbox(slide, left, top + Inches(1.0), width, text_height(label, 18, width), label, 18)


def _table(slide, frame: pd.DataFrame, top, height) -> None:
    row_height = int(Pt(TABLE_PT * LINE_HEIGHT_EM) + 2 * INSET_Y)
    rows_fit = max(int(height / row_height) - 1, 1)
    shown = frame.head(min(TABLE_ROWS, rows_fit)).astype(object)
    shown = shown.where(shown.notna(), "")  # empty means "not stated": show it empty, never "nan"
    rows, cols = len(shown) + 1, max(len(shown.columns), 1)
    # One line per cell: text longer than the column is cut with an ellipsis, so no row grows.
    per_line = max(int(Emu(int(CONTENT_WIDTH / cols) - 2 * INSET_X).pt / (CHAR_WIDTH_EM * TABLE_PT)), 4)

    def fit(value) -> str:
        text = str(value)
        return text if len(text) <= per_line else text[: per_line - 1] + "…"

    shape = slide.shapes.add_table(rows, cols, MARGIN, top, CONTENT_WIDTH, row_height * rows)
    table = shape.table
    for j, column in enumerate(shown.columns):
        table.cell(0, j).text = fit(column)
    for i, row in enumerate(shown.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = fit(value)
    for i in range(rows):
        table.rows[i].height = row_height
        for j in range(cols):
            for paragraph in table.cell(i, j).text_frame.paragraphs:
                paragraph.font.size = Pt(TABLE_PT)
                paragraph.font.name = FONT


def chart_size_px(width, height) -> tuple[int, int]:
    """The CSS-pixel size to draw a chart at for a box ``width`` x ``height`` EMU on the slide."""
    return round(Emu(width).inches * CSS_PX_PER_INCH), round(Emu(height).inches * CSS_PX_PER_INCH)


def _picture(slide, png: bytes, left, top, width, height, description: str) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top, width=width, height=height)
    picture._element.nvPicPr.cNvPr.set("descr", description)  # alt text for screen readers


def _chart_image(
    data: slides.SlideData, spec: story.Slide, rendered: slides.Rendered, render_png, size, warnings: list[str]
) -> tuple[bytes | None, slides.Rendered]:
    def draw(figure):
        staged = slides.stage_figure(figure, CHART_FONT_PX)
        return render_png(staged, width=size[0], height=size[1], scale=IMAGE_SCALE)

    try:
        return draw(rendered.figure), rendered
    except static_images.StaticImagesUnavailable as error:
        if spec.view != story.MAP:
            warnings.append(str(error))
            return None, rendered
        fallback = slides.static_fallback(data, spec, rendered)
        try:
            return draw(fallback.figure), fallback
        except static_images.StaticImagesUnavailable as second:
            warnings.append(str(second))
            return None, rendered


def _footer(slide, rendered: slides.Rendered) -> int:
    """The note and the source line at the foot of the slide; returns the top of the footer."""
    text = slides.slide_text(rendered)
    footer = "\n".join(filter(None, (text.note, text.source)))
    height = text_height(footer, FOOTER_PT, CONTENT_WIDTH)
    top = SLIDE_HEIGHT - Inches(0.25) - height
    _textbox(slide, MARGIN, top, CONTENT_WIDTH, height, footer, FOOTER_PT, color=MUTED)
    return top


def _story_slide(deck, data, spec: story.Slide, render_png, warnings: list[str]) -> slides.Rendered:
    rendered = slides.render(data, spec)
    slide, top = _slide(deck, rendered.title)
    top = (
        _stacked_text(slide, top, rendered.finding, fitted_size(rendered.finding, (FINDING_PT, 18), Inches(1.0))) + GAP
    )
    png = None
    if rendered.figure is not None and not rendered.numbers:
        # The footer's height depends on the note, which a fallback may change: lay out after it.
        probe = slides.slide_text(rendered)
        footer_text = "\n".join(filter(None, (probe.note, probe.source)))
        bottom = SLIDE_HEIGHT - Inches(0.25) - text_height(footer_text, FOOTER_PT, CONTENT_WIDTH) - GAP
        size = chart_size_px(CONTENT_WIDTH, bottom - top)
        png, rendered = _chart_image(data, spec, rendered, render_png, size, warnings)
        if png is None and rendered.table is not None:
            rendered.note = " ".join(
                filter(None, ("Chart image not available here; the data is shown instead.", rendered.note))
            )
    bottom = _footer(slide, rendered) - GAP
    if rendered.numbers:
        _numbers(slide, rendered.numbers, top + max(int((bottom - top - Inches(1.8)) / 2), 0))
    elif png is not None:
        _picture(slide, png, MARGIN, top, CONTENT_WIDTH, bottom - top, f"{rendered.title}. {rendered.finding}")
    elif rendered.table is not None:
        _table(slide, rendered.table, top, bottom - top)
    return rendered


def _sources_slide(deck, data: slides.SlideData, cites: list[str], made: str) -> None:
    slide, top = _slide(deck, "Sources and notes")
    citations, dates = slides.sources_text(data, cites, made)
    top = _stacked_text(slide, top + GAP, "\n".join(f"• {c}" for c in citations), 18)
    top = _stacked_text(slide, top + GAP, "\n".join(f"• {n}" for n in DATA_NOTES), 18)
    _stacked_text(slide, top + GAP, dates, 18, color=MUTED)


def build(
    current: story.Story, data: slides.SlideData, render_png=static_images.figure_png, today: date | None = None
) -> BriefingPack:
    """The deck as PPTX bytes, the title of every slide, and anything the user should be told.

    ``render_png(figure, width=, height=, scale=)`` draws a chart (kaleido by default)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    warnings: list[str] = []
    titles: list[str] = []
    made = (today or date.today()).isoformat()

    title_slide = deck.slides.add_slide(deck.slide_layouts[6])
    subtitle = current.subtitle or "UK medicines manufacturing capability"
    subtitle = f"{subtitle}\nBriefing pack made {made} from the UK medicines manufacturing capability dashboard"
    title_size = fitted_size(current.title, (40, 36, 32, 28), Inches(3.0))
    subtitle_size = fitted_size(subtitle, (20, 18), Inches(2.0))
    block = (
        text_height(current.title, title_size, CONTENT_WIDTH)
        + Inches(0.2)
        + text_height(subtitle, subtitle_size, CONTENT_WIDTH)
    )
    top = _stacked_text(
        title_slide,
        max(int((SLIDE_HEIGHT - block) / 2), Inches(0.4)),
        current.title,
        title_size,
        bold=True,
        color=ACCENT,
    )
    _stacked_text(title_slide, top + Inches(0.2), subtitle, subtitle_size, color=MUTED)
    titles.append(current.title)

    specs = list(current.slides)
    if not any(s.view == story.OVERVIEW_NUMBERS for s in specs):
        specs.insert(0, story.Slide(story.OVERVIEW_NUMBERS, "Headline numbers"))
    cites: list[str] = []
    for spec in specs:
        rendered = _story_slide(deck, data, spec, render_png, warnings)
        titles.append(rendered.title)
        cites.extend(rendered.cites)

    _sources_slide(deck, data, cites, made)
    titles.append("Sources and notes")

    buffer = io.BytesIO()
    deck.save(buffer)
    return BriefingPack(buffer.getvalue(), titles, list(dict.fromkeys(warnings)))
