"""Rebuild the embedded Parquet datasets from the CSV sources in ``data/source/``.

Run ``python -m lib.data.build`` after editing a CSV source. Every dataset is typed and validated
against its schema first; nothing is written unless all of them pass.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from lib import config
from lib.data.loading import DatasetError, read_source_csv, validate, write_parquet, write_validated

# Capabilities first: the other datasets' capability lists are checked against it.
BUILD_ORDER = (
    "capabilities",
    "regions",
    "mmip_proposals",
    "sites",
    "centres",
    "investments",
    "ons_gva_pharma_itl1",
    "ons_bres_pharma_jobs_itl1",
)


def build_all(source_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Typed, validated frames for every dataset; raises DatasetError on the first bad one."""
    frames: dict[str, pd.DataFrame] = {}
    capability_ids: set[str] | None = None
    for name in BUILD_ORDER:
        frame = read_source_csv(name, source_dir)
        _, problems = validate(frame, name, f"{name}.csv", capability_ids)
        if not problems.empty:
            raise DatasetError(f"{name}.csv", f"{len(problems)} problem(s) against the schema", problems)
        if name == "capabilities":
            capability_ids = set(frame["capability_id"])
        frames[name] = frame
    return frames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=config.SOURCE_DIR, help="folder of CSV sources")
    parser.add_argument("--out", type=Path, default=config.DEFAULT_DATA_DIR, help="folder for Parquet output")
    args = parser.parse_args(argv)
    try:
        frames = build_all(args.source)
    except DatasetError as error:
        print(f"error: {error.file}: {error.message}", file=sys.stderr)
        if not error.problems.empty:
            print(error.problems.to_string(index=False, max_rows=50), file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_parquet(frame, args.out / f"{name}.parquet")
        print(f"{name}: {len(frame)} rows -> {args.out / (name + '.parquet')}")
    # Every file was validated above: the app need not validate (or import pandera) to load them.
    print(f"validated: {write_validated(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
