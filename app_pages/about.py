"""About the data: what it is, what it is not, its sources and licences."""

import pandas as pd
import streamlit as st

from lib import config
from lib.analysis import coverage, key_figures
from lib.data import audit
from lib.figures.text_tables import markdown_table
from lib.ui import caching, widgets

st.title("About the data")
st.markdown((config.PROJECT_ROOT / "docs" / "about_data.md").read_text(encoding="utf-8"))
data = caching.datasets()
st.subheader("Datasets loaded")
st.dataframe(key_figures.dataset_summary(data.frames), hide_index=True, width="stretch")
for error in data.errors.values():
    widgets.show_dataset_error(error)

if "sites" in data.frames and "centres" in data.frames:
    st.subheader("How much of each region's industry the data covers")
    # Text, not a grid: twelve rows read whole on a projector, and the columns wrap instead of scrolling.
    st.markdown(markdown_table(coverage.readable(caching.coverage_table())))
    st.caption(
        "Operational sites in the default scope and the headcount their sources state (how many sites state one), "
        "against ONS BRES "
        "pharmaceutical jobs (SIC 21, latest year, Great Britain only: rounded and partly suppressed, context "
        "not an exact count) and each region's share of UK pharmaceutical GVA (2021). Coverage is low below 10 "
        "listed operational sites, without a BRES figure (Northern Ireland), or under half the BRES jobs; gaps "
        "in such regions are marked low-confidence. Source: Office for National Statistics licensed under the "
        "Open Government Licence v.3.0; project dataset. A share over 100% is possible: a site's stated "
        "headcount may include staff outside pharmaceutical manufacturing."
    )

if all(name in data.frames for name in audit.AUDITED):
    st.subheader("How far to trust it: the data audit")
    checked = audit.audit(data.frames, pd.Timestamp.today().normalize())
    st.markdown(markdown_table(audit.readable(checked.table)))
    st.caption(
        "The same figures as `python -m lib.data.audit`, which the test suite runs: it fails on duplicates, "
        "a row with no source or date, or a pound summed twice. 'Plans older than 3 years': proposed or "
        "under-construction rows whose latest news is over three years old, so their status may be stale. "
        + ("The audit passes." if checked.passed else f"{len(checked.problems)} problem(s) found: see below.")
    )
    if not checked.passed:
        st.dataframe(checked.problems, hide_index=True)
