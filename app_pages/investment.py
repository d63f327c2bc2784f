"""Investment: public money for medicines manufacturing by region."""

import streamlit as st

from lib import analysis, ui

st.title("Public investment")
frames = ui.require("investments", "regions")
by_region = analysis.investment_by_region(frames["investments"], frames["regions"])
st.dataframe(by_region, hide_index=True, width="stretch")
