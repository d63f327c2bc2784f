"""The page shell: page set-up, the navigation, the data banner, safe page runs and the share link."""

from __future__ import annotations

import logging

import streamlit as st

from lib import config
from lib.ui import caching

log = logging.getLogger(__name__)


ERROR_PREFIX = "This page could not be shown"


def configure_page() -> None:
    """Title, icon and layout of every page (the first Streamlit call of the entry script)."""
    st.set_page_config(
        page_title="UK medicines manufacturing capability",
        # A local file: named icons are fetched from a font CDN, which fails offline.
        page_icon=str(config.PROJECT_ROOT / "assets" / "favicon.png"),
        layout="wide",
        initial_sidebar_state="expanded",
    )


# One style sheet for every page. Markdown tables (lib/figures/text_tables.py) keep to the width of
# their column: a word or address longer than its cell breaks rather than push the table past it.
PAGE_STYLE = """<style>
[data-testid="stMarkdownContainer"] table { max-width: 100%; }
[data-testid="stMarkdownContainer"] table th,
[data-testid="stMarkdownContainer"] table td { overflow-wrap: break-word; word-break: normal; }
</style>"""


def page_style() -> None:
    st.html(PAGE_STYLE)


def navigation_pages() -> list[st.Page]:
    """The dashboard's pages in sidebar order, the Overview first and default. Paths are absolute
    so that bench/floor_chrome/app.py can show the same navigation from another folder."""
    pages = config.PROJECT_ROOT / "app_pages"
    return [
        st.Page(
            pages / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True
        ),
        st.Page(pages / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(pages / "region.py", title="Region profile", icon=":material/location_on:", url_path="region"),
        st.Page(pages / "gaps.py", title="Capability gaps", icon=":material/grid_view:", url_path="gaps"),
        st.Page(pages / "investment.py", title="Investment", icon=":material/payments:", url_path="investment"),
        st.Page(pages / "centres.py", title="Centres of excellence", icon=":material/hub:", url_path="centres"),
        st.Page(pages / "directory.py", title="Directory", icon=":material/search:", url_path="directory"),
        st.Page(pages / "present.py", title="Present", icon=":material/slideshow:", url_path="present"),
        st.Page(
            pages / "import_data.py", title="Bring your own data", icon=":material/upload_file:", url_path="import"
        ),
        st.Page(pages / "about.py", title="About the data", icon=":material/info:", url_path="about"),
    ]


def page_key(page) -> str:
    """The page's url_path ("overview" for the default page, whose own url_path is empty)."""
    return getattr(page, "url_path", "") or "overview"


def data_banner() -> None:
    """Says whose data the page shows; imported data is always bannered."""
    data = caching.datasets()
    if data.origin != "embedded":
        left, right = st.columns([4, 1])
        left.warning(f"Showing **your data** ({data.origin}). The embedded data is unchanged.")
        if right.button("Back to embedded data", key="banner-reset"):
            st.session_state.pop("user_datasets", None)
            st.rerun()


def run_page_safely(page) -> None:
    """Run a page; an unexpected error becomes a plain message, never a traceback."""
    try:
        page.run()
    except Exception:  # Streamlit's own stop/rerun signals are BaseException and pass through
        log.exception("page %s failed", getattr(page, "title", page))
        st.error(
            f"{ERROR_PREFIX} because of an unexpected error. The problem has been logged; "
            "other pages still work. Try clearing the filters or reloading."
        )


def share_link(page, container=None) -> None:
    """A visible "Copy link" control: the address of this view (page, filters and the page's own
    settings, all in the URL) in a code block, whose copy button puts it on the clipboard."""
    from urllib.parse import urlencode

    path = "" if getattr(page, "_default", False) else getattr(page, "url_path", page)
    base = (st.context.url or "").rstrip("/")
    own_path = f"/{getattr(page, 'url_path', page)}"
    if own_path != "/" and base.endswith(own_path):  # st.context.url includes the page's own path
        base = base[: -len(own_path)]
    query = urlencode(st.query_params.to_dict())
    where = container or st.sidebar
    # Built only once opened: the code block's highlighter costs ~0.3 s on every page otherwise.
    key = "share-link" if container is None else "share-link-page"
    with where.expander("Copy link to this view", icon=":material/link:", key=key, on_change="rerun") as shown:
        if shown.open:
            st.code(f"{base}/{path}" + (f"?{query}" if query else ""), language=None, wrap_lines=True)
