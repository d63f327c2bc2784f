"""Figures of the Region page: the region's map, its capability profile, its money and its
industry in official statistics. Each title states the finding; each has a source line.

Two profiles side by side must read at a glance, so every builder takes the scale it shares with
the other column (``x_max``, ``y_max``, ``years``) and a fixed height: the same row is at the same
place in both columns.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.analysis import investment, region_profile
from lib.analysis.region_profile import ABSENT, HELD, THIN
from lib.figures import investment_figures, map_figures, theme
from lib.geo import projection

LEVEL_COLOURS = {HELD: theme.CATEGORICAL[0], THIN: theme.CATEGORICAL[3], ABSENT: theme.NEUTRAL}
LEVEL_LABELS = {
    HELD: "Held",
    THIN: "Thin (under half the UK rate per million people)",
    ABSENT: "Absent from the data",
}
GAP_SOURCE = "project dataset (operational sites and centres), capability-gap method (docs/gaps_method.md)"
ONS_SOURCE = f"{region_profile.ONS_CREDIT}"
GVA_SOURCE = f"{ONS_SOURCE} (regional GVA, balanced, SIC 2007 division 21, current prices)"
COVERAGE_SOURCE = f"project dataset (stated headcounts); BRES employment, SIC 21: {ONS_SOURCE}"
MAP_HEIGHT = 560
ROW_PX = 42  # two 14 px label lines a capability, apart from the next
MIN_SPAN_M = 120_000  # a region zoomed closer than this loses its surroundings
TOP_PROGRAMMES = 5
# Bar labels wrap at this many characters and sit in a fixed left margin: in a half-width column
# an automatic margin took most of the width and pushed the source line off the chart.
LABEL_CHARS = 24
LABEL_MARGIN_PX = 190
LABEL_SIZE = 14  # the dashboard's smallest chart text (tests/e2e/test_layout.py)
TITLE_LINE_PX = 28
SOURCE_LINE_PX = 17
AXIS_MARGIN_PX = 75  # room for "£300m" or "£15,000m" tick labels
NARROW_TITLE_CHARS = 38  # a title line in a half-width column at 1366 px, at the template's title size
WIDE_TITLE_CHARS = 75
NARROW_TITLE_LINES = 3  # side by side, every title gets room for this many lines
PROGRAMME_TITLE_CHARS = 45


def wrap(text: str, chars: int) -> str:
    return "<br>".join(textwrap.wrap(text, chars)) or text


def fit_title(fig: go.Figure, chars: int, lines_kept: int = 1) -> go.Figure:
    """Plotly never wraps text: break the title into lines of ``chars`` (and the source line to
    match) and make room for them above whatever sits in the top margin (a map's legend).
    ``lines_kept``: room for at least this many title lines, so that side-by-side charts whose
    titles wrap differently still start their plots at the same height."""
    title = fig.layout.title.text or ""
    lines = textwrap.wrap(title, chars) or [title]
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 70
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else 100
    fig.update_layout(
        title=dict(text="<br>".join(lines), y=1.0, yref="container", yanchor="top", pad=dict(t=24)),
        margin=dict(t=top + TITLE_LINE_PX * (max(len(lines), lines_kept) - 1)),
    )
    source = theme.source_of(fig)
    if source:
        # The source is in a smaller font: about 1.5 times as many characters fit on a line.
        source_lines = textwrap.wrap(source, int(chars * 1.5))
        fig.update_annotations(selector=dict(name="source"), text="<br>".join(source_lines))
        fig.update_layout(margin=dict(b=bottom + SOURCE_LINE_PX * max(len(source_lines) - 2, 0)))
    return fig


def _labels_in_fixed_margin(fig: go.Figure, margin_px: int = LABEL_MARGIN_PX) -> go.Figure:
    """Category labels (already wrapped) in a fixed left margin, and the source line moved to the
    chart's left edge (it is placed at the plot area's left by the theme)."""
    fig.update_yaxes(automargin=False)
    if margin_px == LABEL_MARGIN_PX:
        fig.update_yaxes(tickfont=dict(size=LABEL_SIZE))
    fig.update_layout(margin=dict(l=margin_px))
    fig.update_annotations(selector=dict(name="source"), xshift=-(margin_px - 10))
    return fig


# ---------------------------------------------------------------- the map


def region_bounds(rings: dict | None, code: str, facilities: pd.DataFrame) -> tuple[float, float, float, float] | None:
    """The area to show in BNG metres (x0, x1, y0, y1): the region's ONS outline, else its
    located facilities; None for the UK (the map's default view)."""
    if code == region_profile.UK:
        return None
    if rings and code in rings:
        x, y = projection.to_plane(*rings[code])
    else:
        x, y = projection.to_plane(facilities["longitude"], facilities["latitude"])
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if not len(x):
        return None
    return float(x.min()), float(x.max()), float(y.min()), float(y.max())


def zoom_to(fig: go.Figure, bounds: tuple[float, float, float, float] | None) -> go.Figure:
    """Zoom an offline map to ``bounds`` with a margin; equal scale is kept by the map's axes."""
    if bounds is None:
        return fig
    x0, x1, y0, y1 = bounds
    half = max(x1 - x0, y1 - y0, MIN_SPAN_M) * 0.58
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    fig.update_xaxes(range=[cx - half, cx + half])
    return fig.update_yaxes(range=[cy - half, cy + half])


def region_map(
    facilities: pd.DataFrame,
    code: str,
    outlines=None,
    rings: dict | None = None,
    capabilities: pd.DataFrame | None = None,
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """The Map page's facility map of the area's sites and centres, zoomed to the area, with the
    region's outline drawn dark (offline: ONS outlines in the figure, no tiles)."""
    name = region_profile.area_name(code)
    fig = map_figures.facility_map(
        facilities, outlines=outlines, title=map_title(facilities, name), capabilities=capabilities
    )
    if rings and code in rings:
        x, y = projection.to_plane(*rings[code])
        fig.add_trace(
            go.Scatter(
                x=x.astype(np.float32),
                y=y.astype(np.float32),
                mode="lines",
                line=dict(color=theme.TEXT, width=2),
                hoverinfo="skip",
                showlegend=False,
                name=name,
            )
        )
    fig.update_layout(height=height, uirevision=f"region-map-{code}")
    return zoom_to(fig, region_bounds(rings, code, facilities))


def map_title(facilities: pd.DataFrame, name: str) -> str:
    if facilities.empty:
        return f"No listed facility in {name}"
    towns = facilities["town"].dropna().value_counts()
    where = f"; most in {towns.index[0]} ({towns.iloc[0]})" if len(towns) and towns.iloc[0] > 1 else ""
    return f"{len(facilities):,} facilities in {name}{where}"


# ---------------------------------------------------------------- capabilities


def capability_chart(profile: pd.DataFrame, code: str, x_max: float | None = None) -> go.Figure:
    """Operational facilities per capability, coloured and labelled held / thin / absent, in the
    gap method's capability order (the same rows in both columns)."""
    name = region_profile.area_name(code)
    labels = theme.plain_text(profile["capability"]).map(lambda text: wrap(text, LABEL_CHARS))
    order = list(labels)[::-1]  # first capability at the top
    fig = go.Figure(_capability_bars(profile, labels))
    top = x_max if x_max else max(float(profile["count"].max()), 1.0)
    fig.update_layout(
        barmode="overlay",
        yaxis=dict(categoryorder="array", categoryarray=order, title=None),
        # Counts are written on the bars: no axis to read them from.
        xaxis=dict(range=[0, top * 1.3], visible=False),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left", font=dict(size=14)),
        margin=dict(t=100, r=20, b=60),
    )
    theme.apply(fig, capability_title(profile, name), GAP_SOURCE, height=230 + ROW_PX * len(profile))
    return _labels_in_fixed_margin(fig)


# On a slide the levels' meaning is in the note: for the UK "thin" means a national gap, not a rate.
SLIDE_LEVEL_LABELS = {HELD: "Held", THIN: "Thin", ABSENT: "Absent from the data"}


def _capability_bars(
    profile: pd.DataFrame, labels: pd.Series, legend: bool = True, area: str = "", names: dict | None = None
) -> list[go.Bar]:
    """One bar trace per level (held, thin, absent), each bar labelled with its count or "absent"
    so that the colour is never the only signal."""
    traces = []
    for level in (HELD, THIN, ABSENT):
        rows = profile.loc[profile["level"] == level]
        traces.append(
            go.Bar(
                y=labels.loc[rows.index].tolist(),
                x=rows["count"],
                orientation="h",
                name=(names or LEVEL_LABELS)[level],
                legendgroup=level,
                showlegend=legend,
                marker_color=LEVEL_COLOURS[level],
                text=np.where(rows["count"] > 0, rows["count"].astype(str), "absent"),
                textposition="outside",
                cliponaxis=False,
                textfont=dict(size=14),
                hovertemplate=f"<b>{area}%{{y}}</b><br>%{{x}} operational facilities: {level}<extra></extra>",
            )
        )
    return traces


def capability_slide_chart(profiles: dict[str, pd.DataFrame], title: str, source: str, height: int) -> go.Figure:
    """The capability profile for a story slide (Present, offline deck, briefing pack): the
    capabilities an area holds thinly or lacks, one panel per area (``profiles``: area code ->
    :func:`capability_profile`) side by side with the names once, and one last row for every
    capability held in all of them. Twenty rows do not fit a slide at a projector's type size (the
    briefing pack's chart is under 4 inches high); the gaps are what the slide is about, and the
    slide's data lists all twenty. Each panel has its own scale (the UK's counts dwarf a region's;
    the bars are labelled)."""
    from plotly.subplots import make_subplots

    codes = list(profiles)
    first = profiles[codes[0]]
    weak_ids = set().union(*(p.loc[p["level"] != HELD, "capability_id"] for p in profiles.values()))
    weak = first["capability_id"].isin(weak_ids)
    labels = theme.plain_text(first["capability"]).loc[weak]
    others = int((~weak).sum())
    rest = (f"All {others} capability areas" if others == len(first) else f"{others} other capability areas") + (
        "" if len(codes) == 1 else ", in each"
    )
    fig = make_subplots(rows=1, cols=len(codes), shared_yaxes=True, horizontal_spacing=0.04)
    for column, code in enumerate(codes, start=1):
        # The same capability order in every panel: the second area's rows follow the first's.
        profile = profiles[code].set_index("capability_id").loc[first["capability_id"]].reset_index()
        profile.index = first.index
        profile = profile.loc[weak]
        area = f"{region_profile.area_name(code)}: " if len(codes) > 1 else ""
        for trace in _capability_bars(profile, labels, legend=column == 1, area=area, names=SLIDE_LEVEL_LABELS):
            fig.add_trace(trace, row=1, col=column)
        if others:
            fig.add_trace(
                go.Bar(
                    y=[rest],
                    x=[0],
                    orientation="h",
                    name=SLIDE_LEVEL_LABELS[HELD],
                    showlegend=False,
                    marker_color=LEVEL_COLOURS[HELD],
                    text=["held"],
                    textposition="outside",
                    cliponaxis=False,
                    textfont=dict(size=14),
                    hovertemplate=f"<b>{area}%{{y}}</b>: held<extra></extra>",
                ),
                row=1,
                col=column,
            )
        top = max(float(profile["count"].max()) if len(profile) else 0.0, 1.0)
        # Room on the right of the longest bar for its label ("absent" is the longest). Counts are
        # written on the bars, so no ticks; side by side, each panel is named under it (the legend
        # is above).
        fig.update_xaxes(
            range=[0, top * 1.25],
            showticklabels=False,
            ticks="",
            showgrid=False,
            zeroline=False,
            showline=False,
            title=dict(text=region_profile.area_name(code) if len(codes) > 1 else None),
            row=1,
            col=column,
        )
    order = [*labels, *([rest] if others else [])]
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None)
    fig.update_layout(
        barmode="overlay",
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left"),
        showlegend=True,
    )
    return theme.apply(fig, title, source, height=height)


def capability_title(profile: pd.DataFrame, name: str) -> str:
    levels = region_profile.level_counts(profile)
    held = levels[HELD] + levels[THIN]
    absent = f"{levels[ABSENT]} absent" if levels[ABSENT] else "none absent"
    return f"{name} holds {held} of {len(profile)} capability areas; {absent}"


# ---------------------------------------------------------------- money


def programme_chart(awards: pd.DataFrame, code: str, rows: int = TOP_PROGRAMMES + 1) -> go.Figure:
    """Stated public £ per programme (the Investment page's grouping), the top few and the rest in
    one grey bar. ``rows`` fixes the height so that two columns line up."""
    name = region_profile.area_name(code)
    programmes = investment.top_with_other(
        investment.by_programme(awards), "programme", TOP_PROGRAMMES, "{n} other programmes"
    )
    height = 200 + 58 * rows  # two 14 px label lines a bar, with air between neighbours
    if programmes.empty or programmes["public_gbp"].sum() == 0:
        fig = go.Figure()
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return theme.apply(
            fig, f"No traced award with a stated amount in {name}", investment_figures.AWARDS_SOURCE, height=height
        )
    shown = programmes.iloc[::-1].reset_index(drop=True)
    is_other = shown["programme"].str.endswith(" other programmes")
    not_stated = shown["awards_not_stated"].astype(int)
    # Amounts only: "+ n not stated" did not fit a half-width column (the finding gives the count).
    text = shown["public_gbp"].map(theme.format_gbp).where(shown["public_gbp"] > 0, "amount not stated")
    fig = go.Figure(
        go.Bar(
            # At most two lines a label: a third ran into the next bar's label in a half-width column.
            y=theme.plain_text(shown["programme"])
            .map(lambda t: wrap(textwrap.shorten(t, 2 * LABEL_CHARS, placeholder="…"), LABEL_CHARS))
            .tolist(),
            x=shown["public_gbp"] / 1e6,
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=14),
            marker_color=np.where(is_other, theme.NEUTRAL, theme.FOCUS),
            customdata=np.stack([shown["awards"], not_stated], axis=-1),
            hovertemplate="<b>%{y}</b><br>£%{x:,.1f}m from %{customdata[0]} award(s), "
            "%{customdata[1]} with no stated amount<extra></extra>",
        )
    )
    fig.update_layout(
        showlegend=False,
        xaxis=dict(visible=False, range=[0, float(shown["public_gbp"].max()) / 1e6 * 2.0]),
        yaxis=dict(title=None),
        margin=dict(r=20, b=60),
    )
    top = programmes.loc[~programmes["programme"].str.endswith(" other programmes")].iloc[0]
    programme = textwrap.shorten(str(top["programme"]), PROGRAMME_TITLE_CHARS, placeholder="…")
    title = f"{name}: most traced money from {programme} ({theme.format_gbp(top['public_gbp'])})"
    theme.apply(fig, title, investment_figures.AWARDS_SOURCE, height=height)
    return _labels_in_fixed_margin(fig)


def year_chart(
    awards: pd.DataFrame, code: str, years: tuple[int, int] | None = None, y_max: float | None = None
) -> go.Figure:
    """Stated public £ by year announced (the Investment page's chart) on a shared year range."""
    name = region_profile.area_name(code)
    by_year = investment.by_year(awards)
    fig = investment_figures.year_bars(by_year)
    if not by_year.empty and by_year["public_gbp"].sum() > 0:
        peak = by_year.loc[by_year["public_gbp"].idxmax()]
        fig.update_layout(
            title=dict(
                text=f"{name}: traced awards peaked in {int(peak['year'])} at {theme.format_gbp(peak['public_gbp'])}"
            )
        )
    else:
        fig.update_layout(title=dict(text=f"No dated award with a stated amount in {name}"))
    if years:
        fig.update_xaxes(range=[years[0] - 0.6, years[1] + 0.6])
    if y_max:
        fig.update_yaxes(range=[0, y_max / 1e6 * 1.2])
    # Amounts in the hover, not on the bars: in a half-width column they shrank to unreadable.
    fig.update_traces(text=None, texttemplate=None)
    fig.update_layout(height=420, xaxis=dict(dtick=4, tickangle=0))
    return _labels_in_fixed_margin(fig, AXIS_MARGIN_PX)


# ---------------------------------------------------------------- official statistics


def gva_chart(series: pd.DataFrame, code: str, y_max: float | None = None) -> go.Figure:
    """The area's pharmaceutical GVA by year (£m, current prices); the title gives the latest value."""
    name = region_profile.area_name(code)
    if series.empty:
        fig = go.Figure()
        return theme.apply(fig, f"No ONS GVA figures for {name}", GVA_SOURCE, height=420)
    fig = go.Figure(
        go.Scatter(
            x=series["year"],
            y=series["gva_gbp_million"],
            # The latest value is in the title: a label on the line collided with it in a narrow column.
            mode="lines+markers",
            line=dict(color=theme.FOCUS, width=3),
            customdata=np.stack([series["uk_share"].fillna(0) * 100], axis=-1),
            hovertemplate="<b>%{x}</b><br>£%{y:,.0f}m (%{customdata[0]:.1f}% of the UK)<extra></extra>",
        )
    )
    fig.update_layout(
        showlegend=False,
        xaxis=dict(dtick=4),
        yaxis=dict(
            tickprefix="£",
            ticksuffix="m",
            tickformat=",.0f",
            rangemode="tozero",
            range=[0, y_max * 1.15] if y_max else None,
        ),
    )
    theme.apply(fig, gva_title(series, code), GVA_SOURCE, height=420)
    return _labels_in_fixed_margin(fig, AXIS_MARGIN_PX)


def gva_title(series: pd.DataFrame, code: str) -> str:
    latest = series.iloc[-1]
    value = theme.format_gbp(latest["gva_gbp_million"] * 1e6)
    year = int(latest["year"])
    if code == region_profile.UK:
        return f"UK pharmaceutical industry GVA: {value} in {year}"
    return f"{region_profile.area_name(code)}'s pharma GVA: {value} in {year}, {latest['uk_share']:.1%} of the UK's"


def coverage_chart(cover: region_profile.Coverage, code: str, x_max: float | None = None) -> go.Figure:
    """Stated headcount at listed operational sites beside the BRES jobs they are measured against."""
    name = region_profile.area_name(code)
    labels = [f"Headcount stated at {cover.sites_with_headcount} listed sites"]
    values = [cover.stated_headcount]
    text = [f"{cover.stated_headcount:,}"]
    colours = [theme.FOCUS]
    if cover.bres_jobs is not None:
        labels.append(f"BRES jobs, {cover.bres_area}, {cover.bres_year}")
        values.append(cover.bres_jobs)
        text.append(region_profile.rounded_jobs(cover.bres_jobs))
        colours.append(theme.CATEGORICAL[1])
        title = f"{name}: listed sites state {cover.share:.0%} of the jobs BRES counts"
    else:
        title = f"{name}: no BRES figure (BRES covers Great Britain only)"
    fig = go.Figure(
        go.Bar(
            y=[wrap(label, LABEL_CHARS) for label in labels[::-1]],
            x=values[::-1],
            orientation="h",
            text=text[::-1],
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=15),
            marker_color=colours[::-1],
            hovertemplate="<b>%{y}</b><br>%{x:,}<extra></extra>",
        )
    )
    top = x_max or max(max(values), 1)
    fig.update_layout(
        showlegend=False, xaxis=dict(range=[0, top * 1.9], visible=False), yaxis=dict(title=None), margin=dict(b=70)
    )
    theme.apply(fig, title, COVERAGE_SOURCE, height=320)
    return _labels_in_fixed_margin(fig)
