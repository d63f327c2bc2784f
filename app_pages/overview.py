"""Overview: the headline numbers of the UK medicines-manufacturing landscape."""

import streamlit as st

from lib import analysis, ui

st.title("UK medicines manufacturing capability")
st.markdown("Where the UK can make medicines, where capability is missing, and where public money has gone.")

frames = ui.require("sites", "centres", "investments", "regions")
filters = ui.current_filters()
facilities = ui.filtered_facilities(filters)
headline = analysis.headline_figures(facilities, frames["investments"], filters)

cols = st.columns(4)
cols[0].metric("Manufacturing sites", f"{headline['sites']:,}")
cols[1].metric("Innovation centres", f"{headline['centres']:,}")
cols[2].metric("Regions with a facility", f"{headline['regions_covered']} of 12")
cols[3].metric("Traced public investment", headline["traced_investment_label"])

st.caption(headline["as_of_note"])
