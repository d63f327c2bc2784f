"""The data audit: how far each curated dataset can be trusted, and the checks that must hold.

    python -m lib.data.audit [--data-dir DIR] [--today YYYY-MM-DD]

Prints, per dataset (sites, centres, investments): rows, the share verified in the last 24 months,
the share with two or more sources, the share with a stated headcount (sites), proposed or
under-construction rows whose news is over 3 years old, duplicates, rows with no source or date,
and overlapping money in the sums. Exits 1 when any duplicate, undated or unsourced row, or
overlapping summed money is found (the test command runs it), 2 when the data cannot be read.
The About page shows the same table.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import pandas as pd

from lib import config
from lib.analysis import key_figures
from lib.data.loading import DatasetError, load_dataset

AUDITED = ("sites", "centres", "investments")
ID_COLUMNS = {"sites": "site_id", "centres": "centre_id", "investments": "investment_id"}
# What makes two rows the same record.
DUPLICATE_KEYS = {
    "sites": ("company", "site_name", "town"),
    "centres": ("name", "town"),
    "investments": ("record_type", "recipient", "programme", "public_gbp", "year"),
}
RECENT_MONTHS = 24
STALE_PLAN_YEARS = 3
PLANNED = ("proposed", "under construction")
# The checks whose failure fails the audit (and the test command).
FAILING = ("duplicates", "no source or date", "overlapping money")


@dataclass(frozen=True)
class AuditResult:
    table: pd.DataFrame  # one row per dataset, the columns below
    problems: pd.DataFrame  # dataset, check, record_id: every failing row

    @property
    def passed(self) -> bool:
        return self.problems.empty


def _dates(values: pd.Series) -> pd.Series:
    """Dates at any precision (YYYY, YYYY-MM, YYYY-MM-DD) as their first day, for comparisons."""
    return pd.to_datetime(
        values.astype("string")
        .str.pad(10, side="right", fillchar="?")
        .str.replace(r"^(\d{4})\?{6}$", r"\1-01-01", regex=True)
        .str.replace(r"^(\d{4}-\d{2})\?{3}$", r"\1-01", regex=True),
        format="%Y-%m-%d",
        errors="coerce",
    )


def _source_count(frame: pd.DataFrame) -> pd.Series:
    others = frame["sources"].map(len) if "sources" in frame.columns else 0
    return frame["source_url"].notna().astype(int) + others


def audit(frames: dict[str, pd.DataFrame], today: pd.Timestamp) -> AuditResult:
    rows, problems = [], []
    for name in AUDITED:
        frame = frames[name]
        ids = frame[ID_COLUMNS[name]]
        verified = (
            _dates(frame["verified_on"]) if "verified_on" in frame.columns else pd.Series(pd.NaT, index=frame.index)
        )
        recent = verified >= today - pd.DateOffset(months=RECENT_MONTHS)
        undated = frame["as_of"].isna() & verified.isna()
        unsourced = frame["source_url"].isna()
        duplicated = frame.duplicated(list(DUPLICATE_KEYS[name]), keep=False)
        if name == "investments":
            duplicated &= frame["public_gbp"].notna()
            summed = key_figures.awards(frame, instruments=())
            overlap = summed["part_of"].isin(summed["investment_id"]) | summed.dropna(subset=["public_gbp"]).duplicated(
                ["recipient", "programme", "public_gbp", "year"], keep=False
            ).reindex(summed.index, fill_value=False)
            overlapping = summed.loc[overlap, "investment_id"]
        else:
            overlapping = pd.Series(dtype="string")
        stale = pd.Series(False, index=frame.index)
        if "status" in frame.columns:
            news = (
                _dates(frame["status_date"]).fillna(_dates(frame["as_of"]))
                if "status_date" in frame
                else _dates(frame["as_of"])
            )
            stale = frame["status"].isin(PLANNED) & (news < today - pd.DateOffset(years=STALE_PLAN_YEARS))
        row = {
            "dataset": name,
            "rows": len(frame),
            "verified in the last 24 months": recent.mean() if len(frame) else 0.0,
            "two or more sources": (_source_count(frame) >= 2).mean() if len(frame) else 0.0,
            "stated headcount": frame["approx_employees"].notna().mean() if "approx_employees" in frame else None,
            "plans older than 3 years": int(stale.sum()),
            "duplicates": int(duplicated.sum()),
            "no source or date": int((undated | unsourced).sum()),
            "overlapping money": len(overlapping),
        }
        rows.append(row)
        for check, mask_ids in (
            ("duplicates", ids[duplicated]),
            ("no source or date", ids[undated | unsourced]),
            ("overlapping money", overlapping),
        ):
            problems += [{"dataset": name, "check": check, "record_id": i} for i in mask_ids]
    problem_frame = pd.DataFrame(problems, columns=["dataset", "check", "record_id"])
    return AuditResult(pd.DataFrame(rows), problem_frame)


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The audit table with shares as percentages, for the About page and the command line."""
    out = table.copy()
    for column in ("verified in the last 24 months", "two or more sources", "stated headcount"):
        out[column] = out[column].map(lambda v: "—" if v is None or pd.isna(v) else f"{v:.0%}")
    return out.astype(str)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.data.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None, help="folder of Parquet datasets (default: the embedded data)")
    parser.add_argument("--today", default=None, help="the date to audit against (default: today)")
    args = parser.parse_args(argv)
    today = pd.Timestamp(args.today) if args.today else pd.Timestamp.today().normalize()
    try:
        capabilities = load_dataset("capabilities", args.data_dir or config.DEFAULT_DATA_DIR)
        ids = set(capabilities["capability_id"])
        frames = {name: load_dataset(name, args.data_dir or config.DEFAULT_DATA_DIR, ids) for name in AUDITED}
    except DatasetError as error:
        print(f"audit: {error.file} cannot be read: {error.message}", file=sys.stderr)
        return 2
    result = audit(frames, today)
    print(f"Data audit as of {today.date()}")
    print(readable(result.table).to_string(index=False))
    if result.passed:
        print("audit passed: no duplicates, every row sourced and dated, no pound summed twice")
        return 0
    print("audit FAILED:", file=sys.stderr)
    print(result.problems.to_string(index=False), file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
