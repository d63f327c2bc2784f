"""Build the shipped ITL1 outline (data/boundaries/itl1_outline.geojson) from the official ONS file.

    .venv/bin/python scripts/build_outline.py [SOURCE.geojson]

SOURCE defaults to the ITL1 file found the usual way (MMIP_BOUNDARIES_DIR, the cache, or a
download from the ONS Open Geography Portal). How the outline is generalised: lib/geo/outline.py.
Run it again when ONS republishes the boundaries, and commit the result.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.geo import boundaries, outline  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, help="official ITL1 (or NUTS1 2018) GeoJSON")
    parser.add_argument("--out", type=Path, default=outline.OUTLINE_FILE)
    args = parser.parse_args(argv)
    source = args.source
    if source is None:
        lookup = boundaries.locate_boundary_file("itl1")
        if lookup.path is None:
            print(f"No ITL1 boundary file: {lookup.message}. Pass one, or set MMIP_BOUNDARIES_DIR.", file=sys.stderr)
            return 1
        source = lookup.path
    dest = outline.write_outline(source, args.out)
    print(f"{dest}: {dest.stat().st_size:,} bytes from {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
