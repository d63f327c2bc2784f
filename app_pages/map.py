"""Map: every site and centre on a UK map that works offline, and the regions coloured by a metric."""

import streamlit as st

from lib.analysis import map_selection, region_metrics
from lib.data.schemas import ITL1_NAMES
from lib.figures import map_figures
from lib.figures.text_tables import markdown_table
from lib.ui import caching, state, widgets

# Scrolled to, the map fills the window below the app's header (the controls stay above it).
MAP_HEIGHT = "calc(100vh - 5rem)"

st.title("Map of sites and centres")
frames = caching.require("capabilities", "investments", "regions")
view = state.view()
filters, facilities = view.filters, view.facilities
st.markdown(map_figures.count_summary(facilities))

# Settings start from the link (declared in lib/ui/state.py: layer, colour, metric, basemap, site).
for key in ("layer", "colour", "metric", "basemap", "site"):
    state.setting("map", key)

# One map at a time: each map costs time to draw on a conference laptop, and one large map reads
# better on a projector than two side by side.
controls = st.columns([2, 3, 3])
layer = controls[0].radio("Show", list(map_figures.LAYERS), key="url_layer", format_func=map_figures.LAYERS.get)
if layer == "sites":
    colour_by = controls[1].selectbox(
        "Colour sites by",
        list(map_figures.COLOUR_OPTIONS),
        key="url_colour",
        format_func=lambda key: map_figures.COLOUR_OPTIONS[key].label,
    )
    metric = st.session_state["url_metric"]
else:
    metric = controls[1].selectbox(
        "Colour regions by",
        list(region_metrics.METRICS),
        key="url_metric",
        format_func=lambda key: region_metrics.METRICS[key].label,
    )
    colour_by = st.session_state["url_colour"]
basemap = controls[2].radio(
    "Background", list(map_figures.BASEMAPS), key="url_basemap", format_func=map_figures.BASEMAPS.get
)
if basemap != map_figures.DEFAULT_BASEMAP:
    st.warning(
        "Street-map tiles come from the internet. With no connection the whole map, dots "
        "included, stays blank: switch back to the offline background."
    )

# The map beside what it explains: the UK is tall and narrow, so at the window's height it needs
# about half the width; the notes and the selected facilities use the rest instead of empty margins.
map_column, side_column = st.columns([3, 2], gap="large")
with map_column:
    if layer == "sites":
        fig = map_figures.facility_map(
            facilities,
            outlines=caching.region_outlines(),
            colour_by=colour_by,
            capabilities=frames["capabilities"],
            basemap=basemap,
        )
        widgets.chart(
            fig,
            key="facility-map",
            finding=map_figures.facility_map_finding(facilities),
            data=lambda: map_selection.facility_map_table(facilities),
            on_select=state.remember_selected_points("facility-map", "url_site"),
            fill_height=MAP_HEIGHT,
            narrow=True,
        )
        st.caption(map_figures.facility_map_caption(facilities))
        boundary_message = caching.boundary_message()
        if caching.region_outlines() is None:
            st.info(
                f"Region boundaries are not available ({boundary_message}), so the dots are "
                "drawn without region outlines."
            )
        elif "could not be read" in boundary_message:  # a damaged file: say which, and what is drawn instead
            st.info(f"Region boundaries: {boundary_message}.")
    else:
        # Regions are coloured by every filter except region, so the other regions stay clickable.
        context = caching.filtered_facilities(filters.with_regions(())) if filters.regions else facilities
        metrics = region_metrics.region_metrics(
            context, frames["investments"], frames["regions"], caching.datasets().frames.get("ons_gva_pharma_itl1")
        )
        geojson = caching.region_geojson()
        if geojson is None:
            fig = map_figures.region_tile_grid(metrics, metric, selected=filters.regions)
        else:
            fig = map_figures.region_choropleth(
                metrics,
                metric,
                geojson,
                selected=filters.regions,
                basemap=basemap,
                label_points=caching.region_centroids(),
            )
        widgets.chart(
            fig,
            key="region-map",
            finding=region_metrics.metric_finding(metrics, metric),
            data=region_metrics.metric_table(metrics),
            on_select=state.filter_regions_on_click("region-map"),
            fill_height=MAP_HEIGHT,
            narrow=True,
        )
        if geojson is None:
            st.info(
                f"Region boundaries are not available ({caching.boundary_message()}), so regions are drawn "
                "as a tile grid: one equal square per region."
            )
        st.caption(
            "Click a region's dot to show only that region everywhere in the dashboard. Investment counts "
            "award-level public grants with a stated amount, each pound once; programme totals and UK-wide "
            "awards are "
            "not in any region."
        )
        if filters.regions:
            st.button("Show all regions", key="map-all-regions", on_click=state.clear_region_filter)
        if len(filters.regions) == 1:
            # A clicked region's whole story is one click away.
            st.page_link(
                "app_pages/region.py",
                label=f"Open the {ITL1_NAMES[filters.regions[0]]} profile",
                icon=":material/location_on:",
                query_params={"area": filters.regions[0]},
            )

picked_ids = [i for i in st.session_state["url_site"].split(",") if i]
picked = map_selection.facilities_for_selection(facilities, picked_ids)
listed = map_selection.selection_listed(picked) if len(picked) > 1 else picked
with side_column:
    st.subheader("Selected on the map")
    if picked.empty:
        st.caption("Click a dot, or drag a box or lasso (toolbar above the map), to see the facilities here.")
    elif len(picked) == 1:
        with st.container(border=True):
            st.markdown(map_figures.facility_details_markdown(picked.iloc[0], caching.capability_names()))
    else:
        st.markdown(map_figures.selection_heading(len(picked), len(listed)))
        if len(listed) < len(picked):
            widgets.download_buttons(
                lambda: map_selection.facility_table(picked), "facilities-selected-on-the-map", key="map-picked"
            )
if len(picked) > 1:
    # Under both columns, full width: eight columns of text need it. Text, not a data grid: the
    # grid's ~1 MB of JavaScript made the first redraw after a selection ~0.3 s slower.
    st.markdown(markdown_table(map_figures.selection_table(listed, caching.capability_names())))
