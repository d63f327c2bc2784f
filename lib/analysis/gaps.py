"""Capability gaps: where the UK lacks which manufacturing capability, by one stated method.

The method is explained to users in ``docs/gaps_method.md``; the numbers in :class:`GapParams`
and that text must agree (``tests/test_gaps.py`` checks the text states every value).

Only operational facilities count. Pure functions over frames; ``lib.ui`` caches them.

Interfaces other pages use:

- :func:`gap_table`: one row per (region, capability) with counts, density, reach and the score;
- :func:`region_gap_scores`: one row per region (the Investment page's "money vs gaps" chart);
- :func:`top_gaps`: the largest regional gaps (the Overview page).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis import landscape
from lib.data.schemas import CAPABILITY_GROUPS, ITL1_CODES, ITL1_NAMES

ABSENT, THIN, COVERED = "absent", "thin", "covered"
GAP_LEVELS = (ABSENT, THIN, COVERED)
PROPOSED_STATUSES = ("proposed", "under construction")
EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
WHAT_IF_ID = "WHAT-IF"
NO_TOWN = "Not stated"
VISIBLE_CHANGE = 0.005  # scores are shown to two decimals

REACH_FROM_LADS = "local authorities"
REACH_FROM_REGIONS = "regions"
REACH_UNAVAILABLE = "unavailable"

GAP_COLUMNS = [
    "itl1_code",
    "region",
    "capability_id",
    "capability",
    "group",
    "mmip_named_gap",
    "count",
    "per_million",
    "location_quotient",
    "median_km",
    "worst_km",
    "absence",
    "density_shortfall",
    "reach_shortfall",
    "gap_score",
    "gap_level",
    "national",
    "uk_count",
    "uk_per_million",
    "regions_with_capability",
]


@dataclass(frozen=True)
class GapParams:
    """The weights and thresholds of the gap score (stated in docs/gaps_method.md)."""

    weight_absence: float = 0.4
    weight_density: float = 0.3
    weight_reach: float = 0.3
    # Nearest facility within this distance: no reach gap; at or beyond reach_far_km: full gap.
    reach_near_km: float = 30.0
    reach_far_km: float = 150.0
    # Present, but fewer facilities per million people than this share of the UK rate: "thin".
    thin_ratio: float = 0.5
    # A capability present in fewer regions than this is a national gap.
    national_min_regions: int = 6


# ---------------------------------------------------------------- inputs


def counted_facilities(long: pd.DataFrame, kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of the facility-capability table that count: operational, placed in one region,
    of the chosen kinds (a what-if proposal always counts), one row per facility and capability."""
    rows = long.loc[
        long["status"].isin(landscape.ACTIVE_STATUSES)
        & long["itl1_code"].isin(ITL1_CODES)
        & long["capability_id"].notna()
    ]
    if kinds:
        rows = rows.loc[rows["kind"].isin(kinds) | (rows["facility_id"] == WHAT_IF_ID)]
    return rows.drop_duplicates(["facility_id", "capability_id"])


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arguments broadcast like numpy arrays (degrees)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _tangent_plane(vectors: np.ndarray) -> np.ndarray:
    """A 3x2 orthonormal basis of the plane through the origin perpendicular to the vectors' mean
    direction (for UK points, the plane the UK almost lies flat in)."""
    centre = vectors.mean(axis=0)
    length = np.linalg.norm(centre)
    centre = centre / length if length > 1e-9 else np.array([0.0, 0.0, 1.0])
    helper = np.array([0.0, 0.0, 1.0]) if abs(centre[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    east = np.cross(helper, centre)
    east /= np.linalg.norm(east)
    return np.column_stack([east, np.cross(centre, east)])


def nearest_chords(origins: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """For each origin (unit vector), the chord to its nearest holder (unit vectors; not empty).

    Exact, in O(n log n), with shapely's R-tree instead of a
    k-d tree from scipy, which cost the server ~25 MiB of resident memory to import.
    Projecting onto a plane never lengthens a distance, so the true nearest holder lies within
    the chord to the plane's nearest one, measured on the plane: the tree's nearest gives that
    bound, every holder within it is checked in 3D, the shortest wins. Near the UK the
    projection shrinks distances by under 1%, so few holders are checked."""
    import shapely  # here: only the gap scores need it, not every page's server

    basis = _tangent_plane(holders)
    tree = shapely.STRtree(shapely.points(holders @ basis))
    probes = shapely.points(origins @ basis)
    found_origin, found_holder = tree.query_nearest(probes, all_matches=False)
    first = np.empty(len(origins), dtype=np.intp)
    first[found_origin] = found_holder
    bound = np.linalg.norm(origins - holders[first], axis=1)
    # A hair of slack so rounding never drops the bounding holder itself.
    near_origin, near_holder = tree.query(probes, predicate="dwithin", distance=bound * (1 + 1e-9) + 1e-12)
    best = bound.copy()
    np.minimum.at(best, near_origin, np.linalg.norm(origins[near_origin] - holders[near_holder], axis=1))
    return best


def reach_points(lad_centroids: pd.DataFrame | None, region_centroids: pd.DataFrame | None) -> pd.DataFrame:
    """The points reach is measured from: local-authority centroids, and the region centroid for
    any region with none. Columns itl1_code, latitude, longitude; empty if neither is given."""
    frames = []
    if lad_centroids is not None and not lad_centroids.empty:
        frames.append(lad_centroids.dropna(subset=["itl1_code", "latitude", "longitude"]))
    covered = set(frames[0]["itl1_code"]) if frames else set()
    if region_centroids is not None and not region_centroids.empty:
        frames.append(region_centroids.loc[~region_centroids["itl1_code"].isin(covered)])
    if not frames:
        return pd.DataFrame(
            {"itl1_code": pd.Series(dtype=str), "latitude": pd.Series(dtype=float), "longitude": pd.Series(dtype=float)}
        )
    return pd.concat([f[["itl1_code", "latitude", "longitude"]] for f in frames], ignore_index=True)


def reach_basis(lad_centroids: pd.DataFrame | None, region_centroids: pd.DataFrame | None) -> str:
    """Which points reach is measured from, in words for the page."""
    if lad_centroids is not None and not lad_centroids.empty:
        return REACH_FROM_LADS
    if region_centroids is not None and not region_centroids.empty:
        return REACH_FROM_REGIONS
    return REACH_UNAVAILABLE


def reach_summary(points: pd.DataFrame, rows: pd.DataFrame, capability_ids: list[str]) -> pd.DataFrame:
    """Per region and capability: median and worst distance (km) from the region's points to the
    nearest located facility with the capability, anywhere in the UK (NaN if there is none)."""
    located = rows.dropna(subset=["latitude", "longitude"])
    nearest = np.full((len(points), len(capability_ids)), np.nan)
    origins = _unit_vectors(points["latitude"].to_numpy(float), points["longitude"].to_numpy(float))
    column_of = {capability: i for i, capability in enumerate(capability_ids)}
    # Each capability's facilities as unit vectors: the nearest by chord is the nearest by great
    # circle (a points x facilities matrix was 3 GB at 1M sites).
    for capability, holders in located.groupby("capability_id", sort=False):
        if capability not in column_of or not len(origins):
            continue
        chord = nearest_chords(
            origins, _unit_vectors(holders["latitude"].to_numpy(float), holders["longitude"].to_numpy(float))
        )
        nearest[:, column_of[capability]] = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    frame = pd.DataFrame(nearest, columns=capability_ids)
    frame["itl1_code"] = points["itl1_code"].to_numpy()
    melted = frame.melt(id_vars="itl1_code", var_name="capability_id", value_name="km")
    return (
        melted.groupby(["itl1_code", "capability_id"], sort=False)["km"]
        .agg(median_km="median", worst_km="max")
        .reset_index()
    )


# ---------------------------------------------------------------- the gap table


def gap_table(
    facility_caps_long: pd.DataFrame,
    capabilities: pd.DataFrame,
    regions: pd.DataFrame,
    lad_centroids: pd.DataFrame | None = None,
    region_centroids: pd.DataFrame | None = None,
    params: GapParams = GapParams(),
    kinds: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per (itl1_code, capability_id), columns GAP_COLUMNS; see docs/gaps_method.md.

    ``facility_caps_long`` is ``landscape.facility_capabilities(landscape.facilities(...))``;
    ``kinds`` restricts what counts (sites, centres). Without any centroids reach is unavailable:
    median_km, worst_km and reach_shortfall are NaN and the score uses absence and density only.
    """
    rows = counted_facilities(facility_caps_long, kinds)
    capability_ids = list(capabilities["capability_id"])
    region_codes = [code for code in ITL1_CODES if code in set(regions["itl1_code"])]
    table = pd.MultiIndex.from_product([region_codes, capability_ids], names=["itl1_code", "capability_id"]).to_frame(
        index=False
    )
    counts = rows.groupby(["itl1_code", "capability_id"]).size().rename("count")
    table = table.merge(counts, on=["itl1_code", "capability_id"], how="left")
    table["count"] = table["count"].fillna(0).astype(int)

    population = regions.set_index("itl1_code")["population"].astype(float)
    table["per_million"] = table["count"] / table["itl1_code"].map(population) * 1e6
    present = table["count"] > 0
    national_totals = (
        table.assign(present=present)
        .groupby("capability_id")
        .agg(uk_count=("count", "sum"), regions_with_capability=("present", "sum"))
    )
    table = table.join(national_totals, on="capability_id")
    table["uk_per_million"] = table["uk_count"] / population.loc[region_codes].sum() * 1e6

    # Location quotient: the region's share of its facilities holding the capability, over the UK's.
    facilities_in_region = rows.groupby("itl1_code")["facility_id"].nunique()
    region_share = table["count"] / table["itl1_code"].map(facilities_in_region)
    uk_share = table["uk_count"] / rows["facility_id"].nunique() if len(rows) else np.nan
    table["location_quotient"] = (region_share / uk_share).replace([np.inf, -np.inf], np.nan)

    points = reach_points(lad_centroids, region_centroids)
    reach_known = not points.empty
    if reach_known:
        table = table.merge(reach_summary(points, rows, capability_ids), on=["itl1_code", "capability_id"], how="left")
    else:
        table["median_km"] = np.nan
        table["worst_km"] = np.nan

    table["absence"] = (~present).astype(float)
    relative_density = table["per_million"] / table["uk_per_million"].replace(0, np.nan)
    table["density_shortfall"] = (1 - relative_density).clip(0, 1).fillna(1.0)
    if reach_known:
        span = params.reach_far_km - params.reach_near_km
        # No located facility anywhere in the UK is as far as a facility can be.
        table["reach_shortfall"] = ((table["median_km"] - params.reach_near_km) / span).clip(0, 1).fillna(1.0)
        weighted = (
            params.weight_absence * table["absence"]
            + params.weight_density * table["density_shortfall"]
            + params.weight_reach * table["reach_shortfall"]
        )
        table["gap_score"] = weighted / (params.weight_absence + params.weight_density + params.weight_reach)
    else:
        table["reach_shortfall"] = np.nan
        weighted = params.weight_absence * table["absence"] + params.weight_density * table["density_shortfall"]
        table["gap_score"] = weighted / (params.weight_absence + params.weight_density)

    thin = present & (table["per_million"] < params.thin_ratio * table["uk_per_million"])
    table["gap_level"] = np.select([~present, thin], [ABSENT, THIN], default=COVERED)
    table["national"] = table["regions_with_capability"] < params.national_min_regions

    names = regions.set_index("itl1_code")["name"]
    table["region"] = table["itl1_code"].map(names).fillna(table["itl1_code"].map(ITL1_NAMES))
    described = capabilities.set_index("capability_id")
    table["capability"] = table["capability_id"].map(described["name"])
    table["group"] = table["capability_id"].map(described["group"])
    table["mmip_named_gap"] = table["capability_id"].map(described["mmip_named_gap"]).eq("yes")
    return table[GAP_COLUMNS]


# ---------------------------------------------------------------- views of the table


def restrict(
    table: pd.DataFrame, capabilities: tuple[str, ...] = (), regions: tuple[str, ...] = (), mmip_only: bool = False
) -> pd.DataFrame:
    """The rows for some capabilities and regions (empty tuples: all). UK rates are unchanged."""
    mask = pd.Series(True, index=table.index)
    if capabilities:
        mask &= table["capability_id"].isin(capabilities)
    if regions:
        mask &= table["itl1_code"].isin(regions)
    if mmip_only:
        mask &= table["mmip_named_gap"]
    return table.loc[mask]


def mark_confidence(gap_table: pd.DataFrame, low_coverage_regions) -> pd.DataFrame:
    """``low_confidence``: an absent or thin cell in a region whose coverage of its official
    industry is low (lib.analysis.coverage): there the capability may be missing from this data,
    not from the region."""
    low = gap_table["itl1_code"].isin(list(low_coverage_regions)) & gap_table["gap_level"].isin((ABSENT, THIN))
    return gap_table.assign(low_confidence=low.to_numpy())


LOW_CONFIDENCE_MARK = "*"
LOW_CONFIDENCE_NOTE = (
    "(*) Low confidence: the data lists only part of that region's industry, so the gap may be missing "
    "from the data rather than from the region."
)


def level_label(gap_table: pd.DataFrame, short: bool = False) -> pd.Series:
    """The gap level as a reader sees it, with "(low confidence)" where it is marked so (``short``:
    a "*" that LOW_CONFIDENCE_NOTE explains, for narrow tables)."""
    level = gap_table["gap_level"].astype(str)
    if "low_confidence" not in gap_table.columns:
        return level
    mark = LOW_CONFIDENCE_MARK if short else " (low confidence)"
    return level.where(~gap_table["low_confidence"].astype(bool), level + mark)


def region_gap_scores(gap_table: pd.DataFrame) -> pd.DataFrame:
    """One row per region: mean gap score over the table's capabilities and how many are absent.
    Largest mean gap first."""
    scored = gap_table.assign(is_absent=gap_table["gap_level"] == ABSENT)
    out = (
        scored.groupby(["itl1_code", "region"], sort=False)
        .agg(mean_gap_score=("gap_score", "mean"), absent_count=("is_absent", "sum"))
        .reset_index()
    )
    out["absent_count"] = out["absent_count"].astype(int)
    return out.sort_values(["mean_gap_score", "itl1_code"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def top_gaps(
    gap_table: pd.DataFrame, n: int, include_national: bool = False, one_per_region: bool = False
) -> pd.DataFrame:
    """The n largest gaps, with a rank. National gaps (thin UK-wide) are reported separately by
    :func:`national_gaps`, so by default they are left out here. ``one_per_region`` keeps only
    each region's largest gap, so one region with many absences does not fill a short list."""
    rows = gap_table if include_national else gap_table.loc[~gap_table["national"]]
    ranked = rows.sort_values(
        ["gap_score", "median_km", "itl1_code", "capability_id"],
        ascending=[False, False, True, True],
        na_position="last",
        kind="stable",
    )
    if one_per_region:
        ranked = ranked.drop_duplicates("itl1_code", keep="first")
    ranked = ranked.head(n).reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


def national_gaps(gap_table: pd.DataFrame) -> pd.DataFrame:
    """One row per capability: UK facilities, regions with it, the regions without it, and
    whether it is a national gap. National gaps first, then by fewest regions."""
    per_capability = gap_table.drop_duplicates("capability_id")[
        [
            "capability_id",
            "capability",
            "group",
            "mmip_named_gap",
            "uk_count",
            "uk_per_million",
            "regions_with_capability",
            "national",
        ]
    ]
    out = per_capability
    for level, column in ((ABSENT, "regions_without"), (THIN, "regions_thin")):
        listed = gap_table.loc[gap_table["gap_level"] == level].groupby("capability_id")["region"].agg(", ".join)
        out = out.join(listed.rename(column), on="capability_id")
        out[column] = out[column].fillna("none")
    return out.sort_values(
        ["national", "regions_with_capability", "uk_count", "capability"],
        ascending=[False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)


def capability_order(gap_table: pd.DataFrame) -> list[str]:
    """Capabilities by group (modality, process stage, ...), then largest mean gap first."""
    means = (
        gap_table.groupby("capability_id", sort=False)
        .agg(group=("group", "first"), mean=("gap_score", "mean"), name=("capability", "first"))
        .reset_index()
    )
    means["group_rank"] = means["group"].map({g: i for i, g in enumerate(CAPABILITY_GROUPS)})
    ordered = means.sort_values(["group_rank", "mean", "name"], ascending=[True, False, True], kind="stable")
    return list(ordered["capability_id"])


def score_matrix(gap_table: pd.DataFrame, value: str = "gap_score") -> pd.DataFrame:
    """Regions (largest mean gap first) x capabilities (by group, then mean gap), of ``value``;
    index and columns are display names."""
    region_order = list(region_gap_scores(gap_table)["itl1_code"])
    matrix = gap_table.pivot(index="itl1_code", columns="capability_id", values=value)
    matrix = matrix.reindex(index=region_order, columns=capability_order(gap_table))
    matrix.index = matrix.index.map(gap_table.drop_duplicates("itl1_code").set_index("itl1_code")["region"])
    matrix.columns = matrix.columns.map(
        gap_table.drop_duplicates("capability_id").set_index("capability_id")["capability"]
    )
    matrix.index.name, matrix.columns.name = "region", "capability"
    return matrix


def compare_regions(gap_table: pd.DataFrame, region_a: str, region_b: str) -> pd.DataFrame:
    """Two regions side by side, one row per capability (in :func:`capability_order`)."""
    columns = ["capability_id", "count", "per_million", "median_km", "gap_score", "gap_level"]
    a = gap_table.loc[gap_table["itl1_code"] == region_a, ["capability", *columns]]
    b = gap_table.loc[gap_table["itl1_code"] == region_b, columns]
    both = a.merge(b, on="capability_id", suffixes=("_a", "_b"))
    both["difference"] = both["gap_score_a"] - both["gap_score_b"]
    order = {c: i for i, c in enumerate(capability_order(gap_table))}
    return both.sort_values("capability_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def mmip_named_summary(gap_table: pd.DataFrame) -> pd.DataFrame:
    """The MMIP-named gap capabilities, each with what the data shows and a one-sentence finding."""
    named = national_gaps(gap_table)
    named = named.loc[named["mmip_named_gap"]].copy()
    worst = (
        top_gaps(gap_table.loc[gap_table["mmip_named_gap"]], len(gap_table), include_national=True)
        .drop_duplicates("capability_id")
        .set_index("capability_id")
    )
    named["largest_gap_region"] = named["capability_id"].map(worst["region"])
    named["largest_gap_score"] = named["capability_id"].map(worst["gap_score"])
    regions_total = gap_table["itl1_code"].nunique()
    absent_from = np.where(
        named["regions_without"] == "none", "present in every region", "none in " + named["regions_without"]
    )
    thin_in = np.where(
        named["regions_thin"] == "none", "", "; thin (under half the UK rate per million) in " + named["regions_thin"]
    )
    verdict = np.select(
        [named["national"], named["regions_without"] != "none", named["regions_thin"] != "none"],
        [
            "a national gap: held in few regions",
            "a regional gap: absent from some regions",
            "a regional gap: thin in some regions",
        ],
        default="not a gap: every region has it at least at half the UK rate",
    )
    named["finding"] = (
        named["capability"]
        + ": "
        + named["uk_count"].astype(str)
        + " operational facilities in "
        + named["regions_with_capability"].astype(str)
        + f" of {regions_total} regions; "
        + absent_from
        + thin_in
        + ". Largest gap: "
        + named["largest_gap_region"]
        + " (score "
        + named["largest_gap_score"].map("{:.2f}".format).astype(str)
        + "). In this data it is "
        + verdict
        + "."
    )
    if "low_confidence" in gap_table.columns:
        doubtful = (
            gap_table.loc[gap_table["mmip_named_gap"] & gap_table["low_confidence"]]
            .groupby("capability_id")["region"]
            .agg(", ".join)
        )
        caveat = named["capability_id"].map(doubtful)
        named["finding"] = named["finding"] + np.where(
            caveat.notna(),
            " Low confidence in " + caveat.fillna("") + ": the data lists only part of the industry there, so "
            "a gap there may be missing from this data rather than from the region.",
            "",
        )
    return named.reset_index(drop=True)


# ---------------------------------------------------------------- what if


@dataclass(frozen=True)
class Proposal:
    """A facility that does not operate yet, placed in a region, optionally at a point."""

    label: str
    itl1_code: str
    capability_ids: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None
    kind: str = landscape.CENTRE


def proposed_facilities(facility_frame: pd.DataFrame) -> pd.DataFrame:
    """Facilities proposed or under construction, placed in one region, with capabilities."""
    rows = facility_frame.loc[
        facility_frame["status"].isin(PROPOSED_STATUSES)
        & facility_frame["itl1_code"].isin(ITL1_CODES)
        & (facility_frame["capabilities"].map(len) > 0)
    ]
    return rows[
        [
            "facility_id",
            "kind",
            "name",
            "town",
            "itl1_code",
            "region",
            "status",
            "latitude",
            "longitude",
            "capabilities",
        ]
    ].reset_index(drop=True)


def proposal_labels(proposed: pd.DataFrame) -> dict[str, str]:
    """Facility id -> "Name (Region, status)" for choosing a proposal."""
    return dict(
        zip(proposed["facility_id"], proposed["name"] + " (" + proposed["region"] + ", " + proposed["status"] + ")")
    )


def proposal_from_facility(row: pd.Series) -> Proposal:
    located = pd.notna(row["latitude"]) and pd.notna(row["longitude"])
    return Proposal(
        label=row["name"],
        itl1_code=row["itl1_code"],
        capability_ids=tuple(row["capabilities"]),
        latitude=float(row["latitude"]) if located else None,
        longitude=float(row["longitude"]) if located else None,
        kind=row["kind"],
    )


def town_locations(facility_frame: pd.DataFrame, itl1_code: str) -> pd.DataFrame:
    """Towns in a region with coordinates from the dataset (to place a what-if proposal)."""
    rows = facility_frame.loc[
        (facility_frame["itl1_code"] == itl1_code) & facility_frame["town"].notna() & facility_frame["latitude"].notna()
    ]
    return rows.groupby("town", sort=True)[["latitude", "longitude"]].first().reset_index()


def user_proposal(itl1_code: str, capability_ids, town: str, towns: pd.DataFrame) -> Proposal:
    """A user's proposal in a region, at one of ``towns`` (from :func:`town_locations`) or,
    with ``NO_TOWN``, at no stated place."""
    place = towns.loc[towns["town"] == town]
    where = town if not place.empty else ITL1_NAMES.get(itl1_code, itl1_code)
    return Proposal(
        label=f"A new centre in {where}",
        itl1_code=itl1_code,
        capability_ids=tuple(capability_ids),
        latitude=float(place["latitude"].iloc[0]) if not place.empty else None,
        longitude=float(place["longitude"].iloc[0]) if not place.empty else None,
    )


def add_proposal(facility_caps_long: pd.DataFrame, proposal: Proposal) -> pd.DataFrame:
    """The facility-capability table with the proposal added as an operational facility."""
    added = pd.DataFrame(
        {
            "facility_id": WHAT_IF_ID,
            "kind": proposal.kind,
            "itl1_code": proposal.itl1_code,
            "status": landscape.ACTIVE_STATUSES[0],
            # A proposed centre makes for no market: it counts in every scope.
            "scope": pd.NA,
            "latitude": np.nan if proposal.latitude is None else proposal.latitude,
            "longitude": np.nan if proposal.longitude is None else proposal.longitude,
            "capability_id": list(dict.fromkeys(proposal.capability_ids)),
        }
    )
    return pd.concat([facility_caps_long, added[facility_caps_long.columns]], ignore_index=True)


def what_if_delta(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The (region, capability) pairs whose gap changes, largest narrowing first. ``change`` is
    after minus before (negative: the gap narrows); ``closes`` marks an absence filled."""
    keys = ["itl1_code", "capability_id"]
    kept = ["region", "capability", "count", "median_km", "gap_score", "gap_level"]
    merged = before[keys + kept].merge(
        after[keys + ["count", "median_km", "gap_score", "gap_level"]], on=keys, suffixes=("_before", "_after")
    )
    merged["change"] = merged["gap_score_after"] - merged["gap_score_before"]
    merged["closes"] = (merged["gap_level_before"] == ABSENT) & (merged["gap_level_after"] != ABSENT)
    changed = merged.loc[merged["change"].abs() > 1e-9]
    return changed.sort_values(["change", "itl1_code", "capability_id"], kind="stable").reset_index(drop=True)


def narrowed_gaps(delta: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`what_if_delta` where the gap narrows visibly (by 0.005 or more, so
    that no "0.00 → 0.00" row appears at two decimals) or an absence is filled."""
    return delta.loc[(delta["change"] <= -VISIBLE_CHANGE) | delta["closes"]].reset_index(drop=True)


def widening_note(delta: pd.DataFrame) -> str:
    """Why some scores rise a little: a new facility raises the UK rate every region is compared with."""
    widened = delta.loc[delta["change"] > 0, "change"]
    if widened.empty:
        return ""
    return (
        f"{len(widened)} other region–capability scores rise slightly (by at most {widened.max():.2f}): "
        "density is measured against the UK rate, which the new facility raises."
    )
