"""The deployment guide, run: real gunicorn started with the guide's command and settings,
behind Debian's nginx configured with the guide's server block, on loopback with a throwaway
certificate. The application must see each client's own address (the public form's rate limit
counts them apart) and send its security headers; nginx must not show its version."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from complaints.public_views import FORM_LIMIT
from complaints.tests.test_public import filled
from tests.processes import migrated_sqlite_file

# Its gunicorn runs on a SQLite file of its own: the PostgreSQL run would only migrate one again.
# django_db: the suite's database, which the SQLite run copies to that file, is made first.
pytestmark = [pytest.mark.own_database, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deployment.md"
NGINX = "/usr/sbin/nginx"
SLUG = "ville-guide"
CREATE_TOWN = (
    "from core.models import Organisation; from core.registries import create_town_defaults; "
    f"town = Organisation.objects.create(slug='{SLUG}', name='Ville du guide'); "
    "create_town_defaults(organisation=town, actor=None)"
)


def guide_block(first_line: str) -> str:
    """The fenced block of the guide whose first line is `first_line` (the file it shows)."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S):
        if block.splitlines()[0].strip() == first_line:
            return block
    raise AssertionError(f"Le guide n'a plus de bloc « {first_line} »")


def guide_environment() -> dict[str, str]:
    lines = guide_block("# /etc/qualipilote/env").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def guide_gunicorn_command() -> list[str]:
    service = guide_block("# /etc/systemd/system/qualipilote.service")
    exec_start = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    return shlex.split(exec_start.removeprefix("ExecStart="))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server answers HTTP: gunicorn opens its socket before its workers are ready."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace"))
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/connexion/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"port {port} : aucune réponse\n{log.read_text(errors='replace')}")


@dataclass
class Site:
    host: str
    https_port: int
    http_port: int

    def request(
        self, method: str, path: str, *, client: str = "127.0.0.1", port: int | None = None, **kwargs: object
    ) -> http.client.HTTPResponse:
        headers = {"Host": self.host, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        if port is None:
            context = ssl._create_unverified_context()  # the throwaway certificate  # noqa: S323
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=context, source_address=(client, 0), timeout=120
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(client, 0), timeout=120)
        connection.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def file_complaint(self, client: str, forged: str | None = None) -> int:
        """A citizen at `client` opens the public form and sends it; the status of the POST."""
        form = f"/p/{SLUG}/reclamation/"
        extra = {"X-Forwarded-For": forged} if forged else {}
        page = self.request("GET", form, client=client, headers=extra)
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = cookie.split("=", 1)[1]
        body = urllib.parse.urlencode(filled(csrfmiddlewaretoken=token))
        headers = {
            "Cookie": cookie,
            "Referer": f"https://{self.host}{form}",
            "Content-Type": "application/x-www-form-urlencoded",
            **extra,
        }
        return self.request("POST", form, client=client, body=body, headers=headers).status


def _nginx_conf(tmp: Path, gunicorn_port: int, https_port: int, http_port: int) -> Path:
    server = guide_block("# /etc/nginx/sites-available/qualipilote")
    certificate = re.search(r"ssl_certificate (\S+);", server)
    key = re.search(r"ssl_certificate_key (\S+);", server)
    assert certificate and key and "server 127.0.0.1:8000;" in server
    server = (
        server.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{gunicorn_port};")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace(certificate[1], str(tmp / "cert.pem"))
        .replace(key[1], str(tmp / "key.pem"))
    )
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'nginx-error.log'};\nevents {{}}\n"
        + f"http {{\n    include /etc/nginx/mime.types;\n    access_log {tmp / 'nginx-access.log'};\n"
        + f"{temp_paths}\n{server}\n}}\n"
    )
    return conf


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    if not Path(NGINX).exists():
        pytest.fail("nginx manque : `make test` l'installe (TEST_PACKAGES du Makefile)")
    tmp = tmp_path_factory.mktemp("deployment")
    environment = guide_environment()
    host = environment["DJANGO_ALLOWED_HOSTS"].split(",")[0]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={host}",
         "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "QUALIPILOTE_"))},
        **environment,
        # What only the test replaces: its own database, data directory, key, and no SMTP server.
        "DATABASE_URL": "",  # below: a migrated SQLite file
        "QUALIPILOTE_VAR_DIR": str(tmp / "var"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "qualipilote.settings",
    }
    with django_db_blocker.unblock():
        env["DATABASE_URL"] = migrated_sqlite_file(tmp / "qualipilote.sqlite3")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "shell", "-c", CREATE_TOWN], cwd=ROOT, env=env, check=True)

    gunicorn_port, https_port, http_port = free_port(), free_port(), free_port()
    command = guide_gunicorn_command()
    command[0] = str(Path(sys.executable).parent / "gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{gunicorn_port}"
    gunicorn_log, nginx_log = tmp / "gunicorn.log", tmp / "nginx-error.log"
    with gunicorn_log.open("wb") as output:
        gunicorn = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    conf = _nginx_conf(tmp, gunicorn_port, https_port, http_port)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(nginx_log)], stderr=subprocess.STDOUT)
    try:
        wait_for(gunicorn_port, gunicorn, gunicorn_log)
        wait_for(http_port, nginx, nginx_log)
        yield Site(host, https_port, http_port)
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(timeout=30)


def test_pages_carry_the_security_headers_and_nginx_hides_its_version(site: Site):
    response = site.request("GET", "/connexion/")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
    assert "default-src 'self'" in response.getheader("Content-Security-Policy", "")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("Server") == "nginx"
    assert "Secure" in response.getheader("Set-Cookie", "")
    assert response.getheader("Permissions-Policy", "").startswith("camera=()")
    assert len(response.getheader("X-Request-ID", "")) == 32  # nginx's $request_id, kept by the app


def test_the_health_page_answers_through_the_proxy(site: Site):
    response = site.request("GET", "/sante/")
    assert response.status == 200  # the database answers and the disk has room
    assert response.getheader("Content-Type") == "application/json"


def test_plain_http_is_sent_to_https(site: Site):
    response = site.request("GET", "/connexion/", port=site.http_port)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{site.host}/connexion/"


def test_seven_citizens_each_get_through_and_one_citizen_is_still_limited(site: Site):
    citizens = [f"127.0.0.{number}" for number in range(21, 28)]
    assert [site.file_complaint(citizen) for citizen in citizens] == [302] * 7
    # One citizen who writes another address in X-Forwarded-For each time is still one citizen.
    statuses = [site.file_complaint("127.0.0.30", forged=f"198.51.100.{n}") for n in range(FORM_LIMIT + 1)]
    assert statuses == [302] * FORM_LIMIT + [429]
