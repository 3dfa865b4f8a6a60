"""The waiting-room screen (/borne/<town>/salle-attente/) and the estimated wait: the rule on
known cases, the board a paired TV shows, its pairing and access, the fragment its script
polls; the agent's counter kept with the call."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import log_in_verified
from core.models import AuditEvent, Service, Site
from reception.actions import apply_transition, issue_ticket
from reception.models import QueueTicket
from reception.waiting_room import estimated_wait_minutes, wait_label, waiting_room_board

from .conftest import paris

NOW = paris(2026, 11, 18, 11, 0)  # a Wednesday; every test runs then
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def screen(org):
    return reverse("reception_waiting_room:screen", args=[org.slug])


def board_url(org):
    return reverse("reception_waiting_room:board", args=[org.slug])


def served(org, site, reason, *, issued, called, started, minutes, counter, agent=None):
    """A ticket issued, called, started and served `minutes` later, at those times."""
    ticket = issue_ticket(organisation=org, site=site, reason=reason, now=issued, actor=None)
    apply_transition(ticket=ticket, transition="call", now=called, actor=agent, counter=counter)
    apply_transition(ticket=ticket, transition="start", now=started, actor=agent)
    return apply_transition(ticket=ticket, transition="end", now=started + dt.timedelta(minutes=minutes), actor=agent)


# The rule, on known cases


@pytest.mark.parametrize(
    ("service_seconds", "waiting", "counters", "minutes"),
    [
        ([300, 360, 420], 4, 2, 12.0),  # median 6 min × 4 waiting ÷ 2 counters
        ([600, 60, 120, 900], 3, 1, 6.0),  # median (nearest rank) of 4: the 2nd, 2 min
        ([300, 360, 420], 0, 1, 0.0),  # nobody waits
        ([300, 360, 420], 5, 0, 30.0),  # no counter known: one
        ([300, 360], 4, 1, None),  # two served tickets: not enough data
        ([], 4, 1, None),
    ],
)
def test_the_estimate_is_the_median_service_time_times_the_people_waiting_over_the_counters(
    service_seconds, waiting, counters, minutes
):
    assert estimated_wait_minutes(service_seconds=service_seconds, waiting=waiting, counters=counters) == minutes


@pytest.mark.parametrize(
    ("minutes", "label"),
    [
        (None, ""),
        (0, "moins de 5 min"),
        (4.99, "moins de 5 min"),
        (5, "environ 5 min"),
        (5.01, "environ 10 min"),
        (12, "environ 15 min"),
        (60, "environ 1 h 00"),
        (61, "environ 1 h 05"),
        (120, "environ 2 h 00"),
        (120.5, "plus de 2 h"),
    ],
)
def test_the_estimate_shows_less_than_5_minutes_or_5_minute_steps_rounded_up(minutes, label):
    assert wait_label(minutes) == label


def test_a_days_estimate_reads_the_last_10_served_and_the_counters_open_in_the_last_half_hour(org, site, reason, agent):
    # 12 served tickets of the reception service: the first two (at dawn, 60 min each) fall
    # out of the last 10 ended, whose service times are 4 min (×5) and 8 min (×5): median 4 min.
    for rank in range(12):
        minutes = 60 if rank < 2 else (4 if rank % 2 else 8)
        at = paris(2026, 11, 18, 6, 30) if rank < 2 else paris(2026, 11, 18, 8, 30) + dt.timedelta(minutes=5 * rank)
        served(org, site, reason, issued=at, called=at, started=at, minutes=minutes, counter="1")
    # Counter 2 called 20 minutes ago and serves now; counter 3 last called 40 minutes ago.
    busy = issue_ticket(organisation=org, site=site, reason=reason, now=NOW - dt.timedelta(minutes=25), actor=None)
    apply_transition(ticket=busy, transition="call", now=NOW - dt.timedelta(minutes=20), actor=agent, counter="2")
    old = issue_ticket(organisation=org, site=site, reason=reason, now=NOW - dt.timedelta(minutes=45), actor=None)
    apply_transition(ticket=old, transition="call", now=NOW - dt.timedelta(minutes=40), actor=agent, counter="3")
    apply_transition(ticket=old, transition="leave", now=NOW - dt.timedelta(minutes=39), actor=agent)
    for _ in range(6):
        issue_ticket(organisation=org, site=site, reason=reason, now=NOW - dt.timedelta(minutes=1), actor=None)

    (reception,) = waiting_room_board(org, site, NOW).services
    # Counter 1's last call was at 09:25, over 30 minutes ago: counter 2 alone is open.
    assert (reception.label, reception.waiting, reception.counters) == ("Accueil", 6, {"2"})
    assert reception.minutes == 4 * 6 / 1 and reception.estimate == "environ 25 min"


def test_a_service_with_fewer_than_3_served_tickets_today_shows_no_estimate(org, site, reason, act_reason):
    at = paris(2026, 11, 18, 9)
    for _ in range(2):
        served(org, site, act_reason, issued=at, called=at, started=at, minutes=5, counter="1")
    for minutes in (4, 5, 6):
        served(org, site, reason, issued=at, called=at, started=at, minutes=minutes, counter="1")
    issue_ticket(organisation=org, site=site, reason=act_reason, now=NOW, actor=None)
    board = waiting_room_board(org, site, NOW)
    assert [(day.label, day.waiting, day.estimate) for day in board.services] == [
        ("Accueil", 0, "moins de 5 min"),
        ("État civil", 1, ""),
    ]


def test_priority_tickets_count_among_the_people_waiting(org, site, reason):
    at = paris(2026, 11, 18, 9)
    for _ in range(3):
        served(org, site, reason, issued=at, called=at, started=at, minutes=10, counter="1")
    issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None, priority=True)
    issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    (reception,) = waiting_room_board(org, site, NOW).services
    assert reception.waiting == 2 and reception.minutes == 20


# The board a paired TV shows


@pytest.fixture
def tv(kiosk_client, org):
    return kiosk_client(org, screens=("salle-attente",))


@pytest.fixture
def calls(org, site, reason, agent):
    """Three tickets called today at counters 1, 2 then 1 again; the first called again last."""
    tickets = [
        issue_ticket(organisation=org, site=site, reason=reason, now=NOW - dt.timedelta(minutes=30 - n), actor=None)
        for n in range(4)
    ]
    for ticket, counter, minutes_ago in ((tickets[0], "1", 10), (tickets[1], "2", 8), (tickets[2], "1", 6)):
        apply_transition(
            ticket=ticket, transition="call", now=NOW - dt.timedelta(minutes=minutes_ago), actor=agent, counter=counter
        )
    apply_transition(ticket=tickets[0], transition="recall", now=NOW - dt.timedelta(minutes=2), actor=agent)
    return tickets


def test_the_board_shows_the_latest_call_first_with_its_counter_and_a_recall_counts_as_a_new_call(org, site, calls):
    board = waiting_room_board(org, site, NOW)
    assert [(call.number, call.counter) for call in board.calls] == [("001", "1"), ("003", "1"), ("002", "2")]
    assert board.latest is not None and board.latest.number == "001"


def test_the_tv_shows_numbers_counters_and_waits_in_french_and_nobodys_name(tv, org, agent, calls):
    page = tv.get(screen(org)).content.decode()
    assert '<span class="wr-call__number">001</span>' in page and '<span class="wr-call__counter">1</span>' in page
    assert '<tr><th scope="row">003</th><td>1</td></tr>' in page and "Attente estimée" in page
    assert '<tr><th scope="row">Accueil</th><td>1</td><td>—</td></tr>' in page  # 1 waiting, no service ended yet
    assert str(agent) not in page and agent.email not in page and "Renseignement" not in page
    assert '<noscript><meta http-equiv="refresh" content="20"></noscript>' in page
    assert "data-kiosk-home" not in page  # a TV is never sent back to a start screen
    assert f'data-refresh-url="{board_url(org)}"' in page


def test_the_script_gets_the_board_alone_and_any_other_request_the_whole_screen(tv, org, calls):
    fragment = tv.get(board_url(org), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'data-part="latest"' in fragment and "001" in fragment
    whole = tv.get(board_url(org)).content.decode()
    assert "<html" in whole and whole.count("<h1") == 1


def test_the_board_and_the_screen_run_a_fixed_number_of_queries_however_many_tickets(
    tv, org, site, reason, calls, page_queries
):
    few = page_queries(tv, board_url(org))
    for _ in range(30):
        ticket = issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
        apply_transition(ticket=ticket, transition="call", now=NOW, actor=None, counter="4")
    assert page_queries(tv, board_url(org)) == few <= 4
    assert page_queries(tv, screen(org)) <= 4


def test_the_tv_shows_its_own_sites_calls_only(tv, org, reason, agent):
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    ticket = issue_ticket(organisation=org, site=annex, reason=reason, now=NOW, actor=None)
    apply_transition(ticket=ticket, transition="call", now=NOW, actor=agent, counter="9")
    page = tv.get(screen(org)).content.decode()
    assert "Aucun numéro appelé pour l'instant." in page and "Aucun ticket aujourd'hui." in page


# Pairing and access: as for the kiosk


@pytest.mark.parametrize("address", [screen, board_url])
def test_a_browser_without_a_paired_device_is_sent_to_the_pairing_page_even_with_an_agents_session(org, agent, address):
    for browser in (Client(), log_in_verified(Client(), agent)):
        response = browser.get(address(org))
        assert response.status_code == 302 and response["Location"] == f"/borne/?ville={org.slug}"


@pytest.mark.parametrize("address", [screen, board_url])
def test_another_towns_device_and_a_tablet_not_paired_for_the_screen_get_404(
    kiosk_client, org, other_org, address, calls
):
    assert kiosk_client(other_org).get(address(org)).status_code == 404
    ticket_tablet = kiosk_client(org, screens=("ticket",))
    assert ticket_tablet.get(address(org), headers={"HX-Request": "true"}).status_code == 404


def test_a_revoked_tv_is_sent_to_the_pairing_page(tv, org):
    from core.kiosk import revoke_device

    revoke_device(device=tv.device, actor=None, now=NOW)
    response = tv.get(board_url(org), headers={"HX-Request": "true"})
    assert response.status_code == 302 and response["Location"] == f"/borne/?ville={org.slug}"


def test_the_screen_is_neither_cached_nor_written_by_a_get(tv, org, calls):
    events, device_day = AuditEvent.objects.count(), tv.device.last_seen_on
    response = tv.get(screen(org))
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.count() == events
    tv.device.refresh_from_db()
    assert tv.device.last_seen_on == device_day


# The agent's counter, kept with the call


def desk(org):
    return reverse("reception:desk", args=[org.slug])


def test_the_agent_calls_from_their_counter_and_the_ticket_keeps_it_in_its_journal(agent_client, org, site, reason):
    ticket = issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    page = agent_client.get(desk(org), {"site": site.pk, "guichet": "  Guichet   2 "}).content.decode()
    assert "<h1>Guichet 2 — Hôtel de ville</h1>" in page and 'name="guichet" value="2"' in page
    response = agent_client.post(desk(org), {"site": site.pk, "guichet": "2"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Ticket 001 appelé au guichet 2."]
    ticket.refresh_from_db()
    assert ticket.counter == "2"
    call = AuditEvent.objects.get(object_type="reception.queueticket", object_id=str(ticket.pk), action="call")
    assert call.after is not None and call.after["counter"] == "2"


def test_a_recall_from_another_counter_sends_the_person_there(agent_client, org, site, reason):
    ticket = issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    apply_transition(ticket=ticket, transition="call", now=NOW, actor=None, counter="2")
    address = reverse("reception:ticket_recall", args=[org.slug, ticket.pk])
    agent_client.post(address, {"guichet": "Guichet 5", "next": desk(org)})
    assert QueueTicket.objects.get(pk=ticket.pk).counter == "5"


def test_a_counter_too_long_is_refused_in_french_and_calls_nobody(agent_client, org, site, reason):
    ticket = issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    response = agent_client.post(desk(org), {"site": site.pk, "guichet": "x" * 21}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Le guichet tient en 20 caractères au plus."]
    assert QueueTicket.objects.get(pk=ticket.pk).called_at is None


def test_the_desk_without_a_counter_asks_for_one(agent_client, org, site):
    page = agent_client.get(desk(org)).content.decode()
    assert "Indiquez votre guichet" in page


def test_a_service_of_another_site_is_grouped_under_its_name(org, reason):
    """A reason's service may belong to another site: the TV groups by the ticket's service."""
    annex = Site.objects.create(organisation=org, name="Annexe")
    service = Service.objects.create(organisation=org, site=annex, code="cimetiere", name="Cimetière")
    reason.service = service
    reason.save()
    site = Site.objects.get(organisation=org, name="Hôtel de ville")
    issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    assert [day.label for day in waiting_room_board(org, site, NOW).services] == ["Cimetière"]
