"""Overview: the landscape at a glance (projector-readable), each part linking to its page."""

import streamlit as st

from lib.analysis import gaps, key_figures
from lib.figures import map_figures
from lib.figures.text_tables import markdown_table
from lib.ui import caching, state, widgets

TOP_N = 5
# The map fills the window below the headline figures (about 21rem of page above it).
OVERVIEW_MAP_HEIGHT = "calc(100vh - 6rem)"

st.title("UK medicines manufacturing capability")
st.markdown("Where the UK can make medicines, where capability is missing, and where public money has gone.")

frames = caching.require("sites", "centres", "investments", "regions", "capabilities")
view = state.view()
filters, facilities = view.filters, view.facilities
# The headline figures sit above the map but are sent after it: the browser fetches the chart
# code (~4.7 MB of JavaScript) only when the first chart reaches it, and the figures are quick
# to compute and draw. The half-and-half columns below are laid out first, empty.
figures_slot = st.container()
# Half and half: the UK is tall and narrow, so the map fills its height in half the width, and the
# lists beside it get the room their tables need on a laptop.
map_column, lists_column = st.columns(2, gap="large")
with map_column:
    fig = map_figures.facility_map(facilities, outlines=caching.region_outlines(), capabilities=frames["capabilities"])
    widgets.chart(
        fig,
        key="overview-map",
        finding=map_figures.facility_map_finding(facilities),
        narrow=True,
        height=560,
        fill_height=OVERVIEW_MAP_HEIGHT,
    )
    st.page_link("app_pages/map.py", label="Explore the map", icon=":material/map:")

headline = key_figures.headline_figures(facilities, frames["investments"], filters)
with figures_slot:
    cols = st.columns(4)
    cols[0].metric("Manufacturing sites", f"{headline['sites']:,}")
    cols[1].metric("Innovation centres", f"{headline['centres']:,}")
    cols[2].metric("Regions with a facility", f"{headline['regions_covered']} of 12")
    cols[3].metric("Traced public grants", headline["traced_investment_label"])
    st.caption(headline["as_of_note"] + " Source: project dataset of public, cited pages (see About the data).")

with lists_column:
    st.subheader("Largest capability gap in each of the worst-served regions", anchor=False)
    top_gaps = gaps.top_gaps(
        gaps.restrict(caching.gap_table(filters), filters.capabilities, filters.regions),
        TOP_N,
        one_per_region=True,
    )
    # Markdown tables: five rows read better on a projector as text that wraps than in a grid, and
    # the page then needs no table code in the browser (see lib/figures/text_tables.py).
    st.markdown(
        markdown_table(
            # Four short columns fit the narrow column at 1366 px (rank is the row order; a fifth
            # column, "operational facilities", pushed the table past its column).
            top_gaps.assign(gap=gaps.level_label(top_gaps, short=True))[
                ["region", "capability", "gap", "count"]
            ].rename(columns={"count": "facilities"})
        )
    )
    if top_gaps.get("low_confidence", top_gaps.index.to_series().map(lambda _: False)).any():
        st.caption(gaps.LOW_CONFIDENCE_NOTE)
    st.page_link("app_pages/gaps.py", label="All capability gaps", icon=":material/grid_view:")

    st.subheader("Most public grants (traced awards)", anchor=False)
    by_region = key_figures.investment_by_region(frames["investments"], frames["regions"])
    st.markdown(markdown_table(key_figures.top_funded_regions(by_region, TOP_N, filters.regions)))
    st.caption(
        "Public grants with a stated amount placed in one region, each pound once; UK-wide awards and programme budgets "
        "are not counted in any region."
    )
    st.page_link("app_pages/investment.py", label="All public investment", icon=":material/payments:")

st.page_link(
    "app_pages/centres.py", label="Centres of excellence: which MMIP proposals are answered", icon=":material/hub:"
)
st.page_link("app_pages/directory.py", label="Search the directory of sites and centres", icon=":material/search:")
