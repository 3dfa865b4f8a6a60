"""The public booking: a kind, its free slots by day (never on a holiday or a closure day), a
name and an e-mail address, no account; the confirmation e-mail with its calendar file and the
link to cancel or move, valid for that appointment only and until its slot begins; CSRF, rate
limits, the limit per e-mail address, and no personal data on any public page."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from appointments import actions
from appointments.models import Appointment, AppointmentSettings, AppointmentStatus, Channel
from appointments.public_views import BOOK_LIMIT, EMAIL_LIMIT
from core.models import ClosureDay

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 5, 11, 8, 0, tzinfo=PARIS)  # Monday; Thursday 14 May is Ascension Day

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

KINDS = "/p/ville-test/rendez-vous/"
CONFIRMATION = "/p/ville-test/rendez-vous/confirmation/"
LINK = re.compile(r"https?://\S+/p/ville-test/rendez-vous/gerer/(?P<number>[\w-]+)/(?P<token>[\w-]+)/")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=PARIS)


def page_of(kind) -> str:
    return f"{KINDS}{kind.pk}/"


def filled(slot: dt.datetime, **overrides) -> dict[str, str]:
    return {
        "creneau": slot.isoformat(),
        "citizen_name": "Léa Martin",
        "citizen_email": "lea@exemple.fr",
        "citizen_phone": "",
        "website": "",
    } | overrides


def booked_link(client: Client, kind, slot: dt.datetime, capture, **overrides) -> tuple[Appointment, str]:
    """Book through the page; the appointment and the link of its confirmation e-mail."""
    with capture(execute=True):
        response = client.post(page_of(kind), filled(slot, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    match = LINK.search(str(mail.outbox[-1].body))
    assert match is not None
    return Appointment.objects.get(number=match["number"]), match.group(0)


def test_the_kinds_page_lists_the_kinds_booked_online_with_the_towns_name(org, identity_card, registry):
    from appointments.models import AppointmentKind

    AppointmentKind.objects.create(organisation=org, service=registry, label="Mariage", bookable_online=False)
    html = Client().get(KINDS).content.decode()
    assert "Ville de Test" in html and "Carte d&#x27;identité ou passeport" in html
    assert "Mariage" not in html  # not bookable online
    assert "Menu principal" not in html


def test_the_slots_page_lists_the_free_slots_by_day_without_the_holiday_nor_the_closure_day(org, identity_card):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    response = Client().get(page_of(identity_card))
    html = response.content.decode()
    assert response.status_code == 200
    legends = re.findall(r"<legend>(.*?)</legend>", html)
    assert legends == ["Lundi 11 mai 2026", "Mardi 12 mai 2026", "Mercredi 13 mai 2026"]
    monday = html.split("Lundi 11 mai 2026")[1].split("</fieldset>")[0]
    assert re.findall(r">(\d\d:\d\d)</label>", monday)[0] == "10:00"  # two hours' notice
    assert "Créneaux suivants, à partir du lundi 18 mai" in html
    assert f'value="{at(13, 11, 40).isoformat()}"' in html
    assert "mission de service public" in html and "effacées 3 ans après le rendez-vous" in html


def test_the_next_week_starts_on_the_day_asked(identity_card):
    html = Client().get(page_of(identity_card), {"debut": "2026-05-18"}).content.decode()
    assert re.findall(r"<legend>(.*?)</legend>", html)[0] == "Lundi 18 mai 2026"
    assert "Créneaux précédents" in html


def test_a_kind_not_offered_online_or_of_another_town_gives_404(org, other_org, identity_card):
    identity_card.bookable_online = False
    identity_card.save()
    assert Client().get(page_of(identity_card)).status_code == 404
    assert Client().get(f"/p/{other_org.slug}/rendez-vous/{identity_card.pk}/").status_code == 404
    assert Client().get("/p/ville-inconnue/rendez-vous/").status_code == 404


def test_a_citizen_books_without_an_account_and_gets_the_confirmation_with_the_calendar_file(
    identity_card, django_capture_on_commit_callbacks
):
    client = Client()
    appointment, link = booked_link(client, identity_card, at(12, 9, 20), django_capture_on_commit_callbacks)
    assert appointment.channel == Channel.ONLINE and appointment.status == AppointmentStatus.BOOKED
    assert appointment.scheduled_at == at(12, 9, 20) and appointment.citizen_email == "lea@exemple.fr"
    message = mail.outbox[0]
    assert message.to == ["lea@exemple.fr"] and "mardi 12 mai 2026 à 09:20" in message.subject
    assert appointment.number in message.body and "Justificatif de domicile" in message.body
    ((name, content, mimetype),) = message.attachments
    assert name == "rendez-vous.ics" and mimetype.startswith("text/calendar") and appointment.number in content
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in appointment.manage_token_hash and appointment.manage_token_hash == actions.token_hash(token)

    confirmation = client.get(CONFIRMATION).content.decode()
    assert appointment.number in confirmation and "mardi 12 mai 2026 à 09:20" in confirmation
    assert "Léa Martin" not in confirmation and "lea@exemple.fr" not in confirmation


def test_a_slot_just_taken_is_refused_in_french_and_nothing_is_written(identity_card):
    actions.book(
        kind=identity_card,
        starts_at=at(12, 9),
        citizen=actions.Citizen("Paul Roy", "paul@exemple.fr"),
        channel=Channel.ONLINE,
        actor=None,
        now=NOW,
    )
    response = Client().post(page_of(identity_card), filled(at(12, 9)))
    assert response.status_code == 400
    assert "vient d&#x27;être réservé" in response.content.decode()
    assert Appointment.objects.count() == 1 and mail.outbox == []


def test_bad_input_is_told_in_french_and_writes_nothing(identity_card):
    response = Client().post(page_of(identity_card), filled(at(12, 9), citizen_email="", creneau="demain"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez votre adresse e-mail" in html and "Ce créneau n&#x27;existe pas" in html
    outside = Client().post(page_of(identity_card), filled(at(12, 14)))  # not a slot of the kind
    assert outside.status_code == 400 and "n&#x27;est pas proposé" in outside.content.decode()
    assert not Appointment.objects.exists()


def test_an_address_with_as_many_upcoming_appointments_as_the_limit_cannot_book_another(
    org, identity_card, django_capture_on_commit_callbacks
):
    AppointmentSettings.objects.filter(organisation=org).update(bookings_per_email=2)
    client = Client()
    for slot in (at(12, 9), at(12, 9, 20)):
        booked_link(client, identity_card, slot, django_capture_on_commit_callbacks)
    response = client.post(page_of(identity_card), filled(at(12, 9, 40), citizen_email="LEA@exemple.fr"))
    assert response.status_code == 400
    assert "déjà 2 rendez-vous à venir" in response.content.decode()
    assert Appointment.objects.count() == 2


def test_bookings_from_one_connection_are_rate_limited(identity_card):
    client = Client()
    slots = [at(day, hour, minute) for day in (12, 13) for hour in (9, 10, 11) for minute in (0, 20, 40)]
    for number, slot in enumerate(slots[:BOOK_LIMIT]):
        response = client.post(page_of(identity_card), filled(slot, citizen_email=f"usager{number}@exemple.fr"))
        assert response.status_code == 302
    refused = client.post(page_of(identity_card), filled(slots[BOOK_LIMIT], citizen_email="autre@exemple.fr"))
    assert refused.status_code == 429 and "Trop de réservations" in refused.content.decode()
    assert Appointment.objects.count() == BOOK_LIMIT


def test_confirmations_to_one_address_are_capped_and_the_page_says_so(
    org, identity_card, django_capture_on_commit_callbacks
):
    AppointmentSettings.objects.filter(organisation=org).update(bookings_per_email=20)
    slots = [at(12, hour, minute) for hour in (9, 10, 11) for minute in (0, 20, 40)]
    for slot in slots[: EMAIL_LIMIT + 1]:
        client = Client(REMOTE_ADDR=f"192.0.2.{slot.hour}{slot.minute}")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(page_of(identity_card), filled(slot))
    assert len(mail.outbox) == EMAIL_LIMIT
    assert "aucune nouvelle confirmation" in client.get(CONFIRMATION).content.decode()


def test_the_booking_form_needs_its_csrf_token(identity_card):
    client = Client(enforce_csrf_checks=True)
    assert client.post(page_of(identity_card), filled(at(12, 9))).status_code == 403
    assert not Appointment.objects.exists()


def test_a_robot_filling_the_honeypot_books_nothing(identity_card):
    response = Client().post(page_of(identity_card), filled(at(12, 9), website="http://spam.example"))
    assert response.status_code == 302 and not Appointment.objects.exists()


# The link to cancel or move


def test_the_link_opens_its_appointment_only_and_shows_no_personal_data(
    identity_card, django_capture_on_commit_callbacks
):
    client = Client()
    first, first_link = booked_link(client, identity_card, at(12, 9), django_capture_on_commit_callbacks)
    second, _second_link = booked_link(
        client, identity_card, at(12, 9, 20), django_capture_on_commit_callbacks, citizen_email="paul@exemple.fr"
    )
    page = client.get(first_link)
    html = page.content.decode()
    assert page.status_code == 200 and first.number in html and "Léa Martin" not in html and "lea@" not in html
    first_token = first_link.rstrip("/").rsplit("/", 1)[1]
    crossed = client.get(f"/p/ville-test/rendez-vous/gerer/{second.number}/{first_token}/")
    assert crossed.status_code == 404 and "Ce lien n'est pas valable" in crossed.content.decode()
    assert client.post(f"/p/ville-test/rendez-vous/gerer/{second.number}/{first_token}/annuler/").status_code == 404
    second.refresh_from_db()
    assert second.status == AppointmentStatus.BOOKED


def test_the_link_expires_once_the_slot_has_begun(identity_card, django_capture_on_commit_callbacks, time_machine):
    client = Client()
    appointment, link = booked_link(client, identity_card, at(12, 9), django_capture_on_commit_callbacks)
    time_machine.move_to(at(12, 8, 59))
    assert client.get(link).status_code == 200
    time_machine.move_to(at(12, 9))
    assert client.get(link).status_code == 404
    assert client.post(link + "annuler/").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_the_citizen_cancels_through_the_link_and_the_slot_is_free_again(
    identity_card, django_capture_on_commit_callbacks
):
    client = Client()
    appointment, link = booked_link(client, identity_card, at(12, 9), django_capture_on_commit_callbacks)
    assert "Annuler votre rendez-vous ?" in client.get(link + "annuler/").content.decode()  # GET asks, changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link + "annuler/", follow=True)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.seat is None
    assert "Votre rendez-vous est annulé" in response.content.decode()
    cancellation = mail.outbox[-1]
    assert "annulé" in cancellation.subject and "METHOD:CANCEL" in cancellation.attachments[0][1]
    assert f'value="{at(12, 9).isoformat()}"' in client.get(page_of(identity_card)).content.decode()


def test_the_citizen_moves_through_the_link_and_gets_a_new_confirmation_with_the_same_link(
    identity_card, django_capture_on_commit_callbacks
):
    client = Client()
    appointment, link = booked_link(client, identity_card, at(12, 9), django_capture_on_commit_callbacks)
    page = client.get(link).content.decode()
    assert f'value="{at(12, 9).isoformat()}"' not in page  # its own slot is not offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link + "deplacer/", {"creneau": at(13, 11).isoformat()}, follow=True)
    appointment.refresh_from_db()
    assert appointment.scheduled_at == at(13, 11) and appointment.status == AppointmentStatus.BOOKED
    assert "Votre rendez-vous est déplacé" in response.content.decode()
    moved = mail.outbox[-1]
    assert "déplacé au mercredi 13 mai 2026 à 11:00" in moved.subject and link in moved.body
    refused = client.post(link + "deplacer/", {"creneau": at(16, 9).isoformat()})  # a Saturday
    assert refused.status_code == 400 and "n&#x27;est pas proposé" in refused.content.decode()


def test_moves_and_cancellations_from_one_connection_are_rate_limited(
    identity_card, django_capture_on_commit_callbacks
):
    from appointments.public_views import MANAGE_LIMIT

    client = Client()
    _appointment, link = booked_link(client, identity_card, at(12, 9), django_capture_on_commit_callbacks)
    slots = [at(day, hour, minute) for day in (12, 13) for hour in (10, 11) for minute in (0, 20, 40)]
    slots += [at(day, hour, minute) for day in (18, 19) for hour in (9, 10, 11) for minute in (0, 20, 40)]
    for slot in slots[:MANAGE_LIMIT]:
        assert client.post(link + "deplacer/", {"creneau": slot.isoformat()}).status_code == 302
    assert client.post(link + "deplacer/", {"creneau": slots[MANAGE_LIMIT].isoformat()}).status_code == 429
