"""The ticket screen of a paired tablet (/borne/<town>/ticket/): a visitor takes a ticket
without anyone's session; bad input in French; a fixed number of queries."""

import pytest
from django.urls import reverse

from core.models import AuditEvent, KioskDevice
from reception.actions import create_reason
from reception.models import QueueTicket, VisitReason

from .conftest import paris

NOW = paris(2026, 11, 18, 10, 0)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def screen(org):
    return reverse("reception_kiosk:ticket", args=[org.slug])


def test_the_tablet_offers_one_button_per_active_reason_and_no_site_choice(kiosk_client, org):
    page = kiosk_client(org).get(screen(org)).content.decode()
    assert page.count('name="reason"') == 6 and "Carte d&#x27;identité / passeport" in page
    assert 'name="site"' not in page and "Prendre un ticket — Hôtel de ville" in page


def test_tapping_a_reason_issues_a_ticket_at_the_tablets_site_by_nobody(kiosk_client, org, site, reason):
    tablet = kiosk_client(org)
    response = tablet.post(screen(org), {"reason": reason.pk}, follow=True)
    ticket = QueueTicket.objects.get(organisation=org)
    assert ticket.reason == reason and ticket.number == "001" and ticket.site == site
    page = response.content.decode()
    assert '<p class="ticket-number">001</p>' in page and "Personne n'attend avant vous." in page
    created = AuditEvent.objects.get(object_type="reception.queueticket", object_id=str(ticket.pk))
    assert created.actor is None and created.actor_label == "système"
    assert KioskDevice.objects.get().last_seen_on == NOW.date()


def test_the_second_visitor_learns_that_one_person_waits_before_them(kiosk_client, org, reason, time_machine):
    tablet = kiosk_client(org)
    tablet.post(screen(org), {"reason": reason.pk})
    time_machine.shift(60)
    page = tablet.post(screen(org), {"reason": reason.pk}, follow=True).content.decode()
    assert '<p class="ticket-number">002</p>' in page and "1 personne attend avant vous." in page


def test_a_withdrawn_reason_is_refused_in_french_and_issues_nothing(kiosk_client, org, reason):
    VisitReason.objects.filter(pk=reason.pk).update(is_active=False)
    page = kiosk_client(org).post(screen(org), {"reason": reason.pk}, follow=True).content.decode()
    assert "Ce motif n&#x27;est plus proposé : choisissez-en un autre." in page
    assert not QueueTicket.objects.exists()


def test_a_ticket_of_another_site_named_in_the_address_is_not_shown(kiosk_client, org, reason):
    from core.models import Site
    from reception.actions import issue_ticket

    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    elsewhere = issue_ticket(organisation=org, site=annex, reason=reason, now=NOW, actor=None)
    page = kiosk_client(org).get(screen(org), {"ticket": elsewhere.pk}).content.decode()
    assert "ticket-number" not in page and 'name="reason"' in page


def test_the_screen_runs_the_same_number_of_queries_for_the_defaults_or_many_more_reasons(
    kiosk_client, org, page_queries
):
    tablet = kiosk_client(org)
    few = page_queries(tablet, screen(org))
    from core.models import Service, Site

    for number in range(20):
        annex = Site.objects.create(organisation=org, name=f"Annexe {number}")
        service = Service.objects.create(organisation=org, site=annex, code=f"s{number}", name=f"Service {number}")
        create_reason(organisation=org, actor=None, label=f"Motif {number}", service=service, position=10 + number)
    assert "Motif 19" in tablet.get(screen(org)).content.decode()
    assert page_queries(tablet, screen(org)) == few <= 5


def test_the_tablet_shows_nobodys_name_nor_the_menu_even_with_an_agents_session_open(kiosk_client, org, agent, reason):
    from accounts.testing import log_in_verified

    tablet = log_in_verified(kiosk_client(org), agent)
    page = tablet.get(screen(org)).content.decode()
    assert str(agent) not in page and agent.email not in page
    assert "Se déconnecter" not in page and "Menu principal" not in page and "/o/" not in page
