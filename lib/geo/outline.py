"""The small generalised ITL1 outline shipped with the dashboard, and how it is built.

A fresh install with no network and no boundary folder must still show the UK and its 12 regions
(the ONS rules in ``../shared/data/boundaries/README.md`` allow shipping a small outline derived
from the official file, built by a script in the project, with the ONS attribution wherever it is
drawn). ``scripts/build_outline.py`` runs :func:`build_outline` on the official ITL1 (or NUTS1
2018) GeoJSON and writes :data:`OUTLINE_FILE`; a test checks the shipped file is exactly what the
script builds today.

How it is generalised, and why:

* ``shapely.coverage_simplify`` at :data:`TOLERANCE_M` in British National Grid metres: the
  regions are simplified as one coverage, so neighbours keep one shared border (simplifying each
  region alone opens slivers between them). 500 m is under half a pixel on a whole-UK map
  (about 1.3 km per pixel at 950 px tall) and the official file is itself generalised to 500 m.
* islands under :data:`MIN_PART_KM2` are dropped: hundreds of rocks too small to see at UK scale
  were a tenth of the points.
* coordinates on a 0.0001 degree grid (about 10 m, ``shapely.set_precision``, which keeps every
  polygon valid): fewer digits, so the file stays a few hundred kB at most.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lib import config

if TYPE_CHECKING:
    import geopandas as gpd

OUTLINE_FILE = config.DEFAULT_DATA_DIR / "boundaries" / "itl1_outline.geojson"
# What the offline map draws from the outline, derived from it by the same script: the region
# lines (lon/lat, NaN between rings, simplified as lib.geo.boundaries.outline_coordinates does)
# and a label point inside each region. Read with json alone, so a server on the outline draws
# its maps without importing geopandas, shapely or pyproj (~17 MiB resident).
LINES_FILE = OUTLINE_FILE.with_name("itl1_outline_lines.json")
LINES_DECIMALS = 5  # about a metre
TOLERANCE_M = 500.0
MIN_PART_KM2 = 1.0
GRID_DEGREES = 1e-4
MAX_BYTES = 300_000  # "a few hundred kB at most" (the ONS rules)
BRITISH_NATIONAL_GRID = "EPSG:27700"


def build_outline(itl1: gpd.GeoDataFrame) -> dict:
    """The outline as a GeoJSON FeatureCollection (dict): one feature per region, in ITL1 code
    order, properties ``itl1_code`` and ``name``, and the ONS attribution as a member."""
    import geopandas as gpd
    import shapely

    from lib.geo import boundaries

    regions = itl1.sort_values("itl1_code").reset_index(drop=True)
    projected = regions.to_crs(BRITISH_NATIONAL_GRID)
    simplified = shapely.coverage_simplify(projected.geometry.to_numpy(), TOLERANCE_M)
    parts = gpd.GeoDataFrame(
        {"itl1_code": regions["itl1_code"]}, geometry=simplified, crs=BRITISH_NATIONAL_GRID
    ).explode(index_parts=False)
    parts = parts.loc[parts.geometry.area >= MIN_PART_KM2 * 1e6]
    kept = parts.dissolve("itl1_code").to_crs("EPSG:4326")
    kept = kept.set_geometry(shapely.set_precision(kept.geometry.to_numpy(), GRID_DEGREES))
    names = dict(zip(regions["itl1_code"], regions["name"]))
    features = [
        {
            "type": "Feature",
            "properties": {"itl1_code": code, "name": names[code]},
            "geometry": shapely.geometry.mapping(geometry),
        }
        for code, geometry in zip(kept.index, kept.geometry)
    ]
    return {
        "type": "FeatureCollection",
        "name": "ITL1 regions, generalised outline for the dashboard's offline default",
        "attribution": boundaries.attribution(),
        "generalisation": (
            f"scripts/build_outline.py: coverage-simplified at {TOLERANCE_M:.0f} m (British National Grid), "
            f"parts under {MIN_PART_KM2:g} km2 dropped, coordinates to {GRID_DEGREES:g} degree"
        ),
        "features": features,
    }


def outline_text(itl1: gpd.GeoDataFrame) -> str:
    """The file's exact text: compact JSON, one feature per line (readable diffs), newline at the end."""
    collection = build_outline(itl1)
    features = collection.pop("features")
    head = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return f'{head},"features":[\n{lines}\n]}}\n'


def write_outline(source: Path, dest: Path = OUTLINE_FILE) -> Path:
    """Build the outline from the official ONS file ``source`` and write it to ``dest``, and its
    lines beside it (:data:`LINES_FILE`'s name)."""
    from lib.geo import boundaries

    text = outline_text(boundaries.read_itl1(source))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    dest.with_name(LINES_FILE.name).write_text(lines_text(boundaries.read_itl1(dest)), encoding="utf-8")
    return dest


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else round(float(v), LINES_DECIMALS) for v in values]


def lines_text(outline_frame: gpd.GeoDataFrame) -> str:
    """The lines file's exact text for the outline read as a frame (``boundaries.read_itl1``)."""
    from lib.geo import boundaries

    lon, lat = boundaries.outline_coordinates(outline_frame)
    points = boundaries.region_centroids(outline_frame)
    payload = {
        "attribution": boundaries.attribution(),
        "derived_from": f"{OUTLINE_FILE.name}, by scripts/build_outline.py (lib/geo/outline.py)",
        "label_points": {
            code: [round(float(x), LINES_DECIMALS), round(float(y), LINES_DECIMALS)]
            for code, x, y in zip(points["itl1_code"], points["longitude"], points["latitude"])
        },
        "lon": _rounded(lon),
        "lat": _rounded(lat),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def _read_lines_file(path: Path = LINES_FILE) -> dict | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if len(payload["lon"]) != len(payload["lat"]) or not payload["lon"] or len(payload["label_points"]) != 12:
            return None
        return payload
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: callers read the outline itself instead


def read_lines(path: Path = LINES_FILE) -> tuple[np.ndarray, np.ndarray] | None:
    """The outline's region lines (lon, lat; NaN between rings), or None if the file is unusable."""
    payload = _read_lines_file(path)
    if payload is None:
        return None
    return (np.array(payload["lon"], dtype=float), np.array(payload["lat"], dtype=float))


def read_label_points(path: Path = LINES_FILE) -> pd.DataFrame | None:
    """A point inside each region (itl1_code, latitude, longitude), as boundaries.region_centroids."""
    payload = _read_lines_file(path)
    if payload is None:
        return None
    codes = sorted(payload["label_points"])
    return pd.DataFrame(
        {
            "itl1_code": codes,
            "latitude": [payload["label_points"][code][1] for code in codes],
            "longitude": [payload["label_points"][code][0] for code in codes],
        }
    )
