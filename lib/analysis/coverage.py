"""How much of each region's official pharmaceutical industry the curated data accounts for.

The yardsticks are official statistics of SIC 21 (manufacture of pharmaceutical products): ONS
regional GVA (12 ITL1 regions, 1998–2021) and BRES employment (Great Britain only, 2022–2023,
rounded and partly suppressed: context, never an exact count). The rule is the Region page's
(:func:`lib.analysis.region_profile.coverage`): a region has *low* coverage when fewer than 10
operational sites are listed, when no BRES figure exists (Northern Ireland), or when the stated
headcount at its listed operational sites is under half its BRES pharma jobs. Its "absent" or
"thin" gap cells are then marked low-confidence (docs/gaps_method.md). Pure functions over frames.
"""

from __future__ import annotations

import pandas as pd

from lib.analysis import region_profile
from lib.data.schemas import ITL1_CODES, ITL1_NAMES

LOW, COVERED = "low", "adequate"
COLUMNS = [
    "itl1_code",
    "region",
    "operational_sites",
    "sites_with_headcount",
    "stated_headcount",
    "bres_year",
    "bres_jobs",
    "headcount_share_of_jobs",
    "gva_gbp_m",
    "gva_share_of_uk",
    "sites_share_of_uk",
    "coverage",
]


def coverage_table(facilities: pd.DataFrame, bres_jobs: pd.DataFrame | None, gva: pd.DataFrame | None) -> pd.DataFrame:
    """One row per ITL1 region (columns COLUMNS). ``facilities``: the landscape table in the scope
    the pages count; ``bres_jobs`` and ``gva``: the embedded ONS datasets (None when not loaded)."""
    rows = []
    for code in ITL1_CODES:
        cover = region_profile.coverage(facilities.loc[facilities["itl1_code"] == code], bres_jobs, code)
        rows.append(
            {
                "itl1_code": code,
                "region": ITL1_NAMES[code],
                "operational_sites": cover.operational_sites,
                "sites_with_headcount": cover.sites_with_headcount,
                "stated_headcount": cover.stated_headcount,
                "bres_year": cover.bres_year,
                "bres_jobs": cover.bres_jobs,
                "headcount_share_of_jobs": cover.share,
                "coverage": LOW if cover.low else COVERED,
            }
        )
    out = pd.DataFrame(rows)
    if gva is not None and not gva.empty:
        latest = gva.loc[gva["year"] == gva["year"].max()].set_index("itl1_code")["gva_gbp_million"]
        out["gva_gbp_m"] = out["itl1_code"].map(latest)
        out["gva_share_of_uk"] = out["gva_gbp_m"] / out["gva_gbp_m"].sum()
    else:
        out["gva_gbp_m"] = out["gva_share_of_uk"] = float("nan")
    total = out["operational_sites"].sum()
    out["sites_share_of_uk"] = out["operational_sites"] / total if total else 0.0
    return out[COLUMNS]


def low_coverage_regions(table: pd.DataFrame) -> tuple[str, ...]:
    return tuple(table.loc[table["coverage"] == LOW, "itl1_code"])


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The coverage table as About the data shows it (short headers: it is read on a projector)."""
    share = table["headcount_share_of_jobs"]
    return pd.DataFrame(
        {
            "region": table["region"],
            "operational sites": table["operational_sites"].astype(str),
            "stated headcount (sites)": table["stated_headcount"].map("{:,}".format)
            + " ("
            + table["sites_with_headcount"].astype(str)
            + ")",
            "BRES jobs": table["bres_jobs"].map(lambda v: "—" if pd.isna(v) else f"{int(v):,}"),
            "headcount / jobs": share.map(lambda v: "—" if pd.isna(v) else f"{v:.0%}"),
            "GVA share": table["gva_share_of_uk"].map(lambda v: "—" if pd.isna(v) else f"{v:.0%}"),
            "sites share": table["sites_share_of_uk"].map(lambda v: f"{v:.0%}"),
            "coverage": table["coverage"],
        }
    )
