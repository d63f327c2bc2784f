#!/usr/bin/env bash
# Start the dashboard on the embedded data: http://localhost:8501
# The same launcher as Docker, the browser tests and the benchmarks (lib/ui/launch.py); settings in
# .streamlit/config.toml. Options: --port N, --address A, --dev (reload on save).
# Boundaries: the embedded ITL1 outline draws the UK offline; set MMIP_BOUNDARIES_DIR to a folder of
# ONS GeoJSON files for full-resolution and local-authority boundaries.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m lib.ui.launch "$@"
