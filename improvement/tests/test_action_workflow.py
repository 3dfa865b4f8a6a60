"""The action's workflow: numbering, each step from the statuses it is allowed from, the dates
the steps write, French refusals, the concurrent edit, the log and the journal's labels."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.concurrency import ConcurrentEditError
from core.journal import ACTION_LABELS
from core.localtime import PARIS
from core.models import AuditEvent
from improvement.actions import check_errors, step_action, update_action
from improvement.models import ACTION_TRANSITIONS, ActionStatus, ImprovementAction
from improvement.tests.conftest import TODAY, indicator_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]
S = ActionStatus


def run(action, *steps, today=TODAY, note=""):
    for step in steps:
        action = step_action(action=action, step=step, actor=None, seen_version=action.version, today=today, note=note)
    return action


def test_every_step_of_the_action_workflow_has_a_french_label():
    assert [code for code in ACTION_TRANSITIONS if code not in ACTION_LABELS] == []
    assert "update" in ACTION_LABELS


def test_an_action_is_numbered_in_its_year_and_proposed(make_action):
    first, second = make_action(), make_action()
    assert (first.number, second.number) == ("A-2026-00001", "A-2026-00002")
    assert first.status == S.PROPOSED
    assert first.transitions.get().action == "create"


def test_an_action_goes_from_proposed_to_effective_with_a_log_row_per_step(make_action):
    action = run(make_action(), "plan", "begin", "complete")
    assert action.status == S.DONE and action.done_on == TODAY
    action = run(action, "confirm_effective", note="Plus aucune plainte sur l'orientation.")
    action.refresh_from_db()
    assert action.status == S.EFFECTIVE
    assert (action.checked_on, action.check_note) == (TODAY, "Plus aucune plainte sur l'orientation.")
    logged = list(action.transitions.order_by("at", "pk").values_list("action", "to_status", "note"))
    assert [code for code, _, _ in logged] == ["create", "plan", "begin", "complete", "confirm_effective"]
    assert logged[-1][2] == "Plus aucune plainte sur l'orientation."
    assert AuditEvent.objects.filter(object_id=str(action.pk), action="complete").exists()


def test_an_ineffective_action_is_relaunched_and_its_check_starts_again(make_action, qualivilles, org):
    indicator = indicator_of(org, "4.1")
    action = make_action(check_indicator=indicator, expected_value=100, check_on=dt.date(2026, 8, 1))
    action = run(action, "plan", "complete", "find_ineffective", "relaunch")
    action.refresh_from_db()
    assert action.status == S.RELAUNCHED
    assert (action.checked_on, action.check_on) == (None, None)
    assert run(action, "complete").status == S.DONE


def test_a_step_the_status_does_not_allow_is_refused_in_french(make_action):
    action = make_action()
    with pytest.raises(ValidationError) as refusal:
        run(action, "complete")
    assert refusal.value.messages == ["Étape « réalisation » impossible : l'action est « proposée »."]
    with pytest.raises(ValidationError, match="Étape inconnue"):
        run(action, "create")
    assert ImprovementAction.objects.get().status == S.PROPOSED


def test_a_step_on_an_action_changed_meanwhile_is_refused(make_action):
    action = make_action()
    stale = ImprovementAction.objects.get(pk=action.pk)
    run(action, "plan")
    with pytest.raises(ConcurrentEditError):
        step_action(action=stale, step="cancel", actor=None, seen_version=stale.version, today=TODAY)
    assert ImprovementAction.objects.get().status == S.PLANNED


def test_a_step_tells_indicator_23_3_the_month_the_action_is_due(
    make_action, recomputations, django_capture_on_commit_callbacks
):
    action = make_action(due_on=dt.date(2026, 7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        run(action, "plan", "complete")
    assert recomputations[-1] == ("ville-test", "improvement", [dt.date(2026, 6, 1), dt.date(2026, 7, 1)])


def test_an_edit_is_audited_and_refused_once_the_action_is_closed(make_action, manager):
    action = make_action()
    update_action(action=action, actor=manager, seen_version=action.version, title="Signalétique refaite")
    assert AuditEvent.objects.filter(object_id=str(action.pk), action="update").exists()
    action = run(action, "cancel")
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        update_action(action=action, actor=manager, seen_version=action.version, title="Autre")


def test_a_check_needs_its_indicator_value_and_date_together(make_action, qualivilles, org):
    indicator = indicator_of(org, "4.1")
    assert check_errors(ImprovementAction(check_indicator=indicator)).keys() == {"expected_value", "check_on"}
    assert check_errors(ImprovementAction(check_on=TODAY)).keys() == {"check_indicator"}
    assert check_errors(ImprovementAction()) == {}
    action = make_action()
    with pytest.raises(ValidationError):
        update_action(action=action, actor=None, seen_version=action.version, check_indicator=indicator)


def test_an_action_knows_when_it_is_overdue_and_awaits_its_check():
    late = ImprovementAction(status=S.IN_PROGRESS, due_on=dt.date(2026, 6, 14))
    assert late.is_overdue(TODAY) and not late.is_overdue(dt.date(2026, 6, 14))
    assert not ImprovementAction(status=S.DONE, due_on=dt.date(2026, 1, 1)).is_overdue(TODAY)
    assert ImprovementAction(status=S.DONE, check_on=TODAY).awaits_check(TODAY)
    assert not ImprovementAction(status=S.DONE, check_on=dt.date(2026, 6, 16)).awaits_check(TODAY)
    assert ImprovementAction(status=S.DONE).awaits_check(TODAY)
