"""The configuration pages: every member reads them, the quality manager changes them (each
change in the audit trail), an outsider gets 404; booking hours outside the service's opening
hours are refused, and those partly outside say which slots they give."""

import datetime as dt

import pytest
from django.test import Client

from appointments.models import AppointmentKind, AppointmentSettings, BookingHours
from core.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

BASE = "/o/ville-test/rendez-vous/parametres/"


def kind_data(service, **overrides):
    return {
        "service": service.pk,
        "label": "Dossier de mariage",
        "duration_minutes": 45,
        "documents": "Pièces d'identité des futurs époux\nJustificatif de domicile",
        "capacity": 1,
        "horizon_days": 90,
        "notice_hours": 48,
        "bookable_online": "on",
        "is_active": "on",
        "position": 2,
    } | overrides


def test_the_quality_manager_creates_a_kind_and_the_trail_keeps_it(org, registry, opening_hours, manager_client):
    response = manager_client.post(f"{BASE}types/nouveau/", kind_data(registry))
    kind = AppointmentKind.objects.get(organisation=org, label="Dossier de mariage")
    assert response.status_code == 302 and response["Location"] == f"{BASE}types/{kind.pk}/"
    assert kind.duration_minutes == 45 and kind.notice_hours == 48 and kind.bookable_online
    event = AuditEvent.objects.get(object_type="appointments.appointmentkind", object_id=str(kind.pk))
    assert event.action == "create" and (event.after or {})["label"] == "Dossier de mariage"
    assert "Dossier de mariage" in manager_client.get(BASE).content.decode()


def test_bad_input_and_a_duplicate_label_are_refused_in_french(org, registry, identity_card, manager_client):
    response = manager_client.post(f"{BASE}types/nouveau/", kind_data(registry, duration_minutes=2, capacity=0))
    html = response.content.decode()
    assert response.status_code == 400 and "supérieure ou égale à 5" in html and "supérieure ou égale à 1" in html
    duplicate = manager_client.post(f"{BASE}types/nouveau/", kind_data(registry, label=identity_card.label))
    assert (
        duplicate.status_code == 400 and "propose déjà un type de rendez-vous de ce nom" in duplicate.content.decode()
    )
    assert AppointmentKind.objects.filter(organisation=org).count() == 1


def test_a_kind_changed_by_two_people_refuses_the_second_save(registry, identity_card, manager_client):
    seen = identity_card.version
    address = f"{BASE}types/{identity_card.pk}/modifier/"
    same = {
        "duration_minutes": 20,
        "documents": identity_card.documents,
        "horizon_days": 60,
        "notice_hours": 2,
        "position": 0,
        "version": seen,
    }
    first = manager_client.post(address, kind_data(registry, label="Titres d'identité", **same))
    assert first.status_code == 302
    second = manager_client.post(address, kind_data(registry, label="Passeports", **same))
    assert second.status_code == 409
    identity_card.refresh_from_db()
    assert identity_card.label == "Titres d'identité"
    changed = AuditEvent.objects.get(object_type="appointments.appointmentkind", action="update")
    assert changed.before == {"label": "Carte d'identité ou passeport"} and changed.after == {
        "label": "Titres d'identité"
    }


def test_booking_hours_outside_the_opening_hours_are_refused_and_partly_outside_say_their_slots(
    identity_card, manager_client
):
    address = f"{BASE}types/{identity_card.pk}/"
    lunch = manager_client.post(address, {"weekday": 0, "starts_at": "12:00", "ends_at": "13:30"})
    assert lunch.status_code == 400
    assert "seuls les créneaux compris dans ces horaires sont proposés" in lunch.content.decode()
    sunday = manager_client.post(address, {"weekday": 6, "starts_at": "10:00", "ends_at": "11:00"})
    assert sunday.status_code == 400
    overlap = manager_client.post(address, {"weekday": 0, "starts_at": "11:00", "ends_at": "12:00"})
    assert overlap.status_code == 400 and "chevauche celle du lundi 09:00–12:00" in overlap.content.decode()
    assert BookingHours.objects.filter(kind=identity_card).count() == 5

    added = manager_client.post(address, {"weekday": 5, "starts_at": "11:00", "ends_at": "13:00"})
    assert added.status_code == 302
    page = manager_client.get(address).content.decode()
    assert "Seuls les créneaux compris dans les horaires d'ouverture du service sont proposés" in page
    assert "3 : 11:00, 11:20, 11:40" in page  # Saturday's opening ends at 12:00
    assert AuditEvent.objects.filter(object_type="appointments.bookinghours", action="create").count() == 1


def test_the_quality_manager_removes_a_range_after_confirming(identity_card, manager_client):
    hours = BookingHours.objects.filter(kind=identity_card).order_by("pk")[0]
    address = f"{BASE}plages/{hours.pk}/supprimer/"
    assert "Supprimer cette plage ?" in manager_client.get(address).content.decode()
    assert BookingHours.objects.filter(pk=hours.pk).exists()
    assert manager_client.post(address).status_code == 302
    assert not BookingHours.objects.filter(pk=hours.pk).exists()
    assert AuditEvent.objects.filter(object_type="appointments.bookinghours", action="delete").count() == 1


def test_the_quality_manager_changes_the_booking_rules(org, manager_client):
    response = manager_client.post(f"{BASE}regles/", {"bookings_per_email": 5})  # reminders unticked
    assert response.status_code == 302
    rules = AppointmentSettings.for_org(org)
    assert rules.bookings_per_email == 5 and not rules.send_reminders
    event = AuditEvent.objects.get(object_type="appointments.appointmentsettings", action="update")
    assert event.after == {"bookings_per_email": 5, "send_reminders": False}
    refused = manager_client.post(f"{BASE}regles/", {"bookings_per_email": 0})
    assert refused.status_code == 400 and "supérieure ou égale à 1" in refused.content.decode()


def test_a_reader_reads_the_pages_and_cannot_change_anything(org, registry, identity_card, client_as):
    reader = client_as(org, Role.READER)
    kind_page = f"{BASE}types/{identity_card.pk}/"
    for address in (BASE, kind_page):
        response = reader.get(address)
        assert response.status_code == 200 and "Carte d&#x27;identité ou passeport" in response.content.decode()
    assert "Nouveau type de rendez-vous" not in reader.get(BASE).content.decode()
    assert "Ajouter une plage" not in reader.get(kind_page).content.decode()
    hours = BookingHours.objects.filter(kind=identity_card).order_by("pk")[0]
    writes = [
        (f"{BASE}types/nouveau/", kind_data(registry)),
        (f"{BASE}types/{identity_card.pk}/modifier/", kind_data(registry, label="Autre")),
        (kind_page, {"weekday": 5, "starts_at": "09:00", "ends_at": "10:00"}),
        (f"{BASE}plages/{hours.pk}/supprimer/", {}),
        (f"{BASE}regles/", {"bookings_per_email": 9}),
    ]
    events_before = AuditEvent.objects.count()
    for address, data in writes:
        assert reader.post(address, data).status_code == 403, address
    assert reader.get(f"{BASE}regles/").status_code == 403
    assert AuditEvent.objects.count() == events_before and BookingHours.objects.filter(kind=identity_card).count() == 5


def test_an_outsider_gets_404_on_every_page_and_changes_nothing(org, identity_card, outsider_client):
    hours = BookingHours.objects.filter(kind=identity_card).order_by("pk")[0]
    events_before = AuditEvent.objects.count()
    for address in (
        BASE,
        f"{BASE}regles/",
        f"{BASE}types/nouveau/",
        f"{BASE}types/{identity_card.pk}/",
        f"{BASE}types/{identity_card.pk}/modifier/",
        f"{BASE}plages/{hours.pk}/supprimer/",
    ):
        assert outsider_client.get(address).status_code == 404, address
        assert outsider_client.post(address, {}).status_code == 404, address
    assert AuditEvent.objects.count() == events_before


def test_the_overview_reads_in_a_fixed_number_of_queries(org, registry, identity_card, manager_client, page_queries):
    few = page_queries(manager_client, BASE)
    for number in range(6):
        kind = AppointmentKind.objects.create(organisation=org, service=registry, label=f"Type {number}")
        BookingHours.objects.create(organisation=org, kind=kind, weekday=1, starts_at=dt.time(9), ends_at=dt.time(10))
    assert page_queries(manager_client, BASE) == few


def test_the_public_page_hides_a_kind_without_booking_hours(org, registry, opening_hours):
    AppointmentKind.objects.create(organisation=org, service=registry, label="Sans plage")
    assert "Sans plage" not in Client().get("/p/ville-test/rendez-vous/").content.decode()
