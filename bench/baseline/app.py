"""The plain baseline: the Streamlit map app a user would write instead of this dashboard.

It reads the CSV on every rerun, has one sidebar multiselect (regions, with about 30% of the rows
selected at start), and draws every selected point with ``px.scatter_map`` on the offline
``white-bg`` style. Nothing is cached. Box selection is on (``on_select="rerun"``) so the bench can
time a redraw after a selection in both apps. Data: ``BENCH_DATA_DIR`` holding ``sites.csv`` and
``regions.csv`` (written by ``bench.datasets``: the same sites as the dashboard at each size).
"""

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

data_dir = Path(os.environ.get("BENCH_DATA_DIR", Path(__file__).resolve().parents[2] / "data" / "source"))

st.title("Map of sites (plain baseline)")
sites = pd.read_csv(data_dir / "sites.csv")
regions = pd.read_csv(data_dir / "regions.csv")
names = dict(zip(regions["itl1_code"], regions["name"]))

# Regions in code order until about 30% of the rows are selected.
share = sites["itl1_code"].value_counts(normalize=True).reindex(list(names), fill_value=0).cumsum()
default = list(share.index[: int((share < 0.3).sum()) + 1])

with st.sidebar:
    chosen = st.multiselect("Region (ITL1)", list(names), default=default, format_func=names.get)

shown = sites[sites["itl1_code"].isin(chosen)]
st.write(f"{len(shown):,} sites match the filter.")
fig = px.scatter_map(
    shown,
    lat="latitude",
    lon="longitude",
    hover_name="company",
    zoom=4.3,
    center={"lat": 54.5, "lon": -3.0},
    height=700,
    map_style="white-bg",
)
event = st.plotly_chart(fig, key="baseline-map", on_select="rerun", selection_mode=("points", "box", "lasso"))
selected = event.selection.points if event and event.selection else []
if selected:
    st.write(f"{len(selected):,} sites selected.")
