"""Every way of starting the app uses the README's launcher and the one settings file (issue: the
path a user runs is the path we measure). Compares what each passes, not timings."""

import re
import shlex
import tomllib
from pathlib import Path

from lib.ui import launch

ROOT = Path(__file__).resolve().parents[1]
# Files that start a server, and the line that does it.
STARTERS = {
    "README start command": ROOT / "scripts" / "app.sh",
    "Dockerfile": ROOT / "Dockerfile",
    "browser tests and benchmarks": ROOT / "tests" / "e2e" / "harness.py",
}


def test_every_starter_uses_the_launcher():
    for name, path in STARTERS.items():
        words = " ".join(path.read_text().replace('"', " ").replace(",", " ").split())
        assert "-m lib.ui.launch" in words, name


def test_nobody_passes_streamlit_settings_outside_the_launcher():
    """Settings live in .streamlit/config.toml; a flag elsewhere would make one path differ."""
    offenders = []
    for path in [
        *ROOT.glob("*.py"),
        *ROOT.glob("scripts/*"),
        ROOT / "Dockerfile",
        *ROOT.glob("bench/**/*.py"),
        *ROOT.glob("tests/**/*.py"),
        *ROOT.glob("deploy/**/*.yaml"),
    ]:
        if path.name in ("test_launch.py",) or not path.is_file():
            continue
        if re.search(r"--(server|browser|client|runner)\.\w+|streamlit\"?,? \"?run", path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_readme_start_command_is_scripts_app_sh():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/app.sh" in readme
    assert "-m lib.ui.launch" in (ROOT / "scripts" / "app.sh").read_text()


def test_production_settings_are_in_the_one_config():
    settings = tomllib.loads(launch.SETTINGS_FILE.read_text())
    assert settings["server"]["fileWatcherType"] == "none"
    assert settings["server"]["headless"] is True
    assert settings["server"]["runOnSave"] is False
    assert settings["browser"]["gatherUsageStats"] is False


def test_launch_adds_only_port_and_address_unless_asked_for_reload():
    args = launch.command(port=9999, address="127.0.0.1")
    flags = [a for a in args if a.startswith("--")]
    assert flags == ["--server.port", "--server.address"]
    dev = launch.command(dev=True)
    assert "--server.fileWatcherType" in dev and "--server.runOnSave" in dev


def test_docker_cmd_is_the_launcher():
    cmd = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    words = shlex.split(cmd.replace("CMD", "").replace("[", "").replace("]", "").replace(",", " "))
    assert words[:3] == ["python", "-m", "lib.ui.launch"]
