"""The daily reminder lists, to each owner, the actions overdue or due within 7 days and the
checks that have come; an owner who left hands them to the quality managers."""

import datetime as dt

import pytest

from core.localtime import PARIS
from core.models import Membership, Role
from improvement.actions import step_action
from improvement.reminders import reminders
from improvement.tests.conftest import TODAY
from registers.reminders import REMINDER_PROVIDERS, reminders_by_person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(10), tzinfo=PARIS), tick=False),
]


def test_owners_are_reminded_of_actions_late_due_within_a_week_and_checks_come(
    org, other_org, make_action, make_member, manager
):
    agent = make_member(org, Role.AGENT)
    late = make_action(owner=agent, due_on=dt.date(2026, 6, 1))
    soon = make_action(owner=agent, due_on=TODAY + dt.timedelta(days=7))
    make_action(owner=agent, due_on=TODAY + dt.timedelta(days=8))
    checked = make_action(owner=agent, due_on=dt.date(2026, 6, 1))
    checked.check_on = TODAY
    checked.save()
    for step in ("plan", "complete"):
        checked = step_action(action=checked, step=step, actor=None, seen_version=checked.version, today=TODAY)
    make_action(organisation=other_org, owner=make_member(other_org, Role.AGENT), due_on=dt.date(2026, 6, 1))

    items = list(reminders(org, TODAY, TODAY))

    assert [(person, item.reference) for person, item in items] == [
        (agent, late.number),
        (agent, checked.number),
        (agent, soon.number),
    ]
    assert items[0][1].label == "Refaire la signalétique du hall — à réaliser"
    assert items[1][1].label.endswith("efficacité à vérifier") and items[1][1].due_on == TODAY
    assert items[0][1].path == f"/o/{org.slug}/amelioration/actions/{late.pk}/"
    assert "improvement" in REMINDER_PROVIDERS
    Membership.objects.filter(user=agent).update(ends_on=dt.date(2026, 6, 1))
    assert set(reminders_by_person(org, TODAY, TODAY)) == {manager}
