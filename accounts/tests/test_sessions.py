"""Sessions: the idle timeout, "Mes sessions" (see and end one's own sessions), and no session
row for anonymous visitors of the public pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from accounts.models import UserSession
from accounts.sessions import browser_label
from conftest import PASSWORD
from core.models import Organisation, Role

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)


def logged_in(email: str, user_agent: str = FIREFOX, address: str = "192.0.2.10") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    assert client.post("/connexion/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


def test_a_session_ends_after_the_idle_timeout_and_not_before(org, make_member):
    user = make_member(org, Role.AGENT)
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(user.email)
        assert client.get(f"/o/{org.slug}/journal/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(f"/o/{org.slug}/journal/").status_code == 200  # activity pushes the end back
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(f"/o/{org.slug}/journal/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(f"/o/{org.slug}/journal/")
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
        assert "sans activité" in client.get(response["Location"]).content.decode()
        assert not UserSession.objects.filter(user=user).exists()


@override_settings(QUALIPILOTE_SESSION_IDLE_MINUTES=5)
def test_the_idle_timeout_follows_its_setting(org, make_member):
    user = make_member(org, Role.AGENT)
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(user.email)
        assert client.get("/").status_code in (200, 302)
        clock.shift(dt.timedelta(minutes=6))
        assert client.get(f"/o/{org.slug}/journal/")["Location"].startswith("/connexion/")


def test_my_sessions_lists_each_device_with_its_address_and_time_in_the_towns_zone(make_member):
    reunion = Organisation.objects.create(slug="saint-denis", name="Saint-Denis", holiday_zone="974")
    user = make_member(reunion, Role.AGENT)
    with time_machine.travel(START, tick=False):  # 09:00 UTC is 13:00 at La Réunion
        office = logged_in(user.email, FIREFOX, "192.0.2.10")
        phone = logged_in(user.email, CHROME_ANDROID, "198.51.100.7")
        phone.get("/")
        html = office.get("/compte/sessions/").content.decode()
    assert "Firefox sous Linux" in html and "Chrome sous Android" in html
    assert "192.0.2.10" in html and "198.51.100.7" in html
    assert "10/03/2026 13:00" in html and "(cette session)" in html


def test_a_person_ends_one_of_their_sessions_or_all_the_others(org, make_member):
    user = make_member(org, Role.AGENT)
    office, phone, tablet = logged_in(user.email), logged_in(user.email, CHROME_ANDROID), logged_in(user.email)
    for client in (office, phone, tablet):
        client.get("/")
    assert UserSession.objects.filter(user=user).count() == 3
    phone_key = phone.session.session_key
    assert office.get("/compte/sessions/terminer/").status_code == 405
    response = office.post("/compte/sessions/terminer/", {"session": phone_key}, follow=True)
    assert "La session a été fermée" in response.content.decode()
    assert phone.get(f"/o/{org.slug}/journal/")["Location"].startswith("/connexion/")
    assert tablet.get(f"/o/{org.slug}/journal/").status_code == 200

    office.post("/compte/sessions/terminer-les-autres/")
    assert tablet.get(f"/o/{org.slug}/journal/")["Location"].startswith("/connexion/")
    assert office.get(f"/o/{org.slug}/journal/").status_code == 200
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        office.session.session_key
    ]


def test_nobody_ends_someone_elses_session(org, make_member):
    anne, bruno = (
        make_member(org, Role.AGENT, email="anne@ville-test.test"),
        make_member(org, Role.AGENT, email="bruno@ville-test.test"),
    )
    anne_client, bruno_client = logged_in(anne.email), logged_in(bruno.email)
    anne_client.get("/")
    response = bruno_client.post(
        "/compte/sessions/terminer/", {"session": anne_client.session.session_key}, follow=True
    )
    assert "Cette session n&#x27;existe plus" in response.content.decode()
    assert anne_client.get(f"/o/{org.slug}/journal/").status_code == 200
    assert anne.email not in bruno_client.get("/compte/sessions/").content.decode()


def test_logging_out_removes_the_sessions_row(org, make_member):
    user = make_member(org, Role.AGENT)
    client = logged_in(user.email)
    client.get("/")
    assert UserSession.objects.filter(user=user).exists()
    client.post("/deconnexion/")
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX, "Firefox sous Linux"),
        (CHROME_ANDROID, "Chrome sous Android"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge sous Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1",
            "Safari sous iOS",
        ),
        ("", "navigateur inconnu sous système inconnu"),
    ],
)
def test_a_browser_is_named_in_french_from_its_user_agent(user_agent, label):
    assert browser_label(user_agent) == label


def test_anonymous_visitors_of_the_public_pages_leave_no_session_row(org):
    form = f"/p/{org.slug}/reclamation/"
    for number in range(4):
        client = Client(enforce_csrf_checks=True)
        page = client.get(form)
        token = client.cookies["csrftoken"].value
        data = {
            "kind": "suggestion",
            "subject": f"Suggestion {number}",
            "description": "Des bancs devant la mairie.",
            "citizen_email": "",
            "consent": "on",
            "website": "",
            "csrfmiddlewaretoken": token,
        }
        assert page.status_code == 200
        sent = client.post(form, data, follow=True)
        assert "Votre message a bien été envoyé" in sent.content.decode()
        client.get(f"/p/{org.slug}/suivi/?numero=R2026-AAAAAAAA")
        client.get("/connexion/")
        client.get("/mot-de-passe/oubli/")
    assert Session.objects.count() == 0


def test_the_account_pages_ask_an_anonymous_visitor_to_log_in(db):
    for path in ("/compte/", "/compte/sessions/", "/compte/double-authentification/activer/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/"), path
