"""UK medicines manufacturing capability: entry point.

Run with ``streamlit run dashboard.py``. Sets up the page, the shared sidebar filters and the
navigation; every page lives in ``app_pages/`` and every computation in ``lib/``.
"""

import logging
import os
from pathlib import Path

# Before anything loads Arrow (pandas, through lib): Arrow's allocator (mimalloc) commits whole
# arenas up front by default, and after loading 100k sites it kept ~30 MiB more resident than
# with arenas committed as they are used. Read once, when Arrow's library loads; an explicit
# setting in the environment wins.
os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")

import streamlit as st  # noqa: E402

from lib import ui  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(
    page_title="UK medicines manufacturing capability",
    # A local file: named icons are fetched from a font CDN, which fails offline.
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("app_pages/gaps.py", title="Capability gaps", icon=":material/grid_view:", url_path="gaps"),
    st.Page("app_pages/investment.py", title="Investment", icon=":material/payments:", url_path="investment"),
    st.Page("app_pages/centres.py", title="Centres of excellence", icon=":material/hub:", url_path="centres"),
    st.Page("app_pages/directory.py", title="Directory", icon=":material/search:", url_path="directory"),
    st.Page("app_pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"),
    st.Page("app_pages/import_data.py", title="Bring your own data", icon=":material/upload_file:", url_path="import"),
    st.Page("app_pages/about.py", title="About the data", icon=":material/info:", url_path="about"),
]

page = st.navigation(PAGES)
ui.data_banner()
ui.sidebar_filters()
ui.run_page_safely(page)
# After the page: its own settings are in the URL by now, so the link carries them too.
ui.share_link(page)
