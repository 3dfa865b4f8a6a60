"""The town's kiosk tablets (parametres/bornes/): the list, pairing one with a one-time code,
revoking one; quality managers and administrators only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core import kiosk
from core.journal import action_label
from core.models import AuditEvent, KioskDevice, Role, Site

NOW = dt.datetime(2026, 12, 3, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def url(name, org, *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


@pytest.fixture
def site(org):
    return Site.objects.get(organisation=org)


def pair_form(where, **changes):
    return {"name": "Tablette du hall", "site": where.pk, "screens": ["ticket", "enquete"], **changes}


def test_a_quality_manager_pairs_a_tablet_and_sees_its_code_once(manager_client, org, site):
    page = manager_client.post(url("kiosks", org), pair_form(site)).content.decode()
    device = KioskDevice.objects.get(organisation=org)
    assert device.name == "Tablette du hall" and device.site == site and device.screens == ["ticket", "enquete"]
    shown = page.split('class="pairing-code">')[1].split("<")[0]
    code = shown.replace(" ", "")
    assert device.pairing_code_hash == kiosk.code_hash(code) and code not in str(device.__dict__)
    assert f"/borne/?ville={org.slug}" in page and "3 décembre 2026 à 09:30" not in page
    assert "4 décembre 2026 à 09:30" in page  # valid 24 hours, in the town's time
    assert shown not in manager_client.get(url("kiosks", org)).content.decode()
    kiosk.pair_device(organisation=org, code=code, now=NOW)


def test_the_list_shows_each_tablet_its_screens_state_and_last_use(manager_client, kiosk_client, org):
    kiosk_client(org, screens=("ticket",))
    page = manager_client.get(url("kiosks", org)).content.decode()
    assert "Tablette du hall" in page and "Prendre un ticket" in page and "Appairée le 03/12/2026" in page
    assert "<td>03/12/2026</td>" in page and "Révoquer" in page


def test_the_pairing_form_ticks_no_screen_for_the_one_pairing_to_choose(manager_client, org, site):
    page = manager_client.get(url("kiosks", org)).content.decode()
    assert 'name="screens"' in page and 'name="screens" value="ticket"' in page
    assert "checked" not in page.split('name="screens"', 1)[1].split("</fieldset>", 1)[0]


def test_pairing_without_a_name_or_a_screen_is_refused_in_french_and_writes_nothing(manager_client, org, site):
    page = manager_client.post(url("kiosks", org), pair_form(site, name="", screens=[])).content.decode()
    assert "Donnez un nom à la borne" in page and "Choisissez au moins un écran pour la borne." in page
    assert not KioskDevice.objects.exists() and not AuditEvent.objects.filter(object_type="core.kioskdevice")


def test_a_site_of_another_town_is_refused(manager_client, org, other_org, site):
    elsewhere = Site.objects.get(organisation=other_org)
    page = manager_client.post(url("kiosks", org), pair_form(elsewhere)).content.decode()
    assert "Site inconnu." in page and not KioskDevice.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.READER, Role.AUDITOR])
def test_other_roles_can_neither_see_nor_pair_nor_revoke(client_as, kiosk_client, org, site, role):
    tablet = kiosk_client(org)
    client = client_as(org, role)
    assert client.get(url("kiosks", org)).status_code == 403
    assert client.post(url("kiosks", org), pair_form(site)).status_code == 403
    assert client.post(url("kiosk_revoke", org, tablet.device.pk)).status_code == 403
    assert KioskDevice.objects.count() == 1 and KioskDevice.objects.get().revoked_at is None


def test_an_administrator_pairs_too(admin_client_org, org, site):
    assert admin_client_org.post(url("kiosks", org), pair_form(site)).status_code == 200
    assert KioskDevice.objects.filter(organisation=org).count() == 1


def test_an_outsider_gets_404(outsider_client, kiosk_client, org, site):
    tablet = kiosk_client(org)
    assert outsider_client.get(url("kiosks", org)).status_code == 404
    assert outsider_client.post(url("kiosk_revoke", org, tablet.device.pk)).status_code == 404


def test_revoking_asks_first_then_stops_the_tablet_and_journals_it_in_french(manager_client, kiosk_client, org):
    tablet = kiosk_client(org)
    confirm = manager_client.get(url("kiosk_revoke", org, tablet.device.pk))
    assert "Révoquer la borne Tablette du hall ?" in confirm.content.decode()
    assert KioskDevice.objects.get().revoked_at is None  # GET writes nothing
    response = manager_client.post(url("kiosk_revoke", org, tablet.device.pk), follow=True)
    assert "La borne « Tablette du hall » est révoquée" in response.content.decode()
    device = KioskDevice.objects.get()
    assert device.revoked_at == NOW and device.token_hash == ""
    assert tablet.get(f"/borne/{org.slug}/ticket/").status_code == 302
    event = AuditEvent.objects.get(object_id=str(device.pk), action="revoke")
    assert action_label(event.action) == "révocation de la borne"
    assert action_label("pair") == "appairage de la borne"


def test_the_list_runs_the_same_queries_for_one_tablet_or_many(manager_client, kiosk_client, org, page_queries):
    kiosk_client(org)
    few = page_queries(manager_client, url("kiosks", org))
    for _ in range(10):
        kiosk_client(org)
    assert page_queries(manager_client, url("kiosks", org)) == few


def test_a_site_holding_a_tablet_cannot_be_deleted_and_says_so(kiosk_client, org):
    from administration.actions import site_deletion_blocker

    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    kiosk_client(org, site=annex)
    blocker = site_deletion_blocker(annex)
    assert blocker is not None and "borne" in blocker
