"""The production server as the deployment guide starts it: real gunicorn with
qualipilote/gunicorn.conf.py, DEBUG off (issue 10 item 9)."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, log: Path) -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this process
    command = [str(GUNICORN), "--config", "qualipilote/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(port: int, path: str, *, host: str = "127.0.0.1", headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response, body


def test_gunicorn_answers_without_a_server_banner_and_logs_the_request_id(tmp_path):
    log = tmp_path / "gunicorn.log"
    with gunicorn(f"sqlite:///{tmp_path / 'vide.sqlite3'}", log) as port:
        response, body = fetch(port, "/sante/", headers={"X-Request-ID": "sonde-0001-abcdef"})
        assert response.status == 200, body
        assert response.getheader("Server") is None
        assert response.getheader("X-Request-ID") == "sonde-0001-abcdef"
        assert response.getheader("Permissions-Policy")
        refused, page = fetch(port, "/connexion/", host="pirate.example")
    assert refused.status == 400 and refused.getheader("Server") is None
    assert "<h1>Requête refusée</h1>" in page
    lines = log.read_text()
    assert '"GET /sante/ HTTP/1.1" 200' in lines and "request_id=sonde-0001-abcdef" in lines


def test_the_health_page_answers_503_when_the_database_is_unreachable(tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        dead = closed.getsockname()[1]
        with gunicorn(f"postgres://qualipilote@127.0.0.1:{dead}/qualipilote", tmp_path / "gunicorn.log") as port:
            response, body = fetch(port, "/sante/")
    assert response.status == 503
    assert '"base_de_donnees": "injoignable"' in body and '"statut": "erreur"' in body
