"""Settings kept in the session and the URL: the shared filters and each page's own settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from lib.analysis import centres, investment, key_figures, landscape, map_selection, region_metrics, region_profile
from lib.data.schemas import DEFAULT_SCOPES, ITL1_CODES, ITL1_NAMES, SCOPE_LABELS, SCOPES
from lib.figures import map_figures
from lib.present import story
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


def sidebar_filters(page: str = "overview") -> landscape.Filters:
    """The shared filters: widgets in the sidebar, kept in session state, mirrored in the URL (by
    ``sync_url``); the sidebar says which of them do not apply on ``page``."""
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
        note = filters_note(page)
        if note:
            st.caption(note)
    return current_filters()


def sync_query_params(values: dict[str, str], owned: set[str]) -> None:
    """Write ``values`` into the URL, removing the ``owned`` keys that are now empty."""
    for key in owned:
        if key in values:
            if st.query_params.get(key) != values[key]:
                st.query_params[key] = values[key]
        elif key in st.query_params:
            del st.query_params[key]


# ---------------------------------------------------------------- page settings, declared once
#
# Every page setting that lives in the session and the URL is declared here: its URL key, its
# default, what values are valid, and (for the few that span two URL keys or depend on data) how it
# is read from and written to the link. A page reads a setting with ``setting(page, key)`` and
# never touches the query parameters; dashboard.py writes the URL once per run with ``sync_url``.


@dataclass(frozen=True)
class Setting:
    key: str  # the URL parameter (and, as url_<key>, the widget's session key)
    default: Any = ""  # or a function of nothing, for data-dependent defaults
    choices: Callable[[], Iterable] | None = None  # valid values; None: any text
    state_key: str = ""  # the session key, when not url_<key>
    always_in_url: bool = False  # written even at its default (the slide number)
    # For settings that span several URL keys or need the data: value from the whole query
    # (with notices for bad values), and the URL entries for a value.
    read: Callable[[dict], tuple[Any, list[str]]] | None = None
    write: Callable[[Any], dict[str, str]] | None = None
    url_keys: tuple[str, ...] = ()
    # Applied to the stored value on every run (e.g. keep a year range inside imported data's span).
    normalise: Callable[[Any], Any] | None = None

    @property
    def session_key(self) -> str:
        return self.state_key or f"url_{self.key}"

    @property
    def owned(self) -> tuple[str, ...]:
        return self.url_keys or (self.key,)

    def default_value(self):
        return self.default() if callable(self.default) else self.default

    def from_query(self, params: dict) -> tuple[Any, list[str]]:
        if self.read:
            return self.read(params)
        default = self.default_value()
        if self.key not in params:
            return default, []
        value = params[self.key]
        if self.choices is not None and value not in list(self.choices()):
            return default, [f"Ignored unknown {self.key} value in the link: {value}"]
        return value, []

    def to_query(self, value) -> dict[str, str]:
        if self.write:
            return self.write(value)
        if value in (None, "") or (value == self.default_value() and not self.always_in_url):
            return {}
        return {self.key: str(value)}


def _choices(values) -> Callable[[], list]:
    return lambda: list(values)


def _year_range() -> Setting:
    def bounds():
        return investment.year_bounds(caching.require("investments")["investments"])

    def read(params):
        span = bounds()
        return investment.year_range_from_query(params, span) if span else ((None, None), [])

    def write(value):
        span = bounds()
        return investment.year_range_to_query(value, span) if span and value[0] is not None else {}

    def normalise(value):
        span = bounds()
        if not span or value[0] is None:
            return value
        low, high = value
        return (min(max(low, span[0]), span[1]), max(min(high, span[1]), span[0]))

    return Setting(
        "years", state_key="inv_years", read=read, write=write, url_keys=investment.YEAR_QUERY_KEYS, normalise=normalise
    )


def _slide() -> Setting:
    def shown_story():
        return st.session_state.get("present_story") or caching.default_story()[0]

    return Setting(
        "slide",
        state_key="present_slide",
        always_in_url=True,
        read=lambda params: (story.index_from_url(params.get("slide"), shown_story()), []),
        write=lambda index: {"slide": story.url_value(index)},
        normalise=lambda index: story.clamp_index(index, shown_story()),
    )


def _centre_default():
    frames = caching.require("centres", "mmip_proposals")
    return centres.centre_table(frames["centres"], caching.capability_names())["id"].iloc[0]


def _region_default():
    regions = current_filters().regions
    return regions[0] if len(regions) == 1 else region_profile.choices()[0]


# The pages' tabs (views), declared here with the other page settings; st.tabs binds each to the
# URL itself (?gaps_view=…, ?inv_view=…), so only the open tab runs.
TABS: dict[str, tuple[str, ...]] = {
    "gaps": (
        "Gap scores",
        "Largest gaps",
        "National gaps",
        "Compare two regions",
        "What if a centre opened",
        "How we measure gaps",
    ),
    "investment": (
        "Regions",
        "Per head",
        "Programmes and years",
        "Capabilities and flow",
        "Against capability gaps",
        "Headline vs traced",
        "Records",
    ),
}
TAB_KEYS = {"gaps": "gaps_view", "investment": "inv_view"}


def page_settings() -> dict[str, tuple[Setting, ...]]:
    """Each page's settings (by the page's url_path)."""
    return {
        "map": (
            Setting("layer", map_figures.DEFAULT_LAYER, _choices(map_figures.LAYERS)),
            Setting("colour", map_figures.DEFAULT_COLOUR, _choices(map_figures.COLOUR_OPTIONS)),
            Setting("metric", region_metrics.DEFAULT_METRIC, _choices(region_metrics.METRICS)),
            Setting("basemap", map_figures.DEFAULT_BASEMAP, _choices(map_figures.BASEMAPS)),
            Setting("site", ""),  # ids picked on the map, comma-separated (checked against the data)
        ),
        "investment": (
            _year_range(),
            Setting(
                "money",
                key_figures.DEFAULT_INSTRUMENT_CHOICE,
                _choices(key_figures.INSTRUMENT_CHOICES),
            ),
        ),
        "centres": (
            Setting(
                "centre",
                _centre_default,
                lambda: list(caching.require("centres")["centres"]["centre_id"]),
                always_in_url=True,
            ),
        ),
        "directory": (Setting("site", "", lambda: ["", *caching.directory_names().index]),),
        "region": (
            Setting("area", _region_default, region_profile.choices, always_in_url=True),
            Setting("vs", "", lambda: ["", *region_profile.comparison_choices()]),
        ),
        "present": (_slide(),),
    }


def _setting(page: str, key: str) -> Setting:
    return next(s for s in page_settings()[page] if s.key == key)


def setting(page: str, key: str):
    """A page setting's value: from the session, or read from the link once (a bad value gives a
    notice and the default). The widget showing it uses ``session_key(page, key)``."""
    spec = _setting(page, key)
    if spec.session_key not in st.session_state:
        value, notices = spec.from_query(st.query_params.to_dict())
        st.session_state[spec.session_key] = value
        for notice in notices:
            st.warning(notice)
    if spec.normalise:
        st.session_state[spec.session_key] = spec.normalise(st.session_state[spec.session_key])
    return st.session_state[spec.session_key]


def session_key(page: str, key: str) -> str:
    return _setting(page, key).session_key


def sync_url(page: str, filters: landscape.Filters) -> None:
    """Once per run (dashboard.py): the shared filters and this page's settings into the URL.
    Other pages' keys are left as they are, so a link opened on one page keeps the rest."""
    values = landscape.filters_to_query(filters)
    owned = set(landscape.QUERY_KEYS.values())
    for spec in page_settings().get(page, ()):
        owned |= set(spec.owned)
        if spec.session_key in st.session_state:
            values.update(spec.to_query(st.session_state[spec.session_key]))
        else:  # the page stopped before reading it (a missing dataset): keep what the link says
            owned -= set(spec.owned)
    sync_query_params(values, owned)


def clear_region_filter() -> None:
    """A callback ("Show all regions"): the sidebar's region filter emptied before it is drawn."""
    st.session_state["f_region"] = []


# ---------------------------------------------------------------- the filters each page uses

ALL_FILTERS = tuple(landscape.QUERY_KEYS)
FILTER_LABELS = {
    "capabilities": "Capability area",
    "regions": "Region",
    "kinds": "Type",
    "statuses": "Status",
    "search": "Name or town",
    "scopes": "Sites making",
    "year": "Landscape as of",
}
# Which shared filters apply on each page (by url_path); the sidebar says which do not.
PAGE_FILTERS: dict[str, tuple[str, ...]] = {
    "overview": ALL_FILTERS,
    "map": ALL_FILTERS,
    "directory": ALL_FILTERS,
    # Gaps count operational facilities, by type and scope, over the chosen capabilities and regions.
    "gaps": ("capabilities", "regions", "kinds", "scopes"),
    # Money is filtered by where it went and what it supports.
    "investment": ("capabilities", "regions"),
    "centres": (),
    "region": (),
    "present": (),  # each slide carries its own filters
    "import": (),
    "about": (),
}


def filters_note(page: str) -> str:
    """One line for the sidebar: which filters do not apply on this page (empty when all do)."""
    applies = PAGE_FILTERS.get(page, ALL_FILTERS)
    if applies == ALL_FILTERS:
        return ""
    if not applies:
        return "The filters do not apply on this page."
    left_out = [FILTER_LABELS[f] for f in ALL_FILTERS if f not in applies]
    return f"On this page {', '.join(FILTER_LABELS[f] for f in applies)} apply; {', '.join(left_out)} do not."


@dataclass
class View:
    """The shared filters of this run and the facilities they select, computed at most once."""

    filters: landscape.Filters
    _facilities: pd.DataFrame | None = None

    @property
    def facilities(self) -> pd.DataFrame:
        if self._facilities is None:
            self._facilities = caching.filtered_facilities(self.filters)
        return self._facilities


def start_view(filters: landscape.Filters) -> View:
    """dashboard.py: this run's view, read by the page with ``view()``."""
    st.session_state["_view"] = View(filters)
    return st.session_state["_view"]


def view() -> View:
    current = st.session_state.get("_view")
    return current if current is not None else start_view(current_filters())
