"""The newcomers on a home's "À faire": the quality manager's, never a reader's or an agent's."""

import datetime as dt

import pytest

from core.models import Membership, Role
from core.registries import todo_lines
from training.models import Kind
from training.todo import todo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)  # a Friday: 3 working days later is Wednesday 2 December


def membership(org, make_member, role):
    return Membership.objects.get(user=make_member(org, role), organisation=org)


def test_newcomers_past_their_deadline_or_close_to_it_are_counted(org, make_member, make_agent, make_session):
    make_agent("En retard", dt.date(2026, 10, 1))  # deadline 31 October
    make_agent("Aussi en retard", dt.date(2026, 9, 1))  # deadline 1 October
    briefed = make_agent("Sensibilisé", dt.date(2026, 10, 1))
    make_session(dt.date(2026, 11, 20), [briefed], kind=Kind.BRIEFING)
    make_agent("Bientôt", dt.date(2026, 11, 1))  # deadline 1 December
    make_agent("Plus tard", dt.date(2026, 11, 20))  # deadline 20 December: not yet
    make_agent("Parti", dt.date(2026, 9, 1), departed_on=dt.date(2026, 9, 20))
    make_agent("Ancien", dt.date(2024, 1, 8))  # missed long ago: last years' figures
    lines = todo(membership(org, make_member, Role.QUALITY_MANAGER), TODAY)
    assert [(line.label, line.urgency) for line in lines] == [
        ("2 nouveaux agents à sensibiliser en retard", 0),
        ("1 nouvel agent à sensibiliser à échéance proche", 1),
    ]
    assert lines[0].url == f"/o/{org.slug}/formation/nouveaux-agents/"


@pytest.mark.parametrize("role", [Role.AGENT, Role.READER, Role.AUDITOR])
def test_other_roles_get_no_training_line(org, make_member, make_agent, role):
    make_agent("En retard", dt.date(2026, 10, 1))
    assert todo(membership(org, make_member, role), TODAY) == []


def test_the_line_reaches_the_home_through_the_registry(org, make_member, make_agent):
    make_agent("En retard", dt.date(2026, 10, 1))
    labels = [line.label for line in todo_lines(membership(org, make_member, Role.ADMIN), TODAY)]
    assert "1 nouvel agent à sensibiliser en retard" in labels
