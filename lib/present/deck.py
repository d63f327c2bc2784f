"""The offline deck: a story as one self-contained HTML file for any browser on any PC, no network.

Everything is inline: plotly.js from the installed plotly package, the charts' data as JSON, the
styles, and system fonts only (no web font is fetched). The arrow keys, Page Up / Page Down (what a
presenter's clicker sends), Space, Home and End step through the slides; the charts stay
interactive (hover, zoom). Slides are laid out as on the Present page and in the briefing pack
(:func:`lib.present.slides.slide_text`, :func:`lib.present.slides.stage_figure`): the title once,
a progress indicator, the finding in large type, the chart, the note and the source line. The last
slide gives the link to the live view, as text and as a QR code, and the sources.

Also a command: ``python -m lib.present.deck OUT.html [STORY.json] [--url URL]``
(``bash scripts/deck.sh`` runs it with the project's Python).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from datetime import date
from pathlib import Path

import plotly.graph_objects as go

from lib.figures import theme
from lib.present import slides, story

DEFAULT_LIVE_URL = "http://localhost:8501/present"
LIVE_URL_ENV = "MMIP_LIVE_URL"

CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#fff;color:__TEXT__;font-family:__FONT__}
.slide{display:none;position:fixed;inset:0;flex-direction:column;padding:2.2vh 3vw 1.6vh;gap:1.2vh;overflow:hidden}
.slide.current{display:flex}
.top{display:flex;align-items:baseline;justify-content:space-between;gap:2vw}
h1{margin:0;font-size:clamp(26px,3.6vh,46px);line-height:1.15;color:__ACCENT__}
.progress{margin:0;font-size:clamp(18px,2.4vh,30px);color:__MUTED__;white-space:nowrap}
.finding{margin:0;font-size:clamp(22px,3.2vh,40px);line-height:1.25;font-weight:600}
.chart{flex:1 1 auto;min-height:0;width:100%}
.numbers{flex:1 1 auto;display:grid;grid-template-columns:repeat(auto-fit,minmax(12em,1fr));align-content:center;gap:2vw}
.value{font-size:clamp(40px,9vh,110px);font-weight:700;color:__ACCENT__;line-height:1.1}
.label{font-size:clamp(20px,2.8vh,34px)}
.foot{font-size:clamp(16px,2vh,24px);color:__MUTED__;line-height:1.3;padding-right:7em}
.foot p{margin:0.2em 0}
.title-slide{justify-content:center}
.title-slide h1{font-size:clamp(36px,6vh,72px)}
.title-slide .sub{font-size:clamp(22px,3.2vh,38px);color:__MUTED__}
.end{display:grid;grid-template-columns:auto 1fr;gap:3vw;align-items:start;flex:1 1 auto;min-height:0}
.end a{color:__ACCENT__;font-size:clamp(20px,3vh,34px);word-break:break-all}
.end ul{margin:0.5em 0;padding-left:1.2em;font-size:clamp(16px,2.2vh,26px);line-height:1.35}
nav{position:fixed;right:1vw;bottom:1vh;display:flex;gap:0.5em}
nav button{font:inherit;font-size:18px;padding:0.3em 0.8em;background:#fff;color:__ACCENT__;border:2px solid __ACCENT__;border-radius:4px;cursor:pointer}
nav button:focus-visible{outline:4px solid __ACCENT__;outline-offset:2px}
"""

# Steps with the keys a presenter's clicker sends; draws a chart the first time its slide is shown
# (a hidden chart has no size) and resizes it when the window changes. The slide is in the URL's
# hash, so a reload stays on it.
SCRIPT = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var figures = JSON.parse(document.getElementById('figures').textContent);
  var drawn = {};
  var current = 0;
  function draw(section) {
    var chart = section.querySelector('.chart');
    if (!chart) return;
    if (drawn[chart.id]) { Plotly.Plots.resize(chart); return; }
    var figure = figures[chart.id];
    drawn[chart.id] = Plotly.newPlot(chart, figure.data, figure.layout,
      {responsive: true, displayModeBar: false, displaylogo: false});
  }
  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (s, i) { s.classList.toggle('current', i === current); s.setAttribute('aria-hidden', i === current ? 'false' : 'true'); });
    draw(slides[current]);
    if (location.hash !== '#' + (current + 1)) history.replaceState(null, '', '#' + (current + 1));
    document.title = slides[current].getAttribute('data-title');
  }
  window.mmipDeck = {show: show, current: function () { return current; }, count: slides.length};
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var step = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1}[event.key];
    if (event.key === 'Home') { show(0); event.preventDefault(); return; }
    if (event.key === 'End') { show(slides.length - 1); event.preventDefault(); return; }
    if (step) { show(current + step); event.preventDefault(); }
  });
  document.getElementById('prev').addEventListener('click', function () { show(current - 1); });
  document.getElementById('next').addEventListener('click', function () { show(current + 1); });
  var start = parseInt((location.hash || '#1').slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _figure_json(fig: go.Figure) -> dict:
    staged = slides.stage_figure(fig, slides.PRESENT_FONT_PX)
    # Sized by its box, not by the figure: the chart fills what the slide leaves it.
    staged.update_layout(height=None, width=None, autosize=True)
    return json.loads(staged.to_json())


def _top(title: str, number: int, count: int) -> str:
    return (
        f'<div class="top"><h1>{_e(title)}</h1>'
        f'<p class="progress" aria-label="slide {number} of {count}">{number} / {count}</p></div>'
    )


def _story_section(rendered: slides.Rendered, number: int, count: int, figures: dict) -> str:
    text = slides.slide_text(rendered)
    parts = [_top(text.title, number, count), f'<p class="finding">{_e(text.finding)}</p>']
    if rendered.numbers:
        tiles = "".join(
            f'<div><div class="value">{_e(value)}</div><div class="label">{_e(label)}</div></div>'
            for label, value in rendered.numbers
        )
        parts.append(f'<div class="numbers">{tiles}</div>')
    elif rendered.figure is not None:
        chart_id = f"chart-{number}"
        figures[chart_id] = _figure_json(rendered.figure)
        parts.append(f'<div class="chart" id="{chart_id}" role="img" aria-label="{_e(text.finding)}"></div>')
    foot = "".join(f"<p>{_e(line)}</p>" for line in (text.note, text.source) if line)
    parts.append(f'<div class="foot">{foot}</div>')
    return f'<section class="slide" data-title="{_e(text.title)}">{"".join(parts)}</section>'


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (dark on white, with the quiet zone a reader needs)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=9, dark=theme.TEXT, light="#FFFFFF", border=4)


def build(
    current: story.Story, data: slides.SlideData, live_url: str = DEFAULT_LIVE_URL, today: date | None = None
) -> str:
    """The whole deck as one HTML document."""
    from plotly.offline import get_plotlyjs

    made = (today or date.today()).isoformat()
    rendered = [slides.render(data, spec) for spec in current.slides]
    count = len(rendered) + 2  # the title slide and the closing slide
    figures: dict[str, dict] = {}
    subtitle = current.subtitle or "UK medicines manufacturing capability"
    sections = [
        f'<section class="slide title-slide" data-title="{_e(current.title)}">{_top(current.title, 1, count)}'
        f'<p class="sub">{_e(subtitle)}</p><p class="sub">Offline deck made {made} from the UK medicines '
        "manufacturing capability dashboard. Step with the arrow keys or Page Up / Page Down.</p></section>"
    ]
    sections += [_story_section(r, i, count, figures) for i, r in enumerate(rendered, start=2)]
    citations, dates = slides.sources_text(data, [c for r in rendered for c in r.cites], made)
    notes = "".join(f"<li>{_e(line)}</li>" for line in [*citations, *slides.DATA_NOTES])
    sections.append(
        f'<section class="slide" data-title="Live view and sources">{_top("Live view and sources", count, count)}'
        f'<div class="end"><div>{qr_svg(live_url)}</div><div>'
        f'<p class="finding">The live dashboard, with every filter: <a href="{_e(live_url)}">{_e(live_url)}</a></p>'
        f'<h2 class="label">Sources</h2><ul>{notes}</ul><p class="foot">{_e(dates)}</p></div></div></section>'
    )
    style = CSS
    for token, value in (("__TEXT__", theme.TEXT), ("__MUTED__", theme.MUTED_TEXT), ("__ACCENT__", theme.FOCUS)):
        style = style.replace(token, value)
    style = style.replace("__FONT__", theme.FONT_FAMILY)
    # "</" inside inline JSON would end the script element early.
    payload = json.dumps(figures, separators=(",", ":")).replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(current.title)}</title><style>{style}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        + "".join(sections)
        + '<nav aria-label="slides"><button id="prev" type="button" aria-label="Previous slide">←</button>'
        '<button id="next" type="button" aria-label="Next slide">→</button></nav>'
        f'<script type="application/json" id="figures">{payload}</script>'
        f"<script>{SCRIPT}</script></body></html>"
    )


# ---------------------------------------------------------------- command line


def _load_data() -> slides.SlideData:
    from lib import config
    from lib.data.datasets import load_datasets_uncached
    from lib.geo import boundaries, projection

    loaded = load_datasets_uncached(config.data_dir())
    if loaded.errors:
        raise SystemExit("; ".join(error.message for error in loaded.errors.values()))
    itl1, _ = boundaries.load_itl1_boundaries(allow_download=not config.offline())
    outlines = None if itl1 is None else projection.plane_outlines(boundaries.outline_coordinates(itl1))
    return slides.slide_data(loaded.frames, outlines=outlines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bash scripts/deck.sh", description="Export a story as one self-contained HTML deck that works offline."
    )
    parser.add_argument("out", type=Path, help="the HTML file to write")
    parser.add_argument("story", type=Path, nargs="?", default=story.DEFAULT_STORY_PATH, help="a story (JSON)")
    parser.add_argument(
        "--url",
        default=os.environ.get(LIVE_URL_ENV, DEFAULT_LIVE_URL),
        help=f"the live view the last slide links to (default: ${LIVE_URL_ENV} or {DEFAULT_LIVE_URL})",
    )
    args = parser.parse_args(argv)
    try:
        data = _load_data()
        chosen = story.load(args.story, capability_ids=list(data.capabilities["capability_id"]))
    except (story.StoryError, OSError, SystemExit) as error:
        print(f"Cannot make the deck: {error}", file=sys.stderr)
        return 2
    document = build(chosen, data, args.url)
    try:
        args.out.write_text(document, encoding="utf-8")
    except OSError as error:
        print(f"Cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"Wrote {args.out} ({len(chosen.slides) + 2} slides, {len(document.encode()) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
