"""Capability gaps: which capabilities each region has, and lacks."""

import streamlit as st

from lib import analysis, ui

st.title("Capability gaps")
frames = ui.require("capabilities")
facilities, long = ui.facility_tables()
counts = analysis.capability_counts(long, frames["capabilities"], ui.current_filters())
st.dataframe(counts, width="stretch")
