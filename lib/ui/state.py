"""Settings kept in the session and the URL: the shared filters and each page's own settings."""

from __future__ import annotations

import streamlit as st

from lib.analysis import landscape, map_selection
from lib.data.schemas import DEFAULT_SCOPES, ITL1_CODES, ITL1_NAMES, SCOPE_LABELS, SCOPES
from lib.ui import caching

MAX_SELECTED_IN_URL = 50


def _selection_points(chart_key: str) -> list:
    event = st.session_state.get(chart_key) or {}
    return (event.get("selection") or {}).get("points") or []


def filter_regions_on_click(chart_key: str):
    """An on_select callback: the regions clicked on a region map become the shared region filter.
    Callbacks run before the sidebar is drawn: the only moment its widget state may be set."""

    def apply() -> None:
        regions = map_selection.selected_regions(_selection_points(chart_key))
        if regions:  # a cleared selection keeps the filter: the sidebar or "All regions" clears it
            st.session_state["f_region"] = regions

    return apply


def remember_selected_points(chart_key: str, state_key: str):
    """An on_select callback: keep the ids of the picked points in ``state_key`` (mirrored in the URL)."""

    def apply() -> None:
        ids = map_selection.selected_ids(_selection_points(chart_key))
        st.session_state[state_key] = ",".join(ids[:MAX_SELECTED_IN_URL])

    return apply


_WIDGET_KEYS = {"capabilities": "f_cap", "regions": "f_region", "kinds": "f_type", "statuses": "f_status"}


def _init_filters_from_url(capability_ids) -> None:
    if st.session_state.get("_filters_initialised"):
        return
    parsed = landscape.filters_from_query(st.query_params.to_dict(), capability_ids)
    for attr, key in _WIDGET_KEYS.items():
        st.session_state[key] = list(getattr(parsed.filters, attr))
    st.session_state["f_search"] = parsed.filters.search
    st.session_state["f_scope"] = list(parsed.filters.scopes)
    st.session_state["f_year"] = parsed.filters.year
    st.session_state["_filter_notices"] = parsed.notices
    st.session_state["_filters_initialised"] = True


def _clear_filters() -> None:
    for key in _WIDGET_KEYS.values():
        st.session_state[key] = []
    st.session_state["f_search"] = ""
    st.session_state["f_scope"] = list(DEFAULT_SCOPES)
    st.session_state["f_year"] = None


def current_filters() -> landscape.Filters:
    state = st.session_state
    return landscape.Filters(
        capabilities=tuple(state.get("f_cap", ())),
        regions=tuple(state.get("f_region", ())),
        kinds=tuple(state.get("f_type", ())),
        statuses=tuple(state.get("f_status", ())),
        search=state.get("f_search", "") or "",
        scopes=tuple(state.get("f_scope", DEFAULT_SCOPES)),
        year=state.get("f_year"),
    )


def sidebar_filters() -> landscape.Filters:
    """The shared filters: widgets in the sidebar, kept in session state, mirrored in the URL."""
    names = caching.capability_names()
    _init_filters_from_url(list(names))
    with st.sidebar:
        title, clear = st.columns([1, 1], vertical_alignment="center")
        title.header("Filters")
        # Above the filters, not under them: a multiselect holding a long name (Yorkshire and The
        # Humber) is a line taller while it has focus, so a button below it jumped up as the press
        # took the focus away, and the click landed beside it. A callback: it runs before the
        # widgets exist in the next run, the only moment their state may be set.
        clear.button("Clear filters", key="f_clear", width="stretch", on_click=_clear_filters)
        st.multiselect(
            "Capability area",
            list(names),
            format_func=lambda c: names.get(c, c),
            key="f_cap",
            placeholder="All capability areas",
        )
        st.multiselect(
            "Region (ITL1)", list(ITL1_CODES), format_func=ITL1_NAMES.get, key="f_region", placeholder="All regions"
        )
        st.multiselect(
            "Type",
            [landscape.SITE, landscape.CENTRE],
            format_func=landscape.KIND_LABELS.get,
            key="f_type",
            placeholder="Sites and centres",
        )
        st.multiselect("Status", list(landscape.STATUSES), key="f_status", placeholder="Any status")
        st.text_input("Name or town contains", key="f_search", max_chars=100)
        st.multiselect(
            "Sites making",
            list(SCOPES),
            format_func=SCOPE_LABELS.get,
            key="f_scope",
            placeholder="Anything (every scope)",
            help="By default: human medicines plus the MMIP-named areas, diagnostics and packaging. "
            "Veterinary medicines and medical devices are counted only when chosen.",
        )
        st.selectbox(
            "Landscape as of",
            [None, *range(landscape.latest_year(), landscape.EARLIEST_YEAR - 1, -1)],
            format_func=lambda year: "Today" if year is None else str(year),
            key="f_year",
            help="A past year shows the facilities the sources say existed then (2017: the MMIP report).",
        )
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
