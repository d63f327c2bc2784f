"""Centres of excellence: the MMIP tracker (who answers each of the four proposals) and centre profiles.

Pure functions over the ``centres`` and ``mmip_proposals`` frames; no Streamlit, no caching.
"""

from __future__ import annotations

import pandas as pd

from lib.analysis import directory, landscape
from lib.data.schemas import ITL1_NAMES
from lib.figures import theme

UNANSWERED = "No centre answers this proposal yet"
NO_VALUE = "–"  # for a proposal with no centre: the field does not apply, it is not "not stated"
MATCH_LABELS = {"full": "Full", "partial": "Partial"}
NO_CAPABILITY = "none of the capability list (see the note)"
COVERAGE_FULL = "answered"
COVERAGE_PARTIAL = "partly answered"
COVERAGE_NONE = "not answered"

_TRACKER_CENTRE_COLUMNS = [
    "mmip_proposal",
    "centre_id",
    "name",
    "operator",
    "town",
    "itl1_code",
    "status",
    "mmip_match",
    "opened_year",
    "public_funding_gbp",
    "private_funding_gbp",
    "capabilities",
]


def mmip_tracker(proposals: pd.DataFrame, centres: pd.DataFrame) -> pd.DataFrame:
    """Each MMIP proposal with the centres that answer it (full matches first); proposals no
    centre answers keep one row, named :data:`UNANSWERED`."""
    answering = centres.loc[centres["mmip_proposal"].notna(), _TRACKER_CENTRE_COLUMNS]
    merged = proposals[["proposal_id", "title"]].merge(
        answering, left_on="proposal_id", right_on="mmip_proposal", how="left"
    )
    merged["answered"] = merged["centre_id"].notna()
    merged["region"] = merged["itl1_code"].map(ITL1_NAMES)
    merged["name"] = merged["name"].fillna(UNANSWERED)
    merged["_match_rank"] = merged["mmip_match"].map({"full": 0, "partial": 1}).fillna(2)
    merged = merged.sort_values(["proposal_id", "_match_rank", "name"], kind="stable")
    return merged.drop(columns=["mmip_proposal", "_match_rank"]).reset_index(drop=True)


def proposal_coverage(tracker: pd.DataFrame) -> pd.DataFrame:
    """One row per proposal: how far it is answered (fully, only partly, not at all) and by whom."""
    answered = tracker.loc[tracker["answered"]]
    summary = (
        tracker.groupby("proposal_id", sort=True)
        .agg(
            title=("title", "first"),
            centres=("answered", "sum"),
            full_matches=("mmip_match", lambda s: int((s == "full").sum())),
        )
        .reset_index()
    )
    names = answered.groupby("proposal_id")["name"].agg("; ".join)
    summary["answered_by"] = summary["proposal_id"].map(names).fillna("")
    summary["coverage"] = COVERAGE_NONE
    summary.loc[summary["centres"] > 0, "coverage"] = COVERAGE_PARTIAL
    summary.loc[summary["full_matches"] > 0, "coverage"] = COVERAGE_FULL
    summary["centres"] = summary["centres"].astype(int)
    return summary


def coverage_finding(coverage: pd.DataFrame) -> str:
    """One sentence a policymaker can read aloud: how many proposals are answered, and which are not."""
    total = len(coverage)
    full = coverage.loc[coverage["coverage"] == COVERAGE_FULL]
    partial = coverage.loc[coverage["coverage"] == COVERAGE_PARTIAL]
    none = coverage.loc[coverage["coverage"] == COVERAGE_NONE]
    verb = "exists" if len(full) == 1 else "exist"
    parts = [f"{len(full)} of the {total} centres the MMIP asked for now {verb}"]
    if not partial.empty:
        parts.append(
            f"{len(partial)} is only partly answered ({_titles(partial)})"
            if len(partial) == 1
            else f"{len(partial)} are only partly answered ({_titles(partial)})"
        )
    if not none.empty:
        parts.append(f"no centre answers {_titles(none)}")
    return "; ".join(parts) + "."


def _titles(rows: pd.DataFrame) -> str:
    return ", ".join((rows["proposal_id"] + " " + rows["title"]).tolist())


def tracker_table(tracker: pd.DataFrame, capability_names: dict[str, str]) -> pd.DataFrame:
    """The tracker as a readable table: £ formatted, empty money "not stated", capabilities named."""
    answered = tracker["answered"]
    where = tracker["town"].fillna("").str.cat(tracker["region"].fillna(""), sep=", ").str.strip(", ")
    table = pd.DataFrame(
        {
            "Proposal": tracker["proposal_id"] + " " + tracker["title"],
            "Answered by": tracker["name"],
            "Match": tracker["mmip_match"].map(MATCH_LABELS),
            "Where": where.mask(where == "", "not stated"),
            # Status and opening year in one column: nine columns did not fit a laptop's width.
            "Status": status_with_year(tracker["status"], tracker["opened_year"]),
            "Public money": money_labels(tracker["public_funding_gbp"]),
            "Private money": money_labels(tracker["private_funding_gbp"]),
            "Capabilities": _capability_text(tracker["capabilities"], capability_names),
        }
    )
    # A proposal nobody answers has no place, status or money: a dash, not "not stated".
    table.loc[~answered, table.columns[2:]] = NO_VALUE
    return table


def money_labels(values: pd.Series) -> pd.Series:
    """£ amounts as text (£43.0m); empty is "not stated" (and never counted as zero)."""
    labels = pd.Series("not stated", index=values.index, dtype="object")
    stated = values.notna()
    labels[stated] = values[stated].map(theme.format_gbp)
    return labels


def status_with_year(statuses: pd.Series, years: pd.Series) -> pd.Series:
    """ "operational, opened 2019"; a status alone where no source gives the year."""
    year = years.astype("Int64").astype("string")
    text = statuses.astype("string").fillna("not stated")
    return text.where(year.isna(), text + ", opened " + year).astype("object")


def opening_year_labels(years: pd.Series) -> pd.Series:
    return years.astype("Int64").astype("string").fillna("not stated").astype("object")


def _capability_text(lists: pd.Series, capability_names: dict[str, str]) -> pd.Series:
    labels = directory.capability_labels(lists, capability_names)
    return labels.mask(labels == "", NO_CAPABILITY)


def other_centres(centres: pd.DataFrame) -> pd.DataFrame:
    """Centres that answer none of the four MMIP proposals."""
    return centres.loc[centres["mmip_proposal"].isna()]


def centre_table(centres: pd.DataFrame, capability_names: dict[str, str]) -> pd.DataFrame:
    """Every centre as a readable table, in name order."""
    region = centres["itl1_code"].map(ITL1_NAMES)
    table = pd.DataFrame(
        {
            "id": centres["centre_id"],
            "Centre": centres["name"],
            "Operator": centres["operator"],
            "Type": centres["centre_type"],
            "Town": centres["town"].fillna("no single place"),
            "Region": region.fillna("no single place"),
            "Status": centres["status"],
            "Opening year": opening_year_labels(centres["opened_year"]),
            "Public money": money_labels(centres["public_funding_gbp"]),
            "Private money": money_labels(centres["private_funding_gbp"]),
            "Capabilities": _capability_text(centres["capabilities"], capability_names),
        }
    )
    return table.sort_values("Centre", kind="stable").reset_index(drop=True)


def compact_centre_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`centre_table` with fewer, fuller columns (town and region as one "Where", as in the
    tracker; no type or id), so it fits the page's column on a laptop: ten columns ran 140 px past
    it at 1366 px. The profile below the table gives every field."""
    where = table["Town"].str.cat(table["Region"], sep=", ")
    where = where.where(table["Town"] != table["Region"], table["Town"])
    compact = table.drop(columns=["id", "Type", "Town", "Region"])
    compact.insert(2, "Where", where)
    return compact


def other_centres_finding(others: pd.DataFrame) -> str:
    if others.empty:
        return "Every centre in the data answers one of the MMIP proposals."
    operational = int((others["status"] == "operational").sum())
    regions = others["itl1_code"].map(ITL1_NAMES).value_counts()
    top = f"; {regions.index[0]} has the most ({regions.iloc[0]})" if not regions.empty else ""
    return (
        f"{len(others)} more centres support medicines manufacturing without answering an MMIP "
        f"proposal, {operational} of them operational{top}."
    )


def centre_profile(
    centres: pd.DataFrame, proposals: pd.DataFrame, centre_id: str, capability_names: dict[str, str]
) -> directory.Profile:
    """Everything the data says about one centre, as field/value rows plus its sources."""
    row = centres.loc[centres["centre_id"] == centre_id].iloc[0]
    titles = dict(zip(proposals["proposal_id"], proposals["title"]))
    if pd.isna(row["mmip_proposal"]):
        answers = "none of the four proposals"
    else:
        answers = (
            f"{row['mmip_proposal']} {titles.get(row['mmip_proposal'], '')} "
            f"({MATCH_LABELS.get(row['mmip_match'], 'match not stated').lower()} match)"
        )
    region = ITL1_NAMES.get(row["itl1_code"], "no single place") if pd.notna(row["itl1_code"]) else "no single place"
    single = centres.loc[centres["centre_id"] == centre_id]
    fields = [
        ("Operator", row["operator"]),
        ("Type", row["centre_type"]),
        ("Where", directory.place_label(row["town"], region, row["location_precision"])),
        ("Status", row["status"]),
        ("Opening year", opening_year_labels(single["opened_year"]).iloc[0]),
        ("Public money", money_labels(single["public_funding_gbp"]).iloc[0]),
        ("Private money", money_labels(single["private_funding_gbp"]).iloc[0]),
        ("Public funders", "; ".join(row["funders"]) or "not stated"),
        ("Capabilities", _capability_text(single["capabilities"], capability_names).iloc[0]),
        ("Answers MMIP proposal", answers),
        ("Note", row["note"] if pd.notna(row["note"]) else ""),
    ]
    return directory.Profile(
        title=row["name"],
        fields=pd.DataFrame(fields, columns=["field", "value"]),
        sources=directory.profile_sources(row["source_url"], row["as_of"], row["note"]),
    )


def other_centre_facilities(facility_frame: pd.DataFrame, centres: pd.DataFrame) -> pd.DataFrame:
    """The rows of the facilities table (:func:`lib.analysis.landscape.facilities`) for :func:`other_centres`,
    ready for the map builders of :mod:`lib.figures.map_figures`."""
    ids = other_centres(centres)["centre_id"]
    return facility_frame.loc[(facility_frame["kind"] == landscape.CENTRE) & facility_frame["facility_id"].isin(ids)]


def centre_map_title(centre_facilities: pd.DataFrame) -> str:
    """A finding for the map title: the region with the most of these centres."""
    regions = centre_facilities["region"].value_counts()
    if regions.empty:
        return "No other centre to show"
    return f"{regions.index[0]} hosts the most of the {len(centre_facilities)} other centres ({regions.iloc[0]})"
