"""Kiosk devices (core.kiosk, ADR 0023): pairing with a one-time code, the device cookie,
revocation, and the access rule of every kiosk screen (`kiosk_view`)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core import kiosk
from core.models import AuditEvent, KioskDevice, KioskState, Role, Site

NOW = dt.datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
PAIR = "/borne/"


@pytest.fixture
def site(org):
    return Site.objects.get(organisation=org)


def new_device(org, site, screens=("ticket",), now=NOW):
    name = "Tablette du hall"
    return kiosk.create_device(organisation=org, actor=None, name=name, site=site, screens=screens, now=now)


def type_code(client, org, code):
    return client.post(PAIR, {"ville": org.slug, "code": code})


# The device's state, a pure method


def test_a_device_waits_for_its_pairing_until_the_code_expires_then_is_paired_or_revoked():
    device = KioskDevice(pairing_expires_at=NOW + dt.timedelta(hours=24))
    assert device.state(NOW) == KioskState.WAITING
    assert device.state(NOW + dt.timedelta(hours=24)) == KioskState.CODE_EXPIRED
    device.paired_at = NOW
    assert device.state(NOW + dt.timedelta(days=300)) == KioskState.PAIRED
    device.revoked_at = NOW
    assert device.state(NOW) == KioskState.REVOKED


def test_a_typed_code_reads_without_case_spaces_or_dashes():
    assert kiosk.normalised_code("abcd-efgh ") == "ABCDEFGH"
    assert kiosk.code_hash("abcd efgh") == kiosk.code_hash("ABCDEFGH")
    assert kiosk.shown_code("ABCDEFGH") == "ABCD EFGH"


# Pairing


def test_a_new_device_keeps_its_code_only_hashed_and_journals_no_secret(org, site):
    device, code = new_device(org, site)
    assert len(code) == 8 and set(code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    assert device.pairing_code_hash == kiosk.code_hash(code) and code not in device.pairing_code_hash
    assert device.pairing_expires_at == NOW + dt.timedelta(hours=24) and device.token_hash == ""
    event = AuditEvent.objects.get(object_type="core.kioskdevice", action="create")
    assert event.after is not None and set(event.after) == {"name", "site", "screens", "pairing_expires_at"}


def test_the_tablet_typing_a_valid_code_gets_a_long_lived_strict_httponly_cookie_and_its_start_screen(org, site):
    device, code = new_device(org, site)
    response = type_code(Client(), org, code.lower())
    assert response.status_code == 302 and response["Location"] == f"/borne/{org.slug}/"
    cookie = response.cookies[kiosk.COOKIE_NAME]
    town_id, _, token = cookie.value.partition(":")
    assert town_id == str(org.pk) and len(token) >= 40
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/borne/"
    assert cookie["max-age"] == 400 * 24 * 3600
    device.refresh_from_db()
    assert device.token_hash == kiosk.token_hash(token) and token not in device.token_hash
    assert device.pairing_code_hash == "" and device.paired_at == NOW and device.state(NOW) == KioskState.PAIRED
    assert AuditEvent.objects.filter(object_id=str(device.pk), action="pair").count() == 1


def test_the_cookie_is_secure_when_the_sites_cookies_are(org, site, settings):
    settings.SESSION_COOKIE_SECURE = True
    _, code = new_device(org, site)
    assert type_code(Client(), org, code).cookies[kiosk.COOKIE_NAME]["secure"]


def test_a_code_used_once_does_not_pair_a_second_tablet(org, site):
    _, code = new_device(org, site)
    type_code(Client(), org, code)
    response = type_code(Client(), org, code)
    assert response.status_code == 200 and kiosk.COOKIE_NAME not in response.cookies
    assert "inconnu, déjà utilisé ou expiré" in response.content.decode()


def test_a_code_older_than_24_hours_is_refused_in_french(org, site, time_machine):
    _, code = new_device(org, site)
    time_machine.move_to(NOW + dt.timedelta(hours=24, seconds=1))
    with pytest.raises(ValidationError, match="expiré"):
        kiosk.pair_device(organisation=org, code=code, now=NOW + dt.timedelta(hours=24, seconds=1))
    response = type_code(Client(), org, code)
    assert kiosk.COOKIE_NAME not in response.cookies and "Demandez un nouveau code" in response.content.decode()


def test_a_code_of_another_town_or_an_unknown_town_pairs_nothing(org, other_org, site):
    _, code = new_device(org, site)
    assert kiosk.COOKIE_NAME not in type_code(Client(), other_org, code).cookies
    page = Client().post(PAIR, {"ville": "ville-inconnue", "code": code}).content.decode()
    assert "Aucune ville ne porte cet identifiant" in page
    assert KioskDevice.objects.get().paired_at is None


def test_pairing_attempts_are_limited_per_connection(org, site):
    _, code = new_device(org, site)
    tablet = Client()
    for _ in range(kiosk_views_limit()):
        assert type_code(tablet, org, "AAAAAAAA").status_code == 200
    response = type_code(tablet, org, code)
    assert response.status_code == 429 and kiosk.COOKIE_NAME not in response.cookies
    assert "Trop d&#x27;essais" in response.content.decode()


def kiosk_views_limit():
    from core.kiosk_views import PAIRING_LIMIT

    return PAIRING_LIMIT


def test_the_pairing_page_fills_in_the_town_named_in_its_address(org):
    page = Client().get(f"{PAIR}?ville={org.slug}").content.decode()
    assert f'value="{org.slug}"' in page and "Appairer cette tablette" in page


# Screens and their access rule


def test_a_paired_tablet_opens_its_start_screen_its_first_screen(kiosk_client, org):
    response = kiosk_client(org, screens=("enquete", "ticket")).get(f"/borne/{org.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/borne/{org.slug}/ticket/"


def test_without_a_device_cookie_every_kiosk_screen_sends_to_the_pairing_page(org):
    for path in ("", "ticket/", "enquete/", "enquete/merci/"):
        response = Client().get(f"/borne/{org.slug}/{path}")
        assert response.status_code == 302 and response["Location"] == f"{PAIR}?ville={org.slug}", path


def test_a_revoked_tablet_gets_the_pairing_page_again_and_the_revocation_is_journaled(kiosk_client, org, make_member):
    tablet = kiosk_client(org)
    manager = make_member(org, Role.QUALITY_MANAGER)
    kiosk.revoke_device(device=tablet.device, actor=manager, now=NOW)
    response = tablet.get(f"/borne/{org.slug}/ticket/")
    assert response.status_code == 302 and response["Location"].startswith(PAIR)
    event = AuditEvent.objects.get(object_id=str(tablet.device.pk), action="revoke")
    assert event.actor == manager
    with pytest.raises(ValidationError, match="déjà révoquée"):
        kiosk.revoke_device(device=tablet.device, actor=manager, now=NOW)


def test_a_tablet_of_another_town_gets_404_on_this_towns_screens(kiosk_client, org, other_org):
    tablet = kiosk_client(other_org)
    for path in ("", "ticket/", "enquete/"):
        assert tablet.get(f"/borne/{org.slug}/{path}").status_code == 404, path
        assert tablet.post(f"/borne/{org.slug}/{path}").status_code == 404, path
    assert tablet.get("/borne/ville-inconnue/ticket/").status_code == 404


def test_a_tablet_sees_only_the_screens_it_is_paired_for(kiosk_client, org):
    tablet = kiosk_client(org, screens=("ticket",))
    assert tablet.get(reverse("reception_kiosk:ticket", args=[org.slug])).status_code == 200
    assert tablet.get(reverse("surveys_kiosk:answer", args=[org.slug])).status_code == 404


def test_a_forged_token_is_no_device(org):
    tablet = Client()
    tablet.cookies[kiosk.COOKIE_NAME] = f"{org.pk}:not-a-token"
    assert tablet.get(f"/borne/{org.slug}/ticket/")["Location"].startswith(PAIR)


def test_a_tablet_cannot_reach_the_back_office(kiosk_client, org):
    tablet = kiosk_client(org)
    for path in (f"/o/{org.slug}/", f"/o/{org.slug}/accueil/", f"/o/{org.slug}/parametres/bornes/", "/compte/"):
        response = tablet.get(path)
        assert response.status_code == 302 and "/connexion/" in response["Location"], path


def test_every_kiosk_screen_renews_the_cookie_and_is_never_cached(kiosk_client, org):
    response = kiosk_client(org).get(f"/borne/{org.slug}/ticket/")
    assert response.cookies[kiosk.COOKIE_NAME]["max-age"] == 400 * 24 * 3600
    assert "no-store" in response["Cache-Control"]


def test_an_agent_awaiting_a_second_factor_on_the_same_browser_leaves_the_kiosk_alone(kiosk_client, org, make_member):
    """The accounts middleware (idle timeout, second factor) does not touch /borne/."""
    tablet = kiosk_client(org)
    manager = make_member(org, Role.QUALITY_MANAGER)  # must have a second factor: the gate would redirect
    tablet.force_login(manager)
    assert "/compte/double-authentification/" in tablet.get(f"/o/{org.slug}/")["Location"]
    response = tablet.get(f"/borne/{org.slug}/ticket/")
    assert response.status_code == 200 and str(manager) not in response.content.decode()


def test_kiosk_screens_are_registered_in_order_by_the_apps_that_own_them():
    assert [key for key, _ in kiosk.screens_in_order(["enquete", "ticket"])] == ["ticket", "enquete"]
    with pytest.raises(ValidationError):
        kiosk.check_screens(["ticket", "bureau"])
    with pytest.raises(ValidationError):
        kiosk.check_screens([])
