"""Supply chain (issue 10 item 10): requirements*.txt are pip-tools lock files of every
package, direct and indirect, each pinned with its hashes; the .in files are their inputs."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(?P<version>\S+)")


def locked(lock: str) -> dict[str, tuple[str, int]]:
    """Each package of a lock file with its version and how many hashes follow it."""
    packages: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / lock).read_text().splitlines():
        if match := REQUIREMENT.match(line):
            name = match["name"].lower().replace("_", "-")
            packages[name] = (match["version"], 0)
        elif line.strip().startswith("--hash=sha256:"):
            version, hashes = packages[name]
            packages[name] = (version, hashes + 1)
        else:
            assert not line.strip() or line.lstrip().startswith("#") or line.endswith("\\"), line
    return packages


def pins(requirements_in: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / requirements_in).read_text().splitlines():
        if match := REQUIREMENT.match(line):
            found[match["name"].lower().replace("_", "-")] = match["version"]
    return found


LOCKS = [
    ("requirements.txt", ["requirements.in"]),
    ("requirements-dev.txt", ["requirements.in", "requirements-dev.in"]),
]


@pytest.mark.parametrize(("lock", "inputs"), LOCKS)
def test_every_package_is_locked_at_its_pinned_version_with_hashes(lock, inputs):
    packages = locked(lock)
    assert all(hashes >= 1 for _, hashes in packages.values()), lock
    for requirements_in in inputs:
        for name, version in pins(requirements_in).items():
            assert packages[name][0] == version, (lock, name)
    assert len(packages) > sum(len(pins(requirements_in)) for requirements_in in inputs)  # the indirect ones too


def test_make_venv_installs_with_hash_checking_and_make_lock_uses_pip_compile():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.txt" in makefile
    assert "pip-compile" in makefile and "--generate-hashes" in makefile


def test_make_lock_runs_pip_compile_away_from_this_machines_pip_configuration():
    printed = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-lock-env: ; @echo '$(LOCK_ENV)'", "print-lock-env"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    probe = "import os, json; print(json.dumps([os.environ.get(n) for n in NAMES]))".replace(
        "NAMES", '["PIP_CONFIG_FILE", "PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "CUSTOM_COMPILE_COMMAND"]'
    )
    env = {**os.environ, "PIP_FIND_LINKS": "/opt/wheels", "PIP_EXTRA_INDEX_URL": "file:///opt/pypi/simple"}
    result = subprocess.run(
        ["bash", "-c", f"{printed} {sys.executable} -c '{probe}'"], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == ["/dev/null", None, None, "make lock"]
