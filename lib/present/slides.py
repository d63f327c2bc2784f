"""The views a story can show: view id -> a builder that turns the data and a slide into what is
presented (a figure, its finding, a data table, headline numbers).

Builders reuse the figure and analysis code of the pages, so a slide shows what the page shows.
Each returns a :class:`Rendered`; the Present page draws it on screen and :mod:`lib.present.briefing`
puts it in a PowerPoint deck.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.analysis import centres, key_figures, landscape, map_selection, region_profile
from lib.analysis import gaps as gap_method  # "gaps" is the gaps view's builder here
from lib.data.schemas import ITL1_CODES, ITL1_NAMES, UK_WIDE
from lib.figures import map_figures, region_figures, theme
from lib.present import story

PROJECT_SOURCE = "project dataset (data/source)"
REGION_SOURCE = (
    "project dataset: operational sites and centres, capability-gap method (docs/gaps_method.md), "
    "award-level public grants"
)
INVESTMENT_SOURCE = (
    "project dataset (data/source): award-level public money with a stated amount; "
    "UK-wide awards and programme totals not included"
)
SLIDE_HEIGHT = 640  # px: with the title, finding and buttons this fills a 1080-line projector
PRESENT_FONT_PX = 22  # chart text on a stage (Present page, offline deck): >= 20 px on a projector
DATA_NOTES = [
    "Every number comes from a public source cited row by row in the dashboard's data; nothing is estimated.",
    "Empty values mean “not stated” and are left out of sums.",
    "Programme-level budgets overlap the awards they fund and are never added to award totals.",
]

# Every money total a slide states carries its rule in these words, on every surface (Present
# page, offline deck, briefing pack): two totals by different rules never read as a contradiction,
# and a reader (or a test) can check that totals under one rule agree.
TOTAL_RULES = {
    "all_awards": "public grants with a stated amount, each pound once, UK-wide awards included",
    "regional_awards": "public grants placed in one region, each pound once, UK-wide awards not counted",
    "uk_wide_awards": "public grants that are UK-wide or span regions",
}

# The sources a slide draws on, cited in the words of the About page (docs/about_data.md): one
# citation per source however many slides use it. tests/test_slides.py checks the wording.
CITATIONS = {
    "facts": (
        "The dataset compiles facts from the public pages cited on every row; those pages remain "
        "under their publishers' terms."
    ),
    "population": (
        "Population and area figures: ONS, NRS and NISRA mid-year estimates as tabulated in the cited "
        "source (Open Government Licence)."
    ),
    "towns": "Town coordinates: GeoNames (CC BY 4.0).",
    "boundaries": "Boundaries: {ons}",
    "ons": "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.",
}


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
    verified: tuple[str | None, str] = (None, "")  # see last_verified
    # The ONS official statistics (optional datasets; None: not loaded) a region profile reads.
    gva: pd.DataFrame | None = None
    bres: pd.DataFrame | None = None


def last_verified(frames) -> tuple[str | None, str]:
    """The data's last verification date and what it is: the newest ``verified_on`` where the
    data records one, else the newest source date (``as_of``), said so; (None, ...) if neither."""
    for column, basis in (
        ("verified_on", "the latest date the data was checked against its sources"),
        ("as_of", "the newest source date in the data; no separate verification date is recorded"),
    ):
        dates = [pd.to_datetime(f[column], errors="coerce") for f in frames if column in f.columns]
        dates = [d.max() for d in dates if d.notna().any()]
        if dates:
            return max(dates).date().isoformat(), basis
    return None, "no dates are recorded in the data"


def slide_data(
    frames: dict[str, pd.DataFrame],
    facility_frame: pd.DataFrame | None = None,
    facility_caps: pd.DataFrame | None = None,
    outlines=None,
) -> SlideData:
    """SlideData from the loaded datasets (the facility tables are built if not given)."""
    frames = {name: frame for name, frame in frames.items() if frame is not None}  # optional, not loaded
    if facility_frame is None:
        facility_frame = landscape.facilities(frames["sites"], frames["centres"])
        facility_caps = landscape.facility_capabilities(facility_frame)
    verified = last_verified([*frames.values(), facility_frame])
    return SlideData(
        facility_frame,
        facility_caps,
        frames["capabilities"],
        frames["centres"],
        frames["mmip_proposals"],
        frames["investments"],
        frames["regions"],
        outlines,
        verified,
        gva=frames.get("ons_gva_pharma_itl1"),
        bres=frames.get("ons_bres_pharma_jobs_itl1"),
    )


@dataclass
class Rendered:
    title: str
    finding: str
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    numbers: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""  # what the reader must know: exclusions, a fallback figure
    sources: list[str] = field(default_factory=list)  # the slide's source line(s), as on its chart
    cites: tuple[str, ...] = ("facts",)  # keys of CITATIONS: the sources slide lists each once

    @property
    def source_line(self) -> str:
        """The one source line shown under the slide (not inside the chart image)."""
        text = "; ".join(dict.fromkeys(self.sources))
        return text if text.lower().startswith("source") else f"Source: {text}"


def money_total(amount: float, rule: str, restriction: str = "") -> str:
    """A money total with its rule in the words of TOTAL_RULES: "£782.3m (awards placed in …)"."""
    stated = TOTAL_RULES[rule] + (f"; {restriction}" if restriction else "")
    return f"{theme.format_gbp(amount)} ({stated})"


def citations(cites) -> list[str]:
    """Each cited source once, in the About page's words, in first-use order."""
    from lib.geo import boundaries

    return [CITATIONS[key].format(ons=boundaries.attribution()) for key in dict.fromkeys(cites)]


def _money_restriction(filters: landscape.Filters, data: SlideData, capabilities: bool = True) -> str:
    """What a money total is restricted to, in words (empty: nothing)."""
    names = _capability_names(data)
    parts = []
    if capabilities and filters.capabilities:
        parts.append("capabilities: " + ", ".join(names.get(c, c) for c in filters.capabilities))
    if filters.regions:
        parts.append("regions: " + ", ".join(ITL1_NAMES[r] for r in filters.regions))
    return "; ".join(parts)


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
    # headline_figures sums every award, or only those in the filtered regions: say which.
    rule = "regional_awards" if slide.filters.regions else "all_awards"
    restriction = _money_restriction(slide.filters, data, capabilities=False)
    total = money_total(headline["traced_investment_gbp"], rule, restriction)
    numbers = [
        ("Manufacturing sites", f"{headline['sites']:,}"),
        ("Innovation centres", f"{headline['centres']:,}"),
        ("Regions with a facility", f"{headline['regions_covered']} of 12"),
        ("Traced public grants", headline["traced_investment_label"]),
    ]
    finding = (
        f"{headline['sites']:,} manufacturing sites and {headline['centres']:,} innovation centres "
        f"({_restricted_to(slide, data)}), with traced public investment of {total}."
    )
    return Rendered(
        slide.title,
        slide.finding or finding,
        numbers=numbers,
        note=headline["as_of_note"],
        table=pd.DataFrame(numbers, columns=["measure", "value"]),
        sources=[PROJECT_SOURCE],
        cites=("facts",),
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
        cites=("facts", "towns", "boundaries") if data.outlines is not None else ("facts", "towns"),
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
                # Light stripes: the hatching still marks "partial" without colour, and the
                # dark label on it stays readable.
                marker_pattern_fgopacity=1.0 if match == "full" else 0.45,
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
    return Rendered(slide.title, slide.finding or finding, fig, table, sources=[theme.source_of(fig)])


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
    # Horizontal column labels, wrapped, above the grid: slanted labels cannot be read from a distance.
    columns = ["<br>".join(textwrap.wrap(str(c), 16)) for c in counts.columns]
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=columns,
            y=list(counts.index),
            text=text,
            texttemplate="%{text}",
            coloraxis="coloraxis",
            customdata=np.broadcast_to(np.array(list(counts.columns), dtype=object), values.shape),
            hovertemplate="%{y}<br>%{customdata}: %{z} operational facilities<extra></extra>",
        )
    )
    fig.update_layout(
        height=SLIDE_HEIGHT,
        yaxis=dict(autorange="reversed"),
        xaxis=dict(side="top", tickangle=0),
        coloraxis=dict(colorbar=dict(title="Facilities")),
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
        slide.title,
        slide.finding or finding,
        fig,
        counts.reset_index(names="region"),
        sources=[theme.source_of(fig)],
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
    restriction = _money_restriction(slide.filters, data)
    if top.empty or total == 0:
        finding = "No traced award-level public money matches the filters."
    elif metric == "public_gbp":
        share = float(top["public_gbp"].iloc[0]) / total
        finding = (
            f"{top['name'].iloc[0]} received the most traced public money: "
            f"{theme.format_gbp(top['public_gbp'].iloc[0])}, {share:.0%} of "
            f"{money_total(total, 'regional_awards', restriction)}."
        )
    else:
        finding = (
            f"{top['name'].iloc[0]} received the most traced public money per resident: "
            f"£{top['gbp_per_head'].iloc[0]:,.2f} a head."
        )
    not_stated = int((table["awards"] - table["awards_with_amount"]).sum())
    note = (f"{not_stated} awards with no stated amount are not in the sums. " if not_stated else "") + (
        "UK-wide awards and programme budgets are not counted in any region."
    )
    if not slide.filters.regions:  # the rest of the traced money, so the deck's totals add up
        awards = key_figures.awards(investments)
        uk_wide = float(awards.loc[awards["itl1_code"] == UK_WIDE, "public_gbp"].sum())
        if uk_wide:
            note += f" Not in any region: {money_total(uk_wide, 'uk_wide_awards', restriction)}."
    shown = table.rename(columns={"name": "region"})[
        ["region", "public_gbp", "gbp_per_head", "awards", "awards_with_amount"]
    ]
    cites = ("facts", "population") if metric == "gbp_per_head" else ("facts",)
    return Rendered(
        slide.title, slide.finding or finding, fig, shown, note=note, sources=[INVESTMENT_SOURCE], cites=cites
    )


def region_profile_slide(data: SlideData, slide: story.Slide) -> Rendered:
    """A Region page profile as a slide: the region's one-sentence headline (its money total in the
    words of TOTAL_RULES), its capabilities held, thin and absent (beside a second area if the slide
    names one), what the money counts, and the sources. The default landscape, as on the Region
    page: the slide's filters do not apply. Without an area (a slide made in code) the UK."""
    code = slide.settings.get("area", region_profile.UK)
    codes = [code, *([slide.settings["vs"]] if slide.settings.get("vs") else [])]
    default = landscape.Filters()
    facility_frame = landscape.apply_filters(data.facilities, data.facility_caps, default)
    # The gap method's levels (held, thin, absent) need no reach, so no boundaries here.
    gap_table = gap_method.gap_table(
        landscape.restrict_long(data.facility_caps, default.scopes),
        data.capabilities,
        data.regions,
        kinds=default.kinds,
    )
    profiles = {
        area: region_profile.area_profile(
            area, facility_frame, gap_table, data.investments, data.regions, data.gva, data.bres
        )
        for area in codes
    }
    p = profiles[code]
    cash, cover = p["money"], p["cover"]
    name = region_profile.area_name(code)
    rule = "all_awards" if code == region_profile.UK else "regional_awards"
    restriction = "" if code == region_profile.UK else f"regions: {name}"
    finding = region_profile.headline(
        code,
        region_profile.facility_counts(p["facilities"]),
        region_profile.level_counts(p["capability"]),
        cash,
        cover,
        money_words=money_total(cash.total_gbp, rule, restriction),
    )
    fig = region_figures.capability_slide_chart(
        {area: profiles[area]["capability"] for area in codes},
        slide.title,
        REGION_SOURCE,
        height=SLIDE_HEIGHT,
    )
    # The Region page's money note, short enough to leave the chart its room on a slide.
    money_note = (
        f"Money: public grants only; loans ({theme.format_gbp(cash.loans_gbp)}) are counted apart, not in the total."
        if cash.instrument_known
        else "Money: the data does not say which awards are grants and which are loans."
    )
    note = " ".join(
        filter(None, (region_profile.thin_meaning(codes), money_note, region_profile.low_coverage_reason(cover)))
    )
    sources = [REGION_SOURCE]
    cites = ["facts", "population"]
    # The "at least" wording rests on BRES jobs wherever the area has a BRES figure: credit the ONS.
    if any(profiles[area]["cover"].bres_jobs is not None for area in codes):
        sources.append(f"BRES jobs: {region_profile.ONS_CREDIT}")
        cites.append("ons")
    table = pd.concat(
        [
            profiles[area]["capability"][["capability", "level", "count"]].assign(area=region_profile.area_name(area))
            for area in codes
        ],
        ignore_index=True,
    )[["area", "capability", "level", "count"]]
    return Rendered(
        slide.title,
        slide.finding or finding,
        fig,
        table.rename(columns={"count": "operational facilities"}),
        note=note,
        sources=sources,
        cites=tuple(cites),
    )


BUILDERS = {
    story.MAP: facility_map,
    story.MMIP_CENTRES: mmip_centres,
    story.GAPS: gaps,
    story.INVESTMENT_BY_REGION: investment_by_region,
    story.OVERVIEW_NUMBERS: overview_numbers,
    story.REGION_PROFILE: region_profile_slide,
}

VIEW_LABELS = {
    story.MAP: "Map of sites and centres",
    story.MMIP_CENTRES: "MMIP centres of excellence",
    story.GAPS: "Capability gaps by region",
    story.INVESTMENT_BY_REGION: "Public investment by region",
    story.OVERVIEW_NUMBERS: "Headline numbers",
    story.REGION_PROFILE: "Region profile",
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


# ---------------------------------------------------------------- one layout for every surface
# The Present page, the offline deck and the briefing pack show a slide the same way: the slide's
# title once (above, never inside the chart), the finding in large type, the chart, then the note
# and the source line as text. The chart is redrawn for the surface: no title, no source line
# inside it, and every text at least the surface's minimum size.


def stage_figure(fig: go.Figure, font_px: int, height: int | None = None) -> go.Figure:
    """A copy of a slide's chart for a stage or a slide image: its title and source line removed
    (the slide shows both as text) and every text at least ``font_px`` CSS pixels."""
    out = go.Figure(fig)
    out.layout.annotations = [a for a in out.layout.annotations if a.name != "source"]
    for annotation in out.layout.annotations:
        annotation.font.size = max(annotation.font.size or 0, font_px)
    shows_legend = out.layout.showlegend is not False and sum(t.showlegend is not False for t in out.data) > 1
    has_axes = _has_visible_axes(out)
    out.update_layout(
        title_text="",
        font_size=font_px,
        legend_font_size=font_px,
        hoverlabel_font_size=font_px,
        # Bar labels keep the minimum size even where a bar is thinner than the text: a label a
        # few points high is no label on a projector.
        uniformtext=dict(minsize=font_px, mode="show"),
        margin=dict(t=60 if shows_legend else 16, b=16 if has_axes else 8, l=10, r=40 if has_axes else 10),
    )
    if height:
        out.update_layout(height=height)
    axis_font = dict(tickfont_size=font_px, title_font_size=font_px)
    out.update_xaxes(**axis_font)
    out.update_yaxes(**axis_font)
    out.update_coloraxes(colorbar_tickfont_size=font_px, colorbar_title_font_size=font_px)
    for trace in out.data:
        if "textfont" in trace:
            trace.textfont.size = font_px
        for name in ("insidetextfont", "outsidetextfont"):
            if name in trace:
                trace[name].size = font_px
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = font_px
            trace.colorbar.title.font.size = font_px
        if trace.type == "heatmap":
            trace.xgap, trace.ygap = 2, 2
    return out


def _has_visible_axes(fig: go.Figure) -> bool:
    """Whether the chart has visible axes (the offline map hides both)."""
    return fig.layout.xaxis.visible is not False and any(t.type in theme.AXIS_TRACE_TYPES for t in fig.data)


@dataclass(frozen=True)
class SlideText:
    """The words of a slide, in the order every surface shows them."""

    title: str
    finding: str
    note: str
    source: str


def slide_text(rendered: Rendered) -> SlideText:
    return SlideText(rendered.title, rendered.finding, rendered.note, rendered.source_line)


def sources_text(data: SlideData, cites, made: str) -> tuple[list[str], str]:
    """The sources slide: each source once (About page wording), and the dates line."""
    verified, basis = data.verified
    dates = f"Made {made}. Data last verified: {verified} ({basis})." if verified else f"Made {made}. {basis}."
    return citations(cites), dates
