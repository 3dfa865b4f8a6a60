"""Production details (issue 10 item 9): the 400 page, the headers every answer carries, the
request id, error mails without personal data, the health page and security.txt."""

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from core.requestlog import RequestIdFilter

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
UTC = dt.UTC


def failing_view(request: HttpRequest) -> HttpResponse:
    request.POST.get("nom")
    raise RuntimeError("panne de test")


# The URLs of the error-mail test: a view that fails after a citizen posted their name.
urlpatterns = [path("panne/", failing_view)]


def test_a_bad_host_gets_the_french_400_page():
    response = Client().get("/connexion/", HTTP_HOST="pirate.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Requête refusée</h1>" in page and 'lang="fr"' in page


def test_an_oversized_request_gets_the_french_400_page():
    response = Client().post(reverse("core:login"), {"username": "x" * (3 * 1024 * 1024), "password": "y"})
    assert response.status_code == 400
    assert "<h1>Requête refusée</h1>" in response.content.decode()


def test_the_pages_of_a_signed_in_person_are_neither_cached_nor_stored(org, manager_client):
    response = manager_client.get(reverse("commitments:overview", args=[org.slug]))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_an_answer_that_chose_its_caching_keeps_it(org, manager_client):
    response = manager_client.get(reverse("core:theme_css", args=[org.slug]))
    assert response["Cache-Control"] == "max-age=86400"


def test_a_public_page_for_an_anonymous_visitor_is_not_marked_private(org):
    response = Client().get(f"/p/{org.slug}/reclamation/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("host", ["testserver", "pirate.example"])
def test_every_answer_turns_the_unused_browser_features_off(host):
    response = Client().get("/connexion/", HTTP_HOST=host)
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_each_answer_carries_a_new_request_id():
    first, second = Client().get("/connexion/"), Client().get("/connexion/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_when_well_formed_and_replaced_otherwise():
    assert Client().get("/connexion/", HTTP_X_REQUEST_ID="a1b2c3d4e5f6a7b8")["X-Request-ID"] == "a1b2c3d4e5f6a7b8"
    forged = Client().get("/connexion/", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


class KeepRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_log_line_written_while_serving_a_request_names_its_id():
    handler = KeepRecords()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        Client().get("/page-inexistante/", HTTP_X_REQUEST_ID="demande-0001-abcd")
    finally:
        logger.removeHandler(handler)
    assert [record.request_id for record in handler.records] == ["demande-0001-abcd"]  # type: ignore[attr-defined]
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "hors requête", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"  # type: ignore[attr-defined]


@override_settings(ROOT_URLCONF=__name__, ADMINS=[("admin@ville.test", "admin@ville.test")])
def test_an_error_is_mailed_to_the_administrators_without_what_the_person_typed():
    client = Client(raise_request_exception=False, HTTP_X_REQUEST_ID="demande-0002-abcd")
    response = client.post("/panne/", {"nom": "Jeanne Martin"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["admin@ville.test"]
    assert "panne de test" in message.body and "[demande-0002-abcd]" in message.body
    assert "Jeanne Martin" not in message.body and "203.0.113.7" not in message.body


def test_the_health_page_answers_ok_when_the_database_answers_and_the_disk_has_room():
    response = Client().get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"statut": "ok", "base_de_donnees": "ok", "espace_disque": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_the_health_page_answers_503_when_the_disk_is_nearly_full():
    with override_settings(HEALTH_MIN_FREE_MIB=1024**4):  # a petabyte: more than any test disk
        response = Client().get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"statut": "erreur", "base_de_donnees": "ok", "espace_disque": "insuffisant"}


def test_the_health_page_is_answered_in_plain_http_even_when_https_is_required():
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert Client().get("/sante/").status_code == 200
        assert Client().get("/connexion/").status_code == 301


def test_the_health_page_only_reads():
    assert Client().post("/sante/").status_code == 405


@pytest.mark.time_machine(dt.datetime(2026, 12, 6, 10, 30, tzinfo=UTC), tick=False)
def test_security_txt_names_the_contact_and_expires_within_a_year():
    with override_settings(SECURITY_CONTACT="securite@ville.test"):
        response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "Contact: mailto:securite@ville.test",
        "Expires: 2027-06-04T10:30:00Z",
        "Preferred-Languages: fr, en",
        "Canonical: http://testserver/.well-known/security.txt",
    ]


def test_security_txt_falls_back_to_the_first_administrator_and_keeps_a_web_contact():
    with override_settings(SECURITY_CONTACT="", ADMINS=[("a@ville.test", "a@ville.test")]):
        assert "Contact: mailto:a@ville.test" in Client().get("/.well-known/security.txt").content.decode()
    with override_settings(SECURITY_CONTACT="https://ville.test/securite"):
        assert "Contact: https://ville.test/securite\n" in Client().get("/.well-known/security.txt").content.decode()


def test_security_txt_is_not_found_when_nobody_is_named():
    with override_settings(SECURITY_CONTACT="", ADMINS=[]):
        assert Client().get("/.well-known/security.txt").status_code == 404


def _start_in_production(secret_key: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qualipilote.settings", "DJANGO_DEBUG": "false"}
    env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "weak_key",
    [
        "un-secret-trop-court-0123456789",  # 31 characters
        "insecure-dev-key-change-me",  # the development default
        "a" * 64,  # long but not random
        "django-insecure-" + "k3Jd9s0aQ1" * 5,  # Django's generated development key
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(weak_key):
    result = _start_in_production(weak_key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est trop faible pour la production" in result.stderr


def test_the_development_key_is_still_allowed_in_development():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qualipilote.settings", "DJANGO_DEBUG": "true"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
