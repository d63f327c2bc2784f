"""Figure builders for the UK maps: offline by default, with street tiles only when asked.

The default ("offline") map is an ordinary Plotly chart in British National Grid metres (EPSG:27700,
equal scale on both axes), with the ONS region outlines drawn in the figure. It needs no network,
and it draws in a fraction of the time of a MapLibre map: WebGL start-up and the map style cost about
0.8 s per map in the browser here (see docs/PERFORMANCE.md), which a conference laptop feels. Being
SVG, it can carry direct labels (region values) that a MapLibre map could only draw with glyphs
from a font server. Above :data:`SVG_POINTS_MAX` markers it switches to WebGL (``scattergl``).

The "streets" background needs MapLibre (``scattermap``, ``choroplethmap``) and tiles from the
internet; offline it would stay blank, which the map page says next to the option.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lib.analysis import landscape, map_selection, region_metrics
from lib.data.schemas import CAPABILITY_GROUPS
from lib.figures import text_tables, theme
from lib.geo import projection

LAYERS = {"sites": "Sites and centres", "regions": "Regions coloured by a measure"}


DEFAULT_LAYER = "sites"


UK_CENTER = {"lat": 54.6, "lon": -3.2}


UK_ZOOM = 4.4


MAP_HEIGHT = 720


OFFLINE_STYLE = "white-bg"


BASEMAPS = {
    "offline": "Blank background with ONS outlines (works offline)",
    "streets": "Street map (needs internet)",
}


BASEMAP_STYLES = {"offline": OFFLINE_STYLE, "streets": "open-street-map"}


DEFAULT_BASEMAP = "offline"


# SVG draws a few thousand markers quickly; beyond that WebGL is faster to draw and to pan.
SVG_POINTS_MAX = 3_000


SITE_SIZE_NOT_STATED = 8


CENTRE_SIZE = 20


CENTRE_DOT_SIZE = 8


SUBTYPE_LABELS = {
    "commercial": "Commercial",
    "CDMO": "CDMO (contract manufacturer)",
    "NHS": "NHS",
    "academic": "Academic",
}


SEVERAL_GROUPS = "Several capability groups"


NO_CAPABILITY = "No capability stated"


@dataclass(frozen=True)
class ColourOption:
    label: str
    categories: tuple[str, ...]  # legend order; colours follow theme.CATEGORICAL in this order


COLOUR_OPTIONS: dict[str, ColourOption] = {
    "kind": ColourOption("Site or centre", tuple(landscape.KIND_LABELS.values())),
    "subtype": ColourOption("Site type", (*SUBTYPE_LABELS.values(), landscape.KIND_LABELS[landscape.CENTRE])),
    "status": ColourOption("Status", tuple(s.capitalize() for s in landscape.STATUSES)),
    "capability_group": ColourOption("Capability group", (*CAPABILITY_GROUPS, SEVERAL_GROUPS, NO_CAPABILITY)),
}


DEFAULT_COLOUR = "kind"


def selection_heading(picked: int, listed: int) -> str:
    """What the list under the map says about the facilities picked on it."""
    if listed < picked:
        return f"**{picked:,}** facilities selected; the first {listed:,} by name are listed, the download has all."
    return f"**{picked:,}** facilities selected."


def selection_table(facilities: pd.DataFrame, capability_names: dict[str, str]) -> pd.DataFrame:
    """The facilities picked on the map, as the short readable table shown under it (capability
    names, not ids; where each is, and the source it comes from)."""
    return pd.DataFrame(
        {
            "name": facilities["name"],
            "type": facilities["kind"].map(landscape.KIND_LABELS),
            "town": facilities["town"],
            "region": facilities["region"],
            "status": facilities["status"],
            "capabilities": capability_name_lists(facilities, capability_names),
            "source": facilities["source_url"],
            "as of": facilities["as_of"],
        }
    )


def capability_name_lists(facilities: pd.DataFrame, capability_names: dict[str, str]) -> pd.Series:
    """Each facility's capabilities as readable names ("Biologics, Sterile fill-finish")."""
    long = facilities["capabilities"].explode().dropna()
    names = long.map(capability_names).fillna(long) if capability_names else long
    joined = names.groupby(level=0).agg(", ".join)
    return joined.reindex(facilities.index).fillna("none stated")


def colour_categories(
    facilities: pd.DataFrame, colour_by: str, capability_groups: dict[str, str] | None = None
) -> pd.Series:
    """The legend category of every facility for the chosen colour option."""
    centre_label = landscape.KIND_LABELS[landscape.CENTRE]
    if colour_by == "kind":
        return facilities["kind"].map(landscape.KIND_LABELS)
    if colour_by == "subtype":
        labels = facilities["subtype"].map(SUBTYPE_LABELS)
        return labels.where(facilities["kind"] == landscape.SITE, centre_label)
    if colour_by == "status":
        return facilities["status"].str.capitalize()
    if colour_by == "capability_group":
        groups = facilities["capabilities"].explode().dropna().map(capability_groups or {}).dropna()
        per_facility = groups.groupby(level=0).agg(["nunique", "first"])
        label = per_facility["first"].where(per_facility["nunique"] == 1, SEVERAL_GROUPS)
        return label.reindex(facilities.index).fillna(NO_CAPABILITY)
    raise ValueError(f"unknown colour option {colour_by!r}")


def category_colours(categories) -> dict[str, str]:
    """Colours in the option's legend order; anything unexpected gets the neutral grey."""
    palette = theme.CATEGORICAL
    return {c: palette[i] if i < len(palette) else theme.NEUTRAL for i, c in enumerate(categories)}


def marker_sizes(facilities: pd.DataFrame) -> pd.Series:
    """Dot size grows with the log of employees where a source gives them; centres are large."""
    employees = facilities["employees"].astype("Float64")
    sized = SITE_SIZE_NOT_STATED + 4 * np.log10(1 + employees.fillna(0).astype(float))
    sized = sized.where(facilities["kind"] == landscape.SITE, float(CENTRE_SIZE))
    return sized.round(1)


def uses_tiles(basemap: str) -> bool:
    return basemap in BASEMAP_STYLES and BASEMAP_STYLES[basemap] != OFFLINE_STYLE


def geo_trace(basemap: str, lon, lat, **kwargs):
    """One point or line trace at lon/lat: a MapLibre trace on tiles, else a chart trace in BNG metres."""
    if uses_tiles(basemap):
        return go.Scattermap(lon=lon, lat=lat, **kwargs)
    x, y = projection.to_plane(lon, lat)
    many = kwargs.get("mode") == "markers" and len(x) > SVG_POINTS_MAX
    # float32 (about 6 cm at UK scale) halves what every rerun sends to the browser.
    return (go.Scattergl if many else go.Scatter)(x=x.astype(np.float32), y=y.astype(np.float32), **kwargs)


def map_layout(fig: go.Figure, basemap: str, revision: str, height: int = MAP_HEIGHT) -> None:
    """The view of the UK, legend over the sea, zoom and pan kept across reruns (``uirevision``:
    a filter change redraws the data, not the view)."""
    if uses_tiles(basemap):
        fig.update_layout(map=dict(style=BASEMAP_STYLES[basemap], center=UK_CENTER, zoom=UK_ZOOM))
    else:
        # Equal metres on both axes: the UK keeps its shape at any size. constrain="domain" shrinks
        # the drawing area to the UK's shape instead of widening the ranges: a chart that takes its
        # height from the window is resized after it is drawn, and each resize widened constrained
        # ranges again until the UK was a third of the map's height.
        fig.update_xaxes(
            visible=False, range=list(projection.PLANE_X_RANGE), showgrid=False, zeroline=False, constrain="domain"
        )
        fig.update_yaxes(
            visible=False,
            range=list(projection.PLANE_Y_RANGE),
            showgrid=False,
            zeroline=False,
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
        )
        fig.update_layout(plot_bgcolor="white")
    fig.update_layout(
        uirevision=revision,
        height=height,
        clickmode="event+select",
        dragmode="pan",
        # Right above the UK and centred on it (the map is centred in its chart), not over it: in a
        # narrow column the UK fills the width.
        legend=dict(
            orientation="h", yanchor="bottom", y=1.0, xanchor="center", x=0.5, bgcolor="rgba(255,255,255,0.85)"
        ),
        margin=dict(l=10, r=10, t=110, b=70),
    )


def set_view(fig: go.Figure, center: dict, zoom: float, basemap: str = DEFAULT_BASEMAP) -> go.Figure:
    """Centre a map on ``center`` (lat/lon) at a web-map ``zoom`` (a story slide's setting): each
    zoom step halves the span; at :data:`UK_ZOOM` the span is the whole UK."""
    if uses_tiles(basemap):
        return fig.update_layout(map=dict(center=center, zoom=zoom))
    x, y = projection.to_plane([center["lon"]], [center["lat"]])
    scale = 2.0 ** (UK_ZOOM - zoom)
    half_x = (projection.PLANE_X_RANGE[1] - projection.PLANE_X_RANGE[0]) * scale / 2
    half_y = (projection.PLANE_Y_RANGE[1] - projection.PLANE_Y_RANGE[0]) * scale / 2
    fig.update_xaxes(range=[x[0] - half_x, x[0] + half_x])
    return fig.update_yaxes(range=[y[0] - half_y, y[0] + half_y])


def outline_trace(outlines, basemap: str = DEFAULT_BASEMAP):
    """The ONS region outlines as one line trace; ``outlines`` is (lon, lat) or, already
    projected, (lon, lat, x, y) from :func:`plane_outlines`."""
    style = dict(
        mode="lines", hoverinfo="skip", showlegend=False, line=dict(color=theme.NEUTRAL, width=1), name="ITL1 regions"
    )
    if len(outlines) == 4 and not uses_tiles(basemap):
        return go.Scatter(x=outlines[2], y=outlines[3], **style)
    return geo_trace(basemap, outlines[0], outlines[1], **style)


def _hover_frame(rows: pd.DataFrame, capability_names: dict[str, str], categories: pd.Series) -> np.ndarray:
    known = rows["employees"].dropna().astype(float)
    employees = known.map("{:,.0f}".format).astype(object).reindex(rows.index, fill_value="not stated")
    return np.stack(
        [
            rows["facility_id"].astype(str),
            theme.plain_text(rows["name"]),
            theme.plain_text(rows["organisation"]),
            theme.plain_text(rows["town"].fillna("town not stated")),
            capability_name_lists(rows, capability_names),
            theme.plain_text(rows["status"]),
            theme.plain_text(rows["source_url"]),
            employees.astype(str),
            categories.astype(str),
            rows["kind"].map(landscape.KIND_LABELS).astype(str),
        ],
        axis=-1,
    )


POINT_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[9]} · %{customdata[8]}<br>"
    "Company / operator: %{customdata[2]}<br>Town: %{customdata[3]}<br>"
    "Capabilities: %{customdata[4]}<br>Status: %{customdata[5]}<br>"
    "Employees: %{customdata[7]}<br>Source: %{customdata[6]}<extra></extra>"
)


def facility_map(
    facilities: pd.DataFrame,
    outlines: tuple[np.ndarray, np.ndarray] | None = None,
    title: str | None = None,
    colour_by: str = DEFAULT_COLOUR,
    capabilities: pd.DataFrame | None = None,
    basemap: str = DEFAULT_BASEMAP,
) -> go.Figure:
    """Every facility as a dot (or, above map_selection.AGGREGATE_ABOVE, counts per grid square).

    Colour shows the chosen category (legend names it, with counts); dot size shows employees
    where known; innovation centres are large dots with a white centre, so they stand out without
    relying on colour. ``customdata[0]`` of every point is its facility id (or grid-square id).
    """
    fig = go.Figure()
    if outlines is not None:
        fig.add_trace(outline_trace(outlines, basemap))
    if map_selection.is_aggregated(facilities):
        _add_grid_trace(fig, map_selection.grid_cells(facilities), basemap)
    else:
        _add_point_traces(fig, facilities.loc[map_selection.located_mask(facilities)], colour_by, capabilities, basemap)
    map_layout(fig, basemap, "uk-map")
    theme.apply(
        fig, title or facility_map_title(facilities), "project dataset (data/source); region outlines: " + _ons()
    )
    return fig


def _add_point_traces(
    fig: go.Figure, located: pd.DataFrame, colour_by: str, capabilities: pd.DataFrame | None, basemap: str
) -> None:
    names = dict(zip(capabilities["capability_id"], capabilities["name"])) if capabilities is not None else {}
    groups = dict(zip(capabilities["capability_id"], capabilities["group"])) if capabilities is not None else {}
    categories = colour_categories(located, colour_by, groups)
    sizes = marker_sizes(located)
    custom = _hover_frame(located, names, categories)
    option_order = COLOUR_OPTIONS[colour_by].categories
    order = [*option_order, *sorted(set(categories) - set(option_order))]
    colours = category_colours(order)
    for category in order:
        picked = (categories == category).to_numpy()
        if not picked.any():
            continue
        rows = located.loc[picked]
        fig.add_trace(
            geo_trace(
                basemap,
                rows["longitude"],
                rows["latitude"],
                mode="markers",
                marker=dict(size=sizes[picked], color=colours[category], opacity=0.85),
                name=f"{category} ({int(picked.sum()):,})",
                legendgroup=category,
                customdata=custom[picked],
                hovertemplate=POINT_HOVER,
            )
        )
    centres = (located["kind"] == landscape.CENTRE).to_numpy()
    if centres.any():
        rows = located.loc[centres]
        fig.add_trace(
            geo_trace(
                basemap,
                rows["longitude"],
                rows["latitude"],
                mode="markers",
                marker=dict(size=CENTRE_DOT_SIZE, color="white", opacity=1),
                name="Large dot, white centre: innovation centre",
                customdata=custom[centres],
                hovertemplate=POINT_HOVER,
            )
        )


def _add_grid_trace(fig: go.Figure, cells: pd.DataFrame, basemap: str) -> None:
    counts = cells["facilities"].to_numpy(float)
    sizes = 6 + 4 * np.log10(1 + counts) if len(counts) else []
    fig.add_trace(
        geo_trace(
            basemap,
            cells["longitude"],
            cells["latitude"],
            mode="markers",
            marker=dict(
                size=sizes,
                color=counts,
                colorscale=theme.SEQUENTIAL_SCALE,
                opacity=0.9,
                cmin=0,
                colorbar=dict(title=dict(text=f"facilities per<br>{map_selection.GRID_KM} km square"), x=1.0),
            ),
            name=f"Facilities per {map_selection.GRID_KM} km square",
            showlegend=False,
            customdata=np.stack([cells["cell"], cells["facilities"], cells["centres"]], axis=-1)
            if len(cells)
            else None,
            hovertemplate=(
                f"<b>%{{customdata[1]:,}} facilities</b> in this {map_selection.GRID_KM} km square"
                "<br>of which innovation centres: %{customdata[2]:,}<extra></extra>"
            ),
        )
    )


def facility_map_title(facilities: pd.DataFrame) -> str:
    if facilities.empty:
        return "No facility matches the filters"
    top = facilities["region"].value_counts()
    if top.empty:
        return f"{len(facilities):,} medicines-manufacturing facilities across the UK"
    return f"{len(facilities):,} medicines-manufacturing facilities; most are in {top.index[0]} ({top.iloc[0]:,})"


def facility_map_finding(facilities: pd.DataFrame) -> str:
    if facilities.empty:
        return "No facility matches the filters."
    top = facilities["region"].value_counts()
    return f"{top.index[0]} has the most facilities matching the filters ({top.iloc[0]:,} of {len(facilities):,})."


def count_summary(facilities: pd.DataFrame) -> str:
    """The headline count above the map (Markdown)."""
    sites = int((facilities["kind"] == landscape.SITE).sum())
    centres = int((facilities["kind"] == landscape.CENTRE).sum())
    return (
        f"**{len(facilities):,}** facilities match the filters: {sites:,} manufacturing sites and "
        f"{centres:,} innovation centres."
    )


def _markdown_text(value) -> str:
    """Data text made inert for Markdown (lib.figures.text_tables.markdown_text); missing -> "not stated"."""
    missing = value is None or value is pd.NA or value != value
    return "not stated" if missing else text_tables.markdown_text(value)


def facility_details_markdown(facility: pd.Series, capability_names: dict[str, str]) -> str:
    """The details panel for one picked facility (Markdown)."""
    capabilities = ", ".join(capability_names.get(c, c) for c in facility["capabilities"]) or "none stated"
    employees = facility["employees"]
    lines = [
        f"### {_markdown_text(facility['name'])}",
        f"**{landscape.KIND_LABELS[facility['kind']]}** · {_markdown_text(facility['subtype'])} · "
        f"{_markdown_text(facility['status'])}",
        f"- Company / operator: {_markdown_text(facility['organisation'])}",
        f"- Town: {_markdown_text(facility['town'])}, {_markdown_text(facility['region'])}",
        f"- Capabilities: {_markdown_text(capabilities)}",
        f"- Approximate employees: {'not stated' if pd.isna(employees) else f'{int(employees):,}'}",
        f"- Location precision: {_markdown_text(facility['location_precision'])}",
        f"- Source ({_markdown_text(facility['as_of'])}): {_markdown_text(facility['source_url'])}",
    ]
    if isinstance(facility["note"], str) and facility["note"]:
        lines.append(f"- Note: {_markdown_text(facility['note'])}")
    return "\n".join(lines)


def facility_map_caption(facilities: pd.DataFrame) -> str:
    """What the marks mean, and whether points were aggregated."""
    placed = int(map_selection.located_mask(facilities).sum())
    unplaced = len(facilities) - placed
    parts = []
    if map_selection.is_aggregated(facilities):
        parts.append(
            f"{placed:,} facilities are too many to draw one by one, so each circle counts "
            f"the facilities in a {map_selection.GRID_KM} km square (hover for the count); filter below "
            f"{map_selection.AGGREGATE_ABOVE:,} to see individual sites. Colour-by applies to individual sites."
        )
    else:
        parts.append(
            "Dot size shows approximate employees where a source gives a number (smallest dots: "
            "not stated). Innovation centres are large dots with a white centre."
        )
    if unplaced:
        has, be = ("facility has", "is") if unplaced == 1 else ("facilities have", "are")
        parts.append(f"{unplaced:,} {has} no single location (e.g. a programme) and {be} not drawn.")
    return " ".join(parts)


def _region_custom(metrics: pd.DataFrame, metric: str) -> np.ndarray:
    awards_note = (
        metrics["awards_with_amount"].astype(str)
        + " of "
        + metrics["awards"].astype(str)
        + " regional awards state an amount"
    )
    return np.stack(
        [
            metrics["itl1_code"],
            metrics["name"],
            region_metrics.formatted(metrics, metric),
            metrics["facilities"].map("{:,}".format),
            awards_note,
        ],
        axis=-1,
    )


def _scale_top(metrics: pd.DataFrame, metric: str) -> float:
    """The colour scale runs from zero (a region with none is the lightest) to the largest value."""
    top = metrics[region_metrics.METRICS[metric].column].astype(float).max()
    return float(top) if top == top and top > 0 else 1.0


def _selected_line(metrics: pd.DataFrame, selected) -> tuple[list[float], list[str]]:
    chosen = metrics["itl1_code"].isin(list(selected or ()))
    widths = np.where(chosen, 4.0, 1.0).tolist()
    colours = np.where(chosen, theme.TEXT, "white").tolist()
    return widths, colours


def region_map_title(metrics: pd.DataFrame, metric: str) -> str:
    spec = region_metrics.METRICS[metric]
    values = metrics[spec.column].astype(float)
    if values.fillna(0).eq(0).all():
        return f"{spec.label}: none for the current filters"
    top = values.idxmax()
    return f"{spec.label}: highest in {metrics.at[top, 'name']}"


REGION_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>Sites and centres: %{customdata[3]}"
    "<br>%{customdata[4]}<br><i>Click to show only this region</i><extra></extra>"
)


def region_choropleth(
    metrics: pd.DataFrame,
    metric: str,
    geojson: dict,
    selected=(),
    basemap: str = DEFAULT_BASEMAP,
    label_points: pd.DataFrame | None = None,
) -> go.Figure:
    """ITL1 regions coloured by ``metric`` (sequential palette from zero, colour bar with units).

    Offline: each region is a filled outline, and a dot inside it (``label_points``: itl1_code,
    latitude, longitude) carries its value as a direct label, the hover and the click; on street
    tiles, a MapLibre choropleth. Either way ``customdata[0]`` of what a click returns is the ITL1
    code, and picked regions get a thick dark outline.
    """
    spec = region_metrics.METRICS[metric]
    if uses_tiles(basemap):
        fig = _region_choropleth_on_tiles(metrics, metric, geojson, selected)
    else:
        fig = _region_choropleth_offline(metrics, metric, geojson, selected, label_points)
    map_layout(fig, basemap, "region-map")
    fig.update_layout(dragmode=False, showlegend=False, margin=dict(t=70))
    theme.apply(fig, region_map_title(metrics, metric), f"{spec.source}. Boundaries: {_ons()}")
    return fig


def _region_choropleth_on_tiles(metrics, metric, geojson, selected) -> go.Figure:
    spec = region_metrics.METRICS[metric]
    widths, colours = _selected_line(metrics, selected)
    return go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=metrics["itl1_code"],
            featureidkey="id",
            z=metrics[spec.column].astype(float),
            zmin=0,
            zmax=_scale_top(metrics, metric),
            colorscale=theme.SEQUENTIAL_SCALE,
            marker=dict(opacity=0.9, line=dict(width=widths, color=colours)),
            colorbar=dict(title=dict(text=spec.unit), thickness=14),
            customdata=_region_custom(metrics, metric),
            hovertemplate=REGION_HOVER,
            name=spec.label,
        )
    )


def region_rings(geojson: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every feature's outer rings as lon/lat arrays separated by NaN (one filled trace per region;
    a loop over a dozen features, not over rows)."""
    rings = {}
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        parts = [np.vstack([np.asarray(polygon[0], dtype=float), [np.nan, np.nan]]) for polygon in polygons if polygon]
        if parts:
            coords = np.vstack(parts)
            rings[str(feature.get("id"))] = (coords[:, 0], coords[:, 1])
    return rings


def ring_label_points(rings: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """A label point per region when no representative point is given: the middle of the bounding
    box of its outline (inside the region for compact shapes; callers with geopandas pass better)."""
    codes = list(rings)
    lon = [np.nanmean([np.nanmin(rings[c][0]), np.nanmax(rings[c][0])]) for c in codes]
    lat = [np.nanmean([np.nanmin(rings[c][1]), np.nanmax(rings[c][1])]) for c in codes]
    return pd.DataFrame({"itl1_code": codes, "latitude": lat, "longitude": lon})


def _region_choropleth_offline(metrics, metric, geojson, selected, label_points) -> go.Figure:
    spec = region_metrics.METRICS[metric]
    values = metrics[spec.column].astype(float)
    top = _scale_top(metrics, metric)
    shares = (values / top).clip(0, 1).fillna(0).to_numpy()
    fills = sample_colorscale(theme.SEQUENTIAL_SCALE, shares.tolist())
    widths, line_colours = _selected_line(metrics, selected)
    rings = region_rings(geojson)
    fig = go.Figure()
    for code, fill, width, line_colour in zip(metrics["itl1_code"], fills, widths, line_colours):
        if code not in rings:
            continue
        x, y = projection.to_plane(*rings[code])
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                hoverinfo="skip",
                line=dict(color=line_colour if width > 1 else "white", width=width),
                name=code,
                showlegend=False,
            )
        )
    if label_points is None:
        label_points = ring_label_points(rings)
    points = metrics[["itl1_code"]].merge(label_points, on="itl1_code", how="left")
    x, y = projection.to_plane(points["longitude"], points["latitude"])
    dark = shares > 0.5  # white text on the darker half of the scale
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            text=region_metrics.formatted(metrics, metric).tolist(),
            textposition="bottom center",
            textfont=dict(size=14, color=np.where(dark, "white", theme.TEXT).tolist()),
            marker=dict(
                size=12,
                color=values,
                cmin=0,
                cmax=top,
                colorscale=theme.SEQUENTIAL_SCALE,
                line=dict(width=2, color=np.where(dark, "white", theme.TEXT).tolist()),
                colorbar=dict(title=dict(text=spec.unit), thickness=14),
            ),
            customdata=_region_custom(metrics, metric),
            hovertemplate=REGION_HOVER,
            name=spec.label,
            showlegend=False,
        )
    )
    return fig


TILE_NAMES = {
    "Yorkshire and The Humber": "Yorkshire and<br>The Humber",
    "East of England": "East of<br>England",
    "Northern Ireland": "Northern<br>Ireland",
    "East Midlands": "East<br>Midlands",
    "West Midlands": "West<br>Midlands",
    "North West": "North<br>West",
    "North East": "North<br>East",
    "South West": "South<br>West",
    "South East": "South<br>East",
}


def region_tile_grid(metrics: pd.DataFrame, metric: str, selected=()) -> go.Figure:
    """The fallback when no boundary file is available: 12 equal squares roughly where each region
    lies, coloured by the metric, each labelled with its name and value."""
    from lib.geo import boundaries

    spec = region_metrics.METRICS[metric]
    positions = metrics["itl1_code"].map(boundaries.TILE_GRID)
    rows = positions.str[0].astype(float)
    cols = positions.str[1].astype(float)
    values = metrics[spec.column].astype(float)
    top = _scale_top(metrics, metric)
    dark = (values / top).fillna(0) > 0.5  # white text on the darker half of the scale
    widths, line_colours = _selected_line(metrics, selected)
    labels = metrics["name"].replace(TILE_NAMES) + "<br><b>" + region_metrics.formatted(metrics, metric) + "</b>"
    fig = go.Figure(
        go.Scatter(
            x=cols,
            y=-rows,
            mode="markers+text",
            text=labels,
            textfont=dict(color=np.where(dark, "white", theme.TEXT).tolist(), size=theme.SOURCE_FONT_SIZE),
            marker=dict(
                symbol="square",
                size=108,
                color=values,
                cmin=0,
                cmax=top,
                colorscale=theme.SEQUENTIAL_SCALE,
                line=dict(width=widths, color=line_colours),
                colorbar=dict(title=dict(text=spec.unit), thickness=14),
            ),
            customdata=_region_custom(metrics, metric),
            hovertemplate=REGION_HOVER,
            name=spec.label,
        )
    )
    fig.update_xaxes(visible=False, range=[-0.6, 3.6], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-4.6, 0.6], fixedrange=True, scaleanchor="x")
    fig.update_layout(height=MAP_HEIGHT, clickmode="event+select", dragmode=False, showlegend=False)
    theme.apply(
        fig,
        region_map_title(metrics, metric),
        f"{spec.source}. Tile grid: each region drawn as an equal square (no boundary file available)",
    )
    return fig


def _ons() -> str:
    from lib.geo import boundaries

    return boundaries.ons_credit()
