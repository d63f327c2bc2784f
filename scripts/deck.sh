#!/usr/bin/env bash
# Export a story as one self-contained HTML deck that works offline in any browser:
#   bash scripts/deck.sh OUT.html [STORY.json] [--url LIVE_URL]
# STORY.json defaults to data/stories/default.json; the last slide links to LIVE_URL (default:
# $MMIP_LIVE_URL, else http://localhost:8501/present) as text and as a QR code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m lib.present.deck "$@"
