"""The floor with the dashboard's chrome: the floor's one tiny Plotly chart as the default page,
under the dashboard's own page set-up, navigation, sidebar filters and copy-link box.

Measured beside the bare floor (bench/floor/app.py), it splits a dashboard page's time over the
floor into what every page pays for the shared chrome and what the page's own content adds.
"""

import sys
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from lib.ui import shell, state

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for lib


def tiny_chart() -> None:
    st.title("Floor: one tiny Plotly chart")
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), key="floor")


shell.configure_page()
pages = shell.navigation_pages()
# In the Overview's place, so the sidebar lists as many pages as the dashboard's.
pages[0] = st.Page(tiny_chart, title="Floor", icon=":material/dashboard:", url_path="floor", default=True)
page = st.navigation(pages)
shell.data_banner()
filters = state.sidebar_filters(shell.page_key(page))
state.start_view(filters)
page.run()
state.sync_url(shell.page_key(page), filters)
shell.share_link(page)
