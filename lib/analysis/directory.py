"""The directory of manufacturers, sites and centres: search, filters, profiles and the export table.

Built for 100k rows: the lower-cased search text is prepared once in :func:`directory_table` (the UI
caches it), every filter is a vectorised mask, and list columns are only turned into text for the
rows that are shown or exported. No Streamlit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.analysis import landscape
from lib.data.loading import compact_repeated_text
from lib.figures import text_tables

MAX_SHOWN = 500
NOT_STATED = "not stated"
SIZE_NOT_STATED = "size not stated"
# The UK's standard business size bands (small < 50, medium 50-249, large 250+), with the large
# band split at 1,000 because almost every manufacturing site with a stated headcount is large.
SIZE_EDGES = [0, 50, 250, 1000, np.inf]
SIZE_BANDS = ("under 50 people", "50 to 249 people", "250 to 999 people", "1,000 people or more", SIZE_NOT_STATED)
EXPORT_COLUMNS = [
    "id",
    "kind",
    "name",
    "company_or_operator",
    "subtype",
    "town",
    "region",
    "status",
    "modality",
    "capabilities",
    "employees",
    "size_band",
    "opened_year",
    "latitude",
    "longitude",
    "location_precision",
    "source_url",
    "as_of",
    "note",
]
_URL = re.compile(r"https?://[^\s<>\"'();,]+")


def size_band(employees: pd.Series) -> pd.Series:
    """Approximate headcount -> size band; no stated headcount -> :data:`SIZE_NOT_STATED`."""
    bands = pd.cut(employees.astype("Float64").astype(float), SIZE_EDGES, right=False, labels=list(SIZE_BANDS[:-1]))
    return bands.cat.add_categories([SIZE_NOT_STATED]).fillna(SIZE_NOT_STATED).cat.reorder_categories(list(SIZE_BANDS))


def directory_table(
    facilities: pd.DataFrame, sites: pd.DataFrame, centres: pd.DataFrame, capability_names: dict[str, str]
) -> pd.DataFrame:
    """The facilities with what the directory searches and shows: modality text, opening year,
    size band, capability names as text and one lower-cased search text (name, company or
    operator, town)."""
    # Shallow: the new columns go on this frame only (copy-on-write), and the cached facility
    # frame's columns are shared, not copied.
    table = facilities.copy(deep=False)
    ids = table["facility_id"]
    table["modality"] = ids.map(sites.set_index("site_id")["modality"])
    table["opened_year"] = ids.map(centres.set_index("centre_id")["opened_year"]).astype("Int64")
    table["size_band"] = size_band(table["employees"])
    table["capability_text"] = capability_labels(table["capabilities"], capability_names)
    # No search column of its own: a lower-cased copy of name, company and town was the largest
    # column at a million sites (~90 MiB); the search reads those columns ignoring case instead.
    # Repeating text (capability lists, modality) as categoricals when the table is large.
    return compact_repeated_text(table.reset_index(drop=True))


@dataclass(frozen=True)
class DirectoryQuery:
    """The directory's own search and filters; region, capability, type and status come from the
    shared sidebar :class:`lib.analysis.landscape.Filters`."""

    search: str = ""
    modality: str = ""
    size_bands: tuple[str, ...] = ()


def directory_mask(
    table: pd.DataFrame, long: pd.DataFrame, filters: landscape.Filters, query: DirectoryQuery
) -> pd.Series:
    """Rows passing the shared filters and the directory query (every word of a search must match)."""
    mask = landscape.facility_mask(table, long, filters)
    for word in query.search.split():
        # Name already holds the company for sites; organisation adds a centre's operator.
        mask &= _contains(table["name"], word) | _contains(table["organisation"], word) | _contains(table["town"], word)
    if query.modality.strip():
        mask &= _contains(table["modality"], query.modality.strip())
    if query.size_bands:
        mask &= table["size_band"].isin(query.size_bands)
    return mask


def _contains(values: pd.Series, word: str) -> pd.Series:
    """``word`` anywhere in ``values``, ignoring case; missing text never matches."""
    return values.str.contains(word, case=False, regex=False).fillna(False).astype(bool)


def search_directory(
    table: pd.DataFrame, long: pd.DataFrame, filters: landscape.Filters, query: DirectoryQuery
) -> pd.DataFrame:
    return table.loc[directory_mask(table, long, filters, query)]


def result_summary(matches: int, total: int, shown: int) -> str:
    if matches == 0:
        return f"No facility of the {total:,} matches. Try fewer words or clear a filter."
    text = f"**{matches:,}** of {total:,} facilities match."
    if shown < matches:
        text += f" The table shows the first {shown:,}; the downloads hold all {matches:,}."
    return text


def capability_labels(lists: pd.Series, capability_names: dict[str, str]) -> pd.Series:
    """Lists of capability ids -> "Name, Name" text (unknown ids kept as they are; empty -> "").

    Done in Arrow (flatten, look up, join per list): a pandas groupby-join takes seconds on 100k rows.
    """
    if lists.empty:
        return pd.Series([], index=lists.index, dtype="str")
    ids = pa.array(lists.to_numpy(), type=pa.list_(pa.string()), from_pandas=True)
    flat = pc.list_flatten(ids)
    keys = pa.array(list(capability_names), type=pa.string())
    positions = pc.index_in(flat, value_set=keys)
    named = pc.if_else(
        pc.is_null(positions), flat, pc.take(pa.array(list(capability_names.values()), type=pa.string()), positions)
    )
    offsets = pc.subtract(ids.offsets, ids.offsets[0])
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, named), ", ")
    # Arrow-backed text, not one Python string per row (11 → 6 MiB at 100k sites, kept by the cache).
    return joined.fill_null("").to_pandas().set_axis(lists.index)


def _kind_labels(rows: pd.DataFrame) -> pd.Series:
    # As text: on a large table these columns are categoricals (lib.data.loading.compact_repeated_text).
    kind = rows["kind"].astype("string").map(landscape.KIND_LABELS)
    return kind + " (" + rows["subtype"].astype("string").fillna("") + ")"


def display_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as a readable table: what it makes, where, status, size."""
    return pd.DataFrame(
        {
            "id": rows["facility_id"],
            "Name": rows["name"],
            "What it makes": rows["modality"].fillna(NOT_STATED),
            "Town": rows["town"].fillna(NOT_STATED),
            "Region": rows["region"].fillna(NOT_STATED),
            "Status": rows["status"],
            "Type": _kind_labels(rows),
            "Size": rows["size_band"].astype(str),
            "Since": rows["opened_year"].astype("string").fillna(NOT_STATED),
            "Capabilities": rows["capability_text"],
            "Company / operator": rows["organisation"],
        }
    ).reset_index(drop=True)


def export_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Every matching row with stable machine-readable columns (:data:`EXPORT_COLUMNS`); empty
    cells are left empty, never filled with a guess."""
    out = pd.DataFrame(
        {
            "id": rows["facility_id"],
            "kind": rows["kind"].map(landscape.KIND_LABELS),
            "name": rows["name"],
            "company_or_operator": rows["organisation"],
            "subtype": rows["subtype"],
            "town": rows["town"],
            "region": rows["region"],
            "status": rows["status"],
            "modality": rows["modality"],
            "capabilities": rows["capability_text"],
            "employees": rows["employees"],
            "size_band": rows["size_band"].astype(str),
            "opened_year": rows["opened_year"],
            "latitude": rows["latitude"],
            "longitude": rows["longitude"],
            "location_precision": rows["location_precision"],
            "source_url": rows["source_url"],
            "as_of": rows["as_of"],
            "note": rows["note"],
        }
    )
    return out[EXPORT_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- profiles


@dataclass
class Profile:
    """One facility or centre: a title, field/value rows and its sources (plain text, no HTML)."""

    title: str
    fields: pd.DataFrame
    sources: pd.DataFrame


def safe_link(url) -> str | None:
    """The URL if it is a plain http(s) address, else None (so it is shown as text, not a link)."""
    if isinstance(url, str) and _URL.fullmatch(url.strip()):
        return url.strip()
    return None


def profile_sources(source_url, as_of, note) -> pd.DataFrame:
    """The main source and every further web address the note cites, each once."""
    cited = _URL.findall(note) if isinstance(note, str) else []
    urls = list(dict.fromkeys([source_url, *(u.rstrip(".") for u in cited)]))
    return pd.DataFrame(
        {
            "source": urls,
            "link": [safe_link(u) for u in urls],
            "as_of": [as_of] + [""] * (len(urls) - 1),
            "role": ["main source"] + ["cited in the note"] * (len(urls) - 1),
        }
    )


def sources_markdown(sources: pd.DataFrame) -> str:
    """A profile's sources (:func:`profile_sources`) as a Markdown list: each escaped, linked only
    where :func:`safe_link` allowed it (the address inside <>, so brackets in it cannot end the
    link), with its role and date."""
    text = text_tables.escape_markdown(sources["source"])
    link = sources["link"].astype("string")
    shown = text.where(link.isna(), "[" + text + "](<" + link.fillna("") + ">)")
    as_of = sources["as_of"].astype("string").fillna("")
    dated = (" (as of " + text_tables.escape_markdown(as_of) + ")").where(as_of != "", "")
    return "\n".join("- " + sources["role"].astype("string") + dated + ": " + shown)


def place_label(town, region, precision) -> str:
    parts = [p for p in (town, region) if isinstance(p, str) and p]
    place = ", ".join(parts) or NOT_STATED
    if isinstance(precision, str) and precision != "site":
        place += f" (map position: {precision} centre)" if precision == "town" else f" (map position: {precision})"
    return place


def facility_profile(table: pd.DataFrame, facility_id: str) -> Profile:
    """What the data says about one facility: what it makes, where, since when, size, sources."""
    single = table.loc[table["facility_id"] == facility_id]
    row = single.iloc[0]
    employees = row["employees"]
    fields = [
        ("Type", _kind_labels(single).iloc[0]),
        ("Company / operator", row["organisation"]),
        ("What it makes", row["modality"] if isinstance(row["modality"], str) and row["modality"] else NOT_STATED),
        ("Capabilities", row["capability_text"] or NOT_STATED),
        ("Where", place_label(row["town"], row["region"], row["location_precision"])),
        ("Status", row["status"]),
        ("Since", str(row["opened_year"]) if pd.notna(row["opened_year"]) else "not stated in the sources"),
        ("Size", f"about {int(employees):,} people" if pd.notna(employees) else NOT_STATED),
        ("Sources dated", row["as_of"]),
        ("Note", row["note"] if isinstance(row["note"], str) else ""),
    ]
    return Profile(
        title=row["name"],
        fields=pd.DataFrame(fields, columns=["field", "value"]),
        sources=profile_sources(row["source_url"], row["as_of"], row["note"]),
    )
