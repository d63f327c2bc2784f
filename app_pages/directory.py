"""Directory: search and export the manufacturers, sites and centres."""

import streamlit as st

from lib import map_figures, ui

st.title("Directory")
facilities = ui.filtered_facilities()
table = map_figures.facility_table(facilities)
st.markdown(f"**{len(table):,}** facilities match the filters.")
st.dataframe(table, hide_index=True, width="stretch")
ui.download_buttons(table, "uk-medicines-manufacturing-directory", key="directory")
