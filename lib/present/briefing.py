"""The briefing pack: a PowerPoint deck of a story, built in one click.

Title slide, the headline numbers, one slide per story slide (the chart as an image with its
finding), and a sources slide. Where a chart cannot be drawn as an image the slide says so and
shows the data as a table instead, so the pack is still complete.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from lib.figures import theme
from lib.present import slides, static_images, story

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
TEXT = RGBColor.from_string(theme.TEXT.lstrip("#"))
MUTED = RGBColor.from_string(theme.MUTED_TEXT.lstrip("#"))
ACCENT = RGBColor.from_string(theme.FOCUS.lstrip("#"))
TABLE_ROWS = 12
DATA_NOTES = [
    "Every number comes from a public source cited row by row in the dashboard's data; nothing is estimated.",
    "Empty values mean “not stated” and are left out of sums.",
    "Programme-level budgets overlap the awards they fund and are never added to award totals.",
]


@dataclass
class BriefingPack:
    content: bytes
    slide_titles: list[str]
    warnings: list[str] = field(default_factory=list)


def _textbox(slide, left, top, width, height, text: str, size: int, bold: bool = False, color=TEXT):
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = color
        paragraph.font.name = "Arial"
    return frame


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank: no placeholder styles to fight
    _textbox(slide, MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.9), title, 28, bold=True, color=ACCENT)
    return slide


def _numbers(slide, numbers: list[tuple[str, str]], top) -> None:
    width = (SLIDE_WIDTH - 2 * MARGIN) / max(len(numbers), 1)
    for i, (label, value) in enumerate(numbers):
        left = MARGIN + Emu(int(width * i))
        _textbox(slide, left, top, Emu(int(width)), Inches(1.2), value, 44, bold=True, color=ACCENT)
        _textbox(slide, left, top + Inches(1.2), Emu(int(width)), Inches(0.8), label, 18)


def _table(slide, frame: pd.DataFrame, top, height) -> None:
    shown = frame.head(TABLE_ROWS).astype(object)
    shown = shown.where(shown.notna(), "")  # empty means "not stated": show it empty, never "nan"
    rows, cols = len(shown) + 1, max(len(shown.columns), 1)
    table = slide.shapes.add_table(rows, cols, MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height).table
    for j, column in enumerate(shown.columns):
        table.cell(0, j).text = str(column)
    for i, row in enumerate(shown.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = str(value)[:60]
    for cell in (table.cell(i, j) for i in range(rows) for j in range(cols)):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(11)


def _picture(slide, png: bytes, top, height, description: str) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, height=height)
    if picture.width > SLIDE_WIDTH - 2 * MARGIN:  # keep the aspect ratio, fit the width
        ratio = (SLIDE_WIDTH - 2 * MARGIN) / picture.width
        picture.width, picture.height = SLIDE_WIDTH - 2 * MARGIN, int(picture.height * ratio)
    picture.left = int((SLIDE_WIDTH - picture.width) / 2)
    picture._element.nvPicPr.cNvPr.set("descr", description)  # alt text for screen readers


def _chart_image(
    data: slides.SlideData, spec: story.Slide, rendered: slides.Rendered, render_png, warnings: list[str]
) -> tuple[bytes | None, slides.Rendered]:
    try:
        return render_png(rendered.figure), rendered
    except static_images.StaticImagesUnavailable as error:
        if spec.view != story.MAP:
            warnings.append(str(error))
            return None, rendered
        fallback = slides.static_fallback(data, spec, rendered)
        try:
            return render_png(fallback.figure), fallback
        except static_images.StaticImagesUnavailable as second:
            warnings.append(str(second))
            return None, rendered


def _story_slide(deck, data, spec: story.Slide, render_png, warnings: list[str]) -> slides.Rendered:
    rendered = slides.render(data, spec)
    slide = _slide(deck, rendered.title)
    body_top, body_height = Inches(1.25), Inches(4.9)
    if rendered.numbers:
        _numbers(slide, rendered.numbers, body_top + Inches(0.8))
    elif rendered.figure is not None:
        png, rendered = _chart_image(data, spec, rendered, render_png, warnings)
        if png is not None:
            _picture(slide, png, body_top, body_height, f"{rendered.title}. {rendered.finding}")
        elif rendered.table is not None:
            rendered.note = " ".join(
                filter(None, ("Chart image not available here; the data is shown instead.", rendered.note))
            )
            _table(slide, rendered.table, body_top, body_height)
    _textbox(slide, MARGIN, Inches(6.25), SLIDE_WIDTH - 2 * MARGIN, Inches(0.6), rendered.finding, 18)
    if rendered.note:
        _textbox(slide, MARGIN, Inches(6.8), SLIDE_WIDTH - 2 * MARGIN, Inches(0.5), rendered.note, 12, color=MUTED)
    return rendered


def build(
    current: story.Story, data: slides.SlideData, render_png=static_images.figure_png, today: date | None = None
) -> BriefingPack:
    """The deck as PPTX bytes, the title of every slide, and anything the user should be told."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    warnings: list[str] = []
    titles: list[str] = []

    title_slide = deck.slides.add_slide(deck.slide_layouts[6])
    _textbox(
        title_slide,
        MARGIN,
        Inches(2.3),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(1.5),
        current.title,
        40,
        bold=True,
        color=ACCENT,
    )
    subtitle = current.subtitle or "UK medicines manufacturing capability"
    made = (today or date.today()).isoformat()
    _textbox(
        title_slide,
        MARGIN,
        Inches(3.9),
        SLIDE_WIDTH - 2 * MARGIN,
        Inches(1.2),
        f"{subtitle}\nBriefing pack made {made} from the UK medicines manufacturing capability dashboard",
        20,
        color=MUTED,
    )
    titles.append(current.title)

    specs = list(current.slides)
    if not any(s.view == story.OVERVIEW_NUMBERS for s in specs):
        specs.insert(0, story.Slide(story.OVERVIEW_NUMBERS, "Headline numbers"))
    sources: list[str] = []
    for spec in specs:
        rendered = _story_slide(deck, data, spec, render_png, warnings)
        titles.append(rendered.title)
        sources.extend(rendered.sources)

    sources_slide = _slide(deck, "Sources and notes")
    lines = [f"• {s}" for s in dict.fromkeys(sources)] + [f"• {n}" for n in DATA_NOTES]
    _textbox(sources_slide, MARGIN, Inches(1.3), SLIDE_WIDTH - 2 * MARGIN, Inches(5.8), "\n".join(lines), 16)
    titles.append("Sources and notes")

    buffer = io.BytesIO()
    deck.save(buffer)
    return BriefingPack(buffer.getvalue(), titles, list(dict.fromkeys(warnings)))
