"""Priority tickets (reduced mobility, pregnancy…): offered on the kiosk with a large target,
issued by an agent at the desk, shown first and marked at the desk, called first; their waits
count in commitment 8 exactly like the others."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import log_in_verified
from core.metrics import MetricQuery
from core.models import AuditEvent
from core.periods import Period
from core.registries import METRICS
from reception.actions import apply_transition, call_next, issue_ticket
from reception.models import QueueTicket, TicketStatus, VisitReason
from reception.queries import people_ahead, waiting_tickets

from .conftest import paris

NOW = paris(2026, 11, 18, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def kiosk_screen(org):
    return reverse("reception_kiosk:ticket", args=[org.slug])


def desk(org):
    return reverse("reception:desk", args=[org.slug])


def issue_url(org):
    return reverse("reception:desk_issue", args=[org.slug])


def ticket_at(org, site, reason, minutes_ago, priority=False):
    return issue_ticket(
        organisation=org,
        site=site,
        reason=reason,
        now=NOW - dt.timedelta(minutes=minutes_ago),
        actor=None,
        priority=priority,
    )


# The kiosk


def test_the_kiosk_offers_a_priority_ticket_before_the_reasons(kiosk_client, org):
    page = kiosk_client(org).get(kiosk_screen(org)).content.decode()
    assert '<p class="priority-offer"><a class="button button--secondary" href="?prioritaire=1">' in page
    assert page.index("Ticket prioritaire") < page.index('name="reason"')
    assert 'name="priority"' not in page


def test_a_priority_visitor_taps_priority_then_the_reason_and_gets_a_priority_number(kiosk_client, org, site, reason):
    tablet = kiosk_client(org)
    ticket_at(org, site, reason, 10)  # an ordinary ticket issued before
    page = tablet.get(kiosk_screen(org), {"prioritaire": "1"}).content.decode()
    assert "Ticket prioritaire : touchez le motif de votre visite" in page
    assert page.count('<input type="hidden" name="priority" value="1">') == 6
    assert "Revenir au ticket ordinaire" in page
    response = tablet.post(kiosk_screen(org), {"reason": reason.pk, "priority": "1"}, follow=True)
    ticket = QueueTicket.objects.get(number="002")
    assert ticket.is_priority and ticket.reason == reason
    page = response.content.decode()
    assert "Votre numéro prioritaire" in page and "Personne n'attend avant vous." in page


def test_an_ordinary_ticket_learns_that_priority_tickets_issued_later_pass_before_it(kiosk_client, org, site, reason):
    ordinary = ticket_at(org, site, reason, 10)
    ticket_at(org, site, reason, 9)
    ticket_at(org, site, reason, 5, priority=True)
    first_priority = ticket_at(org, site, reason, 8, priority=True)
    assert people_ahead(ordinary) == 2  # both priority tickets
    assert people_ahead(first_priority) == 0
    page = kiosk_client(org).get(kiosk_screen(org), {"ticket": ordinary.pk}).content.decode()
    assert "2 personnes attendent avant vous." in page


# The desk


def test_the_desk_shows_priority_tickets_first_and_marked_and_calls_them_first(org, site, reason, agent):
    agent_client = log_in_verified(Client(), agent)
    ordinary = ticket_at(org, site, reason, 20)
    priority = ticket_at(org, site, reason, 2, priority=True)
    assert list(waiting_tickets(org, site, None, NOW.date())) == [priority, ordinary]
    page = agent_client.get(desk(org)).content.decode()
    assert page.index('>002 <span class="badge-priority">Prioritaire</span></th>') < page.index(">001</th>")
    called = call_next(organisation=org, site=site, service=None, now=NOW, actor=agent, counter="1")
    assert called == priority


def test_an_agent_issues_a_priority_ticket_from_the_desk(org, site, reason, agent):
    agent_client = log_in_verified(Client(), agent)
    response = agent_client.post(
        issue_url(org), {"site": site.pk, "reason": reason.pk, "priority": "on", "next": desk(org)}, follow=True
    )
    ticket = QueueTicket.objects.get()
    assert ticket.is_priority and ticket.site == site and ticket.status == TicketStatus.WAITING
    assert [str(m) for m in response.context["messages"]] == [
        "Ticket prioritaire 001 émis : donnez ce numéro à la personne."
    ]
    created = AuditEvent.objects.get(object_type="reception.queueticket", object_id=str(ticket.pk))
    assert created.actor == agent and created.after is not None and created.after["is_priority"] is True


def test_the_desk_offers_the_issue_form_with_priority_left_for_the_agent_to_tick(agent_client, org):
    page = agent_client.get(desk(org)).content.decode()
    assert 'name="priority" id="id_priority"' in page and "Émettre le ticket" in page
    assert 'id="id_priority" checked' not in page


def test_a_desk_ticket_issued_without_ticking_priority_is_an_ordinary_one(org, site, reason, agent):
    agent_client = log_in_verified(Client(), agent)
    agent_client.post(issue_url(org), {"site": site.pk, "reason": reason.pk, "next": desk(org)})
    assert QueueTicket.objects.get().is_priority is False


def test_a_withdrawn_reason_is_refused_in_french_and_issues_nothing(agent_client, org, site, reason):
    VisitReason.objects.filter(pk=reason.pk).update(is_active=False)
    response = agent_client.post(issue_url(org), {"site": site.pk, "reason": reason.pk, "priority": "on"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Ce motif n'est plus proposé : choisissez-en un autre."]
    assert not QueueTicket.objects.exists()


def test_a_reader_cannot_issue_a_ticket(reader_client, org, site, reason):
    response = reader_client.post(issue_url(org), {"site": site.pk, "reason": reason.pk, "priority": "on"})
    assert response.status_code == 403 and not QueueTicket.objects.exists()


def test_an_outsider_cannot_issue_a_ticket_in_another_town(client_as, org, other_org, site, reason):
    from core.models import Role

    outsider = client_as(other_org, Role.ADMIN)
    response = outsider.post(issue_url(org), {"site": site.pk, "reason": reason.pk, "priority": "on"})
    assert response.status_code == 404 and not QueueTicket.objects.exists()


def test_a_site_of_another_town_is_refused(agent_client, org, other_org, reason):
    from core.models import Site

    foreign = Site.objects.get(organisation=other_org)
    response = agent_client.post(issue_url(org), {"site": foreign.pk, "reason": reason.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Choisissez un site de la liste."]
    assert not QueueTicket.objects.exists()


# Waits are measured the same


def test_a_priority_tickets_wait_counts_in_commitment_8_like_any_other(org, site, reason, accueil):
    """Two tickets issued at 09:00, called at 09:04 (the priority one) and 09:20: both waits
    count, 4 and 20 min; within 15 min: 1 of 2; median = rank 1 of 2 = 4 min."""
    priority = issue_ticket(
        organisation=org, site=site, reason=reason, now=paris(2026, 11, 3, 9), actor=None, priority=True
    )
    ordinary = issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 11, 3, 9), actor=None)
    apply_transition(ticket=priority, transition="call", now=paris(2026, 11, 3, 9, 4), actor=None)
    apply_transition(ticket=ordinary, transition="call", now=paris(2026, 11, 3, 9, 20), actor=None)
    assert QueueTicket.objects.get(pk=priority.pk).wait_seconds == 240

    def measure(key, **params):
        query = MetricQuery(organisation=org, period=Period.parse("2026-11"), service=accueil, params=params)
        compute = METRICS.get(key).compute
        assert compute is not None
        return compute(query)

    within = measure("reception.called_within", minutes=15)
    assert (within.numerator, within.denominator) == (1, 2)
    assert measure("reception.wait_median").value == 4
    assert measure("reception.wait_p90").value == 20


def test_the_ticket_page_says_whether_it_is_a_priority_ticket_and_its_counter(reader_client, org, site, reason):
    ticket = ticket_at(org, site, reason, 3, priority=True)
    apply_transition(ticket=ticket, transition="call", now=NOW, actor=None, counter="4")
    page = reader_client.get(reverse("reception:ticket_detail", args=[org.slug, ticket.pk])).content.decode()
    assert "<dt>Guichet</dt><dd>4</dd>" in page and "<dt>Ticket prioritaire</dt><dd>oui</dd>" in page
