"""The check-in at the kiosk: the citizen types their appointment's number (whole or its last
digits), today's appointment at the tablet's site is noted as arrived by nobody, no name is
shown; a wrong number, another site's or another day's appointment gets a French message; the
tablet is rate-limited. Also the "À faire" lines of the day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from appointments import kiosk_views
from appointments.actions import apply_step
from appointments.forms import parse_number
from appointments.models import AppointmentEvent, AppointmentStatus
from appointments.todo import todo
from core.models import Membership, Role, Site

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 3, 23)
NOW = dt.datetime(2026, 3, 23, 8, 50, tzinfo=PARIS)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def at(hour, minute=0, day=MONDAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def tablet(kiosk_client, org, identity_card):
    return kiosk_client(org, screens=("rendez-vous",), site=identity_card.service.site)


def screen(org):
    return reverse("appointments_kiosk:check_in", args=[org.slug])


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("RDV-2026-00042", "RDV-2026-00042"),
        ("rdv-2026-00042", "RDV-2026-00042"),
        ("42", "RDV-2026-00042"),
        (" 00042 ", "RDV-2026-00042"),
        ("2026-42", "RDV-2026-00042"),
        ("rdv 2026 42", "RDV-2026-00042"),
        ("202600042", "RDV-2026-00042"),
        ("RDV-2025-00007", "RDV-2025-00007"),
        ("abc", None),
        ("0", None),
        ("", None),
        ("12-34-56", None),
        ("1234567", None),
    ],
)
def test_a_typed_number_is_read_as_the_register_writes_it(typed, expected):
    assert parse_number(typed, 2026) == expected


def test_the_citizen_types_the_last_digits_and_their_arrival_is_noted_without_a_name(tablet, org, booked):
    appointment = booked(9)
    response = tablet.post(screen(org), {"numero": str(int(appointment.number[-5:]))})
    assert response.status_code == 302 and response["Location"] == f"{screen(org)}?arrivee={appointment.pk}"
    page = tablet.get(response["Location"]).content.decode()
    assert "Votre arrivée est enregistrée, vous serez appelé(e)." in page
    assert "Alice" not in page and "Martin" not in page and "alice@" not in page
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED and appointment.arrived_at == NOW
    event = AppointmentEvent.objects.get(appointment=appointment, action="check_in")
    assert event.actor is None
    tablet.device.refresh_from_db()
    assert tablet.device.last_seen_on == MONDAY


def test_the_whole_number_works_too(tablet, org, booked):
    appointment = booked(9, 20)
    tablet.post(screen(org), {"numero": appointment.number.lower()})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


@pytest.mark.parametrize("typed", ["999", "RDV-2025-00001", "pas un numéro"])
def test_a_wrong_number_gets_a_clear_french_message_and_changes_nothing(tablet, org, booked, typed):
    appointment = booked(9)
    response = tablet.post(screen(org), {"numero": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nous ne trouvons pas de rendez-vous aujourd&#x27;hui ici" in page or "Tapez le numéro" in page
    assert 'role="alert"' in page
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_appointment_of_another_day_or_another_site_is_not_found(kiosk_client, tablet, org, booked):
    tomorrow = booked(9, day=MONDAY + dt.timedelta(days=1))
    response = tablet.post(screen(org), {"numero": tomorrow.number})
    assert "Nous ne trouvons pas de rendez-vous" in response.content.decode()
    today = booked(9)
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    elsewhere = kiosk_client(org, screens=("rendez-vous",), site=annex)
    assert (
        "Nous ne trouvons pas de rendez-vous" in elsewhere.post(screen(org), {"numero": today.number}).content.decode()
    )
    for appointment in (tomorrow, today):
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED


def test_checking_in_twice_says_the_arrival_is_already_noted(tablet, org, booked):
    appointment = booked(9)
    tablet.post(screen(org), {"numero": appointment.number})
    page = tablet.post(screen(org), {"numero": appointment.number}).content.decode()
    assert "Votre arrivée est déjà enregistrée, vous serez appelé(e)." in page
    apply_step(appointment=appointment, step="start", actor=None, now=NOW)
    page = tablet.post(screen(org), {"numero": appointment.number}).content.decode()
    assert "adressez-vous à l&#x27;accueil" in page


def test_the_done_screen_shows_only_an_arrival_of_its_own_site_and_day(tablet, org, booked):
    appointment = booked(9)
    page = tablet.get(f"{screen(org)}?arrivee={appointment.pk}").content.decode()
    assert "Votre arrivée est enregistrée" not in page  # not arrived: the number form again
    assert "Signaler mon arrivée" in page


def test_the_tablet_is_rate_limited(tablet, org, booked, monkeypatch):
    monkeypatch.setattr(kiosk_views, "RATE_LIMIT", 3)
    appointment = booked(9)
    for _ in range(3):
        tablet.post(screen(org), {"numero": "999"})
    page = tablet.post(screen(org), {"numero": appointment.number}).content.decode()
    assert "Trop d&#x27;essais sur cette borne" in page
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_tablet_not_paired_for_the_check_in_gets_404(kiosk_client, org):
    assert kiosk_client(org, screens=("ticket",)).get(screen(org)).status_code == 404


def test_the_check_in_screen_offers_the_tablets_other_screens(kiosk_client, org, identity_card):
    page = kiosk_client(org, screens=("ticket", "rendez-vous")).get(screen(org)).content.decode()
    assert "Vous n'avez pas de rendez-vous ?" in page and "Prendre un ticket" in page


# The agents' "À faire"


def test_the_to_do_counts_todays_appointments_past_without_arrival_and_long_waits(org, booked, make_member):
    agent = Membership.objects.get(user=make_member(org, Role.AGENT))
    reader = Membership.objects.get(user=make_member(org, Role.READER))
    past, waiting, later = booked(9), booked(9, 20), booked(11)
    apply_step(appointment=waiting, step="check_in", actor=None, now=at(9, 15))
    assert later.status == AppointmentStatus.BOOKED
    lines = todo(agent, MONDAY, now=at(9, 30))
    assert [(line.label, line.count) for line in lines] == [
        ("1 rendez-vous d'aujourd'hui passé sans arrivée notée", 1),
        ("1 usager arrivé attend depuis plus de 10 minutes", 1),
    ]
    assert lines[0].url == reverse("appointments:home", args=[org.slug])
    assert todo(reader, MONDAY, now=at(9, 30)) == []
    apply_step(appointment=past, step="no_show", actor=None, now=at(9, 30))
    assert todo(agent, MONDAY, now=at(9, 30))[0].count == 0


def test_the_ticket_screen_offers_the_check_in_and_the_check_in_offers_a_ticket_never_the_tv(
    kiosk_client, org, identity_card
):
    site = identity_card.service.site
    both = kiosk_client(org, screens=("ticket", "rendez-vous", "salle-attente"), site=site)
    ticket_page = both.get(reverse("reception_kiosk:ticket", args=[org.slug])).content.decode()
    assert f'href="{screen(org)}"' in ticket_page and "J&#x27;ai un rendez-vous" in ticket_page
    check_in_page = both.get(screen(org)).content.decode()
    assert f'href="{reverse("reception_kiosk:ticket", args=[org.slug])}"' in check_in_page
    for page in (ticket_page, check_in_page):
        assert reverse("reception_waiting_room:screen", args=[org.slug]) not in page
    ticket_only = kiosk_client(org, screens=("ticket",), site=site)
    assert screen(org) not in ticket_only.get(reverse("reception_kiosk:ticket", args=[org.slug])).content.decode()
