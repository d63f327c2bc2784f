"""The one place that owns the data sources and their caching.

Read-only tables with ``st.cache_resource`` (one copy per process, never mutated), derived
results with ``st.cache_data``. Nothing below lib.ui caches anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import config
from lib.analysis import coverage, directory, gaps, landscape
from lib.data.datasets import Datasets, load_datasets_uncached
from lib.data.loading import DatasetError, compact_repeated_text, data_version, release_unused_memory
from lib.geo import boundaries, outline, projection
from lib.ui import widgets


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


def require(*names: str) -> dict[str, pd.DataFrame]:
    """The named datasets, or a clear message naming the broken file and a stop."""
    data = datasets()
    missing = [name for name in names if name not in data.frames]
    if missing:
        for name in missing:
            widgets.show_dataset_error(data.errors.get(name, DatasetError(f"{name}.parquet", "not loaded")))
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
    frame = compact_repeated_text(projection.with_grid_coordinates(landscape.facilities(_sites, _centres)))
    long = landscape.facility_capabilities(frame)
    release_unused_memory()
    return frame, long


def facility_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    frames = require("sites", "centres")
    return _facility_tables(frames["sites"], frames["centres"], datasets().version)


def filtered_facilities(filters: landscape.Filters) -> pd.DataFrame:
    frame, long = facility_tables()
    return landscape.apply_filters(frame, long, filters)


@st.cache_resource(max_entries=4, show_spinner="Preparing the directory…")
def _directory_table(
    _facility_frame: pd.DataFrame,
    _sites: pd.DataFrame,
    _centres: pd.DataFrame,
    _capability_names: dict[str, str],
    version: str,
) -> pd.DataFrame:
    # A resource, not cache_data: 100k rows would be unpickled on every rerun; callers never mutate it.
    table = directory.directory_table(_facility_frame, _sites, _centres, _capability_names)
    release_unused_memory()  # a cache miss: hand its working memory back (see _gap_table)
    return table


def directory_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory table (facilities with search text, modality, size band) and its long form.

    Built on the map's cached facility frame and long table rather than fresh copies of them: at
    100k sites the copies held ~30 MiB more for the life of the server."""
    frames = require("sites", "centres")
    frame, long = facility_tables()
    return (_directory_table(frame, frames["sites"], frames["centres"], capability_names(), datasets().version), long)


@st.cache_resource(max_entries=4, show_spinner=False)
def _directory_names(_table: pd.DataFrame, version: str) -> pd.Series:
    return pd.Series(_table["name"].to_numpy(), index=pd.Index(_table["facility_id"], name="facility_id"))


def directory_names() -> pd.Series:
    """Facility name by id, built once per dataset (a million-entry dict on every rerun took ~1 s)."""
    return _directory_names(directory_tables()[0], datasets().version)


@dataclass
class Boundaries:
    itl1: object | None
    lad_centroids: pd.DataFrame | None  # a point inside every local authority, with its ITL1 region
    message: str


@st.cache_resource(show_spinner="Loading ONS boundaries…")
def boundary_layers() -> Boundaries:
    itl1, itl1_message = boundaries.load_itl1_boundaries()
    lad = boundaries.load_lad_boundaries()[0] if itl1 is not None else None
    # Only the local authorities' points are used (distances for the gap scores): the polygons
    # would otherwise stay in the server's memory for the life of the process.
    points = None if lad is None else boundaries.lad_centroids(lad, itl1)
    del lad
    release_unused_memory()
    return Boundaries(itl1, points, itl1_message)


@st.cache_resource(show_spinner=False)
def _boundary_lookups() -> tuple[boundaries.BoundaryLookup, boundaries.BoundaryLookup]:
    """Where the region and local-authority files are (a download at most once), without reading them."""
    return boundaries.locate_boundary_file("itl1"), boundaries.locate_boundary_file("lad")


@st.cache_resource(show_spinner=False)
def _shipped_outline_lines():
    """No boundary file anywhere (a README install offline): the shipped outline's precomputed
    lines (lib/geo/outline.py), read once, so the maps need no geopandas. None otherwise, or if
    the lines file is unusable (then the outline itself is read the usual way)."""
    itl1, lad = _boundary_lookups()
    return outline.read_lines() if itl1.path is None and lad.path is None else None


def boundary_message() -> str:
    """Where the map's region boundaries come from (or why there are none), for the map's notes."""
    if _shipped_outline_lines() is not None:
        return boundaries.outline_message(_boundary_lookups()[0].message)
    return boundary_layers().message


@st.cache_resource(show_spinner=False)
def region_geojson() -> dict | None:
    shapes = boundary_layers().itl1
    return None if shapes is None else boundaries.geojson_of(shapes, "itl1_code", simplify_m=1000)


@st.cache_resource(show_spinner=False)
def region_outlines():
    lines = _shipped_outline_lines()
    if lines is None:
        shapes = boundary_layers().itl1
        lines = None if shapes is None else boundaries.outline_coordinates(shapes)
    return None if lines is None else projection.plane_outlines(lines)


def lad_centroids() -> pd.DataFrame | None:
    """A point inside every local authority, with its ITL1 region (None without boundaries)."""
    if _boundary_lookups()[1].path is None:
        return None  # no file: nothing to read (and no geopandas to import for it)
    return boundary_layers().lad_centroids


@st.cache_resource(max_entries=2, show_spinner="Reading the file…")
def read_upload(_data: bytes, file_id: str, file: str, sheet: str | None):
    """An uploaded file parsed once per upload (keyed by Streamlit's file id, so the bytes are not
    hashed); a resource because a million-row table is too slow to unpickle on every rerun."""
    from lib.ingest import pipeline

    return pipeline.read_table(_data, file, sheet)


@st.cache_resource(show_spinner=False)
def region_centroids() -> pd.DataFrame | None:
    points = outline.read_label_points() if _shipped_outline_lines() is not None else None
    if points is not None:
        return points
    shapes = boundary_layers().itl1
    return None if shapes is None else boundaries.region_centroids(shapes)


@st.cache_data(max_entries=16, show_spinner=False)
def _gap_table(
    _long: pd.DataFrame,
    _capabilities: pd.DataFrame,
    _regions: pd.DataFrame,
    version: str,
    kinds: tuple[str, ...],
    scopes: tuple[str, ...],
    proposal: gaps.Proposal | None,
) -> pd.DataFrame:
    long = landscape.restrict_long(_long, scopes)
    long = long if proposal is None else gaps.add_proposal(long, proposal)
    table = gaps.gap_table(long, _capabilities, _regions, lad_centroids(), region_centroids(), kinds=kinds)
    del long
    release_unused_memory()  # a cache miss: its working copies of the long table (~170 MiB at 1M sites) go back
    return table


@st.cache_resource(max_entries=4, show_spinner=False)
def _coverage_table(_facilities: pd.DataFrame, _bres, _gva, version: str) -> pd.DataFrame:
    table = coverage.coverage_table(_facilities, _bres, _gva)
    release_unused_memory()  # a cache miss: hand its working memory back (see _gap_table)
    return table


def coverage_table() -> pd.DataFrame:
    """Each region's listed sites against its official pharma industry (lib.analysis.coverage), for
    the default landscape; without the ONS datasets every region reads as low coverage."""
    data = datasets()
    return _coverage_table(
        filtered_facilities(landscape.Filters()),
        data.frames.get("ons_bres_pharma_jobs_itl1"),
        data.frames.get("ons_gva_pharma_itl1"),
        data.version,
    )


def gap_table(filters: landscape.Filters, proposal: gaps.Proposal | None = None) -> pd.DataFrame:
    """lib.analysis.gaps.gap_table on the session's data for the filters' site types and scopes,
    reach from the ONS boundaries when available; with ``proposal`` (the what-if panel), as if that
    facility were operational."""
    frames = require("capabilities", "regions")
    table = _gap_table(
        facility_tables()[1],
        frames["capabilities"],
        frames["regions"],
        datasets().version,
        tuple(filters.kinds),
        tuple(filters.scopes),
        proposal,
    )
    return gaps.mark_confidence(table, coverage.low_coverage_regions(coverage_table()))


@st.cache_resource(max_entries=2, show_spinner=False)
def _default_story(path: str):
    from lib.present import story

    try:
        return story.load(Path(path)), ""
    except story.StoryError as error:
        return story.fallback_story(), str(error)


def default_story():
    """(the default story, "") or, when its file cannot be used, (a one-slide fallback, why)."""
    from lib.present import story

    return _default_story(str(story.DEFAULT_STORY_PATH))


def slide_data():
    """Everything the story views read (lib.present.slides.SlideData) from the session's data."""
    from lib.present import slides

    frames = require("capabilities", "centres", "mmip_proposals", "investments", "regions")
    # The ONS statistics are optional (a region profile slide reads them when loaded).
    optional = {name: datasets().frames.get(name) for name in ("ons_gva_pharma_itl1", "ons_bres_pharma_jobs_itl1")}
    facility_frame, long = facility_tables()
    return slides.slide_data({**frames, **optional}, facility_frame, long, region_outlines())


@st.cache_resource(max_entries=2, show_spinner="Preparing the data pack…")
def _data_pack(_frames: dict[str, pd.DataFrame], origin: str, version: str) -> bytes:
    from lib.data import datapack

    return datapack.pack_bytes(_frames, origin)


def data_pack() -> bytes:
    """The session's datasets as a data pack (lib.data.datapack), built once per set of data."""
    data = datasets()
    return _data_pack(data.frames, data.origin, data.version)
