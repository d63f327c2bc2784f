"""The views a story can show: view id -> a builder that turns the data and a slide into what is
presented (a figure, its finding, a data table, headline numbers).

Builders reuse the figure and analysis code of the pages, so a slide shows what the page shows.
Each returns a :class:`Rendered`; the Present page draws it on screen and :mod:`lib.present.briefing`
puts it in a PowerPoint deck.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.analysis import centres, key_figures, landscape, map_selection
from lib.data.schemas import ITL1_CODES, ITL1_NAMES
from lib.figures import map_figures, theme
from lib.present import story

PROJECT_SOURCE = "project dataset (data/source)"
INVESTMENT_SOURCE = (
    "project dataset (data/source): award-level public money with a stated amount; "
    "UK-wide awards and programme totals not included"
)
SLIDE_HEIGHT = 640  # px: with the title, finding and buttons this fills a 1080-line projector


@dataclass
class SlideData:
    """Everything a builder may read: the loaded tables and the map outlines, if any."""

    facilities: pd.DataFrame
    facility_caps: pd.DataFrame
    capabilities: pd.DataFrame
    centres: pd.DataFrame
    proposals: pd.DataFrame
    investments: pd.DataFrame
    regions: pd.DataFrame
    outlines: tuple | None = None


def slide_data(
    frames: dict[str, pd.DataFrame],
    facility_frame: pd.DataFrame | None = None,
    facility_caps: pd.DataFrame | None = None,
    outlines=None,
) -> SlideData:
    """SlideData from the loaded datasets (the facility tables are built if not given)."""
    if facility_frame is None:
        facility_frame = landscape.facilities(frames["sites"], frames["centres"])
        facility_caps = landscape.facility_capabilities(facility_frame)
    return SlideData(
        facility_frame,
        facility_caps,
        frames["capabilities"],
        frames["centres"],
        frames["mmip_proposals"],
        frames["investments"],
        frames["regions"],
        outlines,
    )


@dataclass
class Rendered:
    title: str
    finding: str
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    numbers: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""  # what the reader must know: exclusions, a fallback figure
    sources: list[str] = field(default_factory=list)


def _filtered(data: SlideData, filters: landscape.Filters) -> pd.DataFrame:
    return landscape.apply_filters(data.facilities, data.facility_caps, filters)


def _capability_names(data: SlideData) -> dict[str, str]:
    return dict(zip(data.capabilities["capability_id"], data.capabilities["name"]))


def _restricted_to(slide: story.Slide, data: SlideData) -> str:
    return landscape.describe_filters(slide.filters, _capability_names(data))


# ---------------------------------------------------------------- builders


def overview_numbers(data: SlideData, slide: story.Slide) -> Rendered:
    facilities = _filtered(data, slide.filters)
    headline = key_figures.headline_figures(facilities, data.investments, slide.filters)
    numbers = [
        ("Manufacturing sites", f"{headline['sites']:,}"),
        ("Innovation centres", f"{headline['centres']:,}"),
        ("Regions with a facility", f"{headline['regions_covered']} of 12"),
        ("Traced public grants", headline["traced_investment_label"]),
    ]
    finding = (
        f"{headline['sites']:,} manufacturing sites and {headline['centres']:,} innovation centres "
        f"({_restricted_to(slide, data)}), with {headline['traced_investment_label']} of traced "
        "public investment."
    )
    return Rendered(
        slide.title,
        slide.finding or finding,
        numbers=numbers,
        note=headline["as_of_note"],
        table=pd.DataFrame(numbers, columns=["measure", "value"]),
        sources=[PROJECT_SOURCE],
    )


def facility_map(data: SlideData, slide: story.Slide) -> Rendered:
    facilities = _filtered(data, slide.filters)
    fig = map_figures.facility_map(facilities, outlines=data.outlines, title=slide.title)
    settings = slide.settings
    center = {
        "lat": settings.get("center_lat", map_figures.UK_CENTER["lat"]),
        "lon": settings.get("center_lon", map_figures.UK_CENTER["lon"]),
    }
    map_figures.set_view(fig, center, settings.get("zoom", map_figures.UK_ZOOM))
    fig.update_layout(height=SLIDE_HEIGHT)
    not_placed = int(facilities["latitude"].isna().sum())
    note = (
        (
            f"{not_placed:,} matching {'facility has' if not_placed == 1 else 'facilities have'} no single "
            "location and cannot be placed on the map."
        )
        if not_placed
        else ""
    )
    return Rendered(
        slide.title,
        slide.finding or map_figures.facility_map_finding(facilities),
        fig,
        map_selection.facility_table(facilities),
        note=note,
        sources=[theme.source_of(fig) or PROJECT_SOURCE],
    )


def facilities_by_region_figure(facilities: pd.DataFrame, title: str) -> go.Figure:
    """The map's stand-in where a map cannot be drawn: facilities per region, every region shown."""
    counts = pd.crosstab(facilities["itl1_code"], facilities["kind"]).reindex(
        index=list(ITL1_CODES), columns=[landscape.SITE, landscape.CENTRE], fill_value=0
    )
    counts = counts.assign(total=counts.sum(axis=1)).sort_values("total", kind="stable")
    names = counts.index.map(ITL1_NAMES)
    fig = go.Figure()
    for kind, colour in ((landscape.SITE, theme.CATEGORICAL[0]), (landscape.CENTRE, theme.CATEGORICAL[3])):
        fig.add_trace(
            go.Bar(
                y=names,
                x=counts[kind],
                orientation="h",
                name=f"{landscape.KIND_LABELS[kind]}s",
                marker_color=colour,
                text=counts[kind].where(counts[kind] > 0),
                textposition="inside",
                insidetextanchor="middle",
            )
        )
    fig.update_layout(barmode="stack", height=SLIDE_HEIGHT, xaxis_title="Facilities", margin=dict(b=100))
    return theme.apply(fig, title, PROJECT_SOURCE)


def mmip_centres(data: SlideData, slide: story.Slide) -> Rendered:
    tracker = centres.mmip_tracker(data.proposals, data.centres)
    if slide.filters.regions:
        tracker = tracker.loc[~tracker["answered"] | tracker["itl1_code"].isin(slide.filters.regions)]
    answered = tracker.loc[tracker["answered"]]
    per_proposal = (
        answered.groupby(["proposal_id", "mmip_match"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=data.proposals["proposal_id"], columns=["full", "partial"], fill_value=0)
    )
    titles = data.proposals["title"]
    labels = data.proposals["proposal_id"] + ": " + titles.where(titles.str.len() <= 40, titles.str.slice(0, 39) + "…")
    fig = go.Figure()
    for match, colour in (("full", theme.CATEGORICAL[0]), ("partial", theme.CATEGORICAL[1])):
        values = per_proposal[match].to_numpy()
        fig.add_trace(
            go.Bar(
                y=labels,
                x=values,
                orientation="h",
                name=f"{match.title()} match",
                marker_color=colour,
                marker_pattern_shape="" if match == "full" else "/",
                text=[f"{v} {match}" if v else "" for v in values],
                textposition="inside",
                insidetextfont=dict(color="white" if match == "full" else theme.TEXT),
            )
        )
    none = per_proposal.sum(axis=1).to_numpy() == 0
    for label, missing in zip(labels, none):
        if missing:
            fig.add_annotation(
                y=label,
                x=0,
                text="No centre answers this proposal yet",
                showarrow=False,
                xanchor="left",
                font=dict(color=theme.CATEGORICAL[2]),
            )
    fig.update_layout(
        barmode="stack",
        height=SLIDE_HEIGHT,
        xaxis_title="Centres answering the proposal",
        margin=dict(b=100),
        yaxis=dict(autorange="reversed"),
    )
    theme.apply(fig, slide.title, PROJECT_SOURCE + "; MMIP Manufacturing Vision for UK Pharma")
    n_answered = int((~none).sum())
    finding = (
        f"{n_answered} of the {len(none)} centres of excellence the MMIP asked for have a centre that "
        f"answers them in full or in part; {int(none.sum())} {'has' if none.sum() == 1 else 'have'} none yet."
    )
    table = tracker[["proposal_id", "title", "name", "town", "region", "status", "mmip_match"]]
    return Rendered(slide.title, slide.finding or finding, fig, table, sources=[PROJECT_SOURCE])


def named_gap_ids(capabilities: pd.DataFrame) -> list[str]:
    return capabilities.loc[capabilities["mmip_named_gap"] == "yes", "capability_id"].tolist()


def gaps(data: SlideData, slide: story.Slide) -> Rendered:
    chosen = list(slide.filters.capabilities) or named_gap_ids(data.capabilities)
    caps = data.capabilities.loc[data.capabilities["capability_id"].isin(chosen)]
    counts = key_figures.capability_counts(data.facility_caps, caps, slide.filters)
    if slide.filters.regions:
        counts = counts.loc[counts.index.isin([ITL1_NAMES[r] for r in slide.filters.regions])]
    values = counts.to_numpy()
    # Numbers in every cell, and "none" spelt out: the colour is never the only signal.
    text = np.where(values == 0, "none", values.astype(str))
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=list(counts.columns),
            y=list(counts.index),
            text=text,
            texttemplate="%{text}",
            coloraxis="coloraxis",
            hovertemplate="%{y}<br>%{x}: %{z} operational facilities<extra></extra>",
        )
    )
    fig.update_layout(
        height=SLIDE_HEIGHT, yaxis=dict(autorange="reversed"), coloraxis=dict(colorbar=dict(title="Facilities"))
    )
    theme.apply(fig, slide.title, PROJECT_SOURCE + "; operational sites and centres")
    empty = (counts == 0).sum()
    worst = empty.idxmax() if len(empty) else None
    finding = (
        f"{int(empty.max())} of {len(counts)} regions have no operational facility for {worst}."
        if worst is not None and empty.max() > 0
        else "Every region shown has at least one facility for each capability shown."
    )
    return Rendered(
        slide.title, slide.finding or finding, fig, counts.reset_index(names="region"), sources=[PROJECT_SOURCE]
    )


def _awards_with_capabilities(investments: pd.DataFrame, capability_ids) -> pd.DataFrame:
    if not capability_ids:
        return investments
    long = investments[["investment_id", "capabilities"]].explode("capabilities")
    keep = long.loc[long["capabilities"].isin(capability_ids), "investment_id"]
    return investments.loc[investments["investment_id"].isin(keep)]


def investment_by_region(data: SlideData, slide: story.Slide) -> Rendered:
    metric = slide.settings.get("metric", "public_gbp")
    investments = _awards_with_capabilities(data.investments, slide.filters.capabilities)
    table = key_figures.investment_by_region(investments, data.regions)
    if slide.filters.regions:
        table = table.loc[table["itl1_code"].isin(slide.filters.regions)]
    table = table.sort_values(metric, kind="stable")
    if metric == "public_gbp":
        values, labels, axis = table["public_gbp"] / 1e6, table["public_gbp"].map(theme.format_gbp), "Public money (£m)"
    else:
        values, labels, axis = table["gbp_per_head"], table["gbp_per_head"].map("£{:,.2f}".format), "£ per head"
    fig = go.Figure(
        go.Bar(
            y=table["name"],
            x=values,
            orientation="h",
            marker_color=theme.CATEGORICAL[0],
            text=labels,
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_layout(height=SLIDE_HEIGHT, xaxis_title=axis, showlegend=False, margin=dict(b=100, r=80))
    theme.apply(fig, slide.title, INVESTMENT_SOURCE)
    top = table.sort_values(metric, ascending=False, kind="stable").head(1)
    total = table["public_gbp"].sum()
    if top.empty or total == 0:
        finding = "No traced award-level public money matches the filters."
    elif metric == "public_gbp":
        share = float(top["public_gbp"].iloc[0]) / total
        finding = (
            f"{top['name'].iloc[0]} received the most traced public money: "
            f"{theme.format_gbp(top['public_gbp'].iloc[0])}, {share:.0%} of the {theme.format_gbp(total)} "
            "placed in a region."
        )
    else:
        finding = (
            f"{top['name'].iloc[0]} received the most traced public money per resident: "
            f"£{top['gbp_per_head'].iloc[0]:,.2f} a head."
        )
    not_stated = int((table["awards"] - table["awards_with_amount"]).sum())
    note = (
        f"{not_stated} awards with no stated amount are not in the sums. " if not_stated else ""
    ) + "UK-wide awards and programme budgets are not counted in any region."
    shown = table.rename(columns={"name": "region"})[
        ["region", "public_gbp", "gbp_per_head", "awards", "awards_with_amount"]
    ]
    return Rendered(slide.title, slide.finding or finding, fig, shown, note=note, sources=[INVESTMENT_SOURCE])


BUILDERS = {
    story.MAP: facility_map,
    story.MMIP_CENTRES: mmip_centres,
    story.GAPS: gaps,
    story.INVESTMENT_BY_REGION: investment_by_region,
    story.OVERVIEW_NUMBERS: overview_numbers,
}

VIEW_LABELS = {
    story.MAP: "Map of sites and centres",
    story.MMIP_CENTRES: "MMIP centres of excellence",
    story.GAPS: "Capability gaps by region",
    story.INVESTMENT_BY_REGION: "Public investment by region",
    story.OVERVIEW_NUMBERS: "Headline numbers",
}


def render(data: SlideData, slide: story.Slide) -> Rendered:
    return BUILDERS[slide.view](data, slide)


def static_fallback(data: SlideData, slide: story.Slide, rendered: Rendered) -> Rendered:
    """What to put in a static image when the map cannot be drawn: a per-region bar chart, said so."""
    if slide.view != story.MAP:
        return rendered
    facilities = _filtered(data, slide.filters)
    figure = facilities_by_region_figure(facilities, slide.title)
    note = "The map could not be drawn as an image here, so this slide shows facilities per region instead."
    return replace(rendered, figure=figure, note=" ".join(filter(None, (note, rendered.note))))
