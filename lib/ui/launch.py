"""The one way the dashboard is started.

The README's ``bash scripts/app.sh``, the Docker image, the browser tests and the benchmarks all
run ``python -m lib.ui.launch``, so every measurement describes what a user gets. Every Streamlit
setting lives in ``.streamlit/config.toml`` (read from the project root, where this chdirs); the
launcher only chooses the port, the address and, for developers, reload-on-save.

Why the file watcher is off by default: Streamlit watches the *folder* of the entry script with a
recursive inotify watch, and the README's set-up puts ``.venv`` inside that folder. Tens of
thousands of folders overflowed the inotify queue ("Inotify queue overflowed; reconciling recursive
watches") and cost seconds of server CPU per new session. A server that is not being edited needs
no watcher at all. ``--dev`` turns reload-on-save on with the polling watcher, which polls only
the files the app imported instead of watching every folder below the project.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENTRY_SCRIPT = PROJECT_ROOT / "dashboard.py"
SETTINGS_FILE = PROJECT_ROOT / ".streamlit" / "config.toml"
DEFAULT_PORT = 8501
# Reload-on-save for developers: a documented switch, never the default.
DEV_SETTINGS = ("--server.fileWatcherType", "poll", "--server.runOnSave", "true")


def command(
    script: str | Path = ENTRY_SCRIPT, port: int = DEFAULT_PORT, address: str | None = None, dev: bool = False
) -> list[str]:
    """The command line that starts ``script`` (the dashboard, or a benchmark's floor app)."""
    args = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    if address:
        args += ["--server.address", address]
    if dev:
        args += list(DEV_SETTINGS)
    return args


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lib.ui.launch",
        description="Start the dashboard with the project's settings (.streamlit/config.toml).",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    parser.add_argument("--address", default=None, help="address to listen on (default: Streamlit's, all)")
    parser.add_argument("--script", default=str(ENTRY_SCRIPT), help=argparse.SUPPRESS)  # benchmarks' floor apps
    parser.add_argument(
        "--dev",
        action="store_true",
        default=os.environ.get("MMIP_DEV") == "1",
        help="reload the app when a source file is saved (also MMIP_DEV=1)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.chdir(PROJECT_ROOT)  # Streamlit reads .streamlit/config.toml from the working folder
    # exec, not a child process: the server keeps this PID, so whoever started it stops it by PID.
    args_list = command(args.script, args.port, args.address, args.dev)
    os.execv(sys.executable, args_list)


if __name__ == "__main__":
    main()
