"""About the data: what it is, what it is not, its sources and licences."""

import streamlit as st

from lib import analysis, config, ui

st.title("About the data")
st.markdown((config.PROJECT_ROOT / "docs" / "about_data.md").read_text(encoding="utf-8"))
data = ui.datasets()
st.subheader("Datasets loaded")
st.dataframe(analysis.dataset_summary(data.frames), hide_index=True, width="stretch")
for error in data.errors.values():
    ui.show_dataset_error(error)
