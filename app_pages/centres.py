"""Centres of excellence: the four centres the MMIP asked for, who answers each, and every other centre."""

import streamlit as st

from lib.analysis import centres
from lib.figures import centre_figures
from lib.figures.text_tables import markdown_table
from lib.ui import caching, state, widgets

st.title("Centres of excellence")
frames = caching.require("centres", "mmip_proposals", "capabilities")
names = caching.capability_names()
tracker = centres.mmip_tracker(frames["mmip_proposals"], frames["centres"])
coverage = centres.proposal_coverage(tracker)

st.subheader("The four centres the MMIP asked for", anchor=False)
st.markdown(centres.coverage_finding(coverage))
for proposal in coverage.loc[coverage["coverage"] == centres.COVERAGE_NONE].itertuples():
    st.warning(f"**{proposal.proposal_id} {proposal.title}: {centres.UNANSWERED.lower()}.**", icon=":material/warning:")
# Markdown tables: a few rows of long text wrap instead of being cut off in a grid (better on a
# projector), and the page needs no table code in the browser (~0.3 s less to open, measured).
st.markdown(markdown_table(centres.tracker_table(tracker, names)))
st.caption(
    "Source: MMIP, Manufacturing Vision for UK Pharma (2017), and the cited page of each centre. "
    'Money is what a source states for the centre; "not stated" means no source gives it (it is '
    "not zero). A partial match covers part of what the proposal asked for."
)

st.subheader("Every other centre", anchor=False)
facility_frame, _long = caching.facility_tables()
others = centres.other_centre_facilities(facility_frame, frames["centres"])
fig = centre_figures.centre_map(others, outlines=caching.region_outlines(), title=centres.centre_map_title(others))
other_rows = centres.other_centres(frames["centres"])
widgets.chart(fig, key="centres-map", finding=centres.other_centres_finding(other_rows), height=560)
st.markdown(markdown_table(centres.compact_centre_table(centres.centre_table(other_rows, names))))

st.subheader("Centre profile", anchor=False)
ordered = centres.centre_table(frames["centres"], names)
centre_names = dict(zip(ordered["id"], ordered["Centre"]))
state.setting("centres", "centre")
chosen = st.selectbox(
    "Centre", list(centre_names), format_func=centre_names.get, key=state.session_key("centres", "centre")
)
widgets.profile(centres.centre_profile(frames["centres"], frames["mmip_proposals"], chosen, names))
