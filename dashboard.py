"""UK medicines manufacturing capability: entry point.

Run with ``streamlit run dashboard.py``. Sets up the page, the shared sidebar filters and the
navigation; every page lives in ``app_pages/`` and every computation in ``lib/``.
"""

import logging
import os

# Before anything loads Arrow (pandas, through lib): Arrow's allocator (mimalloc) commits whole
# arenas up front by default, and after loading 100k sites it kept ~30 MiB more resident than
# with arenas committed as they are used. Read once, when Arrow's library loads; an explicit
# setting in the environment wins.
os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")

import streamlit as st  # noqa: E402

from lib import ui  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

ui.configure_page()
page = st.navigation(ui.navigation_pages())
ui.data_banner()
ui.sidebar_filters()
ui.run_page_safely(page)
# After the page: its own settings are in the URL by now, so the link carries them too.
ui.share_link(page)
