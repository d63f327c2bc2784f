"""ONS boundaries: finding them, reading them, and using them for spatial joins.

Boundary files are Crown copyright (Open Government Licence) and are never committed. They are
found in this order:

1. the folder named by ``MMIP_BOUNDARIES_DIR`` (tests and CI point it at ``../shared/data/boundaries``);
2. the cache folder (``MMIP_CACHE_DIR``, default ``~/.cache/mmip-dashboard/boundaries``);
3. a download from the ONS Open Geography Portal (URLs in ``data/boundary_sources.json``), saved
   to the cache, unless ``MMIP_OFFLINE=1``.

For the ITL1 regions, with none of these, the small generalised outline shipped in
``data/boundaries/itl1_outline.geojson`` (built from the official file by ``scripts/build_outline.py``;
see lib/geo/outline.py) is the offline default, so a fresh install draws the UK and its regions.
Local-authority boundaries have no such default. With not even the outline, callers get ``None``
and draw the tile-grid fallback of the 12 ITL1 regions.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lib import config
from lib.data.schemas import ITL1_CODES, ITL1_NAMES

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

SOURCES_FILE = config.DEFAULT_DATA_DIR / "boundary_sources.json"
DOWNLOAD_TIMEOUT_S = 15
BRITISH_NATIONAL_GRID = "EPSG:27700"

# A tile-grid cartogram of the 12 ITL1 regions (row 0 at the top), used when no boundary
# file is available: every region gets an equal, labelled square roughly where it lies.
TILE_GRID: dict[str, tuple[int, int]] = {
    "TLM": (0, 1),
    "TLN": (1, 0),
    "TLC": (1, 2),
    "TLD": (2, 1),
    "TLE": (2, 2),
    "TLL": (3, 0),
    "TLG": (3, 1),
    "TLF": (3, 2),
    "TLH": (3, 3),
    "TLK": (4, 0),
    "TLJ": (4, 1),
    "TLI": (4, 2),
}


@lru_cache(maxsize=1)
def boundary_sources() -> dict:
    return json.loads(SOURCES_FILE.read_text(encoding="utf-8"))


def attribution() -> str:
    return boundary_sources()["attribution"]


def ons_credit() -> str:
    """The attribution without its leading "Source: ", for use inside a chart's source line."""
    return re.sub(r"^Source:\s*", "", attribution())


@dataclass(frozen=True)
class BoundaryLookup:
    """Where a boundary file was found, or why it was not."""

    level: str
    path: Path | None
    message: str


def _match_in(folder: Path, patterns: list[str]) -> Path | None:
    if not folder.is_dir():
        return None
    for pattern in patterns:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


def locate_boundary_file(level: str, allow_download: bool = True) -> BoundaryLookup:
    spec = boundary_sources()[level]
    env_dir = config.boundaries_dir()
    if env_dir is not None:
        found = _match_in(env_dir, spec["patterns"])
        if found:
            return BoundaryLookup(level, found, f"from MMIP_BOUNDARIES_DIR ({found})")
    cache_dir = config.cache_dir() / "boundaries"
    cached = cache_dir / spec["cache_name"]
    if cached.exists():
        return BoundaryLookup(level, cached, f"from the cache ({cached})")
    if not allow_download or config.offline():
        return BoundaryLookup(level, None, "no boundary file found and downloading is switched off")
    try:
        return BoundaryLookup(level, download_boundary(level, cached), "downloaded from the ONS Open Geography Portal")
    except Exception as exc:  # network errors come in many types; all mean "not available now"
        log.warning("boundary download failed: %s", exc)
        return BoundaryLookup(
            level, None, f"could not download from the ONS Open Geography Portal ({type(exc).__name__})"
        )


def download_boundary(level: str, dest: Path, timeout: float = DOWNLOAD_TIMEOUT_S) -> Path:
    import requests

    response = requests.get(boundary_sources()[level]["url"], timeout=timeout)
    response.raise_for_status()
    payload = response.json()
    if payload.get("type") != "FeatureCollection" or not payload.get("features"):
        raise ValueError("the download is not a GeoJSON FeatureCollection")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    tmp.replace(dest)
    return dest


def _first_present(frame: pd.DataFrame, candidates: list[str]) -> str:
    for name in candidates:
        if name in frame.columns:
            return name
    raise ValueError(f"none of the expected properties {candidates} is in the file")


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """A GeoJSON FeatureCollection as a GeoDataFrame, read with json and shapely.

    Every boundary file is GeoJSON (data/boundary_sources.json). Reading it through GDAL
    (``gpd.read_file``) would load GDAL's libraries into the server for its lifetime: +37 MiB
    resident, against +14 MiB this way, for the same 12 regions. A legacy ``crs`` member (OGC
    URN, as older ONS files carry) is honoured; RFC 7946 GeoJSON is WGS84."""
    import geopandas as gpd

    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    if payload.get("type") != "FeatureCollection":
        raise ValueError("not a GeoJSON FeatureCollection")
    crs = ((payload.get("crs") or {}).get("properties") or {}).get("name") or "EPSG:4326"
    return gpd.GeoDataFrame.from_features(payload.get("features") or [], crs=crs)


def read_itl1(path: Path) -> gpd.GeoDataFrame:
    """ITL1 polygons with columns itl1_code (TLC..TLN), name, geometry (WGS84)."""
    import geopandas as gpd

    raw = read_geojson(path)
    code_column = _first_present(raw, boundary_sources()["itl1"]["code_properties"])
    # The 2018 NUTS1 files (UKC..UKN) are identical in extent to ITL1 2021 (TLC..TLN).
    codes = raw[code_column].astype(str).str.replace(r"^UK", "TL", regex=True)
    frame = gpd.GeoDataFrame({"itl1_code": codes, "geometry": raw.geometry}, crs=raw.crs or "EPSG:4326")
    frame = frame[frame["itl1_code"].isin(ITL1_CODES)].to_crs("EPSG:4326")
    frame["name"] = frame["itl1_code"].map(ITL1_NAMES)
    return frame.reset_index(drop=True)[["itl1_code", "name", "geometry"]]


def read_lad(path: Path) -> gpd.GeoDataFrame:
    """Local authority districts with lad_code, lad_name, geometry (WGS84)."""
    import geopandas as gpd

    raw = read_geojson(path)
    spec = boundary_sources()["lad"]
    frame = gpd.GeoDataFrame(
        {
            "lad_code": raw[_first_present(raw, spec["code_properties"])].astype(str),
            "lad_name": raw[_first_present(raw, spec["name_properties"])].astype(str),
            "geometry": raw.geometry,
        },
        crs=raw.crs or "EPSG:4326",
    )
    return frame.to_crs("EPSG:4326").reset_index(drop=True)


def _load_boundaries(level: str, reader, what: str, allow_download: bool) -> tuple[gpd.GeoDataFrame | None, str]:
    lookup = locate_boundary_file(level, allow_download)
    if lookup.path is None:
        return None, lookup.message
    try:
        return reader(lookup.path), lookup.message
    except Exception as exc:  # a damaged or unexpected file: fall back, with the reason
        return None, f"the {what} boundary file {lookup.path.name} could not be read ({exc})"


def load_itl1_boundaries(allow_download: bool = True) -> tuple[gpd.GeoDataFrame | None, str]:
    """The ITL1 regions from a path, the cache or a download; else the shipped outline; else None."""
    shapes, message = _load_boundaries("itl1", read_itl1, "region", allow_download)
    if shapes is not None:
        return shapes, message
    return load_outline(reason=message)


def load_outline(reason: str = "") -> tuple[gpd.GeoDataFrame | None, str]:
    """The generalised ITL1 outline shipped with the dashboard (None if it is missing or damaged)."""
    from lib.geo import outline

    why = f" ({reason})" if reason else ""
    path = outline.OUTLINE_FILE
    if not path.exists():
        return None, f"no ITL1 boundary file{why}, and the shipped outline {path.name} is missing"
    try:
        return read_itl1(path), outline_message(reason)
    except Exception as exc:  # a damaged file: the tile grid, with the reason
        return None, f"the shipped outline {path.name} could not be read ({exc}){why}"


def outline_message(reason: str = "") -> str:
    """What the maps say they are drawn on when it is the shipped outline."""
    return "the generalised ITL1 outline shipped with the dashboard" + (f" ({reason})" if reason else "")


def load_lad_boundaries(allow_download: bool = True) -> tuple[gpd.GeoDataFrame | None, str]:
    return _load_boundaries("lad", read_lad, "local authority", allow_download)


def geojson_of(frame: gpd.GeoDataFrame, id_column: str, simplify_m: float = 0.0) -> dict:
    """A GeoJSON dict whose features carry ``id`` = ``id_column`` (what Plotly's maps key on)."""
    shapes = frame
    if simplify_m:
        shapes = frame.to_crs(BRITISH_NATIONAL_GRID)
        shapes = shapes.set_geometry(shapes.geometry.simplify(simplify_m)).to_crs("EPSG:4326")
    geojson = json.loads(shapes[[id_column, "geometry"]].to_json())
    for feature in geojson["features"]:
        feature["id"] = feature["properties"][id_column]
    return geojson


def outline_coordinates(frame: gpd.GeoDataFrame, simplify_m: float = 1000.0) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat arrays of every polygon ring, separated by NaN: one line trace draws all outlines.

    1 km is under a pixel on a whole-UK map (about 1.3 km per pixel at 950 px tall), and the outlines
    go to the browser on every rerun: 500 m sent 60% more points for no visible difference."""
    shapes = frame.to_crs(BRITISH_NATIONAL_GRID)
    rings = shapes.geometry.simplify(simplify_m).to_crs("EPSG:4326").boundary
    rings = rings.explode(index_parts=False).reset_index(drop=True)
    coords = rings.get_coordinates()
    ring = coords.index.to_numpy()
    breaks = np.flatnonzero(ring[1:] != ring[:-1]) + 1
    lon = np.insert(coords["x"].to_numpy(), breaks, np.nan)
    lat = np.insert(coords["y"].to_numpy(), breaks, np.nan)
    return lon, lat


def points_frame(frame: pd.DataFrame, lat: str = "latitude", lon: str = "longitude") -> gpd.GeoDataFrame:
    import geopandas as gpd

    located = frame.dropna(subset=[lat, lon])
    return gpd.GeoDataFrame(located, geometry=gpd.points_from_xy(located[lon], located[lat]), crs="EPSG:4326")


def region_of_points(
    frame: pd.DataFrame, itl1: gpd.GeoDataFrame, lat: str = "latitude", lon: str = "longitude"
) -> pd.Series:
    """ITL1 code of the polygon each point falls in (missing where it falls in none)."""
    import geopandas as gpd

    points = points_frame(frame, lat, lon)
    joined = gpd.sjoin(points[["geometry"]], itl1[["itl1_code", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["itl1_code"].reindex(frame.index)


def lad_centroids(lad: gpd.GeoDataFrame, itl1: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """One row per local authority: representative point (inside the polygon) and its ITL1 region."""
    import geopandas as gpd

    projected = lad.to_crs(BRITISH_NATIONAL_GRID)
    points = gpd.GeoDataFrame(
        lad[["lad_code", "lad_name"]], geometry=projected.representative_point(), crs=BRITISH_NATIONAL_GRID
    ).to_crs("EPSG:4326")
    out = pd.DataFrame(
        {
            "lad_code": points["lad_code"],
            "lad_name": points["lad_name"],
            "latitude": points.geometry.y,
            "longitude": points.geometry.x,
        }
    )
    if itl1 is not None:
        out["itl1_code"] = region_of_points(out, itl1).to_numpy()
    return out


def region_centroids(itl1: gpd.GeoDataFrame) -> pd.DataFrame:
    import geopandas as gpd

    projected = itl1.to_crs(BRITISH_NATIONAL_GRID)
    points = gpd.GeoSeries(projected.representative_point(), crs=BRITISH_NATIONAL_GRID).to_crs("EPSG:4326")
    return pd.DataFrame(
        {"itl1_code": itl1["itl1_code"].to_numpy(), "latitude": points.y.to_numpy(), "longitude": points.x.to_numpy()}
    )
