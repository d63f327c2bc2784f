"""Figure builders and readable tables for the capability-gaps page.

Every figure takes frames from ``lib.analysis.gaps`` and writes its numbers on the chart (cell values,
bar labels), so colour is never the only carrier of meaning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.analysis import gaps
from lib.figures import theme

DATA_SOURCE = "project dataset (data/source); population: ONS, NRS, NISRA mid-year estimates"
BOUNDARY_NOTE = "boundaries: Office for National Statistics, Open Government Licence v3.0"
MMIP_MARK = " (MMIP)"
SCORE_FORMAT = "{:.2f}"


def source_line(reach_basis: str) -> str:
    """The chart source: the dataset, population, and where distances come from."""
    if reach_basis == gaps.REACH_UNAVAILABLE:
        return DATA_SOURCE + "; distances not measured (no boundary files)"
    return f"{DATA_SOURCE};<br>distances from the {reach_basis}' central points ({BOUNDARY_NOTE})"


def _capability_label(name: pd.Series, named: pd.Series) -> pd.Series:
    return name + np.where(named, MMIP_MARK, "")


def _km(value: pd.Series) -> pd.Series:
    return value.map(lambda v: "not measured" if pd.isna(v) else f"{v:,.0f} km").astype(str)


def _finish(fig: go.Figure, title: str, source: str, height: int) -> go.Figure:
    # theme.apply makes the bottom margin as tall as the source's lines need.
    return theme.apply(fig, title, source, height=height)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _score_text(value: pd.Series) -> pd.Series:
    # astype(str): an empty float Series maps to float, and float + str fails
    return value.map(SCORE_FORMAT.format).astype(str)


# ---------------------------------------------------------------- heatmap


def heatmap_finding(gap_table: pd.DataFrame) -> str:
    if gap_table.empty:
        return "No region or capability matches the filters."
    worst = gaps.region_gap_scores(gap_table).iloc[0]
    absent = int((gap_table["gap_level"] == gaps.ABSENT).sum())
    return (
        f"{worst['region']} has the largest gaps (mean score {worst['mean_gap_score']:.2f}); "
        f"{absent} of {len(gap_table)} region–capability pairs have no operational facility."
    )


# Region names as column heads: horizontal, at most two short lines, so twelve columns fit a laptop's
# main column and read from the back of a room (slanted full names could not).
SHORT_REGION_NAMES = {
    "Yorkshire and The Humber": "Yorkshire<br>& Humber",
    "East of England": "East of<br>England",
    "Northern Ireland": "Northern<br>Ireland",
    # "Midlands" filled a column at 1366 px and ran into its neighbour; "Mids" is common usage.
    "East Midlands": "East<br>Mids",
    "West Midlands": "West<br>Mids",
    "North West": "North<br>West",
    "North East": "North<br>East",
    "South West": "South<br>West",
    "South East": "South<br>East",
}
CAPABILITY_LABEL_CHARS = 24
HEATMAP_ROW_PX = 44


def short_region_label(name: str) -> str:
    return SHORT_REGION_NAMES.get(name, name)


def gap_heatmap(gap_table: pd.DataFrame, source: str) -> go.Figure:
    """Capabilities (rows, by group) x regions (columns, largest mean gap on the left), the score
    written in each cell. Both sets of labels are horizontal: capability names wrap over two lines,
    region names are short; the hover gives the full names and the numbers behind the score."""
    scores = gaps.score_matrix(gap_table).T
    counts = gaps.score_matrix(gap_table, "count").T
    reach = gaps.score_matrix(gap_table, "median_km").T
    levels = gaps.score_matrix(gap_table, "gap_level").T
    named = gap_table.drop_duplicates("capability_id").set_index("capability")["mmip_named_gap"]
    capabilities = pd.Series(scores.index)
    labels = _capability_label(capabilities, capabilities.map(named).fillna(False).astype(bool))
    y_labels = [theme.wrap(label, CAPABILITY_LABEL_CHARS) for label in labels]
    x_labels = [short_region_label(name) for name in scores.columns]
    full_regions = np.broadcast_to(np.asarray(scores.columns, dtype=object), scores.shape)
    full_capabilities = np.broadcast_to(np.asarray(labels, dtype=object)[:, None], scores.shape)
    custom = np.dstack(
        [counts.to_numpy(), levels.to_numpy(), reach.apply(_km).to_numpy(), full_regions, full_capabilities]
    )
    # Low-confidence cells (absent or thin where the data covers little of the region's industry)
    # carry a star, explained under the chart.
    if "low_confidence" in gap_table.columns:
        doubtful = gaps.score_matrix(gap_table.assign(low=gap_table["low_confidence"].astype(float)), "low").T
        doubtful = doubtful.reindex(index=scores.index, columns=scores.columns).fillna(0).to_numpy() > 0
    else:
        doubtful = np.zeros(scores.shape, dtype=bool)
    cell_text = np.where(
        doubtful, scores.map("{:.2f}".format).to_numpy() + gaps.LOW_CONFIDENCE_MARK, scores.map("{:.2f}".format)
    )
    fig = go.Figure(
        go.Heatmap(
            z=scores.to_numpy(),
            x=x_labels,
            y=y_labels,
            zmin=0,
            zmax=1,
            colorscale=theme.SEQUENTIAL_SCALE,
            text=cell_text,
            texttemplate="%{text}",
            textfont=dict(size=theme.SOURCE_FONT_SIZE),
            customdata=custom,
            xgap=2,
            ygap=2,
            colorbar=dict(
                title=dict(text="gap<br>score"), tickvals=[0, 0.5, 1], thickness=14, len=0.5, y=1, yanchor="top"
            ),
            hovertemplate=(
                "<b>%{customdata[3]}</b> – %{customdata[4]}<br>gap score %{z:.2f} (%{customdata[1]})<br>"
                "operational facilities: %{customdata[0]}<br>median distance to nearest: "
                "%{customdata[2]}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont=dict(size=15), ticks="")
    # Region names over the columns, where the eye starts; the source line keeps the space below.
    fig.update_xaxes(side="top", showline=False, ticks="", tickangle=0, tickfont=dict(size=theme.SOURCE_FONT_SIZE))
    title = heatmap_finding(gap_table).split(";")[0]
    # Room at the top for the title and the two-line region names (the template's margin is one line).
    fig.update_layout(margin=dict(t=130))
    theme.apply(
        fig,
        title,
        source
        + "<br>(MMIP): a capability the MMIP named as a UK gap"
        + ("; * low confidence: the data covers little of that region's industry" if doubtful.any() else ""),
        height=230 + HEATMAP_ROW_PX * len(scores.index),
    )
    return fig


# ---------------------------------------------------------------- ranked gaps


def readable_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """Gap rows as a table a reader can scan: names, rounded numbers, units in headers."""
    out = pd.DataFrame(
        {
            "region": frame["region"],
            "capability": frame["capability"],
            "gap score (0–1)": frame["gap_score"].round(2),
            "level": gaps.level_label(frame),
            "operational facilities": frame["count"],
            "per million people": frame["per_million"].round(2),
            "UK per million": frame["uk_per_million"].round(2),
            "location quotient": frame["location_quotient"].round(2),
            "median km to nearest": frame["median_km"].round(0),
            "worst km to nearest": frame["worst_km"].round(0),
            "MMIP-named": np.where(frame["mmip_named_gap"], "yes", "no"),
        }
    )
    if "rank" in frame.columns:
        out.insert(0, "rank", frame["rank"].to_numpy())
    return out.reset_index(drop=True)


def top_gaps_figure(top: pd.DataFrame, source: str) -> go.Figure:
    labels = top["region"] + " · " + _capability_label(top["capability"], top["mmip_named_gap"])
    text = (
        _score_text(top["gap_score"])
        + "  ("
        + top["count"].astype(str)
        + " facilities; nearest "
        + _km(top["median_km"])
        + ")"
    )
    fig = go.Figure(
        go.Bar(
            x=top["gap_score"],
            y=labels,
            orientation="h",
            marker_color=theme.FOCUS,
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>gap score %{x:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(range=[0, 2.0], tickvals=[0, 0.25, 0.5, 0.75, 1])
    title = (
        "No regional gap matches the filters"
        if top.empty
        else f"Largest regional gap: {top['capability'].iloc[0]} in {top['region'].iloc[0]}"
    )
    return _finish(fig, title, source, 160 + 44 * max(len(top), 1))


# ---------------------------------------------------------------- national gaps


def national_figure(national: pd.DataFrame, params: gaps.GapParams, regions_total: int, source: str) -> go.Figure:
    """Regions holding each capability; national gaps (under the threshold) stand out and say so."""
    rows = national.sort_values(["regions_with_capability", "uk_count"], ascending=False, kind="stable")
    colours = np.where(rows["national"], theme.CATEGORICAL[3], theme.NEUTRAL)
    text = (
        rows["regions_with_capability"].astype(str)
        + f" of {regions_total} regions, "
        + rows["uk_count"].astype(str)
        + " facilities"
        + np.where(rows["national"], " – national gap", "")
    )
    fig = go.Figure(
        go.Bar(
            x=rows["regions_with_capability"],
            y=_capability_label(rows["capability"], rows["mmip_named_gap"]),
            orientation="h",
            marker_color=colours,
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x} regions with an operational facility<extra></extra>",
        )
    )
    fig.add_vline(
        x=params.national_min_regions,
        line_dash="dash",
        line_color=theme.MUTED_TEXT,
        annotation_text=f"national-gap threshold: fewer than {params.national_min_regions} regions",
        annotation_position="top",
        layer="below",
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(range=[0, regions_total * 1.7])
    count = int(rows["national"].sum())
    title = (
        f"{count} capabilit{'y is' if count == 1 else 'ies are'} thin across the whole UK"
        if count
        else "No capability is thin across the whole UK"
    )
    return _finish(fig, title, source, 160 + 34 * max(len(rows), 1))


# ---------------------------------------------------------------- two-region compare


def compare_finding(comparison: pd.DataFrame, name_a: str, name_b: str) -> str:
    if comparison.empty:
        return "No capability matches the filters."
    a_worse = int((comparison["difference"] > 0).sum())
    b_worse = int((comparison["difference"] < 0).sum())
    return f"{name_a} has the larger gap in {a_worse} capabilities, {name_b} in {b_worse} (of {len(comparison)})."


def compare_figure(comparison: pd.DataFrame, name_a: str, name_b: str, source: str) -> go.Figure:
    """Two panels side by side, same capability rows, each bar labelled with score and count."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.12, subplot_titles=(name_a, name_b))
    labels = list(comparison["capability"])
    for column, suffix in ((1, "a"), (2, "b")):
        score = comparison[f"gap_score_{suffix}"]
        count = comparison[f"count_{suffix}"]
        text = _score_text(score) + " · " + count.astype(str) + np.where(count == 1, " facility", " facilities")
        fig.add_trace(
            go.Bar(
                x=score,
                y=labels,
                orientation="h",
                marker_color=theme.FOCUS,
                text=text,
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                name=name_a if suffix == "a" else name_b,
                hovertemplate="%{y}<br>gap score %{x:.2f}<extra>%{fullData.name}</extra>",
            ),
            row=1,
            col=column,
        )
        fig.update_xaxes(range=[0, 1.8], tickvals=[0, 0.5, 1], row=1, col=column)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    title = compare_finding(comparison, name_a, name_b)
    return _finish(fig, title, source, 160 + 32 * max(len(comparison), 1))


# ---------------------------------------------------------------- what if


def readable_delta(delta: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": delta["region"],
            "capability": delta["capability"],
            "gap score before": delta["gap_score_before"].round(2),
            "gap score after": delta["gap_score_after"].round(2),
            "change": delta["change"].round(2),
            "level before": delta["gap_level_before"],
            "level after": delta["gap_level_after"],
            "facilities before": delta["count_before"],
            "facilities after": delta["count_after"],
            "median km before": delta["median_km_before"].round(0),
            "median km after": delta["median_km_after"].round(0),
            "absence filled": np.where(delta["closes"], "yes", "no"),
        }
    ).reset_index(drop=True)


def what_if_figure(narrowed: pd.DataFrame, label: str, source: str) -> go.Figure:
    """Each gap that narrows: a bar of the reduction, labelled before → after."""
    labels = narrowed["region"] + " · " + narrowed["capability"]
    text = (
        _score_text(narrowed["gap_score_before"])
        + " → "
        + _score_text(narrowed["gap_score_after"])
        + np.where(narrowed["closes"], " (absence filled)", "")
    )
    fig = go.Figure(
        go.Bar(
            x=-narrowed["change"],
            y=labels,
            orientation="h",
            marker_color=theme.CATEGORICAL[1],
            text=text,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>gap narrows by %{x:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(range=[0, 1.6], tickvals=[0, 0.25, 0.5, 0.75, 1])
    closes = int(narrowed["closes"].sum())
    title = (
        f"{label} would narrow {_plural(len(narrowed), 'gap')} and fill {_plural(closes, 'absence')}"
        if len(narrowed)
        else f"{label} would not narrow any gap"
    )
    return _finish(fig, title, source, 160 + 40 * max(len(narrowed), 1))


def what_if_finding(narrowed: pd.DataFrame) -> str:
    return (
        f"{_plural(len(narrowed), 'gap')} narrow{'s' if len(narrowed) == 1 else ''}; "
        f"{_plural(int(narrowed['closes'].sum()), 'absence')} filled."
    )
