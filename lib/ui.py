"""The only module in ``lib`` that imports Streamlit: caching, shared widgets and rendering helpers.

Caching lives here and nowhere else: read-only tables with ``st.cache_resource`` (one copy per
process, never mutated), derived results with ``st.cache_data``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import config, export, geo, landscape
from lib.data import DatasetError, load_dataset
from lib.schemas import ITL1_CODES, ITL1_NAMES

log = logging.getLogger(__name__)

ERROR_PREFIX = "This page could not be shown"


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
    return result


@st.cache_resource(show_spinner="Loading the embedded data…")
def embedded_datasets(directory: str) -> Datasets:
    return load_datasets_uncached(directory)


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


@st.cache_data(max_entries=8, show_spinner=False)
def _facility_tables(_sites: pd.DataFrame, _centres: pd.DataFrame, version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = landscape.facilities(_sites, _centres)
    return frame, landscape.facility_capabilities(frame)


def facility_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = require("sites", "centres")
    return _facility_tables(frames["sites"], frames["centres"], datasets().version)


def filtered_facilities(filters: landscape.Filters | None = None) -> pd.DataFrame:
    frame, long = facility_tables()
    return landscape.apply_filters(frame, long, filters or current_filters())


# ---------------------------------------------------------------- geography


@dataclass
class Boundaries:
    itl1: object | None
    lad: object | None
    message: str


@st.cache_resource(show_spinner="Loading ONS boundaries…")
def boundaries() -> Boundaries:
    itl1, itl1_message = geo.load_itl1_boundaries()
    lad, _ = geo.load_lad_boundaries() if itl1 is not None else (None, "")
    return Boundaries(itl1, lad, itl1_message)


@st.cache_resource(show_spinner=False)
def region_geojson() -> dict | None:
    shapes = boundaries().itl1
    return None if shapes is None else geo.geojson_of(shapes, "itl1_code", simplify_m=500)


@st.cache_resource(show_spinner=False)
def region_outlines():
    shapes = boundaries().itl1
    return None if shapes is None else geo.outline_coordinates(shapes)


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
        st.header("Filters")
        st.multiselect("Capability area", list(names), format_func=lambda c: names.get(c, c),
                       key="f_cap", placeholder="All capability areas")
        st.multiselect("Region (ITL1)", list(ITL1_CODES), format_func=ITL1_NAMES.get,
                       key="f_region", placeholder="All regions")
        st.multiselect("Type", [landscape.SITE, landscape.CENTRE], format_func=landscape.KIND_LABELS.get,
                       key="f_type", placeholder="Sites and centres")
        st.multiselect("Status", list(landscape.STATUSES), key="f_status", placeholder="Any status")
        st.text_input("Name or town contains", key="f_search", max_chars=100)
        if st.button("Clear filters", width="stretch"):
            for key in (*_WIDGET_KEYS.values(),):
                st.session_state[key] = []
            st.session_state["f_search"] = ""
            st.rerun()
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


def chart(fig: go.Figure, key: str, finding: str, data: pd.DataFrame | None = None,
          on_select: str | None = None, height: int | None = None):
    """A chart with export settings, its one-sentence finding, and a "show data" table."""
    title = fig.layout.title.text or key
    config_ = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": export.slug(title)},
        "modeBarButtonsToAdd": ["toImage"],
    }
    kwargs = {"key": key, "config": config_, "width": "stretch"}
    if height:
        fig.update_layout(height=height)
    if on_select:
        kwargs.update(on_select=on_select, selection_mode=("points", "box", "lasso"))
    event = st.plotly_chart(fig, **kwargs)
    st.caption(finding)
    if data is not None:
        with st.expander("Show data"):
            st.dataframe(data, hide_index=True, width="stretch")
            st.download_button("Download (CSV)", export.to_csv_bytes(data),
                               file_name=f"{export.slug(title)}.csv", mime="text/csv", key=f"{key}-csv")
    return event


def download_buttons(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel (with a Sources sheet) of a table, formula-safe."""
    left, right = st.columns(2)
    left.download_button("Download CSV", export.to_csv_bytes(frame), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}-csv", width="stretch")
    right.download_button(
        "Download Excel",
        export.to_excel_bytes({"data": frame, "sources": export.sources_table(frame)}),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", width="stretch",
    )


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

