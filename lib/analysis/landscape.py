"""The landscape: sites and centres as one table of facilities, and the shared filters over it.

Every page that maps, counts or lists facilities works on :func:`facilities`; the sidebar filters
are a :class:`Filters` value that round-trips through URL query parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.data.schemas import (
    CENTRE_STATUSES,
    DEFAULT_SCOPES,
    ITL1_CODES,
    ITL1_NAMES,
    NOT_STATED,
    SCOPE_LABELS,
    SCOPES,
    SITE_STATUSES,
)

SITE = "site"
CENTRE = "centre"
KIND_LABELS = {SITE: "Manufacturing site", CENTRE: "Innovation centre"}
# "not stated" (imported rows whose file does not say) last, after the statuses a source states.
STATUSES = tuple(s for s in dict.fromkeys((*SITE_STATUSES, *CENTRE_STATUSES)) if s != NOT_STATED) + (NOT_STATED,)
ACTIVE_STATUSES = ("operational",)
# Facilities that did not exist yet, or never will, in a past year's landscape.
NOT_YET_STATUSES = ("proposed", "under construction", "cancelled")
ALL_SCOPES = "all"
EARLIEST_YEAR = 2000

FACILITY_COLUMNS = [
    "facility_id",
    "kind",
    "name",
    "organisation",
    "town",
    "itl1_code",
    "region",
    "latitude",
    "longitude",
    "location_precision",
    "capabilities",
    "status",
    "employees",
    "subtype",
    "scope",
    "opened_year",
    "closed_year",
    "also",
    "source_url",
    "as_of",
    "note",
]


def _optional(frame: pd.DataFrame, column: str, dtype: str) -> pd.Series:
    """A column a user's older data may lack, as missing values."""
    if column in frame.columns:
        return frame[column].astype(dtype)
    return pd.Series(pd.NA, index=frame.index, dtype=dtype)


def facilities(sites: pd.DataFrame, centres: pd.DataFrame) -> pd.DataFrame:
    """Sites and centres in one frame with the columns of FACILITY_COLUMNS.

    One facility, one record: a centre that is the same facility as a manufacturing site
    (``linked_site_id``) is shown and counted once, as that site, whose ``also`` names the centre."""
    linked = _optional(centres, "linked_site_id", "string")
    merged = linked.notna() & linked.isin(sites["site_id"])
    centre_of_site = pd.Series(
        (centres.loc[merged, "centre_id"] + " " + centres.loc[merged, "name"]).to_numpy(),
        index=linked[merged].to_numpy(),
        dtype="string",
    )
    centres = centres.loc[~merged]
    site_rows = pd.DataFrame(
        {
            "facility_id": sites["site_id"],
            "kind": SITE,
            "name": sites["company"] + " – " + sites["site_name"],
            "organisation": sites["company"],
            "town": sites["town"],
            "itl1_code": sites["itl1_code"],
            "latitude": sites["latitude"],
            "longitude": sites["longitude"],
            "location_precision": sites["location_precision"],
            "capabilities": sites["capabilities"],
            "status": sites["status"],
            "employees": sites["approx_employees"].astype("Int64"),
            "subtype": sites["operator_type"],
            "scope": _optional(sites, "scope", "string"),
            "opened_year": _optional(sites, "opened_year", "Int64"),
            "closed_year": _optional(sites, "closed_year", "Int64"),
            "also": sites["site_id"].map(centre_of_site).astype("string"),
            "source_url": sites["source_url"],
            "as_of": sites["as_of"],
            "note": sites["note"],
        }
    )
    centre_rows = pd.DataFrame(
        {
            "facility_id": centres["centre_id"],
            "kind": CENTRE,
            "name": centres["name"],
            "organisation": centres["operator"],
            "town": centres["town"],
            "itl1_code": centres["itl1_code"],
            "latitude": centres["latitude"],
            "longitude": centres["longitude"],
            "location_precision": centres["location_precision"],
            "capabilities": centres["capabilities"],
            "status": centres["status"],
            "employees": pd.Series(pd.NA, index=centres.index, dtype="Int64"),
            "subtype": centres["centre_type"],
            # Centres make nothing for a market: they count in every scope.
            "scope": pd.Series(pd.NA, index=centres.index, dtype="string"),
            "opened_year": _optional(centres, "opened_year", "Int64"),
            "closed_year": _optional(centres, "closed_year", "Int64"),
            "also": pd.Series(pd.NA, index=centres.index, dtype="string"),
            "source_url": centres["source_url"],
            "as_of": centres["as_of"],
            "note": centres["note"],
        }
    )
    frames = [f for f in (site_rows, centre_rows) if not f.empty]
    combined = concat_keeping_categories(frames) if frames else site_rows
    combined["region"] = combined["itl1_code"].map(ITL1_NAMES)
    return combined[FACILITY_COLUMNS]


LONG_TEXT_COLUMNS = ("kind", "itl1_code", "status", "scope")


def concat_keeping_categories(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat`` of frames with the same columns, where a column that is categorical in any
    frame stays categorical (categories united) instead of becoming text: at a million sites the
    text would be hundreds of MiB (see ``lib.data.loading.compact_repeated_text``)."""
    categorical = [
        column
        for column in frames[0].columns
        if any(isinstance(frame[column].dtype, pd.CategoricalDtype) for frame in frames)
    ]
    if categorical:
        united = {}
        for column in categorical:
            values = [frame[column] for frame in frames]
            categories = pd.Index(
                sorted(
                    set().union(
                        *(
                            v.cat.categories if isinstance(v.dtype, pd.CategoricalDtype) else v.dropna().unique()
                            for v in values
                        )
                    ),
                    key=str,
                )
            )
            united[column] = pd.CategoricalDtype(categories)
        frames = [frame.astype(united) for frame in frames]
    return pd.concat(frames, ignore_index=True)


def facility_capabilities(facility_frame: pd.DataFrame) -> pd.DataFrame:
    """Long table: one row per (facility, capability), with the facility's region, kind and status.

    Text columns are categoricals: each row holds small integer codes, not its own copy of every
    string. The table has ~2.5 rows per facility and is kept for the life of the server; as plain
    strings it took ~63 MiB at 100k sites."""
    lists = pa.array(
        facility_frame["capabilities"].to_numpy(dtype=object), type=pa.list_(pa.string()), from_pandas=True
    )
    items = pc.list_flatten(lists)
    present = pc.is_valid(items)
    rows = pc.list_parent_indices(lists).to_numpy()[present.to_numpy(zero_copy_only=False)].astype(np.int32)
    capability = items.filter(present).dictionary_encode()
    # The id as text taken row by row (Arrow): a categorical over a million distinct ids would
    # hash them all into Python strings to check they are unique (~80 MiB at 1M sites).
    long = pd.DataFrame({"facility_id": facility_frame["facility_id"].astype("str").array.take(rows)})
    for column in LONG_TEXT_COLUMNS:
        long[column] = facility_frame[column].astype("category").array.take(rows)
    # float32: ~1 m at UK latitudes, plenty for distances between facilities; half the memory.
    long["latitude"] = facility_frame["latitude"].to_numpy(np.float32)[rows]
    long["longitude"] = facility_frame["longitude"].to_numpy(np.float32)[rows]
    long["capability_id"] = pd.Categorical.from_codes(
        capability.indices.to_numpy(), categories=pd.Index(capability.dictionary.to_pylist())
    )
    return long


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters. Empty tuples mean "no restriction"."""

    capabilities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    search: str = ""
    # What sites make for; by default human medicines plus the MMIP-named diagnostics and
    # packaging. ``()`` means every scope. Centres and sites with no stated scope always count.
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    # The landscape as of a past year (None: today, every status).
    year: int | None = None

    def is_empty(self) -> bool:
        return self == Filters()

    def with_regions(self, regions) -> Filters:
        return replace(self, regions=tuple(regions))


QUERY_KEYS = {
    "capabilities": "cap",
    "regions": "region",
    "kinds": "type",
    "statuses": "status",
    "search": "q",
    "scopes": "scope",
    "year": "year",
}


@dataclass
class ParsedFilters:
    filters: Filters
    notices: list[str] = field(default_factory=list)


def filters_from_query(params: dict[str, str | list[str]], capability_ids) -> ParsedFilters:
    """Read filters from URL query parameters; unknown values are dropped with a notice."""
    allowed = {
        "capabilities": tuple(capability_ids),
        "regions": ITL1_CODES,
        "kinds": (SITE, CENTRE),
        "statuses": STATUSES,
        "scopes": SCOPES,
    }
    values: dict[str, object] = {}
    notices: list[str] = []
    for attr, key in QUERY_KEYS.items():
        raw = params.get(key)
        if raw is None:
            continue
        if isinstance(raw, list):
            raw = ",".join(raw)
        if attr == "search":
            values[attr] = str(raw)[:100]
            continue
        if attr == "year":
            year = str(raw).strip()
            if year.isdigit() and EARLIEST_YEAR <= int(year) <= latest_year():
                values[attr] = int(year)
            else:
                notices.append(f"Ignored the year in the link ({year[:10]}): choose one from {EARLIEST_YEAR} on")
            continue
        if attr == "scopes" and str(raw).strip() == ALL_SCOPES:
            values[attr] = ()
            continue
        items = [item.strip() for item in str(raw).split(",") if item.strip()]
        known = [item for item in items if item in allowed[attr]]
        unknown = [item for item in items if item not in allowed[attr]]
        if unknown:
            notices.append(f"Ignored unknown {key} value(s) in the link: {', '.join(unknown[:5])}")
        values[attr] = tuple(dict.fromkeys(known))
    return ParsedFilters(Filters(**values), notices)


def latest_year() -> int:
    return pd.Timestamp.today().year


def filters_to_query(filters: Filters) -> dict[str, str]:
    out = {}
    for attr, key in QUERY_KEYS.items():
        value = getattr(filters, attr)
        if attr == "scopes":
            if value != DEFAULT_SCOPES:
                out[key] = ",".join(value) if value else ALL_SCOPES
            continue
        if attr == "year":
            if value is not None:
                out[key] = str(value)
            continue
        if value:
            out[key] = value if isinstance(value, str) else ",".join(value)
    return out


def facility_mask(facility_frame: pd.DataFrame, long: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean mask of facilities passing the filters (capability match = any selected)."""
    mask = pd.Series(True, index=facility_frame.index)
    if filters.regions:
        mask &= facility_frame["itl1_code"].isin(filters.regions)
    if filters.kinds:
        mask &= facility_frame["kind"].isin(filters.kinds)
    if filters.statuses:
        mask &= facility_frame["status"].isin(filters.statuses)
    if filters.scopes:
        mask &= in_scope(facility_frame, filters.scopes)
    if filters.year is not None:
        mask &= existed_in(facility_frame, filters.year)
    if filters.capabilities:
        matching = long.loc[long["capability_id"].isin(filters.capabilities), "facility_id"]
        mask &= facility_frame["facility_id"].isin(matching)
    if filters.search:
        needle = filters.search.strip()
        text = facility_frame["name"].str.cat(facility_frame["town"].fillna(""), sep=" ")
        mask &= text.str.contains(needle, case=False, regex=False, na=False)
    return mask


def in_scope(frame: pd.DataFrame, scopes) -> pd.Series:
    """Rows of the chosen scopes; centres and rows with no stated scope count in every scope."""
    return (frame["scope"].isin(list(scopes)) | frame["scope"].isna()).astype(bool)


def existed_in(frame: pd.DataFrame, year: int) -> pd.Series:
    """Facilities that existed in ``year`` as far as the sources say: opened by then (or opening
    year not given), not closed before it, and not a plan that had not been built."""
    opened = frame["opened_year"].isna() | (frame["opened_year"] <= year)
    open_then = frame["closed_year"].isna() | (frame["closed_year"] > year)
    built = ~(frame["status"].isin(NOT_YET_STATUSES) & frame["opened_year"].isna())
    return (opened & open_then & built).fillna(False).astype(bool)


def year_caveat(frame: pd.DataFrame, year: int | None) -> str:
    """What a past year's view cannot know, in one sentence (empty for today)."""
    if year is None:
        return ""
    undated = int(frame["opened_year"].isna().sum())
    return (
        f"The landscape as of {year}: facilities the sources say opened later or closed by then are left out. "
        f"{undated:,} of these facilities have no opening year in their sources and are shown in every year."
    )


def restrict_long(long: pd.DataFrame, scopes) -> pd.DataFrame:
    """The long capability table in the chosen scopes (for the gap scores)."""
    return long if not scopes else long.loc[in_scope(long, scopes)]


def apply_filters(facility_frame: pd.DataFrame, long: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    return facility_frame.loc[facility_mask(facility_frame, long, filters)]


def describe_filters(filters: Filters, capability_names: dict[str, str]) -> str:
    """A short sentence for captions: what the chart is restricted to."""
    parts = []
    if filters.capabilities:
        parts.append(", ".join(capability_names.get(c, c) for c in filters.capabilities))
    if filters.regions:
        parts.append(", ".join(ITL1_NAMES[r] for r in filters.regions))
    if filters.kinds:
        parts.append(", ".join(KIND_LABELS[k].lower() + "s" for k in filters.kinds))
    if filters.statuses:
        parts.append(", ".join(filters.statuses))
    if filters.search:
        parts.append(f"matching “{filters.search}”")
    if filters.scopes != DEFAULT_SCOPES:
        parts.append("sites making " + (", ".join(SCOPE_LABELS[s].lower() for s in filters.scopes) or "anything"))
    if filters.year is not None:
        parts.append(f"as of {filters.year}")
    return "; ".join(parts) if parts else "all facilities"
