"""How much of each region's official pharmaceutical industry the curated data accounts for.

The yardsticks are official statistics of SIC 21 (manufacture of pharmaceutical products): ONS
regional GVA (12 ITL1 regions, 1998–2021) and BRES employment (Great Britain only, 2022–2023,
rounded and partly suppressed: context, never an exact count). A region whose listed sites
account for little of its industry gets *low* coverage, and its "absent" or "thin" gap cells are
marked low-confidence (docs/gaps_method.md). Pure functions over frames.
"""

from __future__ import annotations

import pandas as pd

from lib.analysis import landscape
from lib.data.schemas import ITL1_CODES, ITL1_NAMES

# A region is low-coverage when the stated headcount at its listed operational sites covers less
# than this share of its BRES pharma jobs, or it has fewer than MIN_SITES operational sites listed.
MIN_HEADCOUNT_SHARE = 0.25
MIN_SITES = 10
LOW, MEDIUM, HIGH = "low", "medium", "high"
COLUMNS = [
    "itl1_code",
    "region",
    "operational_sites",
    "stated_headcount",
    "sites_with_headcount",
    "bres_jobs",
    "headcount_share_of_jobs",
    "gva_gbp_m",
    "gva_share_of_uk",
    "sites_share_of_uk",
    "coverage",
]


def coverage_table(facilities: pd.DataFrame, bres_jobs: pd.DataFrame, gva: pd.DataFrame) -> pd.DataFrame:
    """One row per ITL1 region (columns COLUMNS).

    ``facilities``: the landscape table (lib.analysis.landscape.facilities), already in the scope
    the page counts; ``bres_jobs``: itl1_code, year, jobs; ``gva``: itl1_code, year, gva_gbp_million.
    BRES jobs are the mean of the years given (year-on-year jumps in the extract are noise); GVA is
    the latest year given."""
    sites = facilities.loc[
        (facilities["kind"] == landscape.SITE) & facilities["status"].isin(landscape.ACTIVE_STATUSES)
    ]
    by_region = sites.groupby("itl1_code", observed=True).agg(
        operational_sites=("facility_id", "size"),
        stated_headcount=("employees", "sum"),
        sites_with_headcount=("employees", "count"),
    )
    jobs = bres_jobs.loc[bres_jobs["itl1_code"].isin(ITL1_CODES)].groupby("itl1_code")["jobs"].mean()
    latest = gva.loc[gva["year"] == gva["year"].max()]
    gva_by_region = latest.loc[latest["itl1_code"].isin(ITL1_CODES)].set_index("itl1_code")["gva_gbp_million"]
    out = pd.DataFrame({"itl1_code": list(ITL1_CODES)})
    out["region"] = out["itl1_code"].map(ITL1_NAMES)
    out = out.join(by_region, on="itl1_code")
    out[["operational_sites", "stated_headcount", "sites_with_headcount"]] = (
        out[["operational_sites", "stated_headcount", "sites_with_headcount"]].fillna(0).astype(int)
    )
    out["bres_jobs"] = out["itl1_code"].map(jobs)
    out["headcount_share_of_jobs"] = out["stated_headcount"] / out["bres_jobs"]
    out["gva_gbp_m"] = out["itl1_code"].map(gva_by_region)
    out["gva_share_of_uk"] = out["gva_gbp_m"] / out["gva_gbp_m"].sum()
    total_sites = out["operational_sites"].sum()
    out["sites_share_of_uk"] = out["operational_sites"] / total_sites if total_sites else 0.0
    out["coverage"] = coverage_level(out)
    return out[COLUMNS]


def coverage_level(table: pd.DataFrame) -> pd.Series:
    """low / medium / high by the rule in the module docstring; no BRES figure (Northern Ireland):
    judged on the number of sites alone."""
    share = table["headcount_share_of_jobs"]
    few_sites = table["operational_sites"] < MIN_SITES
    low = few_sites | (share < MIN_HEADCOUNT_SHARE).fillna(False)
    high = ~low & (share >= 2 * MIN_HEADCOUNT_SHARE).fillna(False)
    return pd.Series(MEDIUM, index=table.index).mask(low, LOW).mask(high, HIGH)


def low_coverage_regions(table: pd.DataFrame) -> tuple[str, ...]:
    return tuple(table.loc[table["coverage"] == LOW, "itl1_code"])
