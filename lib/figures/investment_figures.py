"""Figure builders and one-sentence findings for the Investment page.

Every builder takes a frame from :mod:`lib.analysis.investment` and returns a themed Plotly figure whose
title states the finding and whose source line names the data. Amounts are shown in £m and
labelled directly on the bars; UK-wide and "not assigned" bars are grey *and* named, so colour
never carries meaning alone. The region map is a MapLibre choropleth on the offline white-bg style.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.analysis import investment
from lib.data.schemas import UK_WIDE
from lib.figures import map_figures, theme

AWARDS_SOURCE = "project dataset, award records (data/source/investments.csv)"
POPULATION_SOURCE = "ONS, NRS and NISRA mid-year population estimates"
HEADLINE_SOURCE = "project dataset, programme totals and award records (data/source/investments.csv)"
EMPTY_TITLE = "No award with a stated amount matches the filters"
BAR_HEIGHT_PX = 38
MIN_HEIGHT_PX = 320
LABEL_SIZE = 15
PER_HEAD_METRIC = "per_head"


def _height(rows: int) -> int:
    # Enough room per bar for a 16px label on a projector, never a squashed chart.
    return max(MIN_HEIGHT_PX, 140 + BAR_HEIGHT_PX * rows)


def _gbp_m(values: pd.Series) -> pd.Series:
    return values / 1e6


def _not_stated_suffix(counts: pd.Series) -> pd.Series:
    counts = counts.astype(int)
    return pd.Series(np.where(counts > 0, " + " + counts.astype(str) + " not stated", ""), index=counts.index)


def _hbar(labels, values_m, text, colours, customdata=None, hover=None) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=theme.plain_text(pd.Series(labels)).tolist(),
            x=values_m,
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=LABEL_SIZE),
            marker_color=colours,
            customdata=customdata,
            hovertemplate=hover,
        )
    )
    # Units on the ticks, not an axis title: the source line sits where the title would be.
    fig.update_layout(
        showlegend=False,
        xaxis=dict(tickprefix="£", ticksuffix="m", rangemode="tozero"),
        yaxis=dict(title=None, automargin=True),
        margin=dict(r=190),
    )
    return fig


# ---------------------------------------------------------------- regions


def region_bars(totals: pd.DataFrame) -> go.Figure:
    """Stated public £ per region, largest at the top, the UK-wide row grey and named."""
    rows = totals.sort_values("public_gbp", kind="stable").reset_index(drop=True)
    is_uk = rows["itl1_code"] == UK_WIDE
    text = rows["public_gbp"].map(theme.format_gbp) + _not_stated_suffix(rows["awards_not_stated"])
    fig = _hbar(
        rows["region"],
        _gbp_m(rows["public_gbp"]),
        text,
        np.where(is_uk, theme.NEUTRAL, theme.FOCUS),
        customdata=rows[["awards", "awards_not_stated"]].to_numpy(),
        hover="<b>%{y}</b><br>£%{x:,.1f}m from %{customdata[0]} award(s)"
        "<br>%{customdata[1]} with no stated amount<extra></extra>",
    )
    regional = rows.loc[~is_uk]
    if regional["public_gbp"].sum() > 0:
        top = regional.iloc[-1]
        title = f"{top['region']} received the most traced public money: {theme.format_gbp(top['public_gbp'])}"
    else:
        title = EMPTY_TITLE
    return theme.apply(fig, title, AWARDS_SOURCE, height=_height(len(rows)))


def per_head_bars(totals: pd.DataFrame) -> go.Figure:
    """Stated public £ per resident by region (UK-wide awards have no population, so no bar)."""
    rows = totals.loc[totals["itl1_code"] != UK_WIDE].sort_values("gbp_per_head", kind="stable")
    text = rows["gbp_per_head"].map(lambda v: f"£{v:,.2f}")
    fig = _hbar(
        rows["region"],
        rows["gbp_per_head"],
        text,
        theme.FOCUS,
        hover="<b>%{y}</b><br>£%{x:,.2f} per head<extra></extra>",
    )
    fig.update_layout(xaxis=dict(tickprefix="£", ticksuffix=""))
    if len(rows) and rows["public_gbp"].sum() > 0:
        top = rows.iloc[-1]
        title = f"{top['region']} received the most traced public money per head: £{top['gbp_per_head']:,.2f}"
    else:
        title = EMPTY_TITLE
    return theme.apply(fig, title, f"{AWARDS_SOURCE}; {POPULATION_SOURCE}", height=_height(len(rows)))


# The shared region map's hover invites a click that filters the Map page; here a click does nothing.
CLICK_HINT = "<br><i>Click to show only this region</i>"


def region_map(metrics: pd.DataFrame, geojson: dict | None, label_points: pd.DataFrame | None = None) -> go.Figure:
    """£ per head by region: the shared offline ONS choropleth with each value written on its region,
    or the labelled tile grid when no boundary file is available. ``metrics`` is
    ``region_metrics.region_metrics(...)``; ``label_points`` places the labels (itl1_code, lat, lon)."""
    if geojson is None:
        fig = map_figures.region_tile_grid(metrics, PER_HEAD_METRIC)
    else:
        fig = map_figures.region_choropleth(metrics, PER_HEAD_METRIC, geojson, label_points=label_points)
    # Only the labelled dots carry a hover; the region fills stay silent.
    fig.update_traces(
        hovertemplate=map_figures.REGION_HOVER.replace(CLICK_HINT, ""),
        selector=lambda trace: trace.hovertemplate is not None,
    )
    fig.update_layout(clickmode="none")
    return fig


def region_finding(totals: pd.DataFrame, summary: dict) -> str:
    if summary["awards_with_amount"] == 0:
        return "No award with a stated amount matches the filters."
    regional = totals.loc[totals["itl1_code"] != UK_WIDE]
    top = regional.iloc[0] if len(regional) else None
    share = top["public_gbp"] / summary["public_gbp"] if top is not None and summary["public_gbp"] else 0
    text = (
        f"{top['region']} received {share:.0%} of the {summary['public_label']} traced to named awards"
        if top is not None
        else f"{summary['public_label']} traced to named awards"
    )
    if summary["uk_wide_awards"]:
        text += (
            f"; {theme.format_gbp(summary['uk_wide_gbp'])} went to UK-wide or multi-region awards, "
            "shown as their own bar and in no region"
        )
    return text + f". {summary['awards_not_stated']} award(s) state no amount and are not in the totals."


def per_head_finding(totals: pd.DataFrame) -> str:
    regional = totals.loc[totals["itl1_code"] != UK_WIDE].sort_values("gbp_per_head", ascending=False, kind="stable")
    if regional.empty or regional["public_gbp"].sum() == 0:
        return "No award with a stated amount matches the filters."
    top, low = regional.iloc[0], regional.iloc[-1]
    return (
        f"Per resident, {top['region']} received £{top['gbp_per_head']:,.2f} and {low['region']} "
        f"£{low['gbp_per_head']:,.2f}; UK-wide awards are left out because they belong to no region."
    )


# ---------------------------------------------------------------- programmes and years


def programme_bars(programmes: pd.DataFrame) -> go.Figure:
    """Stated public £ per programme (the largest, then the rest as one grey bar)."""
    rows = programmes.iloc[::-1].reset_index(drop=True)
    is_other = rows["programme"].str.endswith(" other programmes")
    text = rows["public_gbp"].map(theme.format_gbp) + _not_stated_suffix(rows["awards_not_stated"])
    fig = _hbar(
        rows["programme"],
        _gbp_m(rows["public_gbp"]),
        text,
        np.where(is_other, theme.NEUTRAL, theme.FOCUS),
        customdata=rows[["awards"]].to_numpy(),
        hover="<b>%{y}</b><br>£%{x:,.1f}m from %{customdata[0]} award(s)<extra></extra>",
    )
    named = programmes.loc[~programmes["programme"].str.endswith(" other programmes")]
    title = (
        f"{named.iloc[0]['programme']} gave the most traced money: {theme.format_gbp(named.iloc[0]['public_gbp'])}"
        if len(named) and named["public_gbp"].sum() > 0
        else EMPTY_TITLE
    )
    return theme.apply(fig, title, AWARDS_SOURCE, height=_height(len(rows)))


def year_bars(years: pd.DataFrame) -> go.Figure:
    """Stated public £ of awards announced each year (undated awards are not on this chart)."""
    labels = years["public_gbp"].map(lambda v: theme.format_gbp(v) if v > 0 else "")
    fig = go.Figure(
        go.Bar(
            x=years["year"],
            y=_gbp_m(years["public_gbp"]),
            text=labels,
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=LABEL_SIZE),
            marker_color=theme.FOCUS,
            customdata=years[["awards"]].to_numpy(),
            hovertemplate="<b>%{x}</b><br>£%{y:,.1f}m from %{customdata[0]} award(s)<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False, xaxis=dict(dtick=2), yaxis=dict(tickprefix="£", ticksuffix="m"))
    if years.empty or years["public_gbp"].sum() == 0:
        title = EMPTY_TITLE
    else:
        peak = years.loc[years["public_gbp"].idxmax()]
        title = f"Traced awards peaked in {int(peak['year'])} at {theme.format_gbp(peak['public_gbp'])}"
    return theme.apply(fig, title, AWARDS_SOURCE, height=450)


def cumulative_line(years: pd.DataFrame) -> go.Figure:
    """Running total of stated public £ by year announced, the end value labelled on the line."""
    last = len(years) - 1
    text = [theme.format_gbp(v) if i == last else "" for i, v in enumerate(years["cumulative_gbp"])]
    fig = go.Figure(
        go.Scatter(
            x=years["year"],
            y=_gbp_m(years["cumulative_gbp"]),
            mode="lines+markers+text",
            text=text,
            textposition="top left",
            line=dict(color=theme.FOCUS, width=3),
            hovertemplate="<b>%{x}</b><br>£%{y:,.1f}m by the end of the year<extra></extra>",
        )
    )
    fig.update_layout(
        showlegend=False, xaxis=dict(dtick=2), yaxis=dict(tickprefix="£", ticksuffix="m", rangemode="tozero")
    )
    if years.empty or years["cumulative_gbp"].iloc[-1] == 0:
        title = EMPTY_TITLE
    else:
        title = (
            f"{theme.format_gbp(years['cumulative_gbp'].iloc[-1])} traced in awards announced "
            f"{int(years['year'].iloc[0])}–{int(years['year'].iloc[-1])}"
        )
    return theme.apply(fig, title, AWARDS_SOURCE, height=450)


def year_finding(years: pd.DataFrame, summary: dict) -> str:
    undated = (
        f" {summary['awards_undated']} award(s) with no year ({theme.format_gbp(summary['undated_gbp'])}) "
        "are not on this chart."
        if summary["awards_undated"]
        else ""
    )
    if years.empty or years["public_gbp"].sum() == 0:
        return "No dated award with a stated amount matches the filters." + undated
    active = years.loc[years["public_gbp"] > 0]
    return (
        f"Traced money was announced in {len(active)} of the {len(years)} years from "
        f"{int(years['year'].iloc[0])} to {int(years['year'].iloc[-1])}.{undated}"
    )


# ---------------------------------------------------------------- capabilities and flow


def capability_bars(capabilities: pd.DataFrame) -> go.Figure:
    """Stated public £ per capability; an award with several capabilities is split equally."""
    rows = capabilities.iloc[::-1].reset_index(drop=True)
    unassigned = rows["capability"] == investment.NOT_ASSIGNED
    text = rows["public_gbp"].map(theme.format_gbp) + _not_stated_suffix(rows["awards_not_stated"])
    fig = _hbar(
        rows["capability"],
        _gbp_m(rows["public_gbp"]),
        text,
        np.where(unassigned, theme.NEUTRAL, theme.FOCUS),
        customdata=rows[["awards"]].to_numpy(),
        hover="<b>%{y}</b><br>£%{x:,.1f}m (equal split) from %{customdata[0]} award(s)<extra></extra>",
    )
    named = capabilities.loc[capabilities["capability"] != investment.NOT_ASSIGNED]
    title = (
        f"{named.iloc[0]['capability']} drew the most traced money: {theme.format_gbp(named.iloc[0]['public_gbp'])}"
        if len(named) and named["public_gbp"].sum() > 0
        else EMPTY_TITLE
    )
    return theme.apply(
        fig, title, AWARDS_SOURCE + "; awards with several capabilities split equally", height=_height(len(rows))
    )


def capability_finding(capabilities: pd.DataFrame) -> str:
    if capabilities.empty or capabilities["public_gbp"].sum() == 0:
        return "No award with a stated amount matches the filters."
    named = capabilities.loc[capabilities["capability"] != investment.NOT_ASSIGNED]
    share = named["public_gbp"].iloc[0] / capabilities["public_gbp"].sum() if len(named) else 0
    return (
        f"{named['capability'].iloc[0]} drew {share:.0%} of traced money. An award supporting several "
        "capabilities is split equally across them, so the bars add up to the award total."
    )


STAGE_COLOURS = {"programme": theme.CATEGORICAL[0], "region": theme.CATEGORICAL[1], "capability": theme.CATEGORICAL[2]}


def flow_sankey(links: pd.DataFrame) -> go.Figure:
    """Programme -> region -> capability of stated £; the three columns are headed by name."""
    first = links.loc[links["stage"] == links["stage"].iloc[0]] if len(links) else links
    programmes = list(dict.fromkeys(first["source"]))
    second = links.loc[~links.index.isin(first.index)]
    regions = list(dict.fromkeys([*first["target"], *second["source"]]))
    capabilities = list(dict.fromkeys(second["target"]))
    # Node ids carry their stage: a programme and a region may share a name.
    nodes = (
        [("programme", n) for n in programmes]
        + [("region", n) for n in regions]
        + [("capability", n) for n in capabilities]
    )
    index = {node: i for i, node in enumerate(nodes)}
    source = [index[("programme", s)] for s in first["source"]] + [index[("region", s)] for s in second["source"]]
    target = [index[("region", t)] for t in first["target"]] + [index[("capability", t)] for t in second["target"]]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",.1f",
            valuesuffix="m",
            node=dict(
                label=theme.plain_text(pd.Series([name for _, name in nodes], dtype=object)).tolist(),
                color=[STAGE_COLOURS[stage] for stage, _ in nodes],
                # At least a label's height between nodes: thin neighbours' names overlapped at 12.
                pad=22,
                thickness=16,
                line=dict(width=0),
            ),
            textfont=dict(size=LABEL_SIZE, color=theme.TEXT),
            link=dict(
                source=source,
                target=target,
                value=_gbp_m(links["public_gbp"]).tolist(),
                color="rgba(191,191,191,0.45)",
                hovertemplate="%{source.label} → %{target.label}<br>£%{value}<extra></extra>",
            ),
        )
    )
    for x, heading in ((0.0, "Programme"), (0.5, "Region"), (1.0, "Capability")):
        fig.add_annotation(
            text=f"<b>{heading}</b>",
            x=x,
            y=1.04,
            xref="paper",
            yref="paper",
            showarrow=False,
            xanchor={0.0: "left", 0.5: "center", 1.0: "right"}[x],
        )
    total = links.loc[links["stage"] == links["stage"].iloc[0], "public_gbp"].sum() if len(links) else 0
    title = (
        f"How {theme.format_gbp(total)} of traced money flows from programme to region to capability"
        if total
        else EMPTY_TITLE
    )
    return theme.apply(
        fig,
        title,
        AWARDS_SOURCE + "; awards with several capabilities split equally",
        height=max(600, 40 * max(len(programmes), len(regions), len(capabilities)) + 200),
    )


def flow_finding(links: pd.DataFrame) -> str:
    if links.empty:
        return "No award with a stated amount matches the filters."
    stage = links.loc[links["stage"] == links["stage"].iloc[-1]]
    top = stage.sort_values("public_gbp", ascending=False, kind="stable").iloc[0]
    return (
        f"The largest single flow is {top['source']} → {top['target']} ({theme.format_gbp(top['public_gbp'])}). "
        "Each award's £ is split equally across its capabilities; both stages add up to the same total."
    )


# ---------------------------------------------------------------- against gaps


def gaps_scatter(joined: pd.DataFrame) -> go.Figure:
    """£ per head against mean capability-gap score, one labelled point per region."""
    fig = go.Figure(
        go.Scatter(
            x=joined["mean_gap_score"],
            y=joined["gbp_per_head"],
            mode="markers+text",
            text=joined["region"],
            textposition=_alternating_positions(joined["mean_gap_score"]),
            textfont=dict(size=LABEL_SIZE - 1),
            marker=dict(size=14, color=theme.FOCUS, symbol="circle"),
            customdata=np.stack([joined["absent_count"], joined["public_gbp"].map(theme.format_gbp)], axis=-1)
            if len(joined)
            else None,
            hovertemplate="<b>%{text}</b><br>£%{y:,.2f} per head (%{customdata[1]})<br>mean gap score %{x:.2f}"
            "<br>%{customdata[0]} capabilities absent<extra></extra>",
        )
    )
    fig.update_layout(
        showlegend=False,
        xaxis=dict(title="Mean capability-gap score (higher: more missing)"),
        yaxis=dict(title="Traced public £ per head", tickprefix="£"),
        margin=dict(b=110),
    )
    top = float(joined["gbp_per_head"].max()) if len(joined) and joined["gbp_per_head"].max() > 0 else 1.0
    # Room below zero and above the top point for the labels of regions at the edges.
    fig.update_yaxes(range=[-0.1 * top, 1.12 * top])
    fig.update_traces(cliponaxis=False)
    theme.apply(fig, gaps_title(joined), f"{AWARDS_SOURCE}; {POPULATION_SOURCE}; capability gaps analysis", height=580)
    # Below the axis title, which a scatter needs.
    fig.update_annotations(selector=dict(name="source"), yshift=-75)
    return fig


def _alternating_positions(x: pd.Series) -> list[str]:
    # Neighbours along x take turns above and below their point, so close labels do not collide.
    rank = x.rank(method="first").fillna(0).astype(int)
    return np.where(rank % 2 == 0, "bottom center", "top center").tolist()


def gaps_title(joined: pd.DataFrame) -> str:
    rho = investment.rank_correlation(joined["mean_gap_score"], joined["gbp_per_head"])
    if rho is None:
        return "Too few regions to compare investment with capability gaps"
    if rho <= -0.3:
        return "Regions with bigger capability gaps received less traced money per head"
    if rho >= 0.3:
        return "Regions with bigger capability gaps received more traced money per head"
    return "Traced money per head shows no clear link to capability gaps"


def gaps_finding(joined: pd.DataFrame) -> str:
    rho = investment.rank_correlation(joined["mean_gap_score"], joined["gbp_per_head"])
    if rho is None:
        return "Fewer than three regions have both a gap score and traced money, so no comparison is drawn."
    worst = joined.sort_values("mean_gap_score", ascending=False, kind="stable").iloc[0]
    return (
        f"Rank correlation between gap score and £ per head: {rho:+.2f} (−1: money goes where capability "
        f"is missing least; +1: most). {worst['region']} has the largest mean gap score and received "
        f"£{worst['gbp_per_head']:,.2f} per head."
    )


# ---------------------------------------------------------------- headline against traced


def headline_bars(comparison: pd.DataFrame) -> go.Figure:
    """Each headline programme total beside the award records matched to it, both labelled."""
    rows = comparison.iloc[::-1].reset_index(drop=True)
    year = rows["year"].astype("string").fillna("no year")
    # Short names leave the bars room on a laptop; the hover and "Show data" give the full name.
    name = rows["programme"].where(rows["programme"].str.len() <= 40, rows["programme"].str.slice(0, 39) + "…")
    # Year and id on a second line: one long line per bar left the bars a quarter of the chart.
    labels = theme.plain_text(name) + "<br>(" + year + ", " + rows["investment_id"] + ")"
    full_names = theme.plain_text(rows["programme"] + " (" + year + ", " + rows["investment_id"] + ")")
    fig = go.Figure()
    # In grouped horizontal bars the first trace is drawn lowest: traced first puts the headline on top.
    fig.add_trace(
        go.Bar(
            y=labels,
            x=_gbp_m(rows["traced_gbp"]),
            orientation="h",
            name="Traced in award records",
            text="traced " + rows["traced_gbp"].map(theme.format_gbp),
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=LABEL_SIZE),
            marker_color=theme.FOCUS,
            customdata=full_names,
            hovertemplate="<b>%{customdata}</b><br>traced £%{x:,.1f}m<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=_gbp_m(rows["headline_gbp"]),
            orientation="h",
            name="Headline (programme total)",
            text="headline " + rows["headline_gbp"].map(theme.format_gbp),
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=LABEL_SIZE),
            marker=dict(color=theme.NEUTRAL, pattern=dict(shape="/", fgcolor="white", fillmode="overlay")),
            customdata=full_names,
            hovertemplate="<b>%{customdata}</b><br>headline £%{x:,.1f}m<extra></extra>",
        )
    )
    fig.update_layout(legend=dict(traceorder="reversed"))
    fig.update_layout(
        barmode="group",
        xaxis=dict(tickprefix="£", ticksuffix="m"),
        yaxis=dict(title=None),
        # Room above the plot for the legend in two rows: beside the long programme names it has
        # only the plot's width.
        margin=dict(r=210, t=120),
        bargap=0.25,
    )
    gap = comparison["difference_gbp"].clip(lower=0)
    if len(comparison) and gap.max() > 0:
        widest = comparison.loc[gap.idxmax()]
        title = (
            f"Headline totals run ahead of traced awards: {theme.format_gbp(widest['difference_gbp'])} of "
            f"{widest['programme']} is not traced to a named award"
        )
    else:
        title = "Headline programme totals beside traced awards"
    return theme.apply(fig, title, HEADLINE_SOURCE, height=max(MIN_HEIGHT_PX, 160 + 62 * len(rows)))


def headline_finding(comparison: pd.DataFrame) -> str:
    if comparison.empty:
        return "The data holds no programme totals to compare with."
    untraced = int((comparison["awards_matched"] == 0).sum())
    return (
        f"{len(comparison)} headline programme totals; {untraced} have no award record tied to them. "
        "Headline totals overlap the awards and each other, so they are never added up or to the traced "
        "money; each grey bar is compared only with the blue bar beside it."
    )
