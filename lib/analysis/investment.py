"""Public investment: where traced money went, by region, programme, year and capability.

Pure functions over the ``investments`` frame. Two kinds of record never mix:

- awards (money to a named recipient or place) are what every total here adds up;
- programme totals (headline budgets, which overlap the awards) are only ever set *beside* the
  awards, in :func:`headline_vs_traced`.

An empty ``public_gbp`` means "not stated": it is left out of sums and counted separately, never
treated as £0. Awards with ``itl1_code == "UK"`` (UK-wide or multi-region) belong to no region and
get their own row. An award with several capabilities has its £ split equally across them, so that
capability totals still add up to the award totals (see docs/investment_method.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis import key_figures
from lib.data.schemas import ITL1_NAMES, UK_WIDE
from lib.figures import theme

UK_WIDE_LABEL = "UK-wide or multi-region"
NOT_ASSIGNED = "Not assigned"
NOT_STATED = "not stated"

YEAR_QUERY_KEYS = ("yfrom", "yto")

# Which awards count towards a headline programme total. Programme names in the sources vary
# ("LSIMF first tranche", "Life Sciences Innovative Manufacturing Fund (LSIMF)"), so a headline is
# matched to awards by a rule, shown beside the comparison so that a reader can check it.
# Each entry: (headline programme pattern, award pattern, columns the award pattern is read in,
# the rule in words). Headlines no rule covers are matched on the same programme name.
HEADLINE_RULES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        r"Advanced Therapy Treatment Centres",
        r"Advanced Therapy Treatment Centres",
        ("programme",),
        "programme names the Advanced Therapy Treatment Centres",
    ),
    (
        r"Viral vector production",
        r"Viral vector production",
        ("programme",),
        "programme names the viral vector production competition",
    ),
    (r"UK Vaccine Network", r"UK Vaccine Network", ("programme",), "programme names the UK Vaccine Network"),
    (
        r"LSIMF|Life Sciences Innovative Manufacturing Fund",
        r"LSIMF|Life Sciences Innovative Manufacturing Fund",
        ("programme",),
        "programme is the Life Sciences Innovative Manufacturing Fund (LSIMF)",
    ),
    (
        r"MDMTF|Medicines and Diagnostics Manufacturing Transformation",
        r"MDMTF|Medicines and Diagnostics Manufacturing Transformation",
        ("programme",),
        "programme is the Medicines and Diagnostics Manufacturing Transformation Fund",
    ),
    (
        r"medicines manufacturing technologies|Leading-edge healthcare|Medicines Manufacturing Challenge",
        r"\bISCF\b",
        ("programme", "funder"),
        "programme or funder is the Industrial Strategy Challenge Fund (ISCF)",
    ),
)
SAME_NAME_RULE = "same programme name"


# ---------------------------------------------------------------- selecting awards


@dataclass(frozen=True)
class YearRange:
    """Years to keep (inclusive); ``None`` means no bound. Undated awards are kept unless excluded."""

    start: int | None = None
    end: int | None = None
    include_undated: bool = True


def year_bounds(investments: pd.DataFrame) -> tuple[int, int] | None:
    """First and last year of the award records, or None when no award is dated."""
    years = key_figures.awards(investments)["year"].dropna()
    if years.empty:
        return None
    return int(years.min()), int(years.max())


def select_awards(
    investments: pd.DataFrame,
    regions=(),
    capabilities=(),
    years: YearRange = YearRange(),
    instruments: tuple[str, ...] = key_figures.GRANTS_ONLY,
) -> pd.DataFrame:
    """Award records matching the shared filters.

    Regions: awards placed in one of them (UK-wide awards are in no region, so a region filter
    leaves them out). Capabilities: awards supporting any of them. Years: inclusive range, with
    undated awards kept only if ``years.include_undated``.
    """
    rows = key_figures.awards(investments, instruments)
    mask = pd.Series(True, index=rows.index)
    if regions:
        mask &= rows["itl1_code"].isin(list(regions))
    if capabilities:
        exploded = rows["capabilities"].explode()
        mask &= exploded.isin(list(capabilities)).groupby(level=0).any().reindex(rows.index, fill_value=False)
    year = rows["year"]
    in_range = pd.Series(True, index=rows.index)
    if years.start is not None:
        in_range &= (year >= years.start).fillna(False).astype(bool)
    if years.end is not None:
        in_range &= (year <= years.end).fillna(False).astype(bool)
    undated = year.isna()
    if years.start is None and years.end is None:
        in_range = ~undated
    mask &= in_range | (undated & years.include_undated)
    return rows.loc[mask]


def summary(awards: pd.DataFrame) -> dict:
    """Counts a reader needs beside any total: how many awards, how many with no stated amount."""
    stated = awards["public_gbp"].notna()
    undated = awards["year"].isna()
    total = float(awards["public_gbp"].sum())
    return {
        "awards": int(len(awards)),
        "awards_with_amount": int(stated.sum()),
        "awards_not_stated": int((~stated).sum()),
        "awards_undated": int(undated.sum()),
        "public_gbp": total,
        "public_label": theme.format_gbp(total),
        "undated_gbp": float(awards.loc[undated, "public_gbp"].sum()),
        "uk_wide_gbp": float(awards.loc[awards["itl1_code"] == UK_WIDE, "public_gbp"].sum()),
        "uk_wide_awards": int((awards["itl1_code"] == UK_WIDE).sum()),
    }


# ---------------------------------------------------------------- aggregates


def _record_ids(frame: pd.DataFrame, keys) -> pd.Series:
    """The investment ids behind each group, so every bar traces to its rows."""
    return frame.groupby(keys, sort=False)["investment_id"].agg(", ".join).rename("records")


def _money_by(
    frame: pd.DataFrame, key: str, amount: str = "public_gbp", first: dict[str, str] | None = None
) -> pd.DataFrame:
    """Per ``key``: stated £ of ``amount``, awards, awards with and without an amount, record ids;
    ``first`` names columns to carry (new name -> column)."""
    carried = {name: (column, "first") for name, column in (first or {}).items()}
    grouped = frame.groupby(key, sort=False, dropna=False).agg(
        **carried, public_gbp=(amount, "sum"), awards=("investment_id", "size"), awards_with_amount=(amount, "count")
    )
    grouped["awards_not_stated"] = grouped["awards"] - grouped["awards_with_amount"]
    grouped["records"] = _record_ids(frame, key)
    return grouped


def region_totals(awards: pd.DataFrame, regions: pd.DataFrame, only=()) -> pd.DataFrame:
    """Stated public £ per ITL1 region with £ per head, plus one UK-wide/multi-region row.

    Every region appears (restricted to ``only`` when given); the UK-wide row appears only when
    such awards are selected and has no population, so no £ per head.
    Columns: itl1_code, region, population, public_gbp, awards, awards_with_amount,
    awards_not_stated, gbp_per_head, records.
    """
    chosen = regions if not only else regions.loc[regions["itl1_code"].isin(list(only))]
    by_region = key_figures.investment_by_region(awards, chosen).rename(columns={"name": "region"})
    by_region["population"] = by_region["population"].astype("float64")
    uk = awards.loc[awards["itl1_code"] == UK_WIDE]
    if len(uk):
        uk_row = pd.DataFrame(
            {
                "itl1_code": [UK_WIDE],
                "region": [UK_WIDE_LABEL],
                "population": [np.nan],
                "public_gbp": [float(uk["public_gbp"].sum())],
                "awards": [len(uk)],
                "awards_with_amount": [int(uk["public_gbp"].notna().sum())],
                "gbp_per_head": [np.nan],
            }
        )
        by_region = pd.concat([by_region, uk_row], ignore_index=True)
    by_region["awards_not_stated"] = by_region["awards"] - by_region["awards_with_amount"]
    records = _record_ids(awards, "itl1_code")
    by_region["records"] = by_region["itl1_code"].map(records).astype(object).fillna("")
    columns = [
        "itl1_code",
        "region",
        "population",
        "public_gbp",
        "awards",
        "awards_with_amount",
        "awards_not_stated",
        "gbp_per_head",
        "records",
    ]
    return by_region[columns].sort_values("public_gbp", ascending=False, kind="stable").reset_index(drop=True)


def _programme_key(programme: pd.Series) -> pd.Series:
    # Sources spell the same programme with different capitals; group them as one.
    return programme.str.casefold().str.strip()


def by_programme(awards: pd.DataFrame) -> pd.DataFrame:
    """Stated public £ per funding programme, largest first.

    Columns: programme, public_gbp, awards, awards_with_amount, awards_not_stated, records.
    """
    frame = awards.assign(_key=_programme_key(awards["programme"]))
    grouped = _money_by(frame, "_key", first={"programme": "programme"})
    return grouped.sort_values(["public_gbp", "awards"], ascending=False, kind="stable").reset_index(drop=True)


def top_with_other(table: pd.DataFrame, label: str, top_n: int, other_label: str) -> pd.DataFrame:
    """The ``top_n`` rows of a largest-first table, the rest summed into one ``other_label`` row."""
    if len(table) <= top_n + 1:
        return table.reset_index(drop=True)
    head, rest = table.iloc[:top_n], table.iloc[top_n:]
    numeric = rest.select_dtypes("number").sum()
    other = pd.DataFrame(
        [
            {
                **numeric.to_dict(),
                label: other_label.format(n=len(rest)),
                "records": ", ".join(rest["records"]) if "records" in rest else "",
            }
        ]
    )
    return pd.concat([head, other[table.columns]], ignore_index=True)


def by_year(awards: pd.DataFrame) -> pd.DataFrame:
    """Stated public £ per year announced, every year from first to last, with the running total.

    Undated awards are not in this table (see :func:`summary` for their count).
    Columns: year, public_gbp, cumulative_gbp, awards, awards_not_stated, records.
    """
    dated = awards.loc[awards["year"].notna()].assign(year=lambda f: f["year"].astype(int))
    columns = ["year", "public_gbp", "cumulative_gbp", "awards", "awards_not_stated", "records"]
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "records" else "float64") for c in columns})
    grouped = _money_by(dated, "year").drop(columns="awards_not_stated")
    years = range(int(grouped.index.min()), int(grouped.index.max()) + 1)
    grouped = grouped.reindex(years)
    grouped[["public_gbp", "awards", "awards_with_amount"]] = grouped[
        ["public_gbp", "awards", "awards_with_amount"]
    ].fillna(0)
    grouped["records"] = grouped["records"].fillna("")
    grouped["awards"] = grouped["awards"].astype(int)
    grouped["awards_not_stated"] = (grouped["awards"] - grouped["awards_with_amount"]).astype(int)
    grouped["cumulative_gbp"] = grouped["public_gbp"].cumsum()
    return grouped.rename_axis("year").reset_index()[columns]


def capability_split(awards: pd.DataFrame, capability_names: dict[str, str]) -> pd.DataFrame:
    """One row per (award, capability); an award's £ split equally across its capabilities.

    Awards with no capability get one row, "Not assigned". ``share_gbp`` is empty where the
    award's amount is not stated, so the shares of every award add up to its stated amount.
    Columns: investment_id, programme, itl1_code, region, capability_id, capability,
    capability_count, public_gbp, share_gbp.
    """
    count = awards["capabilities"].str.len().astype(int)
    long = (
        awards[["investment_id", "programme", "itl1_code", "public_gbp", "capabilities"]]
        .assign(capability_count=count.clip(lower=1))
        .explode("capabilities")
        .rename(columns={"capabilities": "capability_id"})
    )
    long["capability"] = long["capability_id"].map(capability_names).fillna(long["capability_id"]).fillna(NOT_ASSIGNED)
    long["region"] = long["itl1_code"].map(ITL1_NAMES).fillna(UK_WIDE_LABEL)
    long["share_gbp"] = long["public_gbp"] / long["capability_count"]
    columns = [
        "investment_id",
        "programme",
        "itl1_code",
        "region",
        "capability_id",
        "capability",
        "capability_count",
        "public_gbp",
        "share_gbp",
    ]
    return long[columns].reset_index(drop=True)


def by_capability(split: pd.DataFrame) -> pd.DataFrame:
    """Stated public £ per capability (equal split), with how many awards support each.

    Columns: capability_id, capability, public_gbp, awards, awards_not_stated, records.
    """
    grouped = _money_by(split, "capability", amount="share_gbp", first={"capability_id": "capability_id"})
    out = grouped.reset_index()[["capability_id", "capability", "public_gbp", "awards", "awards_not_stated", "records"]]
    return out.sort_values(["public_gbp", "awards"], ascending=False, kind="stable").reset_index(drop=True)


def flow_links(split: pd.DataFrame, top_programmes: int = 8) -> pd.DataFrame:
    """Links of a programme -> region -> capability flow of stated £ (equal capability split).

    Programmes beyond the ``top_programmes`` largest are one "Other programmes" node, so the
    flow stays readable. Both stages add up to the same total: the stated £ of the awards.
    Columns: stage ("programme → region" or "region → capability"), source, target, public_gbp.
    """
    stated = split.loc[split["share_gbp"].notna()]
    key = _programme_key(stated["programme"])
    ranking = stated.assign(_key=key).groupby("_key")["share_gbp"].sum().sort_values(ascending=False, kind="stable")
    keep = set(ranking.index[:top_programmes])
    others = len(ranking) - len(keep)
    label_of = stated.assign(_key=key).groupby("_key")["programme"].first()
    programme = key.map(label_of).where(key.isin(keep), f"{others} other programmes")
    first = (
        stated.assign(source=programme, target=stated["region"])
        .groupby(["source", "target"], sort=False)["share_gbp"]
        .sum()
        .reset_index()
    )
    second = (
        stated.assign(source=stated["region"], target=stated["capability"])
        .groupby(["source", "target"], sort=False)["share_gbp"]
        .sum()
        .reset_index()
    )
    first.insert(0, "stage", "programme → region")
    second.insert(0, "stage", "region → capability")
    links = pd.concat([first, second], ignore_index=True).rename(columns={"share_gbp": "public_gbp"})
    return links.loc[links["public_gbp"] > 0].reset_index(drop=True)


# ---------------------------------------------------------------- headline against traced


def _award_mask(awards: pd.DataFrame, pattern: str, columns: tuple[str, ...]) -> pd.Series:
    mask = pd.Series(False, index=awards.index)
    for column in columns:
        mask |= awards[column].fillna("").str.contains(pattern, case=False, regex=True)
    return mask


def headline_vs_traced(investments: pd.DataFrame) -> pd.DataFrame:
    """Each programme total beside what the award records under that programme add up to.

    The two are never added together: a headline is a budget or announcement, the awards are the
    money this dataset traces to named recipients. ``difference_gbp`` = headline - traced.
    Columns: investment_id, programme, description, year, headline_gbp, matched_by,
    awards_matched, awards_not_stated, traced_gbp, difference_gbp, difference, records,
    source_url, as_of.
    """
    headlines = investments.loc[investments["record_type"] == "programme_total"]
    # Every instrument: a headline budget is compared with all the money traced under it.
    awards = key_figures.awards(investments, instruments=())
    columns = [
        "investment_id",
        "programme",
        "description",
        "year",
        "headline_gbp",
        "matched_by",
        "awards_matched",
        "awards_not_stated",
        "traced_gbp",
        "difference_gbp",
        "difference",
        "records",
        "source_url",
        "as_of",
    ]
    if headlines.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    out = pd.DataFrame(
        {
            "investment_id": headlines["investment_id"],
            "programme": headlines["programme"],
            "description": headlines["recipient"],
            "year": headlines["year"],
            "headline_gbp": headlines["public_gbp"],
            "matched_by": SAME_NAME_RULE,
            "awards_matched": 0,
            "awards_not_stated": 0,
            "traced_gbp": 0.0,
            "records": "",
            "source_url": headlines["source_url"],
            "as_of": headlines["as_of"],
        }
    )
    ruled = pd.Series(False, index=headlines.index)
    for headline_pattern, award_pattern, award_columns, words in HEADLINE_RULES:
        applies = headlines["programme"].str.contains(headline_pattern, case=False, regex=True) & ~ruled
        if not applies.any():
            continue
        ruled |= applies
        matched = awards.loc[_award_mask(awards, award_pattern, award_columns)]
        out.loc[applies, "matched_by"] = words
        out.loc[applies, "awards_matched"] = len(matched)
        out.loc[applies, "awards_not_stated"] = int(matched["public_gbp"].isna().sum())
        out.loc[applies, "traced_gbp"] = float(matched["public_gbp"].sum())
        out.loc[applies, "records"] = ", ".join(matched["investment_id"])
    same_name = out.index[~ruled]
    if len(same_name):
        keyed = awards.assign(_key=_programme_key(awards["programme"]))
        grouped = keyed.groupby("_key").agg(
            n=("investment_id", "size"), missing=("public_gbp", lambda s: s.isna().sum()), gbp=("public_gbp", "sum")
        )
        grouped["records"] = _record_ids(keyed, "_key")
        key = _programme_key(out.loc[same_name, "programme"])
        out.loc[same_name, "awards_matched"] = key.map(grouped["n"]).fillna(0).to_numpy()
        out.loc[same_name, "awards_not_stated"] = key.map(grouped["missing"]).fillna(0).to_numpy()
        out.loc[same_name, "traced_gbp"] = key.map(grouped["gbp"]).fillna(0.0).to_numpy()
        out.loc[same_name, "records"] = key.map(grouped["records"]).fillna("").to_numpy()
    out["awards_matched"] = out["awards_matched"].astype(int)
    out["awards_not_stated"] = out["awards_not_stated"].astype(int)
    out["traced_gbp"] = out["traced_gbp"].astype(float)
    out["difference_gbp"] = out["headline_gbp"] - out["traced_gbp"]
    out["difference"] = difference_sentences(out)
    return out[columns].sort_values("headline_gbp", ascending=False, kind="stable").reset_index(drop=True)


def difference_sentences(table: pd.DataFrame) -> pd.Series:
    """One plain sentence per headline row stating the gap between headline and traced money."""
    headline = table["headline_gbp"].map(theme.format_gbp)
    traced = table["traced_gbp"].map(theme.format_gbp)
    gap = table["difference_gbp"].abs().map(theme.format_gbp)
    not_stated = table["awards_not_stated"]
    note = np.where(not_stated > 0, " " + not_stated.astype(str) + " matching award(s) state no amount.", "")
    sentence = np.select(
        [
            table["headline_gbp"].isna(),
            table["awards_matched"] == 0,
            table["difference_gbp"] > 0,
            table["difference_gbp"] < 0,
        ],
        [
            "The headline states no amount.",
            "No award record in the data is tied to this programme: none of the " + headline + " is traced.",
            "Awards traced add up to "
            + traced
            + " of the "
            + headline
            + " headline: "
            + gap
            + " is not traced to a named award.",
            "Awards traced add up to "
            + traced
            + ", "
            + gap
            + " more than the "
            + headline
            + " headline (they may span more rounds or years than the headline).",
        ],
        default="Awards traced add up to exactly the " + headline + " headline.",
    )
    return pd.Series(sentence, index=table.index).str.cat(pd.Series(note, index=table.index))


# ---------------------------------------------------------------- against capability gaps


def against_gaps(totals: pd.DataFrame, gap_scores: pd.DataFrame) -> pd.DataFrame:
    """Per region: £ per head of traced awards beside the mean capability-gap score.

    ``gap_scores`` is ``gaps.region_gap_scores(...)``: itl1_code, region, mean_gap_score,
    absent_count. UK-wide awards belong to no region, so they are not in this table.
    """
    regional = totals.loc[
        totals["itl1_code"] != UK_WIDE, ["itl1_code", "region", "public_gbp", "gbp_per_head", "awards"]
    ]
    scores = gap_scores[["itl1_code", "mean_gap_score", "absent_count"]]
    return regional.merge(scores, on="itl1_code", how="inner").reset_index(drop=True)


def rank_correlation(x: pd.Series, y: pd.Series) -> float | None:
    """Spearman's rank correlation (Pearson on ranks); None with fewer than 3 pairs or no spread."""
    pairs = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(pairs) < 3 or pairs["x"].nunique() < 2 or pairs["y"].nunique() < 2:
        return None
    return float(pairs["x"].rank().corr(pairs["y"].rank()))


# ---------------------------------------------------------------- records and URL


def records_table(awards: pd.DataFrame, capability_names: dict[str, str]) -> pd.DataFrame:
    """The award records behind every chart, readable, with their sources."""
    names = awards["capabilities"].explode().map(capability_names).dropna()
    joined = names.groupby(level=0).agg(", ".join).reindex(awards.index).fillna(NOT_ASSIGNED)
    return pd.DataFrame(
        {
            "id": awards["investment_id"],
            "recipient": awards["recipient"],
            "region": awards["itl1_code"].map(ITL1_NAMES).fillna(UK_WIDE_LABEL),
            "public £": awards["public_gbp"],
            "year": awards["year"],
            "programme": awards["programme"],
            "capabilities": joined,
            "funder": awards["funder"],
            "project": awards["project"],
            "town": awards["town"],
            "private £": awards["private_gbp"],
            "source_url": awards["source_url"],
            "as_of": awards["as_of"],
            "note": awards["note"],
        }
    ).reset_index(drop=True)


def year_range_from_query(params: dict, bounds: tuple[int, int]) -> tuple[tuple[int, int], list[str]]:
    """The year range in a link (``yfrom``/``yto``), clipped to ``bounds``; bad values get a notice."""
    low, high = bounds
    values = {"yfrom": low, "yto": high}
    notices = []
    for key in YEAR_QUERY_KEYS:
        raw = params.get(key)
        if raw is None:
            continue
        raw = raw[0] if isinstance(raw, list) and raw else raw
        text = str(raw).strip()
        if not text.isdigit():
            notices.append(f"Ignored {key} in the link: {text[:20]!r} is not a year.")
            continue
        values[key] = min(max(int(text), low), high)
    start, end = sorted((values["yfrom"], values["yto"]))
    return (start, end), notices


def year_range_to_query(selected: tuple[int, int], bounds: tuple[int, int]) -> dict[str, str]:
    """Only the ends that differ from the full range go into the link."""
    out = {}
    if selected[0] != bounds[0]:
        out["yfrom"] = str(selected[0])
    if selected[1] != bounds[1]:
        out["yto"] = str(selected[1])
    return out
