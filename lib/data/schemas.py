"""Pandera schemas for every dataset: the one definition of what a valid row is.

The embedded Parquet files, a rebuilt dataset and a user's upload are all checked against these
same schemas, always with ``lazy=True`` so that every problem is reported at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pandera.pandas as pa
else:

    class _Pandera:
        """pandera, imported on first use: the app needs it only to validate a file it has not seen
        validated before (lib.data.loading.validated_files), and it costs ~13 MiB resident (with
        pydantic and hypothesis) in every server that imports it."""

        def __getattr__(self, name):
            import pandera.pandas

            return getattr(pandera.pandas, name)

    pa = _Pandera()

ITL1_NAMES = {
    "TLC": "North East",
    "TLD": "North West",
    "TLE": "Yorkshire and The Humber",
    "TLF": "East Midlands",
    "TLG": "West Midlands",
    "TLH": "East of England",
    "TLI": "London",
    "TLJ": "South East",
    "TLK": "South West",
    "TLL": "Wales",
    "TLM": "Scotland",
    "TLN": "Northern Ireland",
}
ITL1_CODES = tuple(ITL1_NAMES)
UK_WIDE = "UK"
GREAT_BRITAIN = "GB"
# BRES covers Great Britain: every region but Northern Ireland.
GB_CODES = tuple(code for code in ITL1_CODES if code != "TLN")

# What an imported row gets where its file does not say (a user's own list rarely has the
# project's internal columns): stated as unknown rather than guessed, and reported at import.
NOT_STATED = "not stated"
# "unconfirmed": a source shows the facility existed, but none seen says whether it still operates.
SITE_STATUSES = (
    "operational",
    "closing",
    "closed",
    "proposed",
    "under construction",
    "cancelled",
    "moved",
    "unconfirmed",
    NOT_STATED,
)
CENTRE_STATUSES = ("operational", "proposed", "under construction", "closed", "sold", "cancelled", "unconfirmed")
OPERATOR_TYPES = ("commercial", "CDMO", "NHS", "academic", NOT_STATED)
# What a site makes for (issue: no count mixes scopes without saying so). The landscape counts
# human medicines plus the MMIP-named areas diagnostics and packaging by default.
SCOPES = ("human_medicines", "ivd", "packaging_components", "veterinary", "devices")
DEFAULT_SCOPES = ("human_medicines", "ivd", "packaging_components")
SCOPE_LABELS = {
    "human_medicines": "Human medicines",
    "ivd": "In-vitro diagnostics",
    "packaging_components": "Packaging components",
    "veterinary": "Veterinary medicines",
    "devices": "Medical devices",
}
# How public money was given: grants and loans are never added together silently.
INSTRUMENTS = ("grant", "loan", "equity", "contract", "mixed", "not stated")
CENTRE_TYPES = ("catapult", "CPI", "university", "NHS", "government", "other", NOT_STATED)
LOCATION_PRECISIONS = ("site", "postcode", "town")
RECORD_TYPES = ("award", "programme_total")
MMIP_PROPOSALS = ("P1", "P2", "P3", "P4")
CAPABILITY_GROUPS = ("Modality", "Process stage", "Process capability", "Enabling")

# Generous bounding box of the UK and its islands (Scilly to Shetland, Lough Erne to Lowestoft).
UK_LAT = (49.8, 60.9)
UK_LON = (-8.7, 1.8)
YEAR_RANGE = (1990, 2035)

LIST_COLUMNS = {
    "sites": ("capabilities", "sources"),
    "centres": ("capabilities", "funders", "sources"),
    "investments": ("capabilities", "sources"),
    "mmip_proposals": ("capabilities",),
}

# A date at the precision its source gives: a year, a month or a day (never "1 January" for a year).
DATE_AT_PRECISION = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


def _text(required: bool = True, **kwargs) -> pa.Column:
    checks = kwargs.pop("checks", [])
    if required:
        checks = [pa.Check.str_length(min_value=1), *checks]
    return pa.Column(str, checks=checks, nullable=not required, **kwargs)


def _choice(values, required: bool = True) -> pa.Column:
    return pa.Column(str, checks=pa.Check.isin(list(values)), nullable=not required)


def list_array(series: pd.Series) -> pyarrow.ListArray | None:
    """The column as an Arrow list<string> array (vectorised checks on a million rows take
    well under a second, against tens of seconds in per-row Python); None if it is not one."""
    # Inferred, not forced: forcing list<string> would turn a plain string into its characters.
    try:
        array = pyarrow.array(series.tolist())
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, TypeError):
        return None
    if not pyarrow.types.is_list(array.type):
        return None
    if not (pyarrow.types.is_string(array.type.value_type) or pyarrow.types.is_null(array.type.value_type)):
        return None
    return array.cast(pyarrow.list_(pyarrow.string()))


def _rows_with(lists: pyarrow.ListArray, item_flags: pyarrow.Array) -> np.ndarray:
    """Per row: does any of its items have the flag?"""
    parents = pc.list_parent_indices(lists).to_numpy()
    flags = item_flags.to_numpy(zero_copy_only=False).astype(bool)
    return np.bincount(parents[flags], minlength=len(lists)) > 0


def _is_list_of_text(series: pd.Series) -> pd.Series:
    lists = list_array(series)
    if lists is None:
        return series.map(
            lambda v: hasattr(v, "__len__") and not isinstance(v, str) and all(isinstance(x, str) and x for x in v)
        )
    items = pc.list_flatten(lists)
    empty_item = pc.fill_null(pc.equal(pc.utf8_length(items), 0), True)
    ok = lists.is_valid().to_numpy(zero_copy_only=False) & ~_rows_with(lists, empty_item)
    return pd.Series(ok, index=series.index)


def _list_lengths(series: pd.Series) -> pd.Series:
    lists = list_array(series)
    if lists is None:
        return series.map(lambda v: len(v) if hasattr(v, "__len__") else 0)
    return pd.Series(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(), index=series.index)


def _items_known(series: pd.Series, known: frozenset[str]) -> pd.Series:
    lists = list_array(series)
    if lists is None:
        return series.map(lambda v: hasattr(v, "__iter__") and set(v) <= known)
    unknown = pc.invert(pc.is_in(pc.list_flatten(lists), value_set=pyarrow.array(sorted(known), pyarrow.string())))
    return pd.Series(~_rows_with(lists, unknown), index=series.index)


def _list_column(allowed: set[str] | None = None, min_items: int = 0) -> pa.Column:
    checks = [pa.Check(_is_list_of_text, element_wise=False, error="must be a list of names")]
    if min_items:
        checks.append(
            pa.Check(
                lambda s: _list_lengths(s) >= min_items,
                element_wise=False,
                error=f"must list at least {min_items} item(s)",
            )
        )
    if allowed is not None:
        known = frozenset(allowed)
        checks.append(pa.Check(lambda s: _items_known(s, known), element_wise=False, error="unknown capability id"))
    return pa.Column(object, checks=checks)


def _provenance() -> dict[str, pa.Column]:
    return {
        "source_url": _text(),
        "as_of": _date_at_precision(),
        "note": _text(required=False),
    }


def _date_at_precision(required: bool = True) -> pa.Column:
    return _text(required, checks=[pa.Check.str_matches(DATE_AT_PRECISION)])


def _verified_provenance() -> dict[str, pa.Column]:
    """Provenance of the curated landscape: every source used, and when the row was last checked.
    ``as_of`` may be empty only where the source is undated and the row is verified (the audit checks)."""
    return {
        "source_url": _text(),
        "sources": _list_column(),
        "as_of": _date_at_precision(required=False),
        "verified_on": _date_at_precision(required=False),
        "note": _text(required=False),
    }


def _location(required: bool = True) -> dict[str, pa.Column]:
    return {
        "latitude": pa.Column(float, pa.Check.in_range(*UK_LAT), nullable=not required),
        "longitude": pa.Column(float, pa.Check.in_range(*UK_LON), nullable=not required),
        "location_precision": _choice(LOCATION_PRECISIONS, required),
        "location_source": _text(required),
    }


def capabilities_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "capability_id": _text(unique=True, checks=[pa.Check.str_matches(r"^[a-z_]+$")]),
            "name": _text(unique=True),
            "group": _choice(CAPABILITY_GROUPS),
            "definition": _text(),
            "mmip_named_gap": _choice(("yes", "no")),
            **_provenance(),
        },
        strict=True,
        ordered=True,
        name="capabilities",
    )


def regions_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "itl1_code": _choice(ITL1_CODES),
            "nuts1_code": _text(unique=True, checks=[pa.Check.str_matches(r"^UK[C-N]$")]),
            "name": _text(unique=True),
            "nation": _choice(("England", "Scotland", "Wales", "Northern Ireland")),
            "population": pa.Column("Int64", pa.Check.gt(0)),
            "population_year": _text(),
            "population_source_url": _text(),
            "area_km2": pa.Column(float, pa.Check.gt(0)),
            "area_source_url": _text(),
            **_provenance(),
        },
        unique=["itl1_code"],
        strict=True,
        ordered=True,
        name="regions",
    )


def sites_schema(capability_ids: set[str] | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "site_id": _text(unique=True, checks=[pa.Check.str_matches(r"^S\d{4,}$")]),
            "company": _text(),
            "site_name": _text(),
            "town": _text(),
            "postcode_outward": _text(required=False),
            **_location(),
            "itl1_code": _choice(ITL1_CODES),
            # Empty only where no source says what a site makes; the note says so.
            "capabilities": _list_column(capability_ids),
            "modality": _text(required=False),
            "operator_type": _choice(OPERATOR_TYPES),
            "scope": _choice(SCOPES, required=False),
            "mhra_licence": _text(required=False),
            "approx_employees": pa.Column("Int64", pa.Check.ge(0), nullable=True),
            "status": _choice(SITE_STATUSES),
            "status_date": _date_at_precision(required=False),
            "opened_year": pa.Column("Int64", pa.Check.in_range(1800, YEAR_RANGE[1]), nullable=True),
            "closed_year": pa.Column("Int64", pa.Check.in_range(1800, YEAR_RANGE[1]), nullable=True),
            "linked_centre_id": _text(required=False),
            **_verified_provenance(),
        },
        strict=True,
        ordered=True,
        name="sites",
    )


def centres_schema(capability_ids: set[str] | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "centre_id": _text(unique=True, checks=[pa.Check.str_matches(r"^C\d{3,}$")]),
            "name": _text(),
            "operator": _text(),
            "centre_type": _choice(CENTRE_TYPES),
            "town": _text(required=False),
            "postcode_outward": _text(required=False),
            **_location(required=False),
            "itl1_code": _choice(ITL1_CODES, required=False),
            # May be empty: a centre can matter to the landscape (e.g. drug discovery) without
            # holding a manufacturing capability of the taxonomy; its note says so.
            "capabilities": _list_column(capability_ids),
            "opened_year": pa.Column("Int64", pa.Check.in_range(1800, YEAR_RANGE[1]), nullable=True),
            "closed_year": pa.Column("Int64", pa.Check.in_range(1800, YEAR_RANGE[1]), nullable=True),
            "status": _choice(CENTRE_STATUSES),
            "status_date": _date_at_precision(required=False),
            "public_funding_gbp": pa.Column(float, pa.Check.ge(0), nullable=True),
            "private_funding_gbp": pa.Column(float, pa.Check.ge(0), nullable=True),
            "funders": _list_column(),
            "mmip_proposal": _choice(MMIP_PROPOSALS, required=False),
            "mmip_match": _choice(("full", "partial"), required=False),
            "linked_site_id": _text(required=False),
            **_verified_provenance(),
        },
        strict=True,
        ordered=True,
        name="centres",
    )


def investments_schema(capability_ids: set[str] | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "investment_id": _text(unique=True, checks=[pa.Check.str_matches(r"^I\d{4,}$")]),
            "record_type": _choice(RECORD_TYPES),
            "programme": _text(),
            "funder": _text(required=False),
            "recipient": _text(),
            "project": _text(required=False),
            "town": _text(required=False),
            "itl1_code": _choice((*ITL1_CODES, UK_WIDE)),
            "public_gbp": pa.Column(float, pa.Check.ge(0), nullable=True),
            "private_gbp": pa.Column(float, pa.Check.ge(0), nullable=True),
            # Empty in a user's import means "not stated"; the embedded data states every one.
            "instrument": _choice(INSTRUMENTS, required=False),
            # The investment_id of a record this money is already counted in (summed once, there).
            "part_of": _text(required=False),
            "year": pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE), nullable=True),
            "capabilities": _list_column(capability_ids),
            **_verified_provenance(),
        },
        strict=True,
        ordered=True,
        name="investments",
    )


def mmip_proposals_schema(capability_ids: set[str] | None = None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "proposal_id": _choice(MMIP_PROPOSALS),
            "title": _text(),
            "description": _text(),
            "capabilities": _list_column(capability_ids, min_items=1),
            **_provenance(),
        },
        unique=["proposal_id"],
        strict=True,
        ordered=True,
        name="mmip_proposals",
    )


def ons_gva_pharma_itl1_schema() -> pa.DataFrameSchema:
    """ONS regional GVA (balanced) of SIC 2007 division 21, current prices, £ million."""
    return pa.DataFrameSchema(
        {
            "itl1_code": _choice((*ITL1_CODES, UK_WIDE)),
            "name": _text(),
            "year": pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE)),
            # Stated as published; GVA can in principle be negative, so no lower bound.
            "gva_gbp_million": pa.Column(float),
            "sic07": _choice(("21",)),
            "measure": _text(),
            "source_url": _text(),
            "source_table": _text(),
            "as_of": _text(checks=[pa.Check.str_matches(DATE_AT_PRECISION)]),
        },
        unique=["itl1_code", "year"],
        strict=True,
        ordered=True,
        name="ons_gva_pharma_itl1",
    )


def ons_bres_pharma_jobs_itl1_schema() -> pa.DataFrameSchema:
    """ONS BRES employment in SIC 21 by ITL1 region of Great Britain (rounded, partly suppressed)."""
    return pa.DataFrameSchema(
        {
            "itl1_code": _choice((*GB_CODES, GREAT_BRITAIN)),
            "name": _text(),
            "year": pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE)),
            "jobs": pa.Column("Int64", pa.Check.ge(0)),
            "sic07": _choice(("21",)),
            "measure": _text(),
            "source_url": _text(),
            "as_of": _text(checks=[pa.Check.str_matches(DATE_AT_PRECISION)]),
            "note": _text(),
        },
        unique=["itl1_code", "year"],
        strict=True,
        ordered=True,
        name="ons_bres_pharma_jobs_itl1",
    )


def schema_for(name: str, capability_ids: set[str] | None = None) -> pa.DataFrameSchema:
    builders = {
        "capabilities": lambda: capabilities_schema(),
        "regions": lambda: regions_schema(),
        "sites": lambda: sites_schema(capability_ids),
        "centres": lambda: centres_schema(capability_ids),
        "investments": lambda: investments_schema(capability_ids),
        "mmip_proposals": lambda: mmip_proposals_schema(capability_ids),
        "ons_gva_pharma_itl1": ons_gva_pharma_itl1_schema,
        "ons_bres_pharma_jobs_itl1": ons_bres_pharma_jobs_itl1_schema,
    }
    return builders[name]()
