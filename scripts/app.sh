#!/usr/bin/env bash
# Start the dashboard on the embedded data: http://localhost:8501
# Boundaries: set MMIP_BOUNDARIES_DIR to a folder of ONS GeoJSON files, or let the app download
# them on first use (cached in ~/.cache/mmip-dashboard); offline with neither, the map uses a
# tile-grid fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run dashboard.py "$@"
