"""The only module in ``lib`` that imports Streamlit: caching, shared widgets and rendering helpers.

Caching lives here and nowhere else: read-only tables with ``st.cache_resource`` (one copy per
process, never mutated), derived results with ``st.cache_data``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import config, directory, export, gaps, geo, landscape, map_figures, text_tables
from lib.data import DatasetError, data_version, load_dataset, release_unused_memory
from lib.schemas import ITL1_CODES, ITL1_NAMES

log = logging.getLogger(__name__)

ERROR_PREFIX = "This page could not be shown"
SHOW_DATA_ROWS = 1_000


# ---------------------------------------------------------------- page set-up


def configure_page() -> None:
    """Title, icon and layout of every page (the first Streamlit call of the entry script)."""
    st.set_page_config(
        page_title="UK medicines manufacturing capability",
        # A local file: named icons are fetched from a font CDN, which fails offline.
        page_icon=str(config.PROJECT_ROOT / "assets" / "favicon.png"),
        layout="wide",
        initial_sidebar_state="expanded",
    )


def navigation_pages() -> list[st.Page]:
    """The dashboard's pages in sidebar order, the Overview first and default. Paths are absolute
    so that bench/floor_chrome/app.py can show the same navigation from another folder."""
    pages = config.PROJECT_ROOT / "app_pages"
    return [
        st.Page(pages / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
                default=True),
        st.Page(pages / "map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(pages / "gaps.py", title="Capability gaps", icon=":material/grid_view:", url_path="gaps"),
        st.Page(pages / "investment.py", title="Investment", icon=":material/payments:", url_path="investment"),
        st.Page(pages / "centres.py", title="Centres of excellence", icon=":material/hub:", url_path="centres"),
        st.Page(pages / "directory.py", title="Directory", icon=":material/search:", url_path="directory"),
        st.Page(pages / "present.py", title="Present", icon=":material/slideshow:", url_path="present"),
        st.Page(pages / "import_data.py", title="Bring your own data", icon=":material/upload_file:",
                url_path="import"),
        st.Page(pages / "about.py", title="About the data", icon=":material/info:", url_path="about"),
    ]


# ---------------------------------------------------------------- data


@dataclass
class Datasets:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    errors: dict[str, DatasetError] = field(default_factory=dict)
    origin: str = "embedded"
    # Identifies this set of frames in cache keys, so cached results never hash whole frames
    # (list columns make Streamlit fall back to pickling them on every rerun).
    version: str = field(default_factory=lambda: uuid.uuid4().hex)


def load_datasets_uncached(directory=None) -> Datasets:
    """Every dataset loaded independently, so one broken file does not take down the others."""
    result = Datasets()
    capability_ids = None
    for name in ("capabilities", *[n for n in config.DATASETS if n != "capabilities"]):
        try:
            frame = load_dataset(name, directory, capability_ids)
        except DatasetError as error:
            result.errors[name] = error
            continue
        result.frames[name] = frame
        if name == "capabilities":
            capability_ids = set(frame["capability_id"])
    release_unused_memory()
    return result


# Two entries: the current data, and the previous one for sessions still running on it when a new
# version of the files arrives. ``version`` is only part of the cache key.
@st.cache_resource(max_entries=2, show_spinner="Loading the embedded data…")
def _embedded_datasets(directory: str, version: str) -> Datasets:
    return load_datasets_uncached(directory)


# Checked every MMIP_DATA_CHECK_SECONDS, not on every rerun: on object storage it is one metadata
# request per file.
@st.cache_data(ttl=config.data_check_seconds(), show_spinner=False)
def _data_version(directory: str) -> str:
    return data_version(directory)


def embedded_datasets(directory: str) -> Datasets:
    """The data in ``directory`` (a folder or an fsspec URL), loaded again when one of its files changes."""
    return _embedded_datasets(directory, _data_version(directory))


def datasets() -> Datasets:
    """The datasets this session works on: the user's imported data if any, else the embedded data."""
    override = st.session_state.get("user_datasets")
    if override is not None:
        return override
    return embedded_datasets(str(config.data_dir()))


def show_dataset_error(error: DatasetError) -> None:
    st.error(f"**{error.file}** cannot be used: {error.message}. Pages that need it are unavailable; "
             "the rest of the dashboard still works.")
    if not error.problems.empty:
        st.dataframe(error.problems.head(200), hide_index=True)
        st.download_button("Download all problems (CSV)", export.to_csv_bytes(error.problems),
                           file_name=f"problems-{error.file}.csv", mime="text/csv",
                           key=f"dl-problems-{error.file}")


def require(*names: str) -> dict[str, pd.DataFrame]:
    """The named datasets, or a clear message naming the broken file and a stop."""
    data = datasets()
    missing = [name for name in names if name not in data.frames]
    if missing:
        for name in missing:
            show_dataset_error(data.errors.get(name, DatasetError(f"{name}.parquet", "not loaded")))
        st.stop()
    return {name: data.frames[name] for name in names}


def capability_names() -> dict[str, str]:
    caps = datasets().frames.get("capabilities")
    if caps is None:
        return {}
    return dict(zip(caps["capability_id"], caps["name"]))


# A resource, not cache_data: every page reads these unchanged, and cache_data hands each rerun
# its own unpickled copy (1M rows with list cells: seconds and ~500 MB per concurrent session).
# Callers treat them as read-only (filters select with .loc and return new frames).
@st.cache_resource(max_entries=4, show_spinner=False)
def _facility_tables(_sites: pd.DataFrame, _centres: pd.DataFrame, version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = map_figures.with_grid_coordinates(landscape.facilities(_sites, _centres))
    long = landscape.facility_capabilities(frame)
    release_unused_memory()
    return frame, long


def facility_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = require("sites", "centres")
    return _facility_tables(frames["sites"], frames["centres"], datasets().version)


def filtered_facilities(filters: landscape.Filters | None = None) -> pd.DataFrame:
    frame, long = facility_tables()
    return landscape.apply_filters(frame, long, filters or current_filters())


@st.cache_resource(max_entries=4, show_spinner="Preparing the directory…")
def _directory_table(_facility_frame: pd.DataFrame, _sites: pd.DataFrame, _centres: pd.DataFrame,
                     _capability_names: dict[str, str], version: str) -> pd.DataFrame:
    # A resource, not cache_data: 100k rows would be unpickled on every rerun; callers never mutate it.
    return directory.directory_table(_facility_frame, _sites, _centres, _capability_names)


def directory_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory table (facilities with search text, modality, size band) and its long form.

    Built on the map's cached facility frame and long table rather than fresh copies of them: at
    100k sites the copies held ~30 MiB more for the life of the server."""
    frames = require("sites", "centres")
    frame, long = facility_tables()
    return (_directory_table(frame, frames["sites"], frames["centres"], capability_names(), datasets().version),
            long)


@st.cache_resource(max_entries=4, show_spinner=False)
def _directory_names(_table: pd.DataFrame, version: str) -> pd.Series:
    return pd.Series(_table["name"].to_numpy(), index=pd.Index(_table["facility_id"], name="facility_id"))


def directory_names() -> pd.Series:
    """Facility name by id, built once per dataset (a million-entry dict on every rerun took ~1 s)."""
    return _directory_names(directory_tables()[0], datasets().version)


# ---------------------------------------------------------------- geography


@dataclass
class Boundaries:
    itl1: object | None
    lad_centroids: pd.DataFrame | None  # a point inside every local authority, with its ITL1 region
    message: str


@st.cache_resource(show_spinner="Loading ONS boundaries…")
def boundaries() -> Boundaries:
    itl1, itl1_message = geo.load_itl1_boundaries()
    lad = geo.load_lad_boundaries()[0] if itl1 is not None else None
    # Only the local authorities' points are used (distances for the gap scores): the polygons
    # would otherwise stay in the server's memory for the life of the process.
    points = None if lad is None else geo.lad_centroids(lad, itl1)
    del lad
    release_unused_memory()
    return Boundaries(itl1, points, itl1_message)


@st.cache_resource(show_spinner=False)
def region_geojson() -> dict | None:
    shapes = boundaries().itl1
    return None if shapes is None else geo.geojson_of(shapes, "itl1_code", simplify_m=1000)


@st.cache_resource(show_spinner=False)
def region_outlines():
    shapes = boundaries().itl1
    return None if shapes is None else map_figures.plane_outlines(geo.outline_coordinates(shapes))


def lad_centroids() -> pd.DataFrame | None:
    """A point inside every local authority, with its ITL1 region (None without boundaries)."""
    return boundaries().lad_centroids


@st.cache_resource(max_entries=2, show_spinner="Reading the file…")
def read_upload(_data: bytes, file_id: str, file: str, sheet: str | None):
    """An uploaded file parsed once per upload (keyed by Streamlit's file id, so the bytes are not
    hashed); a resource because a million-row table is too slow to unpickle on every rerun."""
    from lib import ingest

    return ingest.read_table(_data, file, sheet)


@st.cache_resource(show_spinner=False)
def region_centroids() -> pd.DataFrame | None:
    shapes = boundaries().itl1
    return None if shapes is None else geo.region_centroids(shapes)


# ---------------------------------------------------------------- map selections

MAX_SELECTED_IN_URL = 50


def _selection_points(chart_key: str) -> list:
    event = st.session_state.get(chart_key) or {}
    return (event.get("selection") or {}).get("points") or []


def filter_regions_on_click(chart_key: str):
    """An on_select callback: the regions clicked on a region map become the shared region filter.
    Callbacks run before the sidebar is drawn: the only moment its widget state may be set."""
    def apply() -> None:
        regions = map_figures.selected_regions(_selection_points(chart_key))
        if regions:  # a cleared selection keeps the filter: the sidebar or "All regions" clears it
            st.session_state["f_region"] = regions
    return apply


def remember_selected_points(chart_key: str, state_key: str):
    """An on_select callback: keep the ids of the picked points in ``state_key`` (mirrored in the URL)."""
    def apply() -> None:
        ids = map_figures.selected_ids(_selection_points(chart_key))
        st.session_state[state_key] = ",".join(ids[:MAX_SELECTED_IN_URL])
    return apply


# ---------------------------------------------------------------- capability gaps


@st.cache_data(max_entries=16, show_spinner=False)
def _gap_table(_long: pd.DataFrame, _capabilities: pd.DataFrame, _regions: pd.DataFrame,
               version: str, kinds: tuple[str, ...], proposal: gaps.Proposal | None) -> pd.DataFrame:
    long = _long if proposal is None else gaps.add_proposal(_long, proposal)
    return gaps.gap_table(long, _capabilities, _regions, lad_centroids(), region_centroids(), kinds=kinds)


def gap_table(kinds: tuple[str, ...] = (), proposal: gaps.Proposal | None = None) -> pd.DataFrame:
    """lib.gaps.gap_table on the session's data, reach from the ONS boundaries when available;
    with ``proposal`` (the what-if panel), as if that facility were operational."""
    frames = require("capabilities", "regions")
    return _gap_table(facility_tables()[1], frames["capabilities"], frames["regions"],
                      datasets().version, tuple(kinds), proposal)


# ---------------------------------------------------------------- shared filters

_WIDGET_KEYS = {"capabilities": "f_cap", "regions": "f_region", "kinds": "f_type", "statuses": "f_status"}


def _init_filters_from_url(capability_ids) -> None:
    if st.session_state.get("_filters_initialised"):
        return
    parsed = landscape.filters_from_query(st.query_params.to_dict(), capability_ids)
    for attr, key in _WIDGET_KEYS.items():
        st.session_state[key] = list(getattr(parsed.filters, attr))
    st.session_state["f_search"] = parsed.filters.search
    st.session_state["_filter_notices"] = parsed.notices
    st.session_state["_filters_initialised"] = True


def _clear_filters() -> None:
    for key in _WIDGET_KEYS.values():
        st.session_state[key] = []
    st.session_state["f_search"] = ""


def current_filters() -> landscape.Filters:
    state = st.session_state
    return landscape.Filters(
        capabilities=tuple(state.get("f_cap", ())),
        regions=tuple(state.get("f_region", ())),
        kinds=tuple(state.get("f_type", ())),
        statuses=tuple(state.get("f_status", ())),
        search=state.get("f_search", "") or "",
    )


def sidebar_filters() -> landscape.Filters:
    """The shared filters: widgets in the sidebar, kept in session state, mirrored in the URL."""
    names = capability_names()
    _init_filters_from_url(list(names))
    with st.sidebar:
        title, clear = st.columns([1, 1], vertical_alignment="center")
        title.header("Filters")
        # Above the filters, not under them: a multiselect holding a long name (Yorkshire and The
        # Humber) is a line taller while it has focus, so a button below it jumped up as the press
        # took the focus away, and the click landed beside it. A callback: it runs before the
        # widgets exist in the next run, the only moment their state may be set.
        clear.button("Clear filters", key="f_clear", width="stretch", on_click=_clear_filters)
        st.multiselect("Capability area", list(names), format_func=lambda c: names.get(c, c),
                       key="f_cap", placeholder="All capability areas")
        st.multiselect("Region (ITL1)", list(ITL1_CODES), format_func=ITL1_NAMES.get,
                       key="f_region", placeholder="All regions")
        st.multiselect("Type", [landscape.SITE, landscape.CENTRE], format_func=landscape.KIND_LABELS.get,
                       key="f_type", placeholder="Sites and centres")
        st.multiselect("Status", list(landscape.STATUSES), key="f_status", placeholder="Any status")
        st.text_input("Name or town contains", key="f_search", max_chars=100)
        for notice in st.session_state.get("_filter_notices", []):
            st.warning(notice)
    filters = current_filters()
    sync_query_params(landscape.filters_to_query(filters), owned=set(landscape.QUERY_KEYS.values()))
    return filters


def sync_query_params(values: dict[str, str], owned: set[str]) -> None:
    """Write ``values`` into the URL, removing the ``owned`` keys that are now empty."""
    for key in owned:
        if key in values:
            if st.query_params.get(key) != values[key]:
                st.query_params[key] = values[key]
        elif key in st.query_params:
            del st.query_params[key]


def url_choice(key: str, options: list[str], default: str) -> str:
    """A page's own setting (metric, selected region...) read from the URL once, with a fallback."""
    state_key = f"url_{key}"
    if state_key not in st.session_state:
        value = st.query_params.get(key, default)
        if value not in options:
            if key in st.query_params:
                st.warning(f"Ignored unknown {key} value in the link: {value}")
            value = default
        st.session_state[state_key] = value
    return st.session_state[state_key]


# ---------------------------------------------------------------- rendering


def chart(fig: go.Figure, key: str, finding: str, data: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
          on_select: str | None = None, height: int | None = None):
    """A chart with export settings, its one-sentence finding, and a "show data" table (``data``
    may be a function, called only when the table is opened)."""
    title = fig.layout.title.text or key
    config_ = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": export.slug(title)},
        "modeBarButtonsToAdd": ["toImage"],
    }
    # theme=None: keep the Analysis Function template (Streamlit's theme would shrink tick labels
    # to ~11 px, too small on a projector, and swap our palette).
    kwargs = {"key": key, "config": config_, "width": "stretch", "theme": None}
    if height:
        fig.update_layout(height=height)
    if on_select:
        kwargs.update(on_select=on_select, selection_mode=("points", "box", "lasso"))
    event = st.plotly_chart(fig, **kwargs)
    st.caption(finding)
    if data is not None:
        # Built only once opened (a rerun): a collapsed expander's table would otherwise be sent and
        # drawn on every rerun, which cost ~0.4 s per page in the browser. The table is capped and
        # the file built only when asked, so no session holds 100k rows as bytes.
        with st.expander("Show data", key=f"{key}-data", on_change="rerun") as shown:
            if shown.open:
                data = data() if callable(data) else data
                st.dataframe(data.head(SHOW_DATA_ROWS), hide_index=True, width="stretch")
                if len(data) > SHOW_DATA_ROWS:
                    st.caption(f"First {SHOW_DATA_ROWS:,} of {len(data):,} rows; the download has them all.")
                st.download_button("Download (CSV)", lambda: export.to_csv_bytes(data), on_click="ignore",
                                   file_name=f"{export.slug(title)}.csv", mime="text/csv", key=f"{key}-csv")
    # PNG comes from the chart's own toolbar; SVG (vector) is drawn on the server only when asked.
    st.download_button("Download chart (SVG)", lambda: chart_svg(fig), on_click="ignore", type="tertiary",
                       file_name=f"{export.slug(title)}.svg", mime="image/svg+xml", key=f"{key}-svg")
    return event


def chart_svg(fig: go.Figure) -> bytes:
    from lib import static_images

    try:
        return static_images.figure_svg(fig)
    except static_images.StaticImagesUnavailable as error:
        return static_images.unavailable_svg(str(error))


def download_buttons(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str,
                     deferred: bool = True) -> None:
    """CSV and Excel (with a Sources sheet) of a table, formula-safe. ``deferred`` builds a file
    only when its button is clicked (Excel of 100k rows takes many seconds: not on every rerun,
    and no copy held in memory per session); ``frame`` may be a function, called only then."""
    def table() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    def csv_bytes() -> bytes:
        return export.to_csv_bytes(table())

    def excel_bytes() -> bytes:
        rows = table()
        return export.to_excel_bytes({"data": rows, "sources": export.sources_table(rows)})

    left, right = st.columns(2)
    left.download_button("Download CSV", csv_bytes if deferred else csv_bytes(), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}-csv", width="stretch", on_click="ignore")
    right.download_button(
        "Download Excel",
        excel_bytes if deferred else excel_bytes(),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", width="stretch", on_click="ignore",
    )


def profile(facts: directory.Profile) -> None:
    """One facility or centre: its facts as escaped Markdown (data never becomes markup or HTML)
    and its sources, linked only where the address is plain http(s)."""
    st.markdown(f"### {text_tables.markdown_text(facts.title)}")
    stated = facts.fields.loc[facts.fields["value"] != ""]
    st.markdown("\n".join("- **" + stated["field"] + ":** " + text_tables.escape_markdown(stated["value"])))
    st.markdown("**Sources**\n\n" + directory.sources_markdown(facts.sources))


def data_banner() -> None:
    """Says whose data the page shows; imported data is always bannered."""
    data = datasets()
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
        st.error(f"{ERROR_PREFIX} because of an unexpected error. The problem has been logged; "
                 "other pages still work. Try clearing the filters or reloading.")


# ---------------------------------------------------------------- share and present


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


@st.cache_resource(show_spinner=False)
def default_story():
    from lib import story

    return story.load()


def slide_data():
    """Everything the story views read (lib.slides.SlideData) from the session's data."""
    from lib import slides

    frames = require("capabilities", "centres", "mmip_proposals", "investments", "regions")
    facility_frame, long = facility_tables()
    return slides.slide_data(frames, facility_frame, long, region_outlines())

