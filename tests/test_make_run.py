"""`make run` serves like production (DEBUG off, French error pages, whitenoise) with a secret
key generated once into var/secret-key (issue 10 item 9)."""

import os
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *arguments], cwd=ROOT, capture_output=True, text=True)


def test_make_run_starts_the_server_with_debug_off_and_collected_static_files():
    commands = make("--dry-run", "--always-make", "run").stdout
    server = next(line for line in commands.splitlines() if "runserver" in line)
    assert "DJANGO_DEBUG=false" in server and "DJANGO_DEBUG=true" not in commands
    assert 'DJANGO_SECRET_KEY="$(cat var/secret-key)"' in server
    assert "collectstatic --no-input" in commands


def test_the_secret_key_of_make_run_is_generated_once_private_and_strong(tmp_path):
    key_file = tmp_path / "var" / "secret-key"
    assert make(f"SECRET_KEY_FILE={key_file}", str(key_file)).returncode == 0
    key = key_file.read_text().strip()
    assert len(key) >= 50 and len(set(key)) > 20
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert make(f"SECRET_KEY_FILE={key_file}", str(key_file)).returncode == 0
    assert key_file.read_text().strip() == key
