#!/usr/bin/env bash
# Export a story as one self-contained HTML deck that works offline in any browser:
#   bash scripts/deck.sh OUT.html [STORY.json] [--url LIVE_URL]
# STORY.json defaults to data/stories/default.json; the last slide links to LIVE_URL (default:
# $MMIP_LIVE_URL, else http://localhost:8501/present) as text and as a QR code. Relative paths are
# read from the directory you run it in.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$root" && bash scripts/setup.sh)
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" exec "$root/.venv/bin/python" -m lib.present.deck "$@"
