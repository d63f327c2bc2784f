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

FONT_FAMILY = "Arial, Helvetica, sans-serif"  # system fonts only: no web-font requests offline
BASE_FONT_SIZE = 16
TEMPLATE_NAME = "analysis_function"
SOURCE_WRAP_CHARS = 120
AXIS_TRACE_TYPES = {"bar", "scatter", "scattergl", "heatmap", "histogram", "box", "violin", "waterfall"}

SEQUENTIAL_SCALE = [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)]


def _template() -> go.layout.Template:
    template = go.layout.Template()
    template.layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE, color=TEXT),
        title=dict(font=dict(size=BASE_FONT_SIZE + 6), x=0, xanchor="left"),
        colorway=CATEGORICAL,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=70, b=100),
        xaxis=dict(showgrid=False, linecolor=MUTED_TEXT, ticks="outside", automargin=True),
        yaxis=dict(gridcolor="#E5E5E5", zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        coloraxis=dict(colorscale=SEQUENTIAL_SCALE),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE)),
    )
    return template


pio.templates[TEMPLATE_NAME] = _template()


def apply(fig: go.Figure, title: str, source: str, height: int | None = None) -> go.Figure:
    """Finding-stating title, the template, and the source line under the chart."""
    fig.update_layout(template=TEMPLATE_NAME, title=dict(text=title))
    if height:
        fig.update_layout(height=height)
    add_source(fig, source)
    return fig


def add_source(fig: go.Figure, source: str) -> go.Figure:
    text = f"Source: {source}" if not source.lower().startswith("source") else source
    # Plotly never wraps annotation text: break long source lines so they are not clipped.
    text = "<br>".join(textwrap.wrap(text, SOURCE_WRAP_CHARS)) or text
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
        yshift=-62 if _has_x_axis(fig) else -8,
        showarrow=False,
        align="left",
        font=dict(size=BASE_FONT_SIZE - 3, color=MUTED_TEXT),
        name="source",
    )
    return fig


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
