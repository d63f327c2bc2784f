#!/usr/bin/env bash
# Run the whole test suite (ruff lint and format, unit, AppTest and browser end-to-end tests) from a
# fresh machine.
# Browser tests drive Debian's Chromium (/usr/bin/chromium); it is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "test: installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: /usr/bin/chromium is missing; install it (apt-get install chromium) to run the browser tests" >&2
    exit 1
  fi
fi
export MMIP_BOUNDARIES_DIR="${MMIP_BOUNDARIES_DIR:-$(cd .. && pwd)/shared/data/boundaries}"
export MMIP_OFFLINE="${MMIP_OFFLINE:-1}"
export MMIP_CACHE_DIR="${MMIP_CACHE_DIR:-$(mktemp -d)}"
# Lint and format first: a failure here names the file and line, and costs seconds, not minutes.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The embedded data: no duplicates, every row sourced and dated, no pound summed twice.
.venv/bin/python -m lib.data.audit
exec .venv/bin/python -m pytest "$@"
