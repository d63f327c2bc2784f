"""Shared analysis: headline figures, the MMIP tracker, simple region aggregates.

Pure functions over frames; no Streamlit, no caching here (``lib.ui`` caches).
"""

from __future__ import annotations

import pandas as pd

from lib.analysis import landscape
from lib.data.schemas import ITL1_CODES, ITL1_NAMES, UK_WIDE
from lib.figures import theme

# Traced totals count public grants by default and say so; loans and the rest only when asked.
GRANTS_ONLY = ("grant",)
INSTRUMENT_CHOICES = {
    "grant": "Grants only",
    "grant,loan": "Grants and loans",
    "all": "All public money (grants, loans, equity, contracts, mixed, not stated)",
}
DEFAULT_INSTRUMENT_CHOICE = "grant"


def instruments_for(choice: str) -> tuple[str, ...]:
    """The instruments a choice of INSTRUMENT_CHOICES counts; ``()`` means every instrument."""
    return () if choice == "all" else tuple(choice.split(","))


def instrument_words(instruments: tuple[str, ...]) -> str:
    """The money a total counts, in the words every page and slide uses."""
    if not instruments:
        return "public money of every kind (grants, loans, equity, contracts)"
    if instruments == GRANTS_ONLY:
        return "public grants"
    return "public " + " and ".join(f"{i}s" for i in instruments)


def instrument_of(investments: pd.DataFrame) -> pd.Series:
    """Each record's instrument; an empty one (a user's import) is "not stated"."""
    if "instrument" not in investments.columns:
        return pd.Series("not stated", index=investments.index)
    return investments["instrument"].fillna("not stated")


def awards(investments: pd.DataFrame, instruments: tuple[str, ...] = GRANTS_ONLY) -> pd.DataFrame:
    """Award-level records to sum, each pound once, of the given instruments (``()``: all).

    Programme totals overlap the awards and are never summed with them. An award that is part of
    another award (``part_of``) is already counted in it, so it is left out here."""
    rows = investments.loc[investments["record_type"] == "award"]
    if "part_of" in rows.columns:
        inside_an_award = rows["part_of"].isin(rows["investment_id"])
        rows = rows.loc[~inside_an_award]
    if instruments:
        rows = rows.loc[instrument_of(rows).isin(instruments)]
    return rows


def regional_awards(investments: pd.DataFrame, instruments: tuple[str, ...] = GRANTS_ONLY) -> pd.DataFrame:
    """Awards placed in one ITL1 region (UK-wide and multi-region awards belong to no region)."""
    rows = awards(investments, instruments)
    return rows.loc[rows["itl1_code"] != UK_WIDE]


def headline_figures(
    facilities: pd.DataFrame,
    investments: pd.DataFrame,
    filters: landscape.Filters | None = None,
    instruments: tuple[str, ...] = GRANTS_ONLY,
) -> dict:
    filters = filters or landscape.Filters()
    traced = awards(investments, instruments)
    if filters.regions:
        traced = traced.loc[traced["itl1_code"].isin(filters.regions)]
    total = float(traced["public_gbp"].sum(min_count=1) or 0.0)
    as_of = pd.concat([facilities["as_of"], traced["as_of"]]).dropna()
    latest = as_of.max() if not as_of.empty else None
    return {
        "sites": int((facilities["kind"] == landscape.SITE).sum()),
        "centres": int((facilities["kind"] == landscape.CENTRE).sum()),
        "regions_covered": int(facilities["itl1_code"].dropna().nunique()),
        "traced_investment_gbp": total,
        "traced_investment_label": theme.format_gbp(total),
        "traced_awards": int(traced["public_gbp"].notna().sum()),
        "as_of_note": (
            f"Sources dated up to {latest}. Traced investment adds up award-level {instrument_words(instruments)} "
            f"with a stated amount ({int(traced['public_gbp'].notna().sum())} awards), each pound once; headline programme "
            "budgets are shown separately on the Investment page, never added to it."
            if latest
            else "No dated sources match the filters."
        ),
    }


def capability_counts(
    long: pd.DataFrame, capabilities: pd.DataFrame, filters: landscape.Filters | None = None
) -> pd.DataFrame:
    """Operational facilities per region (rows) and capability (columns), all 12 regions shown."""
    filters = filters or landscape.Filters()
    rows = long.loc[long["status"].isin(landscape.ACTIVE_STATUSES)]
    if filters.kinds:
        rows = rows.loc[rows["kind"].isin(filters.kinds)]
    table = pd.crosstab(rows["itl1_code"], rows["capability_id"])
    table = table.reindex(index=list(ITL1_CODES), columns=list(capabilities["capability_id"]), fill_value=0)
    table.index = table.index.map(ITL1_NAMES)
    table.columns = table.columns.map(dict(zip(capabilities["capability_id"], capabilities["name"])))
    return table


def investment_by_region(investments: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Public £ of regional awards per ITL1 region, with £ per head. Every region appears."""
    rows = regional_awards(investments)
    summed = rows.groupby("itl1_code").agg(
        public_gbp=("public_gbp", lambda s: s.sum(min_count=1)),
        awards=("investment_id", "size"),
        awards_with_amount=("public_gbp", "count"),
    )
    out = regions[["itl1_code", "name", "population"]].merge(summed, on="itl1_code", how="left")
    out["public_gbp"] = out["public_gbp"].fillna(0.0)
    out[["awards", "awards_with_amount"]] = out[["awards", "awards_with_amount"]].fillna(0).astype(int)
    out["gbp_per_head"] = out["public_gbp"] / out["population"].astype(float)
    return out.sort_values("public_gbp", ascending=False, kind="stable").reset_index(drop=True)


def top_funded_regions(by_region: pd.DataFrame, n: int = 5, regions: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ``n`` regions (of ``regions``; empty: all) with most traced public £ (from
    :func:`investment_by_region`), £ as text. Regions with no traced money are left out."""
    rows = by_region.loc[by_region["itl1_code"].isin(regions)] if regions else by_region
    top = rows.loc[rows["public_gbp"] > 0].nlargest(n, "public_gbp", keep="first")
    return pd.DataFrame(
        {
            "region": top["name"].to_numpy(),
            "public money": top["public_gbp"].map(theme.format_gbp).to_numpy(),
            "awards with an amount": top["awards_with_amount"].to_numpy(),
        }
    )


def dataset_summary(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for name, frame in frames.items():
        # As text: a large table holds as_of as a categorical, which has no order to take a min of.
        as_of = frame["as_of"].astype("string").dropna() if "as_of" in frame.columns else pd.Series(dtype=str)
        sources = frame["source_url"].nunique() if "source_url" in frame.columns else 0
        rows.append(
            {
                "dataset": name,
                "rows": len(frame),
                "distinct sources": sources,
                "oldest source": as_of.min() if not as_of.empty else None,
                "newest source": as_of.max() if not as_of.empty else None,
            }
        )
    return pd.DataFrame(rows)
