"""The committee's pages: the list of meetings to come and past ones, a meeting's page with its
decisions, the forms of the quality manager; readers read, outsiders see nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEvent, Role
from improvement.meetings import add_decision, create_meeting
from improvement.models import Decision, ImprovementAction, SteeringMeeting

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]


def url(name, org, **kwargs):
    return reverse(f"improvement:{name}", kwargs={"org_slug": org.slug, **kwargs})


def new_meeting(org, held_on, held=False, **fields):
    return create_meeting(
        organisation=org, actor=None, held_on=held_on, title="Comité de pilotage qualité", held=held, **fields
    )


def test_the_list_shows_meetings_to_come_and_past_ones(org, manager_client):
    new_meeting(org, dt.date(2027, 1, 20), place="Salle des mariages")
    new_meeting(org, dt.date(2026, 6, 12), held=True)
    new_meeting(org, dt.date(2026, 11, 30))
    page = manager_client.get(url("meeting_list", org)).content.decode()
    upcoming, past = page.split("<h2>Comités passés</h2>")
    assert "20/01/2027" in upcoming and "Dossier du comité (PDF)" in upcoming
    assert "12/06/2026" in past and "30/11/2026" in past and "compte rendu à saisir" in past


def test_the_list_reads_as_many_queries_for_two_meetings_as_for_forty(org, manager_client, page_queries, make_member):
    owner = make_member(org, Role.AGENT)
    for day in (1, 2):
        new_meeting(org, dt.date(2026, 3, day), held=True)
    new_meeting(org, dt.date(2027, 3, 1))
    small = page_queries(manager_client, url("meeting_list", org))
    for day in range(1, 40):
        meeting = new_meeting(org, dt.date(2024, 1, 1) + dt.timedelta(days=7 * day), held=True)
        add_decision(meeting=meeting, actor=None, text="D", title="A", owner=owner, due_on=dt.date(2027, 1, 1))
        new_meeting(org, dt.date(2027, 3, 1) + dt.timedelta(days=day))
    assert page_queries(manager_client, url("meeting_list", org)) == small
    assert page_queries(manager_client, url("meeting_list", org), {"page": 2}) == small


def test_the_quality_manager_prepares_a_meeting_then_records_it_held(org, manager_client):
    response = manager_client.post(
        url("meeting_new", org),
        {
            "held_on": "2026-12-04",
            "title": "Comité de pilotage qualité",
            "place": "Salle du conseil",
            "attendees": "Mme Martin, DGS\n\n  M. Durand, élu  \n",
            "agenda": "Bilan",
        },
    )
    meeting = SteeringMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", org, meeting_id=meeting.pk)
    assert meeting.attendees == "Mme Martin, DGS\nM. Durand, élu" and not meeting.held
    form = {
        "version": meeting.version,
        "held_on": "2026-12-04",
        "title": meeting.title,
        "minutes": "Tenu.",
        "held": "on",
    }
    assert manager_client.post(url("meeting_edit", org, meeting_id=meeting.pk), form).status_code == 302
    meeting.refresh_from_db()
    assert meeting.held and meeting.minutes == "Tenu."


def test_a_meeting_to_come_cannot_be_recorded_as_held(org, manager_client):
    response = manager_client.post(url("meeting_new", org), {"held_on": "2026-12-20", "title": "COPIL", "held": "on"})
    assert response.status_code == 200
    assert "à venir ne peut pas être déjà tenu." in response.content.decode()
    assert not SteeringMeeting.objects.exists()


def test_an_edit_from_a_stale_form_is_refused_with_who_changed_it(org, manager_client):
    meeting = new_meeting(org, dt.date(2026, 12, 20))
    form = {"version": meeting.version, "held_on": "2026-12-20", "title": "Premier"}
    manager_client.post(url("meeting_edit", org, meeting_id=meeting.pk), form)
    response = manager_client.post(url("meeting_edit", org, meeting_id=meeting.pk), form | {"title": "Second"})
    assert response.status_code == 409 and "modifié par" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Premier"


def test_a_decision_added_on_the_meeting_page_opens_its_action(org, manager_client, make_member):
    owner = make_member(org, Role.AGENT)
    meeting = new_meeting(org, dt.date(2026, 12, 4), held=True)
    form = {"text": "Rappeler sous 48 h.", "title": "Rappels", "owner": owner.pk, "due_on": "2027-02-01"}
    response = manager_client.post(url("decision_new", org, meeting_id=meeting.pk), form)
    assert response.status_code == 302
    action = ImprovementAction.objects.get(decision__meeting=meeting)
    page = manager_client.get(url("meeting_detail", org, meeting_id=meeting.pk)).content.decode()
    assert "Rappeler sous 48 h." in page and action.number in page and "01/02/2027" in page


def test_a_decision_with_a_past_due_date_or_a_stranger_as_owner_writes_nothing(
    org, other_org, manager_client, make_member
):
    stranger = make_member(other_org, Role.AGENT)
    meeting = new_meeting(org, dt.date(2026, 12, 4), held=True)
    form = {"text": "X", "title": "X", "owner": stranger.pk, "due_on": "2026-01-01"}
    response = manager_client.post(url("decision_new", org, meeting_id=meeting.pk), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;échéance ne peut pas être passée." in page and "Sélectionnez un choix valide" in page
    assert not Decision.objects.exists() and not ImprovementAction.objects.exists()


def test_the_meeting_page_reads_as_many_queries_for_one_decision_as_for_twelve(
    org, manager_client, page_queries, make_member
):
    owner = make_member(org, Role.AGENT)
    meeting = new_meeting(org, dt.date(2026, 12, 4), held=True)
    add_decision(meeting=meeting, actor=None, text="D", title="A", owner=owner, due_on=dt.date(2027, 1, 1))
    address = url("meeting_detail", org, meeting_id=meeting.pk)
    small = page_queries(manager_client, address)
    for number in range(11):
        other = make_member(org, Role.AGENT, email=f"agent{number}@ville-test.test")
        add_decision(meeting=meeting, actor=None, text="D", title="A", owner=other, due_on=dt.date(2027, 1, 1))
    assert page_queries(manager_client, address) == small


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_reads_the_meetings_but_writes_nothing(org, client_as, role, make_member):
    meeting = new_meeting(org, dt.date(2026, 12, 4), held=True, minutes="Compte rendu lisible.")
    reader = client_as(org, role)
    assert reader.get(url("meeting_list", org)).status_code == 200
    page = reader.get(url("meeting_detail", org, meeting_id=meeting.pk))
    assert page.status_code == 200 and "Compte rendu lisible." in page.content.decode()
    assert "Ajouter une décision" not in page.content.decode()
    events = AuditEvent.objects.count()
    assert reader.get(url("meeting_new", org)).status_code == 403
    assert reader.post(url("meeting_new", org), {"held_on": "2026-12-01", "title": "X"}).status_code == 403
    assert reader.post(url("meeting_edit", org, meeting_id=meeting.pk), {"title": "X"}).status_code == 403
    owner = make_member(org, Role.AGENT)
    decision = {"text": "X", "title": "X", "owner": owner.pk, "due_on": "2027-01-01"}
    assert reader.post(url("decision_new", org, meeting_id=meeting.pk), decision).status_code == 403
    assert AuditEvent.objects.count() == events and not Decision.objects.exists()


def test_an_outsider_gets_404_on_every_meeting_page(org, outsider_client):
    meeting = new_meeting(org, dt.date(2026, 12, 4), held=True)
    for name in ("meeting_detail", "meeting_edit", "decision_new"):
        assert outsider_client.get(url(name, org, meeting_id=meeting.pk)).status_code == 404
    assert outsider_client.get(url("meeting_list", org)).status_code == 404
