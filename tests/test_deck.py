"""The offline deck: one HTML file with everything inline, the story's slides laid out as on the
Present page, and a last slide with the live link (text and QR code) and the sources."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest

from lib.present import deck, slides, story

LIVE = "https://dashboard.example.org/present"


@pytest.fixture(scope="module")
def data(embedded):
    return slides.slide_data(embedded)


@pytest.fixture(scope="module")
def document(data):
    return deck.build(story.load(), data, LIVE, today=date(2026, 12, 6))


def test_everything_is_inline_and_nothing_is_fetched(document):
    # No element that loads a resource from anywhere: no src or href to a file or server, no
    # stylesheet link, no web font, no CSS url().
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", document, re.I)
    assert "@font-face" not in document and "@import" not in document
    style = re.search(r"<style>(.*?)</style>", document, re.S).group(1)
    assert "url(" not in style
    assert "Plotly.newPlot" in document and "plotly.js" in document.lower()  # the library itself is inline
    assert len(document.encode()) < 8e6


def test_one_section_per_slide_with_title_progress_and_finding(document, data):
    default = story.load()
    sections = re.findall(r'<section class="slide[^"]*" data-title="([^"]*)">(.*?)</section>', document, re.S)
    count = len(default.slides) + 2
    assert len(sections) == count
    for number, (_, body) in enumerate(sections, start=1):
        assert body.count("<h1>") == 1 and f">{number} / {count}</p>" in body
    for spec, (title, body) in zip(default.slides, sections[1:-1]):
        rendered = slides.render(data, spec)
        assert title == spec.title
        assert '<p class="finding">' in body and rendered.source_line.split(";")[0] in body


def test_charts_have_no_title_no_source_and_large_text(document):
    figures = json.loads(re.search(r'<script type="application/json" id="figures">(.*?)</script>', document, re.S)[1])
    assert len(figures) == sum(s.view != story.OVERVIEW_NUMBERS for s in story.load().slides)
    for figure in figures.values():
        layout = figure["layout"]
        assert not layout.get("title", {}).get("text")
        assert all(a.get("name") != "source" for a in layout.get("annotations", []))
        assert layout["font"]["size"] >= 20 and "height" not in layout


def test_last_slide_links_the_live_view_as_text_and_qr_with_sources_once(document, data):
    last = re.findall(r"<section .*?</section>", document, re.S)[-1]
    assert f'href="{LIVE}">{LIVE}</a>' in last
    assert "<svg" in last and "<path" in last  # the QR code, drawn inline
    for citation in slides.citations(["facts", "towns"]):
        assert last.count(html.escape(citation)) == 1
    assert "Made 2026-12-06." in last and "Data last verified:" in last


def test_text_from_the_story_is_escaped(data):
    hostile = story.Story("<script>alert(1)</script>", (story.Slide(story.GAPS, "<b>Gaps</b>", finding="a < b"),))
    document = deck.build(hostile, data, LIVE)
    assert "<script>alert(1)</script>" not in document and "&lt;b&gt;Gaps&lt;/b&gt;" in document


def test_command_writes_the_deck_and_reports_a_bad_story(tmp_path, capsys):
    out = tmp_path / "deck.html"
    assert deck.main([str(out), "--url", LIVE]) == 0
    assert out.read_text(encoding="utf-8").count('<section class="slide') == len(story.load().slides) + 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "T", "slides": [{"view": "pie"}]}', encoding="utf-8")
    assert deck.main([str(tmp_path / "x.html"), str(bad)]) == 2
    error = capsys.readouterr().err
    assert "bad.json" in error and "slides[0].view" in error and "Traceback" not in error
    assert not (tmp_path / "x.html").exists()


def test_a_region_profile_slide_is_a_deck_slide_like_any_other(data):
    region = story.Slide(story.REGION_PROFILE, "Scotland beside the UK", settings={"area": "TLM", "vs": "UK"})
    document = deck.build(story.Story("Regions", (region,)), data, LIVE, today=date(2026, 12, 6))
    sections = re.findall(r'<section class="slide[^"]*" data-title="([^"]*)">(.*?)</section>', document, re.S)
    assert [title for title, _ in sections] == ["Regions", region.title, "Live view and sources"]
    body = sections[1][1]
    assert '<p class="finding">Scotland: ' in body and html.escape(slides.TOTAL_RULES["regional_awards"]) in body
    figures = json.loads(re.search(r'<script type="application/json" id="figures">(.*?)</script>', document, re.S)[1])
    (figure,) = figures.values()
    assert figure["layout"]["xaxis2"]["title"]["text"] == "United Kingdom" and figure["layout"]["font"]["size"] >= 20
    assert html.escape(slides.citations(["ons"])[0]) in sections[-1][1]
