"""Every counter page: happy path, outsider 404, reader refused, bad input in French, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from core.journal import action_label
from core.models import AuditEvent, Role, Service, Site
from reception.actions import apply_transition, create_reason, issue_ticket, log_visit
from reception.models import QueueTicket, TicketEvent, TicketStatus, Visit, VisitReason

from .conftest import paris

NOW = paris(2026, 11, 18, 10, 0)  # a Wednesday morning; every test runs then
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def url(name, org, *args):
    return reverse(f"reception:{name}", args=[org.slug, *args])


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def waiting(org, site, reason):
    """A ticket issued five minutes ago, still waiting."""
    return issue_ticket(organisation=org, site=site, reason=reason, now=NOW - dt.timedelta(minutes=5), actor=None)


# Desk


def test_the_desk_shows_the_queue_the_longest_wait_and_a_call_button(agent_client, org, waiting):
    page = agent_client.get(url("desk", org)).content.decode()
    assert "<strong>1</strong>" in page and "<strong>5 min</strong>" in page
    assert "Appeler le suivant" in page and 'hx-trigger="every 5s"' in page
    assert f'<th scope="row" data-label="Numéro">{waiting.number}</th>' in page


def test_calling_the_next_ticket_from_the_desk_makes_it_the_agents_current_ticket(agent_client, org, site, waiting):
    desk = url("desk", org)
    response = agent_client.post(desk, {"site": site.pk, "service": "", "next": desk}, follow=True)
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.CALLED and waiting.wait_seconds >= 300
    assert messages_of(response) == ["Ticket 001 appelé."]
    page = response.content.decode()
    assert "Ticket 001 : appelé" in page and "Commencer" in page and "<strong>0</strong>" in page


def test_calling_with_nobody_waiting_says_so_in_french(agent_client, org, site):
    response = agent_client.post(url("desk", org), {"site": site.pk}, follow=True)
    assert messages_of(response) == ["Personne n'attend : aucun ticket à appeler."]


def test_calling_with_a_site_of_another_town_is_refused(agent_client, org, other_org, waiting):
    foreign = Site.objects.get(organisation=other_org)
    response = agent_client.post(url("desk", org), {"site": foreign.pk}, follow=True)
    assert messages_of(response) == ["Choisissez un site de la liste avant d'appeler."]
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING


def test_the_queue_fragment_polled_by_htmx_gives_the_count_and_the_longest_wait(agent_client, org, waiting):
    fragment = agent_client.get(url("desk_status", org), headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and "<strong>1</strong>" in text and "<strong>5 min</strong>" in text
    assert "<h1>" in agent_client.get(url("desk_status", org)).content.decode()  # without htmx: the page


def test_the_queue_fragment_is_read_only(agent_client, org):
    assert agent_client.post(url("desk_status", org)).status_code == 405


# Ticket moves


def test_each_move_is_one_post_that_comes_back_to_the_desk(agent_client, org, site, waiting, etat_civil):
    desk = url("desk", org) + f"?site={site.pk}"
    for name in ("call", "recall", "start"):
        agent_client.post(url(f"ticket_{name}", org, waiting.pk), {"next": desk})
    response = agent_client.post(
        url("ticket_redirect", org, waiting.pk), {"next": desk, "redirected_to": etat_civil.pk}
    )
    assert response.status_code == 302 and response["Location"] == desk
    waiting.refresh_from_db()
    assert waiting.status == TicketStatus.REDIRECTED and waiting.redirected_to == etat_civil
    assert waiting.recall_count == 1


def test_a_refused_move_says_why_in_french_and_changes_nothing(agent_client, org, waiting):
    response = agent_client.post(url("ticket_end", org, waiting.pk), follow=True)
    assert messages_of(response) == ["Le ticket 001 est « en attente » : impossible de terminer son service."]
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING


def test_a_redirection_without_a_service_is_refused_in_french(agent_client, org, waiting):
    response = agent_client.post(url("ticket_redirect", org, waiting.pk), {"redirected_to": ""}, follow=True)
    assert messages_of(response) == ["Choisissez le service vers lequel la personne est réorientée."]
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING


def test_an_outside_next_address_is_ignored(agent_client, org, waiting):
    response = agent_client.post(url("ticket_call", org, waiting.pk), {"next": "https://example.org/"})
    assert response["Location"] == url("ticket_detail", org, waiting.pk)


def test_a_move_page_asks_for_confirmation_without_javascript(agent_client, org, waiting):
    page = agent_client.get(url("ticket_leave", org, waiting.pk)).content.decode()
    assert "<h1>Marquer parti le ticket 001</h1>" in page and 'method="post"' in page
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING


def test_a_reader_sees_a_ticket_and_its_history_but_cannot_move_it(reader_client, org, waiting):
    page = reader_client.get(url("ticket_detail", org, waiting.pk)).content.decode()
    issue = AuditEvent.objects.get(object_type="reception.queueticket", object_id=str(waiting.pk))
    assert "Historique du ticket" in page and capfirst(action_label(issue.action)) in page and "Commencer" not in page
    assert reader_client.post(url("ticket_call", org, waiting.pk)).status_code == 403
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING


def test_an_outsider_gets_404_on_a_ticket_even_inside_their_own_town(outsider_client, org, other_org, waiting):
    assert outsider_client.get(url("ticket_detail", org, waiting.pk)).status_code == 404
    assert outsider_client.get(url("ticket_detail", other_org, waiting.pk)).status_code == 404
    assert outsider_client.post(url("ticket_call", other_org, waiting.pk)).status_code == 404


# Visits


def test_one_tap_logs_a_visit_with_its_orientation(agent_client, org, site, reason, etat_civil):
    log = url("visit_log", org)
    response = agent_client.post(log, {"site": site.pk, "reason": reason.pk, "oriented_to": etat_civil.pk}, follow=True)
    visit = Visit.objects.get(organisation=org)
    assert (visit.reason, visit.oriented_to) == (reason, etat_civil)
    assert messages_of(response) == ["Visite enregistrée : Renseignement → État civil."]
    assert "Visites enregistrées aujourd'hui sur ce site" in response.content.decode()


def test_a_visit_without_reason_is_refused_in_french(agent_client, org, site, reason):
    response = agent_client.post(url("visit_log", org), {"site": site.pk})
    assert response.status_code == 200 and "Touchez le motif de la visite." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_is_corrected_and_the_correction_is_audited(agent_client, org, site, reason, act_reason):
    visit = log_visit(
        organisation=org, site=site, reason=reason, oriented_to=None, now=paris(2026, 3, 10, 9, 0), actor=None
    )
    response = agent_client.post(
        url("visit_edit", org, visit.pk),
        {"site": site.pk, "reason": act_reason.pk, "day": "2026-03-10", "time": "10:45"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.reason == act_reason and timezone.localtime(visit.at).hour == 10 and visit.half_hour == 21
    assert AuditEvent.objects.filter(object_type="reception.visit", action="correction").count() == 1


def test_a_visit_with_an_unreadable_date_is_refused_in_french(agent_client, org, site, reason):
    visit = log_visit(
        organisation=org, site=site, reason=reason, oriented_to=None, now=paris(2026, 3, 10, 9, 0), actor=None
    )
    response = agent_client.post(
        url("visit_edit", org, visit.pk), {"site": site.pk, "day": "31/02/2026", "time": "25:00"}
    )
    page = response.content.decode()
    assert "Saisissez une date valide." in page and "Saisissez une heure valide." in page
    assert Visit.objects.get(pk=visit.pk).reason == reason


def test_deleting_a_visit_asks_first_then_deletes(agent_client, org, site, reason):
    visit = log_visit(
        organisation=org, site=site, reason=reason, oriented_to=None, now=paris(2026, 3, 10, 9, 0), actor=None
    )
    assert (
        "Supprimer la visite du 10/03/2026 à 09:00 ?"
        in agent_client.get(url("visit_delete", org, visit.pk)).content.decode()
    )
    assert Visit.objects.exists()
    agent_client.post(url("visit_delete", org, visit.pk))
    assert not Visit.objects.exists()


def test_a_reader_cannot_log_correct_or_delete_a_visit(reader_client, org, site, reason):
    visit = log_visit(
        organisation=org, site=site, reason=reason, oriented_to=None, now=paris(2026, 3, 10, 9, 0), actor=None
    )
    for name, args in (("visit_log", ()), ("visit_edit", (visit.pk,)), ("visit_delete", (visit.pk,))):
        assert reader_client.post(url(name, org, *args), {"site": site.pk, "reason": reason.pk}).status_code == 403
    assert Visit.objects.count() == 1


# Reasons


def test_the_quality_manager_adds_edits_and_withdraws_a_reason(manager_client, org, accueil):
    manager_client.post(
        url("reason_add", org), {"label": "Élections", "service": accueil.pk, "position": 5, "is_active": "on"}
    )
    reason = VisitReason.objects.get(organisation=org, label="Élections")
    manager_client.post(
        url("reason_edit", org, reason.pk), {"label": "Élections et listes", "position": 5, "is_active": "on"}
    )
    manager_client.post(url("reason_toggle", org, reason.pk))
    reason.refresh_from_db()
    assert (reason.label, reason.service, reason.is_active) == ("Élections et listes", None, False)
    page = manager_client.get(url("reasons", org)).content.decode()
    assert "Élections et listes" in page and "Proposer de nouveau" in page


def test_a_duplicate_reason_is_refused_on_its_field_in_french(manager_client, org, reason):
    response = manager_client.post(url("reason_add", org), {"label": "RENSEIGNEMENT", "position": 0})
    assert response.status_code == 200
    assert response.context["form"].errors == {"label": ["Le motif « RENSEIGNEMENT » existe déjà."]}


def test_an_agent_cannot_manage_reasons(agent_client, org, reason):
    assert agent_client.get(url("reasons", org)).status_code == 403
    assert agent_client.post(url("reason_toggle", org, reason.pk)).status_code == 403


# Figures and lists


@pytest.fixture
def activity(org, site, reason, etat_civil):
    """Three tickets in March 2026 (waits 4 and 20 min, one left) and two visits."""
    for minute, wait in ((0, 4), (1, 20), (2, None)):
        ticket = issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 10, 9, minute), actor=None)
        if wait is None:
            apply_transition(ticket=ticket, transition="leave", now=paris(2026, 3, 10, 9, 30), actor=None)
        else:
            apply_transition(ticket=ticket, transition="call", now=paris(2026, 3, 10, 9, minute + wait), actor=None)
    for hour in (9, 14):
        log_visit(
            organisation=org,
            site=site,
            reason=reason,
            oriented_to=etat_civil,
            now=paris(2026, 3, 12, hour, 10),
            actor=None,
        )


def test_the_figures_page_shows_the_counts_links_charts_and_data_tables(reader_client, org, activity):
    response = reader_client.get(url("home", org), {"periode": "2026-03"})
    page = response.content.decode()
    figures = response.context["page"].figures
    assert (figures.counts.issued, figures.counts.called, figures.within, figures.counts.left_uncalled) == (3, 2, 1, 1)
    assert "50,0 %" in page and "1 sur 2 tickets appelés" in page
    assert page.count('<svg role="img"') == 2
    assert "<caption>Arrivées par demi-heure et par jour de la semaine, mars 2026</caption>" in page
    assert "vue=dans-le-delai" in page and "periode=2026-03" in page
    assert "Renseignement" in page and "2 visites enregistrées sans ticket" in page


def test_a_period_without_tickets_shows_a_sentence_instead_of_empty_charts(reader_client, org, activity):
    page = reader_client.get(url("home", org), {"periode": "2025-03"}).content.decode()
    assert '<svg role="img"' not in page
    assert "Aucun ticket sur cette période" in page and "Aucune arrivée sur cette période" in page


def test_the_figures_page_takes_the_threshold_and_a_bad_period_gets_a_french_message(reader_client, org, activity):
    page = reader_client.get(url("home", org), {"periode": "2026-13", "seuil": "30"}).content.decode()
    assert "Période « 2026-13 » invalide : écrivez 2026-03, 2026-Q1 ou 2026." in page
    assert "Appelés en 30 min au plus" in page


def test_the_ticket_list_behind_a_figure_holds_exactly_its_tickets(reader_client, org, activity):
    response = reader_client.get(url("tickets", org), {"periode": "2026-03", "vue": "hors-delai"})
    assert [t.wait_seconds for t in response.context["page"]] == [1200]
    response = reader_client.get(url("tickets", org), {"periode": "2026-03", "vue": "partis-sans-appel"})
    assert [t.status for t in response.context["page"]] == ["left"]


def test_the_visit_list_filters_by_orientation(reader_client, org, activity, etat_civil):
    response = reader_client.get(url("visits", org), {"periode": "2026-03", "orientation": etat_civil.pk})
    assert response.context["page"].paginator.count == 2
    response = reader_client.get(url("visits", org), {"periode": "2026-03", "orientation": "aucune"})
    assert response.context["page"].paginator.count == 0


def queries_for(client, address, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address, params).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_run_the_same_number_of_queries_whatever_their_length(reader_client, org, site, reason, etat_civil):
    params = {"periode": "2026-03"}
    issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 2, 9), actor=None)
    log_visit(organisation=org, site=site, reason=reason, oriented_to=etat_civil, now=paris(2026, 3, 2, 9), actor=None)
    small = {name: queries_for(reader_client, url(name, org), params) for name in ("tickets", "visits", "home")}
    for day in range(3, 28):
        ticket = issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, day, 9), actor=None)
        apply_transition(
            ticket=ticket, transition="redirect", now=paris(2026, 3, day, 9, 5), actor=None, redirected_to=etat_civil
        )
        log_visit(
            organisation=org, site=site, reason=reason, oriented_to=etat_civil, now=paris(2026, 3, day, 9), actor=None
        )
    large = {name: queries_for(reader_client, url(name, org), params) for name in ("tickets", "visits", "home")}
    assert large == small
    assert small["tickets"] <= 8 and small["home"] <= 10
    assert small["visits"] <= 9


def test_the_desk_runs_the_same_number_of_queries_whatever_the_queue(agent_client, org, site, reason):
    issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    small = queries_for(agent_client, url("desk", org), {})
    for _ in range(20):
        issue_ticket(organisation=org, site=site, reason=reason, now=NOW, actor=None)
    assert queries_for(agent_client, url("desk", org), {}) == small <= 11  # 11th: the reasons of "Émettre un ticket"


def test_the_pages_listing_the_reasons_run_the_same_queries_for_the_defaults_or_many_more(
    manager_client, org, site, page_queries
):
    pages = ("reasons", "visit_log")
    Site.objects.create(organisation=org, name="Mairie annexe")  # two sites or more: the pages offer a choice
    for name in pages:
        manager_client.get(url(name, org))  # the town's default reasons, created on the first visit
    few = {name: page_queries(manager_client, url(name, org)) for name in pages}
    for number in range(20):
        annex = Site.objects.create(organisation=org, name=f"Annexe {number}")
        service = Service.objects.create(organisation=org, site=annex, code=f"s{number}", name=f"Service {number}")
        create_reason(organisation=org, actor=None, label=f"Motif {number}", service=service, position=10 + number)
    assert "Motif 19" in manager_client.get(url("reasons", org)).content.decode()
    assert {name: page_queries(manager_client, url(name, org)) for name in pages} == few
    assert few["reasons"] <= 7 and few["visit_log"] <= 13


@pytest.mark.parametrize("name", ["home", "tickets", "visits", "desk", "desk_status", "visit_log", "reasons"])
def test_an_outsider_gets_404_on_every_counter_page(outsider_client, org, name):
    assert outsider_client.get(url(name, org)).status_code == 404
    assert outsider_client.post(url(name, org)).status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_readers_and_auditors_see_the_figures_and_lists(client_as, org, role, activity):
    client = client_as(org, role)
    for name in ("home", "tickets", "visits"):
        assert client.get(url(name, org)).status_code == 200
        assert client.post(url(name, org)).status_code == 405


def test_the_ticket_page_reads_its_history_in_the_same_queries_however_long(
    reader_client, org, waiting, add_history, page_queries
):
    few = page_queries(reader_client, url("ticket_detail", org, waiting.pk))
    add_history(waiting, lambda actor: TicketEvent.of(waiting, action="call", actor=actor))
    page = reader_client.get(url("ticket_detail", org, waiting.pk)).content.decode()
    assert page.count("Personne n° ") == 8  # each person, in the ticket's history
    assert page_queries(reader_client, url("ticket_detail", org, waiting.pk)) == few
