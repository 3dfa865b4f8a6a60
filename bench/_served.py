"""The app served for a benchmark: gunicorn on loopback, in production settings, on a fresh
database, as bench/load.py, bench/large_city.py and bench/survey_load.py use it. Not a benchmark
itself: `make bench-quick` runs the bench/*.py files whose name does not start with "_"."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _migrated import apply_migrations, migrate

__all__ = ["apply_migrations", "migrate"]  # with the app served, the benchmarks' one way to a migrated database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def app_environment(work: Path, database_url: str, **more: str) -> dict[str, str]:
    """The process environment of the served app and of the bench's Django steps: production
    settings (a throwaway secret key, plain HTTP on 127.0.0.1, no mail sent), the work folder's
    var/, the database; `more` adds variables (QUALIPILOTE_TRUSTED_PROXIES…). The caller's own
    DJANGO_* and QUALIPILOTE_* variables are left out."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "QUALIPILOTE_"))},
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "QUALIPILOTE_VAR_DIR": str(work / "var"),
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        **more,
    }


def django_json(code: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run `code` (which calls django.setup()) in a fresh process; its last line of output, as JSON."""
    output = subprocess.run([PYTHON, "-c", code, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_served(port: int, *, seconds: float = 60) -> None:
    """Until gunicorn's workers answer a page (its socket is open before they are ready)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn ne répond pas.")


@contextmanager
def served(
    env: dict[str, str], *, workers: int, timeout: int = 60, config: bool = False, ready_within: float = 60
) -> Iterator[str]:
    """gunicorn on a free loopback port with `workers` workers, ready, stopped on leaving; yields
    its base URL (a stop if its workers do not answer within `ready_within` seconds). `config`:
    with the deployment's config file (docs/deployment.md), its request log sent to /dev/null;
    else the bare WSGI application."""
    port = free_port()
    command = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", str(timeout)]
    if config:
        command += ["--config", "qualipilote/gunicorn.conf.py", "--access-logfile", "/dev/null"]
    else:
        command += ["qualipilote.wsgi:application"]
    gunicorn = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        wait_until_served(port, seconds=ready_within)
        yield f"http://127.0.0.1:{port}"
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
