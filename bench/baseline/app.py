"""The naive baseline: the obvious Streamlit map app a user would write instead of this dashboard.

Deliberately no caching: it reads the CSV files on every rerun, filters with row-wise Python and
plots every point. It uses the same offline map style ("white-bg") and the same filter labels as
the dashboard so the browser measures the same kind of work. Data: ``BENCH_DATA_DIR`` holding
``sites.csv`` and ``regions.csv`` (written by ``bench.datasets``).
"""

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

data_dir = Path(os.environ.get("BENCH_DATA_DIR", Path(__file__).resolve().parents[2] / "data" / "source"))

st.title("Map of sites (naive baseline)")
sites = pd.read_csv(data_dir / "sites.csv")
regions = pd.read_csv(data_dir / "regions.csv")
names = dict(zip(regions["itl1_code"], regions["name"]))
capabilities = sorted({c for text in sites["capabilities"].dropna() for c in text.split(";")})

with st.sidebar:
    chosen_capabilities = st.multiselect("Capability area", capabilities)
    chosen_regions = st.multiselect("Region (ITL1)", list(names), format_func=names.get)

shown = sites
if chosen_regions:
    shown = shown[shown["itl1_code"].isin(chosen_regions)]
if chosen_capabilities:
    shown = shown[shown["capabilities"].apply(lambda text: any(c in str(text).split(";") for c in chosen_capabilities))]
st.write(f"{len(shown):,} sites match the filters.")

fig = px.scatter_map(
    shown,
    lat="latitude",
    lon="longitude",
    hover_name="company",
    color="status",
    zoom=4.3,
    center={"lat": 54.5, "lon": -3.0},
    height=700,
    map_style="white-bg",
)
event = st.plotly_chart(fig, key="baseline-map", on_select="rerun", selection_mode=("points", "box", "lasso"))
selected = event.selection.points if event and event.selection else []
if selected:
    st.write(f"{len(selected):,} sites selected.")
    st.dataframe(pd.DataFrame(selected))
st.dataframe(shown)
