"""Sites and services of the town: list, add, edit, delete."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent, OpeningHours, Service, Site

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


@pytest.fixture
def town_hall(org):
    return Site.objects.get(organisation=org, name="Hôtel de ville")


@pytest.fixture
def annex(org):
    return Site.objects.create(organisation=org, name="Mairie annexe du Port", address="2 quai Nord")


def events(org, object_type):
    return list(AuditEvent.objects.filter(organisation=org, object_type=object_type).order_by("id"))


# --- Sites -----------------------------------------------------------------------------


def test_the_site_list_shows_each_site_with_its_services(org, annex, admin_client_org):
    html = admin_client_org.get(url("sites", org)).content.decode()
    assert "Hôtel de ville" in html and "Mairie annexe du Port" in html and "2 quai Nord" in html
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def test_the_site_list_runs_the_same_queries_whatever_the_number_of_sites(org, admin_client_org):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_org.get(url("sites", org)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(12):
        site = Site.objects.create(organisation=org, name=f"Annexe {number}")
        Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
    assert queries() == few
    assert few <= 5  # +1: the verified second factor (accounts, ADR 0015)


def test_an_administrator_adds_a_site(org, admin_client_org):
    response = admin_client_org.post(url("site_add", org), {"name": "Maison des services", "address": "1 place"})
    assert response.status_code == 302 and response["Location"] == url("sites", org)
    site = Site.objects.get(organisation=org, name="Maison des services")
    [event] = events(org, "core.site")
    assert event.action == "create" and event.after == {"name": "Maison des services", "address": "1 place"}
    assert "Le site « Maison des services » a été ajouté." in admin_client_org.get(url("sites", org)).content.decode()
    assert site.address == "1 place"


def test_a_site_name_already_used_in_the_town_is_refused(org, town_hall, admin_client_org):
    response = admin_client_org.post(url("site_add", org), {"name": "hôtel de ville"})
    assert "Un site porte déjà ce nom dans votre ville." in response.content.decode()
    assert Site.objects.filter(organisation=org).count() == 1
    assert not AuditEvent.objects.exists()


def test_a_site_name_used_by_another_town_is_accepted(org, other_org, admin_client_org):
    admin_client_org.post(url("site_add", org), {"name": "Mairie annexe"})
    assert Site.objects.filter(organisation=org, name="Mairie annexe").exists()


def test_an_empty_site_name_is_refused_in_french(org, admin_client_org):
    response = admin_client_org.post(url("site_add", org), {"name": ""})
    assert "Ce champ est obligatoire." in response.content.decode()


def test_an_administrator_renames_a_site(org, town_hall, admin_client_org):
    form = admin_client_org.get(url("site_edit", org, town_hall.pk)).content.decode()
    assert 'value="Hôtel de ville"' in form
    admin_client_org.post(url("site_edit", org, town_hall.pk), {"name": "Mairie centrale", "address": ""})
    town_hall.refresh_from_db()
    assert town_hall.name == "Mairie centrale"
    [event] = events(org, "core.site")
    assert event.before == {"name": "Hôtel de ville"} and event.after == {"name": "Mairie centrale"}


def test_a_site_keeps_its_own_name_when_edited(org, town_hall, admin_client_org):
    response = admin_client_org.post(url("site_edit", org, town_hall.pk), {"name": "Hôtel de ville", "address": "x"})
    assert response.status_code == 302


def test_deleting_a_site_asks_for_confirmation_first(org, annex, admin_client_org):
    response = admin_client_org.get(url("site_delete", org, annex.pk))
    html = response.content.decode()
    assert "Supprimer le site Mairie annexe du Port ?" in html and "Supprimer le site</button>" in html
    assert Site.objects.filter(pk=annex.pk).exists()


def test_an_administrator_deletes_a_site_without_services_and_its_opening_hours(org, annex, admin_client_org):
    slot = OpeningHours.objects.create(
        organisation=org, site=annex, weekday=2, opens_at=dt.time(9), closes_at=dt.time(12)
    )
    response = admin_client_org.post(url("site_delete", org, annex.pk))
    assert response.status_code == 302
    assert not Site.objects.filter(pk=annex.pk).exists()
    assert not OpeningHours.objects.filter(pk=slot.pk).exists()
    [event] = events(org, "core.site")
    assert event.action == "delete" and event.before["name"] == "Mairie annexe du Port"
    assert event.object_id == str(annex.pk)
    assert [e.action for e in events(org, "core.openinghours")] == ["delete"]


def test_a_site_that_still_has_services_cannot_be_deleted(org, town_hall, admin_client_org):
    page = admin_client_org.get(url("site_delete", org, town_hall.pk)).content.decode()
    assert "a encore 2 services" in page and "Supprimer le site</button>" not in page
    response = admin_client_org.post(url("site_delete", org, town_hall.pk), follow=True)
    assert "a encore 2 services" in response.content.decode()
    assert Site.objects.filter(pk=town_hall.pk).exists()
    assert not AuditEvent.objects.exists()


# --- Services --------------------------------------------------------------------------


def test_the_service_list_shows_each_service_with_its_site(org, admin_client_org):
    html = admin_client_org.get(url("services", org)).content.decode()
    assert "Accueil" in html and "État civil" in html and "Hôtel de ville" in html
    assert "ceux du site" in html


def test_the_service_list_runs_the_same_queries_whatever_the_number_of_services(org, town_hall, admin_client_org):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_org.get(url("services", org)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(12):
        site = Site.objects.create(organisation=org, name=f"Annexe {number}")
        Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
    assert queries() == few
    assert few <= 5  # +1: the verified second factor (accounts, ADR 0015)


def test_an_administrator_adds_a_service_to_one_of_the_town_s_sites(org, annex, admin_client_org):
    form = admin_client_org.get(url("service_add", org)).content.decode()
    assert "Mairie annexe du Port" in form
    response = admin_client_org.post(url("service_add", org), {"site": annex.pk, "name": "Urbanisme", "code": "urba"})
    assert response.status_code == 302
    service = Service.objects.get(organisation=org, code="urba")
    assert service.site == annex
    [event] = events(org, "core.service")
    contact = {"postal_address": "", "email": "", "phone": ""}  # to fill before its first letter
    assert event.action == "create" and event.after == {"site": annex.pk, "code": "urba", "name": "Urbanisme"} | contact


def test_the_site_list_of_the_service_form_offers_only_the_town_s_sites(org, other_org, admin_client_org):
    html = admin_client_org.get(url("service_add", org)).content.decode()
    assert "Hôtel de ville" in html and "Mairie annexe" not in html


def test_a_service_form_given_a_site_of_another_town_fails_validation(org, other_org, admin_client_org):
    foreign_site = Site.objects.get(organisation=other_org)
    response = admin_client_org.post(
        url("service_add", org), {"site": foreign_site.pk, "name": "Intrus", "code": "intrus"}
    )
    assert response.status_code == 200
    assert "Choisissez un site de votre ville dans la liste." in response.content.decode()
    assert not Service.objects.filter(code="intrus").exists()
    assert not AuditEvent.objects.exists()


def test_moving_a_service_to_another_town_s_site_fails_too(org, other_org, admin_client_org):
    service = Service.objects.get(organisation=org, code="accueil")
    foreign_site = Site.objects.get(organisation=other_org)
    response = admin_client_org.post(
        url("service_edit", org, service.pk), {"site": foreign_site.pk, "name": "Accueil", "code": "accueil"}
    )
    assert "Choisissez un site de votre ville dans la liste." in response.content.decode()
    service.refresh_from_db()
    assert service.site.organisation == org


def test_a_service_code_already_used_in_the_town_is_refused(org, town_hall, admin_client_org):
    response = admin_client_org.post(url("service_add", org), {"site": town_hall.pk, "name": "Bis", "code": "accueil"})
    assert "Un autre service de votre ville utilise déjà ce code." in response.content.decode()
    assert Service.objects.filter(organisation=org).count() == 2


def test_a_service_code_with_spaces_is_refused_in_french(org, town_hall, admin_client_org):
    response = admin_client_org.post(url("service_add", org), {"site": town_hall.pk, "name": "X", "code": "mon code"})
    assert "Le code ne peut contenir que des lettres" in response.content.decode()


def test_an_administrator_edits_a_service(org, town_hall, annex, admin_client_org):
    service = Service.objects.get(organisation=org, code="accueil")
    response = admin_client_org.post(
        url("service_edit", org, service.pk), {"site": annex.pk, "name": "Accueil général", "code": "accueil"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.site, service.name) == (annex, "Accueil général")
    [event] = events(org, "core.service")
    assert event.before == {"site": town_hall.pk, "name": "Accueil"}
    assert event.after == {"site": annex.pk, "name": "Accueil général"}


def test_moving_a_service_to_another_site_drops_its_own_opening_hours(org, town_hall, annex, admin_client_org):
    service = Service.objects.get(organisation=org, code="accueil")
    OpeningHours.objects.create(
        organisation=org, site=town_hall, service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12)
    )
    admin_client_org.post(
        url("service_edit", org, service.pk), {"site": annex.pk, "name": "Accueil", "code": "accueil"}
    )
    assert not OpeningHours.objects.filter(service=service).exists()
    assert [e.action for e in events(org, "core.openinghours")] == ["delete"]


def test_deleting_a_service_asks_for_confirmation_then_deletes_it(org, town_hall, admin_client_org):
    # A service no record names (the town's default visit reasons name its civil registry).
    service = Service.objects.create(organisation=org, site=town_hall, code="urbanisme", name="Urbanisme")
    OpeningHours.objects.create(
        organisation=org, site=town_hall, service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(12)
    )
    page = admin_client_org.get(url("service_delete", org, service.pk)).content.decode()
    assert "Supprimer le service Urbanisme ?" in page and "Supprimer le service</button>" in page
    assert Service.objects.filter(pk=service.pk).exists()

    response = admin_client_org.post(url("service_delete", org, service.pk))
    assert response.status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    assert not OpeningHours.objects.filter(organisation=org).exists()
    [event] = events(org, "core.service")
    assert event.action == "delete" and event.before["code"] == "urbanisme"
    assert "Le service « Urbanisme » a été supprimé." in admin_client_org.get(response["Location"]).content.decode()
