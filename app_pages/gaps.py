"""Capability gaps: which capabilities each region lacks, by a stated method, and what a new
centre would change."""

import streamlit as st

from lib import config
from lib.analysis import gaps, landscape
from lib.data.schemas import ITL1_CODES, ITL1_NAMES
from lib.figures import gap_figures
from lib.ui import caching, state, widgets

TOP_N = 10

st.title("Capability gaps")
frames = caching.require("capabilities", "regions", "sites", "centres")
filters = state.view().filters
facilities = caching.facility_tables()[0]
table = caching.gap_table(filters)
params = gaps.GapParams()
basis = gaps.reach_basis(caching.lad_centroids(), caching.region_centroids())
source = gap_figures.source_line(basis)
names = caching.capability_names()

st.markdown(
    "Where the UK lacks which medicines-manufacturing capability, region by region. Each region and "
    "capability gets a **gap score** from 0 (no gap) to 1 (the largest) that combines absence, density "
    "per million people and distance to the nearest facility; the method is in the last tab. "
    f"Counting: {landscape.describe_filters(landscape.Filters(kinds=filters.kinds), names)}, operational only."
)
if basis == gaps.REACH_UNAVAILABLE:
    st.warning(
        "No ONS boundary file is available, so distance (reach) is not measured: scores use absence and density only."
    )
elif basis == gaps.REACH_FROM_REGIONS:
    st.info("Local-authority boundaries are missing: distances are measured from each region's central point.")

with st.container(border=True):
    st.subheader("The gaps the MMIP named")
    st.markdown("\n".join(f"- {finding}" for finding in gaps.mmip_named_summary(table)["finding"]))
mmip_only = st.toggle("Show only the MMIP-named gap capabilities", key="gaps_mmip_only")

by_capability = gaps.restrict(table, filters.capabilities, mmip_only=mmip_only)
shown = gaps.restrict(by_capability, regions=filters.regions)
if shown.empty:
    st.info("No region or capability matches the filters. Clear the capability or region filter.")

# One view at a time, in the link (?gaps_view=…): only the open tab runs and is drawn, so the page
# opens with one chart instead of five, and a presenter can link straight to a view.
VIEWS = list(state.TABS["gaps"])
views = dict(zip(VIEWS, st.tabs(VIEWS, key=state.TAB_KEYS["gaps"], bind="query-params")))

with views["Gap scores"]:
    if views["Gap scores"].open and not shown.empty:
        st.subheader("Gap score by region and capability", anchor=False)
        widgets.chart(
            gap_figures.gap_heatmap(shown, source),
            key="gaps-heatmap",
            finding=gap_figures.heatmap_finding(shown),
            data=gaps.score_matrix(shown).round(2).reset_index(),
        )

with views["Largest gaps"]:
    if views["Largest gaps"].open:
        st.subheader("The largest regional gaps", anchor=False)
        top = gaps.top_gaps(shown, TOP_N)
        if top.empty:
            st.info("No regional gap matches the filters (national gaps are in their own tab).")
        else:
            widgets.chart(
                gap_figures.top_gaps_figure(top, source),
                key="gaps-top",
                finding=f"The {len(top)} largest regional gaps; national gaps are in their own tab.",
            )
            st.dataframe(gap_figures.readable_gaps(top), hide_index=True, width="stretch", key="gaps-top-table")

with views["National gaps"]:
    if views["National gaps"].open:
        st.subheader("National gaps: thin across the whole UK", anchor=False)
        national = gaps.national_gaps(by_capability)
        if national.empty:
            st.info("No capability is thin across the whole UK for the current filters.")
        else:
            widgets.chart(
                gap_figures.national_figure(national, params, len(ITL1_CODES), source),
                key="gaps-national",
                finding=(
                    f"A capability held in fewer than {params.national_min_regions} of the "
                    f"{len(ITL1_CODES)} regions is a national gap."
                ),
                data=national.drop(columns=["capability_id"]),
            )

with views["Compare two regions"]:
    if views["Compare two regions"].open:
        order = list(gaps.region_gap_scores(table)["itl1_code"])
        left, right = st.columns(2)
        region_a = left.selectbox("First region", order, index=0, format_func=ITL1_NAMES.get, key="gaps_compare_a")
        region_b = right.selectbox(
            "Second region", order, index=len(order) - 1, format_func=ITL1_NAMES.get, key="gaps_compare_b"
        )
        comparison = gaps.compare_regions(by_capability, region_a, region_b)
        if not comparison.empty:
            widgets.chart(
                gap_figures.compare_figure(comparison, ITL1_NAMES[region_a], ITL1_NAMES[region_b], source),
                key="gaps-compare",
                finding=gap_figures.compare_finding(comparison, ITL1_NAMES[region_a], ITL1_NAMES[region_b])
                + " Bars: gap score.",
                data=comparison,
            )


def what_if() -> None:
    proposed = gaps.proposed_facilities(facilities)
    mode = st.radio(
        "Proposal", ["A proposed facility in the data", "My own proposal"], horizontal=True, key="gaps_whatif_mode"
    )
    proposal = None
    if mode == "A proposed facility in the data":
        if proposed.empty:
            st.info("The data holds no proposed or under-construction facility with a capability.")
        else:
            labels = gaps.proposal_labels(proposed)
            chosen = st.selectbox("Facility", list(labels), format_func=labels.get, key="gaps_whatif_facility")
            proposal = gaps.proposal_from_facility(proposed.set_index("facility_id").loc[chosen])
    else:
        left, right = st.columns(2)
        region = left.selectbox("Region", list(ITL1_CODES), format_func=ITL1_NAMES.get, key="gaps_whatif_region")
        picked = right.multiselect(
            "Capabilities",
            list(names),
            format_func=names.get,
            key="gaps_whatif_caps",
            placeholder="Choose one or more capabilities",
        )
        towns = gaps.town_locations(facilities, region)
        town = st.selectbox(
            "Town (coordinates from the dataset)", [gaps.NO_TOWN, *towns["town"]], key="gaps_whatif_town"
        )
        if picked:
            proposal = gaps.user_proposal(region, picked, town, towns)
        else:
            st.caption("Choose at least one capability to see what the centre would change.")

    if proposal is not None:
        if proposal.latitude is None:
            st.caption("This proposal has no stated place: it counts in its region but does not change distances.")
        after = caching.gap_table(filters, proposal)
        delta = gaps.what_if_delta(by_capability, gaps.restrict(after, filters.capabilities, mmip_only=mmip_only))
        narrowed = gaps.narrowed_gaps(delta)
        label = proposal.label if mode == "My own proposal" else "This facility"
        widgets.chart(
            gap_figures.what_if_figure(narrowed, label, source),
            key="gaps-whatif",
            finding=" ".join(filter(None, [gap_figures.what_if_finding(narrowed), gaps.widening_note(delta)])),
            data=gap_figures.readable_delta(delta),
        )


with views["What if a centre opened"]:
    if views["What if a centre opened"].open:
        what_if()

with views["How we measure gaps"]:
    if views["How we measure gaps"].open:
        st.markdown((config.PROJECT_ROOT / "docs" / "gaps_method.md").read_text(encoding="utf-8"))
