"""Centres of excellence: the four centres the MMIP asked for, and who answers each."""

import streamlit as st

from lib import analysis, ui

st.title("Centres of excellence")
frames = ui.require("centres", "mmip_proposals")
tracker = analysis.mmip_tracker(frames["mmip_proposals"], frames["centres"])
st.dataframe(tracker, hide_index=True, width="stretch")
