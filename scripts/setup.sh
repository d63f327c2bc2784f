#!/usr/bin/env bash
# Shared set-up for scripts/app.sh and scripts/test.sh: a virtualenv in .venv with pinned packages.
#   bash scripts/setup.sh                        the app's lock (requirements.txt)
#   bash scripts/setup.sh requirements-dev.txt   the app's lock plus tests, benchmarks and scripts
# Re-installs only when that file (or the app's lock it includes) changes (stamp files in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

lock="${1:-requirements.txt}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$lock").sha256"
want=$(cat "$lock" requirements.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing $lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  echo "$want" > "$stamp"
fi
