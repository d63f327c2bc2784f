"""Map: every site and centre on a UK map that works offline."""

import streamlit as st

from lib import map_figures, ui

st.title("Map of sites and centres")
facilities = ui.filtered_facilities()
st.markdown(f"**{len(facilities):,}** facilities match the filters.")
outlines = ui.region_outlines()
fig = map_figures.facility_map(facilities, outlines=outlines)
ui.chart(fig, key="facility-map", finding=map_figures.facility_map_finding(facilities),
         data=map_figures.facility_table(facilities))
