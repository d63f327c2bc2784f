"""The floor: what any Streamlit + Plotly page costs on this machine (one tiny chart, no data)."""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor: one tiny Plotly chart")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), key="floor")
