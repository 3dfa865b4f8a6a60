"""The agents' appointment pages: booking by an agent, the day's list and its buttons, an
appointment's page and history, moving and cancelling, the drill-down of indicator 9.1; the
outsider and reader rules on each."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from appointments.actions import apply_step, cancel
from appointments.models import Appointment, AppointmentEvent, AppointmentKind, AppointmentStatus, Channel
from core.models import AuditEvent, Role, Service, Site

PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 3, 23)
NOW = dt.datetime(2026, 3, 23, 8, 30, tzinfo=PARIS)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def at(hour, minute=0, day=MONDAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def url(name, org, *args):
    return reverse(f"appointments:{name}", args=[org.slug, *args])


@pytest.fixture
def agent(client_as, org):
    return client_as(org, Role.AGENT)


@pytest.fixture
def reader(client_as, org):
    return client_as(org, Role.READER)


@pytest.fixture
def nine(booked):
    return booked(9)


def booking_address(org, kind, day=MONDAY):
    return f"{url('book', org)}?type={kind.pk}&jour={day.isoformat()}"


def booking_data(starts_at, **more):
    return {
        "creneau": starts_at.isoformat(),
        "citizen_name": "Claire Durand",
        "citizen_email": "",
        "citizen_phone": "",
        "channel": "counter",
    } | more


# Booking by an agent


def test_the_booking_page_offers_the_free_slots_of_the_day_chosen(agent, org, identity_card, nine):
    page = agent.get(booking_address(org, identity_card)).content.decode()
    assert 'value="2026-03-23T09:20:00+01:00"' in page and "09:20" in page
    assert 'value="2026-03-23T09:00:00+01:00"' not in page  # Alice Martin holds it
    assert "Réserver ce créneau" in page


def test_an_agent_books_a_free_slot_and_lands_on_its_page(agent, org, identity_card):
    response = agent.post(booking_address(org, identity_card), booking_data(at(9, 40)))
    appointment = Appointment.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url("detail", org, appointment.pk)
    assert (appointment.channel, appointment.citizen_name, appointment.scheduled_at) == (
        Channel.COUNTER,
        "Claire Durand",
        at(9, 40),
    )
    assert appointment.booked_by is not None and appointment.booked_by.email == f"agent@{org.slug}.test"
    page = agent.get(response["Location"]).content.decode()
    assert f"Rendez-vous {appointment.number} pris le 23/03/2026 à 09:40." in page


def test_a_slot_taken_meanwhile_is_refused_in_french_and_nothing_is_written(agent, org, identity_card, booked):
    booked(9, 40, name="Premier arrivé")
    response = agent.post(booking_address(org, identity_card), booking_data(at(9, 40)))
    assert response.status_code == 400
    assert "Ce créneau vient d&#x27;être réservé par quelqu&#x27;un d&#x27;autre" in response.content.decode()
    assert Appointment.objects.filter(organisation=org).count() == 1


def test_a_booking_without_a_name_or_a_slot_is_refused_in_french(agent, org, identity_card):
    response = agent.post(booking_address(org, identity_card), booking_data(at(9, 40), citizen_name=" "))
    assert "Donnez le nom de l&#x27;usager." in response.content.decode()
    response = agent.post(booking_address(org, identity_card), booking_data(at(9, 40), creneau=""))
    assert response.status_code == 400 and "Choisissez un créneau libre." in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.time_machine(at(10, 5), tick=False)
def test_a_slot_already_past_is_refused(agent, org, identity_card):
    response = agent.post(booking_address(org, identity_card), booking_data(at(9, 40)))
    assert response.status_code == 400 and "Ce créneau est déjà passé." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_full_day_points_to_the_next_free_slot(agent, org, identity_card, booked):
    for minutes in range(0, 180, 20):
        booked(9 + minutes // 60, minutes % 60, name=f"Usager {minutes}")
    page = agent.get(booking_address(org, identity_card)).content.decode()
    assert "Aucun créneau libre le lundi 23 mars 2026" in page
    assert f"?type={identity_card.pk}&amp;jour=2026-03-24" in page and "mardi 24 mars à 09:00" in page


def test_a_day_in_the_past_is_refused_on_the_booking_page(agent, org, identity_card):
    response = agent.get(booking_address(org, identity_card, day=MONDAY - dt.timedelta(days=1)))
    assert "Choisissez aujourd&#x27;hui ou un jour à venir." in response.content.decode()


def test_a_kind_of_another_town_is_not_offered(agent, org, other_org, identity_card):
    theirs = AppointmentKind.objects.create(
        organisation=other_org, service=Service.objects.get(organisation=other_org), label="Leur type"
    )
    response = agent.get(f"{url('book', org)}?type={theirs.pk}&jour={MONDAY.isoformat()}")
    assert (
        "Sélectionnez un choix valide" in response.content.decode()
        and "Réserver ce créneau" not in response.content.decode()
    )
    assert agent.post(booking_address(org, theirs), booking_data(at(9, 40))).status_code == 400
    assert not Appointment.objects.exists()


# The day's list and the counter's buttons


def test_the_day_list_shows_todays_appointments_with_names_and_buttons(agent, org, nine, booked):
    booked(11, name="Bruno Petit")
    booked(9, day=MONDAY + dt.timedelta(days=1), name="Demain Seulement")
    page = agent.get(url("home", org)).content.decode()
    assert page.index("Alice Martin") < page.index("Bruno Petit") and "Demain Seulement" not in page
    assert "Rendez-vous du lundi 23 mars 2026" in page
    arrived = '<button type="submit" name="step" value="check_in" class="button">Arrivé<span class="visually-hidden">'
    assert f"{arrived} : rendez-vous" in page
    assert ">Absent<" not in page  # not before the appointment's time


def test_the_day_list_polled_by_htmx_gets_the_list_alone(agent, org, nine):
    page = agent.get(url("home", org), headers={"HX-Request": "true"}).content.decode()
    assert "Alice Martin" in page and "<table" in page and "<html" not in page and "<h1>" not in page


def test_any_day_can_be_chosen_and_a_bad_day_falls_back_to_today(agent, org, nine, booked):
    booked(9, day=MONDAY + dt.timedelta(days=1), name="Demain Seulement")
    assert "Demain Seulement" in agent.get(url("home", org), {"jour": "2026-03-24"}).content.decode()
    page = agent.get(url("home", org), {"jour": "pas une date"}).content.decode()
    assert "Alice Martin" in page and "Saisissez une date valide" in page


def test_the_day_list_filters_by_site_and_service(agent, org, nine):
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    accueil = Service.objects.get(organisation=org, code="accueil")
    assert "Alice Martin" not in agent.get(url("home", org), {"site": annex.pk}).content.decode()
    assert "Alice Martin" not in agent.get(url("home", org), {"service": accueil.pk}).content.decode()
    assert "Alice Martin" in agent.get(url("home", org), {"service": nine.service_id}).content.decode()


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_sees_the_day_and_the_appointment_without_names_nor_buttons(client_as, org, nine, role):
    client = client_as(org, role)
    apply_step(appointment=nine, step="check_in", actor=None, now=at(8, 20))
    for address in (url("home", org), url("detail", org, nine.pk), url("list", org)):
        page = client.get(address).content.decode()
        assert nine.number in page
        assert "Alice Martin" not in page and "alice@exemple.test" not in page and "06 12 34" not in page
        assert (
            'name="step"' not in page
            and "Commencer" not in page
            and "Déplacer" not in page
            and "Prendre un rendez-vous" not in page
        )
    assert client.post(url("step", org, nine.pk), {"step": "start"}).status_code == 403
    for name in ("book",):
        assert client.get(url(name, org)).status_code == 403
    for name in ("move", "cancel"):
        assert client.get(url(name, org, nine.pk)).status_code == 403
        assert client.post(url(name, org, nine.pk)).status_code == 403
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.ARRIVED


def test_arrival_start_and_end_each_one_post_back_to_the_day_list(agent, org, nine, time_machine):
    back = {"retour": "jour", "jour": "2026-03-23"}
    response = agent.post(url("step", org, nine.pk), {"step": "check_in", **back})
    assert response.status_code == 302 and response["Location"] == f"{url('home', org)}?jour=2026-03-23"
    time_machine.move_to(at(8, 34))
    agent.post(url("step", org, nine.pk), {"step": "start", **back})
    time_machine.move_to(at(8, 51))
    page = agent.post(url("step", org, nine.pk), {"step": "end", **back}, follow=True).content.decode()
    assert f"Rendez-vous {nine.number} : rendez-vous terminé." in page
    nine.refresh_from_db()
    assert (nine.status, nine.arrived_at, nine.started_at, nine.ended_at) == (
        AppointmentStatus.DONE,
        NOW,
        at(8, 34),
        at(8, 51),
    )
    steps = list(AppointmentEvent.objects.filter(appointment=nine).values_list("action", "actor__email"))
    assert steps[1:] == [(step, f"agent@{org.slug}.test") for step in ("check_in", "start", "end")]


def test_the_day_list_keeps_its_site_after_a_button(agent, org, nine):
    site = nine.site_id
    response = agent.post(
        url("step", org, nine.pk), {"step": "check_in", "retour": "jour", "jour": "2026-03-23", "site": site}
    )
    assert response["Location"] == f"{url('home', org)}?jour=2026-03-23&site={site}"


def test_a_no_show_is_noted_once_the_time_has_come(agent, client_as, org, nine, time_machine):
    page = agent.post(url("step", org, nine.pk), {"step": "no_show"}, follow=True).content.decode()
    assert "ne peut être noté absent qu&#x27;à partir de l&#x27;heure du rendez-vous" in page
    time_machine.move_to(at(9, 15))
    agent = client_as(org, Role.QUALITY_MANAGER)  # a session of now
    assert ">Absent<" in agent.get(url("home", org)).content.decode()
    agent.post(url("step", org, nine.pk), {"step": "no_show"})
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.NO_SHOW


def test_a_step_the_status_does_not_allow_is_refused_in_french_and_changes_nothing(agent, org, nine):
    page = agent.post(url("step", org, nine.pk), {"step": "end"}, follow=True).content.decode()
    assert "Impossible d&#x27;enregistrer « fin » : le rendez-vous est réservé." in page
    page = agent.post(url("step", org, nine.pk), {"step": "supprimer"}, follow=True).content.decode()
    assert "Étape inconnue" in page
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.BOOKED
    assert AppointmentEvent.objects.filter(appointment=nine).count() == 1


def test_the_step_address_takes_post_only(agent, org, nine):
    assert agent.get(url("step", org, nine.pk)).status_code == 405


def test_the_waiting_time_since_arrival_is_in_the_page(agent, org, nine, time_machine):
    apply_step(appointment=nine, step="check_in", actor=None, now=at(8, 17))
    page = agent.get(url("home", org)).content.decode()
    assert 'data-waiting-since="2026-03-23T08:17:00+01:00">13 min<' in page
    assert 'data-server-now="2026-03-23T08:30:00+01:00"' in page
    assert "appointments/waiting.js" in page


# One appointment: its page, its history, moving and cancelling


def test_the_appointment_page_gives_its_history_in_french_and_local_time(agent, org, nine, time_machine):
    agent.post(url("step", org, nine.pk), {"step": "check_in"})
    page = agent.get(url("detail", org, nine.pk)).content.decode()
    assert "Lundi 23 mars 2026, 09:00" in page.replace("lundi", "Lundi") and "alice@exemple.test" in page
    history = page.split("Historique")[1]
    assert "16/03/2026 à 09:00" in history and "Réservation" in history and "système" in history
    assert "23/03/2026 à 08:30" in history and "Arrivée" in history and "Arrivé" in history
    assert "agent Ville de Test" in history


def test_an_agent_moves_an_appointment_to_a_free_slot_of_another_day(agent, org, nine):
    address = f"{url('move', org, nine.pk)}?jour=2026-03-24"
    page = agent.get(address).content.decode()
    assert 'value="2026-03-24T09:00:00+01:00"' in page
    response = agent.post(address, {"creneau": at(10, 0, MONDAY + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    nine.refresh_from_db()
    assert nine.scheduled_at == at(10, 0, MONDAY + dt.timedelta(days=1)) and nine.local_date == dt.date(2026, 3, 24)


def test_moving_to_a_taken_slot_is_refused_and_an_arrived_appointment_cannot_move(agent, org, nine, booked):
    other = booked(10, name="Bruno Petit")
    response = agent.post(url("move", org, nine.pk), {"creneau": at(10).isoformat()})
    assert response.status_code == 400 and "vient d&#x27;être réservé" in response.content.decode()
    apply_step(appointment=other, step="check_in", actor=None, now=NOW)
    page = agent.get(url("move", org, other.pk)).content.decode()
    assert "Ce rendez-vous ne peut plus être déplacé : il est arrivé" in page
    assert agent.post(url("move", org, other.pk), {"creneau": at(11).isoformat()}).status_code == 400
    nine.refresh_from_db()
    other.refresh_from_db()
    assert (nine.scheduled_at, other.scheduled_at) == (at(9), at(10))


def test_cancelling_asks_first_then_frees_the_slot(agent, org, identity_card, nine):
    page = agent.get(url("cancel", org, nine.pk)).content.decode()
    assert "sera annulé et son créneau libéré" in page
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.BOOKED  # GET writes nothing
    response = agent.post(url("cancel", org, nine.pk), follow=True)
    assert "annulé : son créneau est libre." in response.content.decode()
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.CANCELLED and nine.cancelled_at == NOW
    assert 'value="2026-03-23T09:00:00+01:00"' in agent.get(booking_address(org, identity_card)).content.decode()
    page = agent.post(url("cancel", org, nine.pk), follow=True).content.decode()
    assert "Impossible d&#x27;enregistrer « annulation » : le rendez-vous est annulé." in page


def test_the_journal_keeps_the_steps_without_the_citizens_name(agent, org, nine):
    agent.post(url("step", org, nine.pk), {"step": "check_in"})
    trail = list(AuditEvent.objects.filter(organisation=org).values_list("before", "after"))
    assert trail and "Alice" not in str(trail) and "alice@" not in str(trail)


@pytest.mark.parametrize(
    "name, with_id, method",
    [
        ("home", False, "get"),
        ("book", False, "get"),
        ("book", False, "post"),
        ("list", False, "get"),
        ("detail", True, "get"),
        ("step", True, "post"),
        ("move", True, "get"),
        ("move", True, "post"),
        ("cancel", True, "get"),
        ("cancel", True, "post"),
    ],
)
def test_an_outsider_gets_404_on_every_appointment_page(outsider_client, org, nine, name, with_id, method):
    address = url(name, org, nine.pk) if with_id else url(name, org)
    assert getattr(outsider_client, method)(address).status_code == 404
    nine.refresh_from_db()
    assert nine.status == AppointmentStatus.BOOKED


def test_an_appointment_of_another_town_is_404_for_an_agent(client_as, other_org, org, nine):
    other_agent = client_as(other_org, Role.AGENT)
    assert other_agent.get(url("detail", other_org, nine.pk)).status_code == 404
    assert other_agent.post(url("step", other_org, nine.pk), {"step": "check_in"}).status_code == 404


# Indicator 9.1's drill-down


@pytest.fixture
def march(booked, time_machine):
    """Five appointments of Monday 23 March, judged on 2 April: on time, received late, arrived
    late, no-show, cancelled."""
    on_time, late, arrived_late = (booked(9, minutes, name=f"Usager {minutes}") for minutes in (0, 20, 40))
    no_show, cancelled = booked(10, name="Absent Toujours"), booked(10, 20, name="Annulé Avant")
    apply_step(appointment=on_time, step="check_in", actor=None, now=at(8, 55))
    apply_step(appointment=on_time, step="start", actor=None, now=at(9, 5))
    apply_step(appointment=late, step="check_in", actor=None, now=at(9, 15))
    apply_step(appointment=late, step="start", actor=None, now=at(9, 45))
    apply_step(appointment=arrived_late, step="check_in", actor=None, now=at(9, 58))
    apply_step(appointment=arrived_late, step="start", actor=None, now=at(10, 0))
    apply_step(appointment=no_show, step="no_show", actor=None, now=at(10, 30))
    cancel(appointment=cancelled, actor=None, now=NOW)
    time_machine.move_to(dt.datetime(2026, 4, 2, 12, tzinfo=PARIS))
    return {"on_time": on_time, "late": late, "arrived_late": arrived_late, "no_show": no_show, "cancelled": cancelled}


def test_the_drill_down_says_how_each_appointment_counted_and_the_counts_of_each(march, reader, org):
    page = reader.get(url("list", org), {"periode": "2026-03"}).content.decode()
    assert "9.1 sur la période mars 2026 : 50,0 % de rendez-vous commencés à l'heure" in page
    counts = page.split("<tbody>")[1].split("</tbody>")[0]
    for label, count in (("Reçu à l&#x27;heure", 1), ("Reçu en retard", 1), ("Arrivé en retard", 1), ("Absent", 1)):
        assert f'<th scope="row">{label}</th>\n      <td class="num">{count}</td>' in counts
    rows = page.split("<tbody>")[2]
    for key, appointment in march.items():
        row = rows.split(appointment.number)[1].split("</tr>")[0]
        expected = {
            "on_time": "Reçu à l&#x27;heure",
            "late": "Reçu en retard",
            "arrived_late": "Arrivé en retard",
            "no_show": "Absent",
            "cancelled": "non compté",
        }[key]
        assert expected in row, key


def test_the_drill_down_lists_one_verdict_alone_and_takes_the_indicators_tolerance(march, reader, org):
    page = reader.get(url("list", org), {"periode": "2026-03", "compte": "late"}).content.decode()
    assert march["late"].number in page and march["on_time"].number not in page
    assert "(1 au total)" in page
    page = reader.get(url("list", org), {"periode": "2026-03", "tolerance": "30", "compte": "on_time"}).content.decode()
    assert march["late"].number in page and "retard toléré : 30 minutes" in page


# Query counts


def test_the_day_list_runs_the_same_number_of_queries_whatever_the_day_holds(agent, org, booked, page_queries):
    first = booked(9)
    few = page_queries(agent, url("home", org))
    for minutes in range(20, 180, 20):
        apply_step(
            appointment=booked(9 + minutes // 60, minutes % 60, name=f"Usager {minutes}"),
            step="check_in",
            actor=None,
            now=NOW,
        )
    apply_step(appointment=first, step="check_in", actor=None, now=NOW)
    assert agent.get(url("home", org)).content.decode().count("data-waiting-since=") == 9
    assert page_queries(agent, url("home", org)) == few
    assert few <= 12


def test_the_drill_down_runs_the_same_number_of_queries_whatever_the_period_holds(reader, org, booked, page_queries):
    booked(9)
    few = page_queries(reader, url("list", org), {"periode": "2026-03"})
    for minutes in range(20, 180, 20):
        booked(9 + minutes // 60, minutes % 60, name=f"Usager {minutes}")
    assert page_queries(reader, url("list", org), {"periode": "2026-03"}) == few
