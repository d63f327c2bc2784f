"""The one Plotly template every chart uses: UK Government Analysis Function colours and type.

Palettes from the Analysis Function "Data visualisation: colours" guidance. Colour is never the
only carrier of meaning: builders also label values directly and use marker symbols.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

CATEGORICAL = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
SEQUENTIAL = ["#ADD1F1", "#6BACE6", "#2073BC", "#12436D", "#092135"]  # light -> dark
FOCUS = "#12436D"
FOCUS_BACKGROUND = "#BFBFBF"
NEUTRAL = "#BFBFBF"
TEXT = "#0B0C0C"
MUTED_TEXT = "#505A5F"

# The page's own typeface: Streamlit serves Source Sans from its static bundle (no web-font
# request leaves the app), so the charts name it first; the fallbacks serve static exports (kaleido).
FONT_FAMILY = '"Source Sans", "Source Sans Pro", Arial, Helvetica, sans-serif'
BASE_FONT_SIZE = 16
TITLE_FONT_SIZE = BASE_FONT_SIZE + 6
# 14 px is the smallest chart text a laptop user gets (source lines, colour-bar ticks, cell values).
SOURCE_FONT_SIZE = 14
TEMPLATE_NAME = "analysis_function"
# Plotly never wraps text: titles and source lines are broken into lines here. Source Sans averages
# about 0.47 em a character, so 80 title characters (22 px) and 110 source characters (14 px) fit a
# chart as wide as the main column at 1366 px; charts in a narrow column ask for fewer (``rewrap``).
TITLE_WRAP_CHARS = 80
SOURCE_WRAP_CHARS = 110
MIN_SOURCE_CHARS = 45
MIN_PLOT_PX = 120
TITLE_LINE_PX = 28
SOURCE_LINE_PX = 20
TITLE_TOP_PX = 12  # the title hangs from the top of the figure, this far down
# The source line of a chart with an x-axis sits this far below the plot area, under the tick labels.
SOURCE_SHIFT_AXIS_PX = 62
SOURCE_SHIFT_PLAIN_PX = 8
AXIS_TRACE_TYPES = {"bar", "scatter", "scattergl", "heatmap", "histogram", "box", "violin", "waterfall"}

SEQUENTIAL_SCALE = [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]


def _template() -> go.layout.Template:
    template = go.layout.Template()
    template.layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE, color=TEXT),
        # Hung from the top of the figure, so a title of several lines grows down into the margin
        # that apply() makes for it, never into a legend placed above the plot.
        title=dict(
            font=dict(size=TITLE_FONT_SIZE),
            x=0,
            xanchor="left",
            # From the figure's left edge, not the plot area's: long y labels (bar charts) would
            # otherwise push the title right and off the chart.
            xref="container",
            pad=dict(t=TITLE_TOP_PX, l=10),
            y=1,
            yref="container",
            yanchor="top",
        ),
        colorway=CATEGORICAL,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=80, b=100),
        xaxis=dict(showgrid=False, linecolor=MUTED_TEXT, ticks="outside", automargin=True),
        yaxis=dict(gridcolor="#E5E5E5", zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        coloraxis=dict(colorscale=SEQUENTIAL_SCALE),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE)),
    )
    return template


pio.templates[TEMPLATE_NAME] = _template()


def wrap(text: str, chars: int) -> str:
    """``text`` broken into lines of at most ``chars`` characters (Plotly's ``<br>``); existing
    breaks are kept."""
    lines = []
    for part in text.split("<br>"):
        lines.extend(textwrap.wrap(part, chars) or [part])
    return "<br>".join(lines)


def _lines(text: str | None) -> int:
    return (text or "").count("<br>") + 1


def apply(
    fig: go.Figure,
    title: str,
    source: str,
    height: int | None = None,
    title_chars: int = TITLE_WRAP_CHARS,
    source_chars: int = SOURCE_WRAP_CHARS,
) -> go.Figure:
    """Finding-stating title, the template, and the source line under the chart; margins grow with
    the lines of a long title or source, so neither is ever cut off."""
    fig.update_layout(template=TEMPLATE_NAME)
    if height:
        fig.update_layout(height=height)
    set_title(fig, title, title_chars)
    add_source(fig, source, source_chars)
    return fig


def set_title(fig: go.Figure, title: str, chars: int = TITLE_WRAP_CHARS) -> go.Figure:
    """The title, wrapped; the top margin (set by the builder for a one-line title) grows by the
    height of every line after the first."""
    before = _lines(fig.layout.title.text) if fig.layout.title.text else 1
    text = wrap(title.replace("<br>", " "), chars)
    top = fig.layout.margin.t if fig.layout.margin.t is not None else _template_margin("t")
    # Plotly centres a title of several lines on its anchor even when it hangs from the top: the
    # pad moves it down by half of every line after the first, so the first line is not cut off.
    pad = TITLE_TOP_PX + (_lines(text) - 1) * TITLE_LINE_PX // 2
    fig.update_layout(
        title=dict(text=text, pad=dict(t=pad)), margin=dict(t=top + (_lines(text) - before) * TITLE_LINE_PX)
    )
    _keep_plot_room(fig)
    return fig


def add_source(fig: go.Figure, source: str, chars: int = SOURCE_WRAP_CHARS) -> go.Figure:
    text = f"Source: {source}" if not source.lower().startswith("source") else source
    text = wrap(text, _source_chars(fig, chars))
    shift = SOURCE_SHIFT_AXIS_PX if _has_x_axis(fig) else SOURCE_SHIFT_PLAIN_PX
    fig.add_annotation(
        text=text,
        # Charts with axes: below the x-axis tick labels and title, inside the bottom margin.
        # Maps and diagrams have nothing under the plot area, so the line sits just below it.
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-shift,
        showarrow=False,
        align="left",
        font=dict(size=SOURCE_FONT_SIZE, color=MUTED_TEXT),
        name="source",
    )
    _fit_source(fig, text, shift)
    return fig


def _source_chars(fig: go.Figure, chars: int) -> int:
    """The source line starts where the plot area does (annotations cannot be placed relative to
    the figure's edge), so long category labels on the y-axis leave it less room: about 1.5 source
    characters (14 px) per label character (16 px), with the ticks' padding."""
    longest = 0
    for trace in fig.data:
        labels = getattr(trace, "y", None) if trace.type in {"bar", "heatmap", "box"} else None
        if labels is None or (trace.type == "bar" and trace.orientation != "h"):
            continue
        lines = [line for label in labels if isinstance(label, str) for line in label.split("<br>")]
        longest = max([longest, *map(len, lines)])
    return max(MIN_SOURCE_CHARS, chars - int(longest * 1.5))


def _fit_source(fig: go.Figure, text: str, shift: int) -> None:
    # The bottom margin holds every line of the source: a margin set for one line clipped the rest.
    need = shift + _lines(text) * SOURCE_LINE_PX + 16
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else _template_margin("b")
    fig.update_layout(margin=dict(b=max(bottom, need)))
    _keep_plot_room(fig)


def _keep_plot_room(fig: go.Figure) -> None:
    # Margins grown for long titles and sources must not eat the plot: Plotly shrinks margins that
    # leave too little height, and the source line was then cut off. The figure grows instead.
    height = fig.layout.height
    top, bottom = fig.layout.margin.t or 0, fig.layout.margin.b or 0
    if height and height < top + bottom + MIN_PLOT_PX:
        fig.update_layout(height=top + bottom + MIN_PLOT_PX)


def rewrap(fig: go.Figure, title_chars: int, source_chars: int) -> go.Figure:
    """Wrap the title and source line again for a narrower chart (a chart in a column)."""
    if fig.layout.title.text:
        set_title(fig, fig.layout.title.text, title_chars)
    for annotation in fig.layout.annotations:
        if annotation.name == "source":
            annotation.text = wrap(annotation.text.replace("<br>", " "), _source_chars(fig, source_chars))
            _fit_source(fig, annotation.text, -int(annotation.yshift or 0))
    return fig


def _template_margin(side: str) -> int:
    return getattr(pio.templates[TEMPLATE_NAME].layout.margin, side)


def _has_x_axis(fig: go.Figure) -> bool:
    # A hidden x-axis (the offline maps, the tile grid) leaves nothing under the plot area.
    return fig.layout.xaxis.visible is not False and any(trace.type in AXIS_TRACE_TYPES for trace in fig.data)


def source_of(fig: go.Figure) -> str | None:
    for annotation in fig.layout.annotations:
        if annotation.name == "source":
            return annotation.text.replace("<br>", " ")
    return None


def format_gbp(value: float | None, digits: int = 1) -> str:
    """£ amounts in the unit a reader expects: £1.2bn, £34.5m, £250k, £900."""
    if value is None or value != value:
        return "not stated"
    amount = float(value)
    if abs(amount) >= 1e9:
        return f"£{amount / 1e9:,.{digits}f}bn"
    if abs(amount) >= 1e6:
        return f"£{amount / 1e6:,.{digits}f}m"
    if abs(amount) >= 1e3:
        return f"£{amount / 1e3:,.0f}k"
    return f"£{amount:,.0f}"


def plain_text(values: pd.Series) -> pd.Series:
    """Text from data (possibly a user's upload) made safe for Plotly labels and hover text,
    which render a subset of HTML (<a>, <b>, <br>): the markup characters are escaped."""
    text = values.astype("string").fillna("")
    return (
        text.str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
        .astype(object)
    )
