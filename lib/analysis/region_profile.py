"""A region's profile: everything the dashboard knows about one ITL1 region, or the whole UK.

Pure functions over frames the other pages already use, so every number here is the number the
other pages show (``tests/test_region_profile.py`` checks it):

- facilities: the Map's landscape (:func:`lib.analysis.landscape.facilities`) restricted to the region;
- capabilities: the gap table of :mod:`lib.analysis.gaps` (held / thin / absent);
- money: awards only, summed by :func:`lib.analysis.investment.region_totals`;
- official statistics: ONS GVA (SIC 21) and BRES jobs (Great Britain only).

"Coverage" says how much of the region's official industry the listed sites account for; where it
is low the profile's counts are lower bounds and read "at least".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis import directory, gaps, investment, key_figures, landscape
from lib.data.schemas import GREAT_BRITAIN, ITL1_CODES, ITL1_NAMES, UK_WIDE
from lib.figures import theme

UK = UK_WIDE  # the whole United Kingdom as a profile (the comparison's default)
UK_NAME = "United Kingdom"
NORTHERN_IRELAND = "TLN"

HELD, THIN, ABSENT = "held", "thin", "absent"
LEVELS = (HELD, THIN, ABSENT)
LEVEL_OF_GAP = {gaps.COVERED: HELD, gaps.THIN: THIN, gaps.ABSENT: ABSENT}

# Coverage is low (counts are "at least") when the region lists fewer operational sites than this,
# or their stated headcount is under this share of the region's BRES jobs, or that share is unknown.
LOW_COVERAGE_SITES = 10
LOW_COVERAGE_SHARE = 0.5

ONS_CREDIT = "Office for National Statistics licensed under the Open Government Licence v.3.0"
GRANT, LOAN = "grant", "loan"


def choices() -> list[str]:
    """The regions a profile can show, in ITL1 code order."""
    return list(ITL1_CODES)


def comparison_choices() -> list[str]:
    """What the second column can show: the UK, or any region."""
    return [UK, *ITL1_CODES]


def area_name(code: str) -> str:
    return UK_NAME if code == UK else ITL1_NAMES.get(code, code)


def _in_area(frame: pd.DataFrame, code: str) -> pd.Series:
    if code == UK:
        return pd.Series(True, index=frame.index)
    return frame["itl1_code"] == code


def area_filters(code: str) -> landscape.Filters:
    """The shared filters that show the same facilities on the Map (no filter for the UK)."""
    return landscape.Filters() if code == UK else landscape.Filters(regions=(code,))


# ---------------------------------------------------------------- facilities


def area_facilities(facility_frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The facilities of a region (every status, the default scope), or all of them for the UK."""
    in_scope = landscape.in_scope(facility_frame, landscape.Filters().scopes)
    return facility_frame.loc[_in_area(facility_frame, code) & in_scope]


def facility_counts(facilities: pd.DataFrame) -> dict:
    kind, status = facilities["kind"], facilities["status"]
    operational = status.isin(landscape.ACTIVE_STATUSES)
    return {
        "facilities": int(len(facilities)),
        "sites": int((kind == landscape.SITE).sum()),
        "centres": int((kind == landscape.CENTRE).sum()),
        "operational_sites": int(((kind == landscape.SITE) & operational).sum()),
        "operational_centres": int(((kind == landscape.CENTRE) & operational).sum()),
        "planned": int(status.isin(gaps.PROPOSED_STATUSES).sum()),
    }


# ---------------------------------------------------------------- capabilities


def capability_profile(gap_table: pd.DataFrame, code: str) -> pd.DataFrame:
    """One row per capability: operational facilities holding it and held / thin / absent.

    A region's level is the gap method's (thin: under half the UK rate per million people). For
    the UK, a capability is absent if no facility holds it and thin if it is a national gap (held
    in fewer regions than the method's threshold). Columns: capability_id, capability, group,
    mmip_named_gap, count, level, gap_score, regions_with_capability.
    """
    columns = ["capability_id", "capability", "group", "mmip_named_gap", "count", "level", "gap_score"]
    if code == UK:
        rows = gap_table.drop_duplicates("capability_id")
        level = np.select([rows["uk_count"] == 0, rows["national"]], [ABSENT, THIN], default=HELD)
        out = rows.assign(count=rows["uk_count"], level=level, gap_score=np.nan)
    else:
        rows = gap_table.loc[gap_table["itl1_code"] == code]
        out = rows.assign(level=rows["gap_level"].map(LEVEL_OF_GAP))
    order = {c: i for i, c in enumerate(gaps.capability_order(gap_table))}
    out = out[[*columns, "regions_with_capability"]]
    return out.sort_values("capability_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def level_counts(profile: pd.DataFrame) -> dict[str, int]:
    counts = profile["level"].value_counts()
    return {level: int(counts.get(level, 0)) for level in LEVELS}


def largest_gaps(gap_table: pd.DataFrame, code: str, n: int = 5) -> pd.DataFrame:
    """A region's largest gaps by score (national gaps included: they are the region's too), or
    for the UK its national gaps. Columns: Capability, Gap score (regions only), Why."""
    if code == UK:
        national = gaps.national_gaps(gap_table)
        rows = national.loc[national["national"]].head(n)
        if rows.empty:
            return pd.DataFrame({"Capability": pd.Series(dtype=object), "Why": pd.Series(dtype=object)})
        level = np.where(rows["uk_count"] == 0, ABSENT, THIN)
        return pd.DataFrame(
            {
                "Capability": rows["capability"],
                "Why": level
                + ": "
                + rows["uk_count"].astype(str)
                + " facilities in "
                + rows["regions_with_capability"].astype(str)
                + f" of {len(ITL1_CODES)} regions",
            }
        ).reset_index(drop=True)
    region_rows = gaps.restrict(gap_table, regions=(code,))
    top = gaps.top_gaps(region_rows.loc[region_rows["gap_score"] > 0], n, include_national=True)
    if top.empty:  # every capability held at the UK rate or better, and near
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("Capability", "Gap score", "Why")})
    # Distance is known only with the ONS boundaries (reach); without them it is left unsaid.
    km = top["median_km"].map(lambda v: "" if pd.isna(v) else f"; nearest ~{v:,.0f} km away")
    km = km.where(top["uk_count"] > 0, "; none anywhere in the UK")
    held = np.where(top["count"] > 0, " (" + top["count"].astype(str) + " facilities)", "")
    national = np.where(top["national"], "; a national gap", "")
    return pd.DataFrame(
        {
            "Capability": top["capability"],
            "Gap score": top["gap_score"].round(2),
            "Why": top["gap_level"].map(LEVEL_OF_GAP) + held + km + national,
        }
    ).reset_index(drop=True)


def proposed_changes(facility_frame: pd.DataFrame, profile: pd.DataFrame, code: str) -> pd.DataFrame:
    """Facilities proposed or being built in the area, and which of its absent or thin
    capabilities each would add. Columns: Facility, Status, Capabilities, Would add."""
    proposed = gaps.proposed_facilities(facility_frame)
    proposed = proposed.loc[_in_area(proposed, code)]
    names = dict(zip(profile["capability_id"], profile["capability"]))
    weak = set(profile.loc[profile["level"] != HELD, "capability_id"])
    fills = proposed["capabilities"].map(lambda caps: ", ".join(names.get(c, c) for c in caps if c in weak))
    return pd.DataFrame(
        {
            "Facility": proposed["name"],
            "Status": proposed["status"],
            "Capabilities": proposed["capabilities"].map(lambda caps: ", ".join(names.get(c, c) for c in caps)),
            "Would add": fills,
        }
    ).reset_index(drop=True)


def change_lines(changes: pd.DataFrame, escape) -> list[str]:
    """Markdown lines: each proposed facility that would add a capability the area lacks or holds
    thinly, then one line for the rest (``escape`` makes data text inert for Markdown)."""
    adds = changes["Would add"] != ""
    lines = list(
        "**"
        + changes.loc[adds, "Facility"].map(escape)
        + "** ("
        + changes.loc[adds, "Status"].astype("string")
        + "): would add "
        + changes.loc[adds, "Would add"].map(escape)
    )
    others = changes.loc[~adds, "Facility"]
    if len(others):
        named = f": {', '.join(others.map(escape))}" if len(others) <= 3 else ""
        facilities = plural(len(others), "other proposed facility", "other proposed facilities")
        lines.append(f"{facilities} add to capabilities already held{named}")
    return lines


# ---------------------------------------------------------------- money


def area_awards(
    investments: pd.DataFrame, code: str, instruments: tuple[str, ...] = key_figures.GRANTS_ONLY
) -> pd.DataFrame:
    """Award records placed in the region (each pound once; grants unless asked); for the UK every
    award, UK-wide ones included."""
    return investment.select_awards(investments, regions=() if code == UK else (code,), instruments=instruments)


def _instrument(awards: pd.DataFrame) -> pd.Series | None:
    if "instrument" not in awards.columns:
        return None
    return awards["instrument"].astype("string").str.strip().str.casefold()


def undated_sentence(awards: pd.DataFrame) -> str:
    undated = int(awards["year"].isna().sum())
    if not undated:
        return "Every award states the year it was announced."
    return f"{plural(undated, 'award')} state{'s' if undated == 1 else ''} no year and {'is' if undated == 1 else 'are'} not on this chart."


@dataclass(frozen=True)
class Money:
    total_gbp: float  # public grants with a stated amount (investment.region_totals), each pound once
    awards: int
    awards_with_amount: int
    grants_gbp: float | None  # None: the data states no instrument
    loans_gbp: float | None
    uk_wide_gbp: float  # UK only: awards placed in no single region

    @property
    def instrument_known(self) -> bool:
        return self.grants_gbp is not None


def money(investments: pd.DataFrame, regions: pd.DataFrame, code: str) -> Money:
    """Traced public money: the Investment page's regional total (or the UK's, UK-wide awards
    included), split into grants and loans where the data states an instrument."""
    awards = area_awards(investments, code)  # grants: the total every page states
    totals = investment.region_totals(awards, regions, only=() if code == UK else (code,))
    rows = totals if code == UK else totals.loc[totals["itl1_code"] == code]
    every = area_awards(investments, code, instruments=())
    instrument = _instrument(every)
    grants = loans = None
    if instrument is not None:
        grants = float(every.loc[(instrument == GRANT).fillna(False).to_numpy(), "public_gbp"].sum())
        loans = float(every.loc[(instrument == LOAN).fillna(False).to_numpy(), "public_gbp"].sum())
    return Money(
        total_gbp=float(rows["public_gbp"].sum()),
        awards=int(rows["awards"].sum()),
        awards_with_amount=int(rows["awards_with_amount"].sum()),
        grants_gbp=grants,
        loans_gbp=loans,
        uk_wide_gbp=float(totals.loc[totals["itl1_code"] == UK_WIDE, "public_gbp"].sum()) if code == UK else 0.0,
    )


def programme_note(cash: Money) -> str:
    missing = cash.awards - cash.awards_with_amount
    unstated = f" {plural(missing, 'award')} state{'s' if missing == 1 else ''} no amount." if missing else ""
    return "Award records only; headline programme budgets are on the Investment page, never added." + unstated


def money_note(cash: Money, code: str) -> str:
    """Under the money figures: grants and loans, and what the UK's total includes."""
    if cash.instrument_known:
        note = (
            f"Public grants {theme.format_gbp(cash.grants_gbp)}; loans {theme.format_gbp(cash.loans_gbp)}, counted "
            "apart and not in the total; equity, contracts and money whose instrument no source states are not in it either."
        )
    else:
        note = "The data does not say which awards are grants and which are loans."
    if code == UK:
        note += f" Includes {theme.format_gbp(cash.uk_wide_gbp)} of UK-wide or multi-region awards."
    return note


def centres_hosted(facilities: pd.DataFrame, centres: pd.DataFrame) -> pd.DataFrame:
    """The innovation centres among ``facilities``, with the MMIP proposal each answers (their
    capabilities are on the Centres of excellence page)."""
    ids = facilities.loc[facilities["kind"] == landscape.CENTRE, "facility_id"]
    rows = centres.loc[centres["centre_id"].isin(ids)]
    return pd.DataFrame(
        {
            "Centre": rows["name"],
            "Profile": directory_link(rows["centre_id"]),
            "Town": rows["town"].fillna("no single place"),
            "Status": rows["status"],
            "MMIP proposal": rows["mmip_proposal"].fillna("–"),
        }
    ).reset_index(drop=True)


# ---------------------------------------------------------------- official statistics


def gva_series(gva: pd.DataFrame | None, code: str) -> pd.DataFrame:
    """ONS GVA of SIC 21 (£ million, current prices) per year, with the area's share of the UK
    (empty when the dataset is not loaded)."""
    if gva is None:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in ("year", "gva_gbp_million", "uk_share")})
    uk = gva.loc[gva["itl1_code"] == UK].set_index("year")["gva_gbp_million"]
    rows = gva.loc[gva["itl1_code"] == code, ["year", "gva_gbp_million"]].sort_values("year")
    rows["uk_share"] = rows["gva_gbp_million"] / rows["year"].map(uk)
    return rows.reset_index(drop=True)


def bres_code(code: str) -> str | None:
    """The BRES row for an area: Great Britain for the UK, none for Northern Ireland."""
    if code == NORTHERN_IRELAND:
        return None
    return GREAT_BRITAIN if code == UK else code


def bres_series(bres: pd.DataFrame | None, code: str) -> pd.DataFrame:
    """BRES jobs per year for the area (empty for Northern Ireland, or when the dataset is not loaded)."""
    key = bres_code(code)
    if bres is None or key is None:
        return pd.DataFrame({"year": pd.Series(dtype="Int64"), "jobs": pd.Series(dtype="Int64")})
    rows = bres.loc[bres["itl1_code"] == key, ["year", "jobs"]]
    return rows.sort_values("year").reset_index(drop=True)


@dataclass(frozen=True)
class Coverage:
    operational_sites: int
    sites_with_headcount: int
    stated_headcount: int
    bres_year: int | None
    bres_jobs: int | None
    bres_area: str  # what the BRES figure covers ("Great Britain" for the UK)
    share: float | None  # stated headcount / BRES jobs; None without a BRES figure
    low: bool

    @property
    def words(self) -> str:
        return "low" if self.low else "fair"


def coverage(facilities: pd.DataFrame, bres: pd.DataFrame | None, code: str) -> Coverage:
    """Stated headcount at the area's operational sites against its latest BRES jobs. For the UK
    both sides are Great Britain's (BRES has no Northern Ireland); for Northern Ireland there is no
    BRES figure, so the share is unknown and coverage counts as low."""
    sites = facilities.loc[
        (facilities["kind"] == landscape.SITE) & facilities["status"].isin(landscape.ACTIVE_STATUSES)
    ]
    series = bres_series(bres, code)
    compared = sites.loc[sites["itl1_code"] != NORTHERN_IRELAND] if code == UK else sites
    headcount = compared["employees"].dropna().astype(int)
    latest = series.iloc[-1] if not series.empty else None
    jobs = int(latest["jobs"]) if latest is not None else None
    share = headcount.sum() / jobs if jobs else None
    low = len(sites) < LOW_COVERAGE_SITES or share is None or share < LOW_COVERAGE_SHARE
    return Coverage(
        operational_sites=int(len(sites)),
        sites_with_headcount=int(len(headcount)),
        stated_headcount=int(headcount.sum()),
        bres_year=int(latest["year"]) if latest is not None else None,
        bres_jobs=jobs,
        bres_area="Great Britain" if code == UK else area_name(code),
        share=float(share) if share is not None else None,
        low=bool(low),
    )


def low_coverage_reason(cover: Coverage) -> str:
    """Why a profile reads "at least" (empty when coverage is not low)."""
    if not cover.low:
        return ""
    reasons = []
    if cover.operational_sites < LOW_COVERAGE_SITES:
        reasons.append(f"fewer than {LOW_COVERAGE_SITES} operational sites are listed")
    if cover.share is None:
        reasons.append("no BRES jobs figure to measure the list against")
    elif cover.share < LOW_COVERAGE_SHARE:
        reasons.append(f"their stated headcount is {cover.share:.0%} of BRES jobs (under {LOW_COVERAGE_SHARE:.0%})")
    return "“At least”: the data lists only part of the industry here: " + "; ".join(reasons) + "."


def rounded_jobs(jobs: int) -> str:
    """BRES sums of rounded cells, shown to the nearest hundred: never as an exact count."""
    return f"about {round(jobs, -2):,}"


def coverage_sentence(cover: Coverage) -> str:
    if cover.bres_jobs is None and cover.bres_area != area_name(NORTHERN_IRELAND):
        return (
            f"Listed operational sites state a headcount of {cover.stated_headcount:,} "
            f"({cover.sites_with_headcount} of {cover.operational_sites} sites state one). The BRES jobs "
            "dataset is not loaded, so how much of the industry the list covers is unknown."
        )
    if cover.bres_jobs is None:
        return (
            f"Listed operational sites state a headcount of {cover.stated_headcount:,} "
            f"({cover.sites_with_headcount} of {cover.operational_sites} sites state one). BRES does not "
            "cover Northern Ireland, so how much of its industry the list covers is unknown: counts are lower bounds."
        )
    return (
        f"Listed operational sites state a headcount of {cover.stated_headcount:,} "
        f"({cover.sites_with_headcount} of {cover.operational_sites} sites state one), "
        f"{cover.share:.0%} of the {rounded_jobs(cover.bres_jobs)} pharmaceutical jobs BRES counts in "
        f"{cover.bres_area} in {cover.bres_year} (Great Britain only; rounded, partly suppressed). "
        f"Coverage is {cover.words}" + (": counts are lower bounds." if cover.low else ".")
    )


# ---------------------------------------------------------------- the headline


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural_noun or noun + 's'}"


def _at_least(low: bool) -> str:
    return "at least " if low else ""


def headline(
    code: str, counts: dict, levels: dict[str, int], cash: Money, cover: Coverage, money_words: str | None = None
) -> str:
    """One sentence: facilities, capabilities held and lacking, traced public money ("at least"
    where coverage is low, since the data then misses part of the region). ``money_words``: the
    money total in other words (a story slide states it with its rule, lib.present.slides),
    after "traced public money of" and "at least" where coverage is low."""
    low = cover.low
    total_caps = sum(levels.values())
    facilities = (
        f"{_at_least(low)}{plural(counts['facilities'], 'medicines-manufacturing facility', 'medicines-manufacturing facilities')} "
        f"({plural(counts['sites'], 'site')}, {plural(counts['centres'], 'innovation centre')})"
    )
    held = f"holds {levels[HELD] + levels[THIN]} of {total_caps} capability areas"
    if levels[THIN]:
        held += f" ({levels[THIN]} thinly)"
    if levels[ABSENT]:
        lacking = f"no listed facility holds {levels[ABSENT]}" if low else f"lacks {levels[ABSENT]}"
    else:
        lacking = "lacks none"
    awards = plural(cash.awards_with_amount, "award")
    if money_words is not None:
        money_text = f"traced public money of {_at_least(low)}{money_words}"
    elif cash.instrument_known:
        money_text = (
            f"{_at_least(low)}{theme.format_gbp(cash.grants_gbp)} of traced public grants "
            f"(loans apart: {theme.format_gbp(cash.loans_gbp)})"
        )
    else:
        money_text = f"{_at_least(low)}{theme.format_gbp(cash.total_gbp)} of traced public money in {awards}"
    return f"{area_name(code)}: {facilities}; {held}, {lacking}; {money_text}."


# ---------------------------------------------------------------- one area, all together


def area_profile(
    code: str,
    facility_frame: pd.DataFrame,
    gap_table: pd.DataFrame,
    investments: pd.DataFrame,
    regions: pd.DataFrame,
    gva: pd.DataFrame | None,
    bres: pd.DataFrame | None,
) -> dict:
    """Everything the Region page shows for one area (the ONS frames may be None: not loaded)."""
    facilities = area_facilities(facility_frame, code)
    return {
        "facilities": facilities,
        "capability": capability_profile(gap_table, code),
        "awards": area_awards(investments, code),
        "money": money(investments, regions, code),
        "cover": coverage(facilities, bres, code),
        "gva": gva_series(gva, code),
    }


def thin_meaning(codes) -> str:
    """What "thin" means for the areas shown (a region: a rate; the UK: a national gap)."""
    regions = [code for code in codes if code != UK]
    parts = ["under half the UK rate per million people"] if regions else []
    if UK in codes:
        parts.append(
            f"{'for the UK, ' if regions else ''}held in fewer than {gaps.GapParams().national_min_regions} "
            "regions (a national gap)"
        )
    return "Thin: " + "; ".join(parts) + "."


def capability_note(code: str) -> str:
    """What the capability chart counts and what its levels mean."""
    counted = "Operational sites and centres holding each capability. Thin: under half the UK rate per million people"
    if code == UK:
        return f"{counted}; for the UK, thin means held in fewer than {gaps.GapParams().national_min_regions} regions (a national gap)."
    return f"{counted}; absent: no listed operational facility holds it."


# ---------------------------------------------------------------- side by side


@dataclass(frozen=True)
class Scales:
    """Axis ranges two profiles share, so that equal bars mean equal amounts across columns."""

    # None: each column its own scale
    capability_max: float | None
    years: tuple[int, int] | None
    year_peak_gbp: float | None
    gva_max: float | None
    coverage_max: float | None


def shared_scales(profiles: dict[str, dict]) -> Scales:
    """``profiles``: area code -> :func:`area_profile`."""
    parts = list(profiles.values())
    dated = [p["awards"].dropna(subset=["year"]) for p in parts]
    dated = [frame for frame in dated if not frame.empty]
    years = (int(min(f["year"].min() for f in dated)), int(max(f["year"].max() for f in dated))) if dated else None
    peak = max((float(f.groupby("year")["public_gbp"].sum().max()) for f in dated), default=0.0)
    gva_known = all(not p["gva"].empty for p in parts)
    # The UK's amounts dwarf any region's: beside the UK each column keeps its own scale (the
    # titles carry the numbers); two regions share every scale.
    shared = UK not in profiles
    return Scales(
        capability_max=max(max(float(p["capability"]["count"].max()), 1.0) for p in parts) if shared else None,
        years=years,
        year_peak_gbp=(peak or None) if shared else None,
        gva_max=max(float(p["gva"]["gva_gbp_million"].max()) for p in parts) if gva_known and shared else None,
        coverage_max=float(max(max(p["cover"].stated_headcount, p["cover"].bres_jobs or 0) for p in parts)) or 1.0
        if shared
        else None,
    )


# ---------------------------------------------------------------- the facility list


def directory_link(facility_ids: pd.Series) -> pd.Series:
    """A relative link to each facility's Directory profile (the Directory reads ``site=``)."""
    return "directory?site=" + facility_ids.astype(str)


# The lists on the page are text to read out, not grids to browse: the Directory and the
# downloads have every row. (Text also spares the browser ~1 MB of grid code; see text_tables.)
FACILITIES_SHOWN = 12
CENTRES_SHOWN = 8


def area_directory_link(code: str) -> str:
    """The Directory with its region filter set to the area (every status, the default scope: the
    profile's rows), or unfiltered for the UK."""
    return "directory" if code == UK else f"directory?region={code}"


def centres_note(shown: int, hosted: int) -> str:
    return f"{shown} of {hosted}; every centre, with its capabilities, is on the Centres of excellence page."


def facility_list_note(shown: int, facilities: int, code: str) -> str:
    """Under the list: how much of the area it shows, and where every row is (Markdown)."""
    return (
        f"{shown:,} of {facilities:,}, operational first, then by name. "
        f"[Every one in the Directory]({area_directory_link(code)}), or in the downloads:"
    )


def facility_list(facilities: pd.DataFrame, capability_names: dict[str, str], limit: int | None = None) -> pd.DataFrame:
    """The area's facilities (rows of :func:`area_facilities`) to read on screen, operational
    first, then by name. Only the first ``limit`` rows get their text built: the page lists a
    dozen, and at a million sites the Directory's table of every row held ~200 MiB more."""
    status_rank = (~facilities["status"].isin(landscape.ACTIVE_STATUSES)).astype(int)
    rows = facilities.assign(_rank=status_rank).sort_values(["_rank", "name"], kind="stable").head(limit)
    employees = rows["employees"].astype("Float64")
    return pd.DataFrame(
        {
            "Name": rows["name"],
            # Second, so the link is on screen without scrolling the table sideways.
            "Profile": directory_link(rows["facility_id"]),
            "Type": rows["kind"].map(landscape.KIND_LABELS),
            "Status": rows["status"],
            "Town": rows["town"].fillna("not stated"),
            "Employees": employees.map(lambda v: "not stated" if pd.isna(v) else f"{v:,.0f}").astype(object),
            "Capabilities": directory.capability_labels(rows["capabilities"], capability_names),
        }
    ).reset_index(drop=True)


def facility_export(
    facilities: pd.DataFrame, sites: pd.DataFrame, centres: pd.DataFrame, capability_names: dict[str, str]
) -> pd.DataFrame:
    """The area's facilities as the Directory exports them (same columns, same rows)."""
    return directory.export_table(directory.directory_table(facilities, sites, centres, capability_names))
