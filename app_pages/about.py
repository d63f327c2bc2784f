"""About the data: what it is, what it is not, its sources and licences."""

import pandas as pd
import streamlit as st

from lib import config
from lib.analysis import key_figures
from lib.data import audit
from lib.ui import caching, widgets

st.title("About the data")
st.markdown((config.PROJECT_ROOT / "docs" / "about_data.md").read_text(encoding="utf-8"))
data = caching.datasets()
st.subheader("Datasets loaded")
st.dataframe(key_figures.dataset_summary(data.frames), hide_index=True, width="stretch")
for error in data.errors.values():
    widgets.show_dataset_error(error)

if all(name in data.frames for name in audit.AUDITED):
    st.subheader("How far to trust it: the data audit")
    checked = audit.audit(data.frames, pd.Timestamp.today().normalize())
    st.dataframe(audit.readable(checked.table), hide_index=True, width="stretch")
    st.caption(
        "The same figures as `python -m lib.data.audit`, which the test suite runs: it fails on duplicates, "
        "a row with no source or date, or a pound summed twice. 'Plans older than 3 years': proposed or "
        "under-construction rows whose latest news is over three years old, so their status may be stale. "
        + ("The audit passes." if checked.passed else f"{len(checked.problems)} problem(s) found: see below.")
    )
    if not checked.passed:
        st.dataframe(checked.problems, hide_index=True)
