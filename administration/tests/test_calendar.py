"""Opening hours per site and service, and the town's closure days beside the public holidays."""

import datetime as dt

import pytest
from django.urls import reverse

from core.localtime import PARIS
from core.models import AuditEvent, ClosureDay, OpeningHours, Service, Site

pytestmark = pytest.mark.django_db


def url(name, org, *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


@pytest.fixture
def town_hall(org):
    return Site.objects.get(organisation=org)


@pytest.fixture
def morning(org, town_hall):
    """Monday 08:30–12:00 for the whole town hall."""
    return OpeningHours.objects.create(
        organisation=org, site=town_hall, weekday=0, opens_at=dt.time(8, 30), closes_at=dt.time(12)
    )


def slot(**changes):
    return {"weekday": "0", "opens_at": "13:30", "closes_at": "17:00", "service": ""} | changes


# --- Opening hours ---------------------------------------------------------------------


def test_the_opening_hours_index_lists_the_sites_with_their_number_of_slots(org, morning, admin_client_org):
    html = admin_client_org.get(url("opening_hours", org)).content.decode()
    assert "Hôtel de ville" in html
    assert url("opening_hours_site", org, morning.site_id) in html


def test_a_site_page_lists_its_weekly_slots_and_says_which_services_follow_the_site(
    org, town_hall, morning, admin_client_org
):
    civil = Service.objects.get(organisation=org, code="etat-civil")
    OpeningHours.objects.create(
        organisation=org, site=town_hall, service=civil, weekday=1, opens_at=dt.time(9), closes_at=dt.time(11)
    )
    html = admin_client_org.get(url("opening_hours_site", org, town_hall.pk)).content.decode()
    assert "Lundi" in html and "08:30" in html and "12:00" in html
    assert "Mardi" in html and "09:00" in html and "État civil" in html
    assert "suivent les horaires du site : Accueil." in html


def test_an_administrator_adds_a_slot_to_the_whole_site(org, town_hall, morning, admin_client_org):
    response = admin_client_org.post(url("opening_hours_site", org, town_hall.pk), slot())
    assert response.status_code == 302
    added = OpeningHours.objects.get(organisation=org, opens_at=dt.time(13, 30))
    assert (added.site, added.service, added.weekday, added.closes_at) == (town_hall, None, 0, dt.time(17))
    [event] = AuditEvent.objects.filter(organisation=org, object_type="core.openinghours")
    assert event.action == "create"
    assert event.after == {
        "site": town_hall.pk,
        "service": None,
        "weekday": 0,
        "opens_at": "13:30:00",
        "closes_at": "17:00:00",
    }
    assert "Le créneau a été ajouté." in admin_client_org.get(response["Location"]).content.decode()


def test_an_administrator_adds_a_slot_for_one_service(org, town_hall, morning, admin_client_org):
    civil = Service.objects.get(organisation=org, code="etat-civil")
    admin_client_org.post(
        url("opening_hours_site", org, town_hall.pk), slot(opens_at="09:00", closes_at="11:00", service=civil.pk)
    )
    assert OpeningHours.objects.get(organisation=org, service=civil).opens_at == dt.time(9)


def refused(client, org, site, body):
    before = list(OpeningHours.objects.values_list("pk", flat=True))
    response = client.post(url("opening_hours_site", org, site.pk), body)
    assert response.status_code == 200
    assert list(OpeningHours.objects.values_list("pk", flat=True)) == before
    assert not AuditEvent.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize("closes_at", ["13:30", "12:00"])
def test_a_slot_that_closes_before_or_when_it_opens_is_refused(org, town_hall, admin_client_org, closes_at):
    html = refused(admin_client_org, org, town_hall, slot(closes_at=closes_at, opens_at="13:30"))
    assert "L&#x27;heure de fermeture doit être après l&#x27;heure d&#x27;ouverture." in html


def test_a_slot_overlapping_another_of_the_same_site_and_day_is_refused(org, town_hall, morning, admin_client_org):
    html = refused(admin_client_org, org, town_hall, slot(opens_at="11:00", closes_at="14:00"))
    assert "Ce créneau chevauche celui du lundi de 08:30 à 12:00." in html


def test_a_slot_inside_another_is_refused(org, town_hall, morning, admin_client_org):
    html = refused(admin_client_org, org, town_hall, slot(opens_at="09:00", closes_at="10:00"))
    assert "chevauche" in html


def test_slots_that_touch_or_differ_by_day_or_service_do_not_overlap(org, town_hall, morning, admin_client_org):
    civil = Service.objects.get(organisation=org, code="etat-civil")
    site_url = url("opening_hours_site", org, town_hall.pk)
    admin_client_org.post(site_url, slot(opens_at="12:00", closes_at="13:00"))
    admin_client_org.post(site_url, slot(weekday="1", opens_at="08:30", closes_at="12:00"))
    admin_client_org.post(site_url, slot(opens_at="08:30", closes_at="12:00", service=civil.pk))
    assert OpeningHours.objects.filter(organisation=org).count() == 4


def test_a_service_of_another_site_cannot_get_a_slot_on_this_site(org, town_hall, admin_client_org):
    annex = Site.objects.create(organisation=org, name="Annexe")
    service = Service.objects.create(organisation=org, site=annex, code="annexe", name="Accueil annexe")
    html = refused(admin_client_org, org, town_hall, slot(service=service.pk))
    assert "Choisissez un service de ce site dans la liste." in html


def test_a_slot_with_a_badly_written_hour_is_refused_in_french(org, town_hall, admin_client_org):
    html = refused(admin_client_org, org, town_hall, slot(opens_at="8h30"))
    assert "Saisissez une heure au format HH:MM." in html


def test_an_administrator_deletes_a_slot_after_confirming(org, morning, admin_client_org):
    page = admin_client_org.get(url("opening_hours_delete", org, morning.pk)).content.decode()
    assert "Supprimer ce créneau ?" in page and "lundi de 08:30 à 12:00" in page
    assert OpeningHours.objects.filter(pk=morning.pk).exists()
    response = admin_client_org.post(url("opening_hours_delete", org, morning.pk))
    assert response["Location"] == url("opening_hours_site", org, morning.site_id)
    assert not OpeningHours.objects.filter(pk=morning.pk).exists()
    event, follow = AuditEvent.objects.filter(organisation=org).order_by("pk")
    assert event.action == "delete" and event.before["opens_at"] == "08:30:00"
    assert follow.action == "calendar_change"
    assert follow.after["calendar_change"].startswith("horaires d'ouverture changés (retrait : ")


# --- Closure days ----------------------------------------------------------------------


def test_the_closure_page_shows_the_year_s_closures_and_the_zone_s_public_holidays(org, admin_client_org):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    ClosureDay.objects.create(organisation=org, date=dt.date(2025, 12, 26), label="Fermeture 2025")
    html = admin_client_org.get(url("closure_days", org) + "?annee=2026").content.decode()
    assert "Jours de fermeture 2026" in html
    assert "Pont de l&#x27;Ascension" in html and "Fermeture 2025" not in html
    assert "Fête nationale" in html and "Assomption" in html
    assert "Vendredi saint" not in html  # not a holiday in metropolitan France
    assert "?annee=2025" in html and "?annee=2027" in html


def test_the_public_holidays_follow_the_town_s_zone(org, admin_client_org):
    org.holiday_zone = "57"
    org.save()
    html = admin_client_org.get(url("closure_days", org) + "?annee=2026").content.decode()
    assert "Vendredi saint" in html


@pytest.mark.time_machine(dt.datetime(2027, 6, 15, 10, 0, tzinfo=PARIS), tick=False)
def test_the_closure_page_shows_the_current_year_when_none_or_a_wrong_one_is_asked(org, admin_client_org):
    this_year = 2027
    for query in ("", "?annee=abc", "?annee=1066"):
        response = admin_client_org.get(url("closure_days", org) + query)
        assert response.context["year"] == this_year, query


def test_an_administrator_adds_a_closure_day(org, admin_client_org):
    response = admin_client_org.post(url("closure_days", org), {"date": "2026-08-14", "label": "Pont du 15 août"})
    assert response.status_code == 302 and response["Location"].endswith("?annee=2026")
    closure = ClosureDay.objects.get(organisation=org)
    assert (closure.date, closure.label) == (dt.date(2026, 8, 14), "Pont du 15 août")
    event, follow = AuditEvent.objects.filter(organisation=org).order_by("pk")
    assert event.action == "create" and event.after == {"date": "2026-08-14", "label": "Pont du 15 août"}
    assert follow.action == "calendar_change"
    assert follow.after["calendar_change"] == "jour de fermeture ajouté (14/08/2026 : Pont du 15 août)"
    html = admin_client_org.get(response["Location"]).content.decode()
    assert "Le 14/08/2026 a été ajouté aux jours de fermeture." in html
    assert "Fermeture de la mairie" in html


def test_a_closure_date_already_recorded_is_refused(org, admin_client_org):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont")
    response = admin_client_org.post(url("closure_days", org), {"date": "2026-05-15", "label": "Encore"})
    assert response.status_code == 200
    assert "Le 15/05/2026 est déjà un jour de fermeture (Pont)." in response.content.decode()
    assert ClosureDay.objects.filter(organisation=org).count() == 1
    assert not AuditEvent.objects.exists()


def test_the_same_closure_date_in_another_town_does_not_count_as_a_duplicate(org, other_org, admin_client_org):
    ClosureDay.objects.create(organisation=other_org, date=dt.date(2026, 5, 15), label="Pont")
    admin_client_org.post(url("closure_days", org), {"date": "2026-05-15", "label": "Pont"})
    assert ClosureDay.objects.filter(organisation=org).count() == 1


def test_a_closure_without_date_or_label_is_refused_in_french(org, admin_client_org):
    response = admin_client_org.post(url("closure_days", org), {"date": "15 mai", "label": ""})
    html = response.content.decode()
    assert "Saisissez une date valide." in html and "Ce champ est obligatoire." in html
    assert not ClosureDay.objects.exists()


def test_an_administrator_deletes_a_closure_day_after_confirming(org, admin_client_org):
    closure = ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont")
    page = admin_client_org.get(url("closure_day_delete", org, closure.pk)).content.decode()
    assert "Supprimer le jour de fermeture du 15/05/2026 ?" in page
    assert ClosureDay.objects.filter(pk=closure.pk).exists()
    response = admin_client_org.post(url("closure_day_delete", org, closure.pk))
    assert response["Location"].endswith("?annee=2026")
    assert not ClosureDay.objects.filter(pk=closure.pk).exists()
    event, follow = AuditEvent.objects.filter(organisation=org).order_by("pk")
    assert event.action == "delete" and event.before == {"date": "2026-05-15", "label": "Pont"}
    assert follow.after["calendar_change"] == "jour de fermeture retiré (15/05/2026 : Pont)"


# --- Query counts ------------------------------------------------------------------------
# Session, user and membership, then the page's own reads: the same for one row or many.


def test_the_opening_hours_pages_run_the_same_queries_for_one_slot_or_many(
    org, town_hall, morning, admin_client_org, page_queries
):
    pages = [url("opening_hours", org), url("opening_hours_site", org, town_hall.pk)]
    few = [page_queries(admin_client_org, page) for page in pages]
    services = [
        Service.objects.create(organisation=org, site=town_hall, code=f"s{number}", name=f"Service {number}")
        for number in range(4)
    ]
    for number in range(6):
        Site.objects.create(organisation=org, name=f"Annexe {number}")
    for weekday in range(5):
        for service in [None, *services]:
            for opens, closes in ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17))):
                if (weekday, service, opens) != (0, None, dt.time(8, 30)):
                    OpeningHours.objects.create(
                        organisation=org,
                        site=town_hall,
                        service=service,
                        weekday=weekday,
                        opens_at=opens,
                        closes_at=closes,
                    )
    assert OpeningHours.objects.filter(site=town_hall).count() == 50
    assert [page_queries(admin_client_org, page) for page in pages] == few
    assert few[0] <= 5 and few[1] <= 8  # +1: the verified second factor (accounts, ADR 0015)


def test_the_closure_days_page_runs_the_same_queries_for_one_closure_or_many(org, admin_client_org, page_queries):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    few = page_queries(admin_client_org, url("closure_days", org), {"annee": "2026"})
    for day in range(1, 29):
        ClosureDay.objects.create(organisation=org, date=dt.date(2026, 2, day), label=f"Fermeture {day}")
    assert "Fermeture 28" in admin_client_org.get(url("closure_days", org), {"annee": "2026"}).content.decode()
    assert (
        page_queries(admin_client_org, url("closure_days", org), {"annee": "2026"}) == few <= 6
    )  # +1: the verified second factor (accounts, ADR 0015)


def test_the_settings_overview_runs_the_same_queries_for_a_small_or_a_large_town(
    org, town_hall, admin_client_org, page_queries
):
    few = page_queries(admin_client_org, url("settings", org))
    for number in range(10):
        site = Site.objects.create(organisation=org, name=f"Annexe {number}")
        Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
        ClosureDay.objects.create(organisation=org, date=dt.date(2026, 2, 1 + number), label=f"Fermeture {number}")
    assert (
        page_queries(admin_client_org, url("settings", org)) == few <= 8
    )  # +1: the verified second factor (accounts, ADR 0015)
