"""Placing uploaded rows on the map: postcodes via postcodes.io, districts via ONS boundaries.

Order of preference for each row:

1. its postcode, looked up with the postcodes.io bulk API (100 per request, a timeout, retries with
   exponential backoff; answers are cached on disk under ``config.cache_dir()/geocode`` so a second
   import of the same file makes no request). ``MMIP_POSTCODES_URL`` moves the service (tests point
   it at a local server); ``MMIP_OFFLINE=1`` allows the cache only;
2. the local authority district it names (name or ONS code), placed at the district's
   representative point from the boundary files (:func:`lib.geo.boundaries.lad_centroids`);
3. nothing: the row is kept and listed with the reason, never dropped silently.

The ITL1 region comes from a spatial join with the ITL1 polygons when they are present, else from
the postcode's ITL code, else from the district's region.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lib import config

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.postcodes.io"
BATCH_SIZE = 100  # the postcodes.io bulk limit
TIMEOUT_S = 10.0
RETRIES = 3
BACKOFF_S = 0.5
GIVE_UP_AFTER = 2  # consecutive failed batches

# Full UK postcode, spaces already removed: outward code (2-4 chars) + inward code (digit + 2 letters).
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"

PLACE_COLUMNS = [
    "latitude",
    "longitude",
    "itl1_code",
    "location_precision",
    "location_source",
    "placed_by",
    "unplaced_reason",
]

Progress = Callable[[int, int], None]


def postcodes_url() -> str:
    return (os.environ.get("MMIP_POSTCODES_URL") or DEFAULT_URL).rstrip("/")


def normalise_postcodes(values: pd.Series) -> pd.Series:
    """``" sw1a1aa "`` / ``"Sw1A  1aA"`` -> ``"SW1A 1AA"``; anything that is not a full postcode -> missing."""
    compact = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    valid = compact.str.match(_POSTCODE).fillna(False).astype(bool)
    spaced = compact.str[:-3] + " " + compact.str[-3:]
    return spaced.where(valid)


def outward_code(postcodes: pd.Series) -> pd.Series:
    return postcodes.astype("string").str.split(" ").str[0]


def itl1_from_code(codes: pd.Series) -> pd.Series:
    """ITL1 code from an ITL3/NUTS3 code such as ``TLD45`` or the pre-2021 ``UKD45``."""
    first = codes.astype("string").str[:3].str.replace(r"^UK", "TL", regex=True)
    return first.where(first.str.match(r"^TL[C-N]$").fillna(False).astype(bool))


# ---------------------------------------------------------------- postcodes.io client


@dataclass
class LookupReport:
    """Per postcode: a result dict, ``None`` (the service does not know it) or a failure reason."""

    found: dict[str, dict] = field(default_factory=dict)
    not_found: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    cache_hits: int = 0


class PostcodeClient:
    """A small postcodes.io bulk client with an on-disk cache."""

    def __init__(
        self,
        base_url: str | None = None,
        timeout: float = TIMEOUT_S,
        retries: int = RETRIES,
        backoff: float = BACKOFF_S,
        cache_dir: Path | None = None,
        allow_network: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = (base_url or postcodes_url()).rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.allow_network = (not config.offline()) if allow_network is None else allow_network
        key = hashlib.sha1(self.base_url.encode()).hexdigest()[:12]
        self.cache_path = (cache_dir or config.cache_dir() / "geocode") / f"postcodes-{key}.json"
        self._sleep = sleep
        self._session = None

    # The cache maps a postcode to the service's result, or to null when it does not know the
    # postcode. Failures (timeouts, server errors) are never cached: the next import retries them.
    def _read_cache(self) -> dict:
        try:
            return json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_cache(self, cache: dict) -> None:
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".part")
            tmp.write_text(json.dumps(cache), encoding="utf-8")
            tmp.replace(self.cache_path)
        except OSError as exc:  # a read-only home must not stop an import
            log.warning("geocoding cache not written: %s", exc)

    def _post(self, batch: list[str]) -> list:
        import requests

        if self._session is None:
            self._session = requests.Session()
        last_error = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._session.post(
                    f"{self.base_url}/postcodes", json={"postcodes": batch}, timeout=self.timeout
                )
            except requests.Timeout:
                last_error = f"the postcode service did not answer within {self.timeout:g} s"
                continue
            except requests.RequestException as exc:
                last_error = f"the postcode service could not be reached ({type(exc).__name__})"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last_error = f"the postcode service answered HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                # A 4xx other than 429 will not get better by asking again.
                raise LookupFailed(f"the postcode service refused the request (HTTP {response.status_code})")
            try:
                result = response.json()["result"]
            except (ValueError, KeyError, TypeError):
                last_error = "the postcode service sent an unreadable answer"
                continue
            if not isinstance(result, list):
                last_error = "the postcode service sent an unreadable answer"
                continue
            return result
        raise LookupFailed(last_error)

    def lookup(self, postcodes, progress: Progress | None = None) -> LookupReport:
        """Look up distinct, normalised postcodes (``"SW1A 1AA"``)."""
        wanted = list(dict.fromkeys(p for p in postcodes if isinstance(p, str) and p))
        report = LookupReport()
        cache = self._read_cache()
        todo = []
        for code in wanted:
            if code in cache:
                report.cache_hits += 1
                if cache[code] is None:
                    report.not_found.add(code)
                else:
                    report.found[code] = cache[code]
            else:
                todo.append(code)
        if todo and not self.allow_network:
            for code in todo:
                report.failed[code] = "offline (MMIP_OFFLINE=1) and not in the geocoding cache"
            todo = []
        total = len(todo)
        changed = False
        failed_in_a_row = 0
        for start in range(0, total, BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            if failed_in_a_row >= GIVE_UP_AFTER:
                # Without Wi-Fi every batch would wait for its retries: stop asking, list the rest.
                for code in batch:
                    report.failed[code] = f"not looked up: the postcode service failed {GIVE_UP_AFTER} times in a row"
                continue
            report.requests += 1
            try:
                answers = self._post(batch)
            except LookupFailed as exc:
                failed_in_a_row += 1
                for code in batch:
                    report.failed[code] = str(exc)
            else:
                failed_in_a_row = 0
                answered = self._match_answers(batch, answers)
                for code in batch:
                    if code not in answered:
                        report.failed[code] = "the postcode service did not answer for this postcode"
                    elif answered[code] is None:
                        report.not_found.add(code)
                        cache[code] = None
                    else:
                        report.found[code] = answered[code]
                        cache[code] = answered[code]
                    changed = changed or code in answered
            if progress:
                progress(min(start + BATCH_SIZE, total), total)
        if changed:
            self._write_cache(cache)
        return report

    @staticmethod
    def _match_answers(batch: list[str], answers: list) -> dict[str, dict | None]:
        """Answers keyed by the normalised postcode they answer (the service echoes ``query``)."""
        by_compact = {code.replace(" ", ""): code for code in batch}
        matched: dict[str, dict | None] = {}
        for item in answers:
            if not isinstance(item, dict):
                continue
            query = str(item.get("query", "")).upper().replace(" ", "")
            if query in by_compact:
                result = item.get("result")
                matched[by_compact[query]] = _slim(result) if isinstance(result, dict) else None
        return matched


class LookupFailed(Exception):
    pass


def _slim(result: dict) -> dict:
    """The fields we use, so that the cache stays small."""
    codes = result.get("codes") or {}
    return {
        "latitude": result.get("latitude"),
        "longitude": result.get("longitude"),
        "admin_district": result.get("admin_district"),
        "lad_code": codes.get("admin_district"),
        "itl": codes.get("nuts") or result.get("nuts_code"),
    }


# ---------------------------------------------------------------- placing a frame


def place(
    postcodes: pd.Series,
    districts: pd.Series | None = None,
    *,
    client: PostcodeClient | None = None,
    centroids: pd.DataFrame | None = None,
    itl1=None,
    progress: Progress | None = None,
    use_postcodes: bool = True,
) -> pd.DataFrame:
    """Coordinates and region for each row (columns :data:`PLACE_COLUMNS`, same index).

    ``postcodes`` must already be normalised (:func:`normalise_postcodes`); ``districts`` holds a
    local authority name or ONS code (``E06000047``); ``centroids`` is :func:`lib.geo.boundaries.lad_centroids`;
    ``itl1`` the ITL1 polygons (optional).
    """
    index = postcodes.index
    out = pd.DataFrame(
        {
            "latitude": np.nan,
            "longitude": np.nan,
            "itl1_code": pd.Series(pd.NA, index=index, dtype="string"),
            "location_precision": pd.Series(pd.NA, index=index, dtype="string"),
            "location_source": pd.Series(pd.NA, index=index, dtype="string"),
            "placed_by": pd.Series(pd.NA, index=index, dtype="string"),
            "unplaced_reason": pd.Series(pd.NA, index=index, dtype="string"),
        },
        index=index,
    )
    codes = postcodes.astype("string")
    failures = pd.Series(pd.NA, index=index, dtype="string").mask(
        codes.notna(), "postcode not looked up: the online lookup is switched off"
    )
    if use_postcodes and codes.notna().any():
        client = client or PostcodeClient()
        report = client.lookup(codes.dropna().unique().tolist(), progress)
        found = pd.DataFrame.from_dict(
            report.found, orient="index", columns=["latitude", "longitude", "itl", "lad_code"]
        )
        if not found.empty:
            hits = codes.map(found["latitude"].to_dict()).astype("float64")
            out["latitude"] = hits
            out["longitude"] = codes.map(found["longitude"].to_dict()).astype("float64")
            out["itl1_code"] = itl1_from_code(codes.map(found["itl"].to_dict()))
            placed = out["latitude"].notna()
            out.loc[placed, "location_precision"] = "postcode"
            out.loc[placed, "location_source"] = f"postcodes.io ({client.base_url}), postcode centroid"
            out.loc[placed, "placed_by"] = "postcode"
        reasons = {code: "postcode not found by postcodes.io" for code in report.not_found}
        reasons.update(report.failed)
        failures = codes.map(reasons).astype("string")
    if districts is not None and centroids is not None and not centroids.empty:
        pending = out["latitude"].isna() & districts.notna()
        if pending.any():
            key = districts.astype("string").str.strip().str.casefold()
            by_name = centroids.assign(key=centroids["lad_name"].str.casefold()).drop_duplicates("key")
            by_code = centroids.assign(key=centroids["lad_code"].str.casefold()).drop_duplicates("key")
            table = pd.concat([by_code, by_name]).drop_duplicates("key").set_index("key")
            match = key.where(pending).map(table["latitude"].to_dict()).astype("float64")
            hit = pending & match.notna()
            out.loc[hit, "latitude"] = match[hit]
            out.loc[hit, "longitude"] = key[hit].map(table["longitude"].to_dict()).astype("float64")
            if "itl1_code" in table.columns:
                out.loc[hit, "itl1_code"] = key[hit].map(table["itl1_code"].to_dict())
            out.loc[hit, "location_precision"] = "town"
            out.loc[hit, "location_source"] = (
                "local authority district representative point (ONS boundaries, Open Government Licence)"
            )
            out.loc[hit, "placed_by"] = "district"
            miss = pending & match.isna()
            district_reason = "district not recognised: " + districts.astype("string")
            failures = failures.where(~miss, (failures + "; " + district_reason).fillna(district_reason))
    if itl1 is not None:
        from lib.geo import boundaries

        located = out["latitude"].notna()
        if located.any():
            joined = boundaries.region_of_points(out.loc[located], itl1).astype("string")
            out.loc[located, "itl1_code"] = joined.fillna(out.loc[located, "itl1_code"])
    unplaced = out["latitude"].isna()
    no_input = codes.isna() & (districts.isna() if districts is not None else True)
    reason = failures.fillna("no postcode or district given").where(~no_input, "no postcode or district given")
    out["unplaced_reason"] = reason.where(unplaced).astype("string")
    return out
