"""The committee's actions: a meeting created and changed with its audit events, indicator 23.1
told when a meeting is held or moved, a decision opening its improvement action."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.concurrency import ConcurrentEditError
from core.journal import ACTION_LABELS
from core.models import AuditEvent, Role
from improvement.meetings import add_decision, create_meeting, update_meeting
from improvement.models import ActionStatus, Decision, ImprovementAction, Origin

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]


def new_meeting(org, held_on=dt.date(2026, 12, 10), held=False):
    return create_meeting(organisation=org, actor=None, held_on=held_on, title="Comité de pilotage qualité", held=held)


def test_a_meeting_planned_is_audited_and_tells_no_indicator(org, recomputations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(org)
    event = AuditEvent.objects.get(object_type="improvement.steeringmeeting", object_id=str(meeting.pk))
    assert event.action == "create" and (event.after or {})["held_on"] == "2026-12-10"
    assert recomputations == []


def test_a_meeting_recorded_as_held_tells_indicator_23_1_its_month(
    org, recomputations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new_meeting(org, held_on=dt.date(2026, 11, 18), held=True)
    assert recomputations == [("ville-test", "improvement", [dt.date(2026, 11, 1)])]


def test_marking_a_meeting_held_tells_its_month(org, recomputations, django_capture_on_commit_callbacks):
    meeting = new_meeting(org, held_on=dt.date(2026, 11, 18))
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(meeting=meeting, actor=None, seen_version=meeting.version, held=True, minutes="Fait.")
    assert recomputations == [("ville-test", "improvement", [dt.date(2026, 11, 1)])]
    assert AuditEvent.objects.filter(action="update", after__held=True).count() == 1


def test_moving_a_held_meeting_tells_the_months_of_the_old_and_the_new_date(
    org, recomputations, django_capture_on_commit_callbacks
):
    meeting = new_meeting(org, held_on=dt.date(2026, 10, 30), held=True)
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(meeting=meeting, actor=None, seen_version=meeting.version, held_on=dt.date(2026, 11, 2))
    assert recomputations == [("ville-test", "improvement", [dt.date(2026, 10, 1), dt.date(2026, 11, 1)])]


def test_changing_the_agenda_of_a_meeting_to_come_tells_nothing(
    org, recomputations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = new_meeting(org)
        update_meeting(meeting=meeting, actor=None, seen_version=meeting.version, agenda="Bilan du téléphone")
    assert recomputations == []


def test_a_second_edit_from_an_old_form_is_refused(org):
    meeting = new_meeting(org)
    update_meeting(meeting=meeting, actor=None, seen_version=0, agenda="Premier")
    with pytest.raises(ConcurrentEditError):
        update_meeting(meeting=meeting, actor=None, seen_version=0, agenda="Second")


def test_a_decision_opens_an_improvement_action_from_the_committee(org, make_member):
    owner = make_member(org, Role.AGENT)
    meeting = new_meeting(org)
    decision = add_decision(
        meeting=meeting,
        actor=None,
        text="Rappeler les usagers.",
        title="Rappels",
        owner=owner,
        due_on=dt.date(2027, 1, 15),
    )
    action = ImprovementAction.objects.get(decision=decision)
    assert (action.origin, action.status, action.owner, action.due_on) == (
        Origin.DECISION,
        ActionStatus.PROPOSED,
        owner,
        dt.date(2027, 1, 15),
    )
    assert action.number == "A-2026-00001" and action.title == "Rappels" and decision.position == 1
    assert AuditEvent.objects.filter(action="add_decision", object_id=str(meeting.pk)).count() == 1


def test_decisions_are_numbered_in_their_order(org, make_member):
    owner = make_member(org, Role.AGENT)
    meeting = new_meeting(org)
    positions = [
        add_decision(
            meeting=meeting, actor=None, text=f"D{n}", title=f"A{n}", owner=owner, due_on=dt.date(2027, 1, 1)
        ).position
        for n in range(3)
    ]
    assert positions == [1, 2, 3]


def test_a_decision_given_to_someone_of_another_town_is_refused_and_nothing_is_kept(org, other_org, make_member):
    stranger = make_member(other_org, Role.AGENT)
    meeting = new_meeting(org)
    with pytest.raises(ValidationError):
        add_decision(meeting=meeting, actor=None, text="X", title="X", owner=stranger, due_on=dt.date(2027, 1, 1))
    assert not Decision.objects.exists() and not ImprovementAction.objects.exists()


def test_every_action_code_of_the_committee_has_a_french_label():
    assert {"add_decision", "validate_review"} <= set(ACTION_LABELS)


def test_a_decision_whose_action_fails_to_open_leaves_no_decision(org, make_member, monkeypatch):
    owner = make_member(org, Role.AGENT)
    meeting = new_meeting(org)

    def broken(**kwargs):
        raise ValidationError("Numérotation impossible.")

    monkeypatch.setattr("improvement.meetings.open_action", broken)
    with pytest.raises(ValidationError):
        add_decision(meeting=meeting, actor=None, text="X", title="X", owner=owner, due_on=dt.date(2027, 1, 1))
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="add_decision").exists()
