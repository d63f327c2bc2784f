"""UK medicines manufacturing capability: entry point.

Run with ``bash scripts/app.sh`` (``python -m lib.ui.launch``). Sets up the page, the shared sidebar filters and the
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

from lib.data.loading import return_freed_heap  # noqa: E402
from lib.ui import shell, state  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

shell.configure_page()
shell.page_style()
page = st.navigation(shell.navigation_pages())
shell.data_banner()
# The shared filters once per run, and the facilities they select (computed when a page asks).
filters = state.sidebar_filters(shell.page_key(page))
state.start_view(filters)
shell.run_page_safely(page)
# After the page: the filters and the page's own settings into the URL, once, so the link carries them.
state.sync_url(shell.page_key(page), filters)
shell.share_link(page)
# The run's working memory back to the system, so the server holds its caches, not every page's peak.
return_freed_heap()
