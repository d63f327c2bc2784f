"""Per-region figures for the map's region layer: facilities, facilities per million people,
public investment and investment per head, for all 12 ITL1 regions.

Investment comes from :func:`lib.analysis.investment_by_region` (awards only, never programme
totals; awards with no stated amount count as nothing), so the map and the Investment page always
show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.analysis import key_figures
from lib.data.schemas import ITL1_CODES
from lib.figures import theme


@dataclass(frozen=True)
class Metric:
    label: str  # what the colour shows, for the control and the hover
    unit: str  # the legend (colour bar) title
    column: str  # the column of region_metrics() that is plotted
    source: str  # what the numbers come from
    suffix: str = ""  # written after a value in a sentence ("12 facilities", "£1.85 per person")


FACILITY_SOURCE = "project dataset (sites and centres matching the filters); ONS/NRS/NISRA population estimates"
INVESTMENT_SOURCE = (
    "project dataset (award-level public grants with a stated amount, each pound once; programme "
    "totals and UK-wide awards excluded); ONS/NRS/NISRA population estimates"
)

METRICS: dict[str, Metric] = {
    "facilities": Metric("Sites and centres", "facilities", "facilities", FACILITY_SOURCE, " facilities"),
    "per_million": Metric(
        "Sites and centres per million people",
        "per million people",
        "facilities_per_million",
        FACILITY_SOURCE,
        " per million people",
    ),
    "investment": Metric("Public investment", "£m", "public_gbp_m", INVESTMENT_SOURCE),
    "per_head": Metric("Public investment per head", "£ per person", "gbp_per_head", INVESTMENT_SOURCE, " per person"),
    # How far the data covers each region's industry: 1 means the region's share of the listed
    # facilities equals its share of UK pharmaceutical GVA; well below 1, read its counts as "at least".
    "coverage": Metric(
        "Coverage: share of listed facilities against share of UK pharma GVA",
        "index (1 = in proportion)",
        "coverage_index",
        "project dataset (facilities matching the filters); ONS regional GVA, SIC 21, 2021 (Source: Office for "
        "National Statistics licensed under the Open Government Licence v.3.0.)",
        " times its share of UK pharma GVA",
    ),
}
DEFAULT_METRIC = "facilities"

REGION_METRIC_COLUMNS = [
    "itl1_code",
    "name",
    "population",
    "facilities",
    "facilities_per_million",
    "public_gbp",
    "public_gbp_m",
    "gbp_per_head",
    "awards",
    "awards_with_amount",
    "coverage_index",
]


def region_metrics(
    facilities: pd.DataFrame, investments: pd.DataFrame, regions: pd.DataFrame, gva: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per ITL1 region (in ITL1 code order) with every metric of METRICS.

    ``facilities`` is the already-filtered landscape; facilities with no region (a programme with
    no single place) belong to no region and are not counted. ``gva``: ONS regional pharma GVA
    (itl1_code, year, gva_gbp_million); without it the coverage index is empty.
    """
    counts = facilities["itl1_code"].dropna().value_counts()
    money = key_figures.investment_by_region(investments, regions)
    out = regions[["itl1_code", "name", "population"]].merge(
        money[["itl1_code", "public_gbp", "gbp_per_head", "awards", "awards_with_amount"]], on="itl1_code", how="left"
    )
    out["facilities"] = out["itl1_code"].map(counts).fillna(0).astype(int)
    out["facilities_per_million"] = out["facilities"] / out["population"].astype(float) * 1e6
    out["public_gbp_m"] = out["public_gbp"] / 1e6
    out["coverage_index"] = float("nan")
    if gva is not None and not gva.empty and out["facilities"].sum():
        latest = gva.loc[gva["year"] == gva["year"].max()].set_index("itl1_code")["gva_gbp_million"]
        gva_share = out["itl1_code"].map(latest) / out["itl1_code"].map(latest).sum()
        out["coverage_index"] = (out["facilities"] / out["facilities"].sum()) / gva_share
    order = {code: i for i, code in enumerate(ITL1_CODES)}
    out = out.sort_values("itl1_code", key=lambda codes: codes.map(order), kind="stable")
    return out.reset_index(drop=True)[REGION_METRIC_COLUMNS]


def formatted(metrics: pd.DataFrame, metric: str) -> pd.Series:
    """The metric as short text (units are in the legend): 12, 3.4, £12.3m, £1.85."""
    values = metrics[METRICS[metric].column].astype(float)
    if metric == "facilities":
        return values.map("{:,.0f}".format)
    if metric == "per_million":
        return values.map("{:,.1f}".format)
    if metric == "investment":
        return metrics["public_gbp"].map(theme.format_gbp)
    if metric == "coverage":
        return values.map(lambda v: "not known" if pd.isna(v) else f"{v:,.2f}")
    return values.map("£{:,.2f}".format)


def metric_finding(metrics: pd.DataFrame, metric: str) -> str:
    """One sentence: which region is highest and which lowest on the chosen metric."""
    spec = METRICS[metric]
    values = metrics[spec.column].astype(float)
    if metric == "coverage" and values.isna().all():
        return "Coverage cannot be measured: the ONS GVA dataset is not loaded."
    if values.fillna(0).eq(0).all():
        return f"No region has any {spec.label.lower()} for the current filters."
    labels = formatted(metrics, metric)
    top, bottom = values.idxmax(), values.idxmin()
    return (
        f"{metrics.at[top, 'name']} is highest on {spec.label[0].lower() + spec.label[1:]} ({labels[top]}{spec.suffix}); "
        f"{metrics.at[bottom, 'name']} is lowest ({labels[bottom]}{spec.suffix})."
    )


def metric_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The region figures as a readable table for "Show data" (units in the headers)."""
    return metrics.rename(
        columns={
            "itl1_code": "ITL1 code",
            "name": "region",
            "population": "population (people)",
            "facilities": "sites and centres",
            "facilities_per_million": "sites and centres per million people",
            "public_gbp": "public investment (£)",
            "public_gbp_m": "public investment (£m)",
            "gbp_per_head": "public investment per head (£)",
            "awards": "awards",
            "coverage_index": "coverage index (share of listed facilities / share of UK pharma GVA)",
            "awards_with_amount": "awards with a stated amount",
        }
    )
