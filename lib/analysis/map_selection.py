"""What a map shows and what a user picked on it: grid squares, selections, their tables. Pure pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.analysis import landscape
from lib.data.schemas import ITL1_CODES
from lib.geo import projection

# Above this many facilities the UK-wide map shows counts per grid square instead of points:
# tens of thousands of hoverable points make the browser sluggish and the map unreadable.
AGGREGATE_ABOVE = 5_000


GRID_KM = 10


CELL_PREFIX = "cell:"


def facility_table(facilities: pd.DataFrame) -> pd.DataFrame:
    """The facilities as a readable table (lists joined), for "show data" and the directory."""
    table = facilities[
        [
            "facility_id",
            "kind",
            "name",
            "organisation",
            "town",
            "region",
            "status",
            "capabilities",
            "employees",
            "source_url",
            "as_of",
        ]
    ].copy()
    table["kind"] = table["kind"].map(landscape.KIND_LABELS)
    table["capabilities"] = table["capabilities"].str.join(", ")
    return table.rename(columns={"facility_id": "id", "organisation": "company / operator"})


# At most this many picked facilities are listed under the map; the rest are in the download. A
# box over grid squares at 100k sites picks thousands, and a Markdown table of thousands of rows
# took seconds to draw and nobody reads it on a projector.
SELECTION_LIST_ROWS = 50


def selection_listed(facilities: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The picked facilities listed under the map: the first ``limit`` (default
    :data:`SELECTION_LIST_ROWS`) by name."""
    limit = SELECTION_LIST_ROWS if limit is None else limit
    return facilities if len(facilities) <= limit else facilities.sort_values("name", kind="stable").head(limit)


def located_mask(facilities: pd.DataFrame) -> pd.Series:
    """Facilities with a place to draw (a mask: copying a million rows with dropna took 0.5 s)."""
    return facilities["latitude"].notna() & facilities["longitude"].notna()


def cell_ids(facilities: pd.DataFrame, km: int = GRID_KM) -> pd.Series:
    """The grid square (``cell:<col>:<row>`` of a km grid in EPSG:27700) each facility lies in."""
    x, y = projection.to_british_grid(facilities)
    size = km * 1000
    col = pd.Series(np.floor(x / size), index=facilities.index).astype("Int64").astype("string")
    row = pd.Series(np.floor(y / size), index=facilities.index).astype("Int64").astype("string")
    return CELL_PREFIX + col + ":" + row


def grid_cells(facilities: pd.DataFrame, km: int = GRID_KM) -> pd.DataFrame:
    """Facilities counted per km grid square: cell, latitude/longitude of its centre, counts."""
    columns = [c for c in ("latitude", "longitude", "kind", *projection.GRID_COLUMNS) if c in facilities.columns]
    located = facilities.loc[located_mask(facilities), columns]
    if located.empty:
        return pd.DataFrame(
            {
                "cell": pd.Series(dtype=str),
                "latitude": pd.Series(dtype=float),
                "longitude": pd.Series(dtype=float),
                "facilities": pd.Series(dtype=int),
                "centres": pd.Series(dtype=int),
            }
        )
    x, y = projection.to_british_grid(located)
    size = km * 1000
    frame = pd.DataFrame(
        {
            "col": np.floor(x / size).astype(np.int64),
            "row": np.floor(y / size).astype(np.int64),
            "is_centre": (located["kind"] == landscape.CENTRE).to_numpy(),
        }
    )
    counts = (
        frame.groupby(["col", "row"], sort=True)
        .agg(facilities=("is_centre", "size"), centres=("is_centre", "sum"))
        .reset_index()
    )
    lon, lat = projection.from_plane(
        (counts["col"] + 0.5).to_numpy(float) * size, (counts["row"] + 0.5).to_numpy(float) * size
    )
    cells = CELL_PREFIX + counts["col"].astype(str) + ":" + counts["row"].astype(str)
    return pd.DataFrame(
        {
            "cell": cells,
            "latitude": lat,
            "longitude": lon,
            "facilities": counts["facilities"].astype(int),
            "centres": counts["centres"].astype(int),
        }
    )


def is_aggregated(facilities: pd.DataFrame) -> bool:
    """Too many located facilities to draw one by one: the map counts them per grid square."""
    return int(located_mask(facilities).sum()) > AGGREGATE_ABOVE


def facility_map_table(facilities: pd.DataFrame) -> pd.DataFrame:
    """What the facility map shows, as a table: its grid squares when aggregated, else the facilities."""
    return grid_cells(facilities) if is_aggregated(facilities) else facility_table(facilities)


def selected_ids(points) -> list[str]:
    """The ids (``customdata[0]``) of points in a Streamlit plotly selection, in order, once each."""
    ids = []
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, (list, tuple)) and custom:
            ids.append(str(custom[0]))
        elif isinstance(custom, str):
            ids.append(custom)
        elif point.get("location"):
            ids.append(str(point["location"]))
    return list(dict.fromkeys(ids))


def selected_regions(points) -> list[str]:
    return [code for code in selected_ids(points) if code in ITL1_CODES]


def facilities_for_selection(facilities: pd.DataFrame, ids, km: int = GRID_KM) -> pd.DataFrame:
    """Facilities picked on the map: by id, or every facility in a picked grid square."""
    ids = list(ids)
    if not ids:  # the usual case: nothing picked; no pass over every facility
        return facilities.iloc[:0]
    mask = facilities["facility_id"].isin(ids)
    cells = [i for i in ids if i.startswith(CELL_PREFIX)]
    if cells:
        located = facilities.dropna(subset=["latitude", "longitude"])
        in_cells = cell_ids(located, km).isin(cells)
        mask |= facilities.index.isin(located.index[in_cells.to_numpy()])
    return facilities.loc[mask]
