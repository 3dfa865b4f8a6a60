"""The home of each role: the quality manager's "À faire" (each line with its count and the
list it opens, other towns left out), the agent's own work first, readers and auditors sent
to their summary, outsiders refused; a fixed number of queries whatever the town's size."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.testing import log_in_verified
from complaints.models import Channel as ComplaintChannel
from complaints.models import Justified, Kind, Status
from core.models import Membership, Role
from core.registries import TodoLine, landing_page
from correspondence.models import Status as RequestStatus
from dashboards.tests import builders
from imports.models import ImportStatus
from improvement.models import ActionStatus

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 12, 3)  # a Thursday: due soon = due by Tuesday 8 December (3 working days)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def home_url(org) -> str:
    return reverse("dashboards:home", kwargs={"org_slug": org.slug})


def lines_of(client: Client, org) -> dict[str, TodoLine]:
    response = client.get(home_url(org))
    assert response.status_code == 200
    lines = {line.label: line for section in response.context["home"].sections for line in section.lines}
    page = response.content.decode()
    for line in lines.values():
        assert escape(line.label) in page and escape(line.url) in page
    return lines


def listed(client: Client, url: str) -> int:
    """How many records the list opened by a line shows."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_town_with_nothing_to_do_gets_a_kind_empty_state(org, manager_client):
    response = manager_client.get(home_url(org))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rien ne presse" in page and "Bonne journée" in page


def test_the_page_says_when_due_soon_ends(org, manager_client):
    builders.written_request(org, dt.date(2026, 12, 8))
    page = manager_client.get(home_url(org)).content.decode()
    assert "échéance entre aujourd'hui et le mardi 8 décembre (3 jours ouvrés" in page


def test_written_requests_overdue_and_due_soon_are_counted_for_the_town_and_open_their_list(
    org, other_org, manager_client
):
    for due_on in (dt.date(2026, 11, 30), dt.date(2026, 12, 2)):
        builders.written_request(org, due_on)
    builders.written_request(org, dt.date(2026, 12, 8))  # the 3rd working day: due soon
    builders.written_request(org, dt.date(2026, 12, 9))  # later: not yet
    builders.written_request(
        org, dt.date(2026, 11, 30), status=RequestStatus.ANSWERED, answered_on=dt.date(2026, 12, 1)
    )
    builders.written_request(other_org, dt.date(2026, 11, 30))
    lines = lines_of(manager_client, org)
    late = lines["2 courriers ou demandes écrites en retard"]
    soon = lines["1 courrier ou demande écrite à échéance proche"]
    assert (late.urgency, soon.urgency) == (0, 1)
    assert query_of(late.url) == {"state": ["overdue"]} and listed(manager_client, late.url) == 2
    assert query_of(soon.url) == {"state": ["soon"]} and listed(manager_client, soon.url) == 1


def test_act_requests_to_deliver_overdue_and_due_soon_open_the_register_filtered(org, other_org, manager_client):
    builders.act_request(org, dt.date(2026, 12, 2))
    builders.act_request(org, dt.date(2026, 12, 3))
    builders.act_request(org, dt.date(2026, 12, 4))
    builders.act_request(org, dt.date(2026, 12, 1), status="delivered", delivered_on=dt.date(2026, 12, 1))
    builders.act_request(other_org, dt.date(2026, 12, 2))
    lines = lines_of(manager_client, org)
    late = lines["1 demande d'acte à délivrer en retard"]
    soon = lines["2 demandes d'actes à délivrer à échéance proche"]
    assert listed(manager_client, late.url) == 1 and listed(manager_client, soon.url) == 2


def test_complaints_overdue_due_soon_and_awaiting_each_step_open_the_complaints_behind_them(
    org, other_org, manager_client
):
    late_ack = {"acknowledge_due_on": dt.date(2026, 12, 1), "answer_due_on": dt.date(2026, 12, 10)}
    builders.complaint(org, **late_ack)  # to acknowledge, overdue, to answer
    builders.complaint(
        org,
        status=Status.ACKNOWLEDGED,
        acknowledged_on=dt.date(2026, 11, 23),
        answer_due_on=dt.date(2026, 12, 7),
    )  # to answer, due soon
    builders.complaint(
        org, status=Status.ANSWERED, acknowledged_on=dt.date(2026, 11, 23), answered_on=dt.date(2026, 11, 30)
    )  # to close, to judge
    builders.complaint(
        org,
        status=Status.ANSWERED,
        acknowledged_on=dt.date(2026, 11, 23),
        answered_on=dt.date(2026, 11, 30),
        justified=Justified.YES,
    )  # to close
    builders.complaint(org, kind=Kind.SUGGESTION, status=Status.CLOSED, closed_on=dt.date(2026, 11, 25))
    builders.complaint(other_org, **late_ack)
    lines = lines_of(manager_client, org)
    expected = {
        "1 réclamation en retard": ("overdue", 1),
        "1 réclamation à échéance proche": ("echeance", 1),
        "1 réclamation ou suggestion à accuser réception": ("attente", 1),
        "2 réclamations auxquelles répondre": ("attente", 2),
        "2 réclamations ou suggestions répondues à clore": ("attente", 2),
        "1 réclamation dont juger le bien-fondé": ("attente", 1),
    }
    for label, (parameter, count) in expected.items():
        assert parameter in query_of(lines[label].url)
        assert listed(manager_client, lines[label].url) == count, label
    assert lines["1 réclamation dont juger le bien-fondé"].urgency == 2


def test_a_town_whose_tickets_stopped_a_week_ago_is_warned_and_one_without_tickets_is_not(
    org, other_org, manager_client, client_as
):
    builders.ticket(org, dt.date(2026, 11, 20))
    builders.ticket(org, dt.date(2026, 11, 26))  # 7 days ago
    builders.ticket(other_org, dt.date(2026, 12, 2))
    line = lines_of(manager_client, org)["Aucun ticket d'attente à l'accueil depuis le 26/11/2026 (7 jours)"]
    assert line.url == reverse("reception:tickets", kwargs={"org_slug": org.slug})
    other = client_as(other_org, Role.QUALITY_MANAGER)
    assert not [label for label in lines_of(other, other_org) if "ticket" in label]
    builders.ticket(org, dt.date(2026, 11, 27))  # 6 days ago: not quiet yet
    assert not [label for label in lines_of(manager_client, org) if "ticket" in label]


def test_call_logs_not_imported_for_ten_days_are_flagged_only_where_the_town_imports_them(
    org, other_org, manager_client, client_as
):
    never_imported = client_as(other_org, Role.QUALITY_MANAGER)
    assert not lines_of(never_imported, other_org)
    builders.call_log_import(org, dt.date(2026, 11, 23))  # 10 days ago
    builders.call_log_import(org, dt.date(2026, 12, 1), status=ImportStatus.FAILED)  # failed: not an import
    builders.call_log_import(other_org, dt.date(2026, 12, 2))
    line = lines_of(manager_client, org)["Aucun relevé d'appels importé depuis le 23/11/2026 (10 jours)"]
    assert query_of(line.url) == {"type": ["calls"]}
    runs = manager_client.get(line.url)
    assert runs.context["page"].paginator.count == 2
    assert escape("Imports d'appels téléphoniques") in runs.content.decode()
    assert not lines_of(never_imported, other_org)


def test_a_target_missed_in_the_last_complete_period_is_listed_but_not_one_of_the_current_period(org, manager_client):
    indicator = builders.missed_target(org, "2026-12")  # the current month: en cours, no verdict
    assert not lines_of(manager_client, org)
    builders.missed_target(org, "2026-11")
    line = lines_of(manager_client, org)["1 indicateur sous sa cible à la dernière période complète"]
    assert line.url.startswith(reverse("commitments:overview", kwargs={"org_slug": org.slug}))
    indicator.is_active = False
    indicator.save()
    assert not lines_of(manager_client, org)


def test_improvement_actions_overdue_and_due_for_their_check_are_listed(org, other_org, make_member, manager_client):
    owner = make_member(org, Role.AGENT, email="pilote@ville-test.test")
    builders.action(org, owner, dt.date(2026, 12, 2))
    builders.action(org, owner, dt.date(2026, 12, 3))  # due today: not late
    builders.action(org, owner, dt.date(2026, 11, 2), status=ActionStatus.DONE, check_on=dt.date(2026, 12, 3))
    builders.action(org, owner, dt.date(2026, 11, 2), status=ActionStatus.DONE, check_on=None)
    builders.action(org, owner, dt.date(2026, 11, 2), status=ActionStatus.DONE, check_on=dt.date(2026, 12, 4))
    builders.action(org, owner, dt.date(2026, 11, 2), status=ActionStatus.CANCELLED)
    builders.action(other_org, make_member(other_org, Role.AGENT), dt.date(2026, 12, 1))
    lines = lines_of(manager_client, org)
    assert query_of(lines["1 action d'amélioration en retard"].url) == {"etat": ["en_retard"]}
    assert query_of(lines["2 actions réalisées dont vérifier l'efficacité"].url) == {"etat": ["a_verifier"]}
    for line in lines.values():
        assert listed(manager_client, line.url) == line.count


def test_the_next_committee_not_yet_held_is_announced_with_its_page(org, other_org, manager_client):
    builders.meeting(org, dt.date(2026, 11, 20), held=True)
    builders.meeting(org, dt.date(2027, 3, 4))
    coming = builders.meeting(org, dt.date(2026, 12, 10))
    builders.meeting(other_org, dt.date(2026, 12, 4))
    line = lines_of(manager_client, org)["Prochain comité de pilotage : jeudi 10 décembre 2026"]
    assert line.url == reverse("improvement:meeting_detail", kwargs={"org_slug": org.slug, "meeting_id": coming.pk})


def test_an_agent_sees_their_own_work_first_and_only_their_own_items(org, make_member, client_as):
    agent_client = client_as(org, Role.AGENT)
    agent = Membership.objects.get(organisation=org, role=Role.AGENT).user
    colleague = make_member(org, Role.AGENT, email="collegue@ville-test.test")
    builders.written_request(org, dt.date(2026, 12, 1), assigned_to=agent)
    builders.written_request(org, dt.date(2026, 12, 1), assigned_to=colleague)
    builders.written_request(org, dt.date(2026, 12, 1))
    builders.complaint(
        org, handled_by=agent, status=Status.ACKNOWLEDGED, acknowledged_on=TODAY, answer_due_on=dt.date(2026, 12, 4)
    )
    builders.complaint(org, handled_by=colleague, answer_due_on=dt.date(2026, 12, 4))
    builders.act_request(org, dt.date(2026, 12, 1))  # nobody is in charge of an act request
    builders.missed_target(org, "2026-11")
    builders.ticket(org, dt.date(2026, 11, 1))
    response = agent_client.get(home_url(org))
    page = response.content.decode()
    assert page.index("Mon travail") < page.index("Mes dossiers à traiter") < page.index("Voir les engagements")
    assert reverse("reception:desk", kwargs={"org_slug": org.slug}) in page
    lines = lines_of(agent_client, org)
    assert set(lines) == {
        "1 courrier ou demande écrite en retard",
        "1 réclamation à échéance proche",
        "1 réclamation à laquelle répondre",
        "1 demande d'acte à délivrer en retard",
    }
    mine = lines["1 courrier ou demande écrite en retard"]
    assert query_of(mine.url) == {"state": ["overdue"], "mine": ["on"]} and listed(agent_client, mine.url) == 1
    assert listed(agent_client, lines["1 réclamation à échéance proche"].url) == 1


def test_the_quality_manager_and_the_administrator_land_on_the_home(org, make_member):
    for role in (Role.QUALITY_MANAGER, Role.ADMIN, Role.AGENT):
        membership = Membership.objects.get(user=make_member(org, role), organisation=org)
        assert landing_page(membership) == home_url(org)


def test_a_member_of_one_town_lands_on_the_home_after_logging_in(org, client_as):
    client = client_as(org, Role.QUALITY_MANAGER)
    assert client.get(reverse("core:home"))["Location"] == home_url(org)


def test_readers_land_on_the_summary_and_the_home_sends_them_there(org, client_as):
    client = client_as(org, Role.READER)
    summary = reverse("commitments:summary", kwargs={"org_slug": org.slug})
    assert client.get(reverse("core:home"))["Location"] == summary
    assert client.get(home_url(org))["Location"] == summary


def test_auditors_land_on_the_year_under_audit_and_the_home_sends_them_there(org, client_as):
    client = client_as(org, Role.AUDITOR)
    audit = reverse("dashboards:audit", kwargs={"org_slug": org.slug})
    assert client.get(reverse("core:home"))["Location"] == audit
    assert client.get(home_url(org))["Location"] == audit


def test_an_outsider_gets_404_and_the_home_takes_no_post(org, outsider_client, manager_client):
    assert outsider_client.get(home_url(org)).status_code == 404
    assert manager_client.post(home_url(org)).status_code == 405


def test_the_home_runs_the_same_queries_for_a_small_or_a_large_town(org, other_org, manager_client, page_queries):
    def one_of_each(organisation, number: int) -> None:
        builders.written_request(organisation, dt.date(2026, 12, 1))
        builders.written_request(organisation, dt.date(2026, 12, 7))
        builders.act_request(organisation, dt.date(2026, 12, 1))
        builders.complaint(organisation, acknowledge_due_on=dt.date(2026, 12, 1))
        builders.complaint(organisation, status=Status.ANSWERED, answered_on=dt.date(2026, 12, 1))
        builders.ticket(organisation, dt.date(2026, 11, 1 + number % 20))

    builders.missed_target(org, "2026-11")
    builders.call_log_import(org, dt.date(2026, 11, 1))
    one_of_each(org, 0)
    small = page_queries(manager_client, home_url(org))
    for number in range(1, 40):
        one_of_each(org, number)
        one_of_each(other_org, number)
        builders.call_log_import(org, dt.date(2026, 11, 1) + dt.timedelta(days=number % 15))
    caches["template_fragments"].clear()  # the builders write without the journal: no new mark
    assert "40 courriers ou demandes écrites en retard" in manager_client.get(home_url(org)).content.decode()
    caches["template_fragments"].clear()
    assert (
        page_queries(manager_client, home_url(org)) == small <= 19  # with the closed years' targets
    )  # 18 since the auditor's notes to examine (issue 15)
    assert page_queries(manager_client, home_url(org)) == 5  # then from the cache: session, user, town, member, mark


def test_a_step_taken_or_a_new_day_shows_at_once_on_the_kept_home(org, manager_client, time_machine):
    from complaints.actions import register_complaint

    assert "Rien ne presse" in manager_client.get(home_url(org)).content.decode()
    register_complaint(
        organisation=org,
        actor=None,
        today=TODAY,
        kind=Kind.COMPLAINT,
        channel=ComplaintChannel.EMAIL,
        received_on=TODAY,
        subject="Attente au guichet",
    )  # journaled: a new mark
    assert "1 réclamation ou suggestion à accuser réception" in manager_client.get(home_url(org)).content.decode()
    builders.written_request(org, dt.date(2026, 12, 4))  # written without the journal: the page is kept…
    assert "1 courrier ou demande écrite à échéance proche" not in manager_client.get(home_url(org)).content.decode()
    time_machine.move_to(dt.datetime(2026, 12, 5, 9, tzinfo=PARIS), tick=False)  # …until the next day
    log_in_verified(manager_client, Membership.objects.get(organisation=org, role=Role.QUALITY_MANAGER).user)
    page = manager_client.get(home_url(org)).content.decode()
    assert "1 courrier ou demande écrite en retard" in page
