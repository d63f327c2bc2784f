"""About the data: what it is, what it is not, its sources and licences."""

import streamlit as st

from lib import config
from lib.analysis import key_figures
from lib.ui import caching, widgets

st.title("About the data")
st.markdown((config.PROJECT_ROOT / "docs" / "about_data.md").read_text(encoding="utf-8"))
data = caching.datasets()
st.subheader("Datasets loaded")
st.dataframe(key_figures.dataset_summary(data.frames), hide_index=True, width="stretch")
for error in data.errors.values():
    widgets.show_dataset_error(error)
