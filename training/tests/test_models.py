"""Time-dependent rules of the roster as pure methods, on unsaved instances."""

import datetime as dt

from registers.deadlines import DeadlineStatus
from training.models import Agent, BriefingState

ARRIVED = dt.date(2026, 3, 2)


def test_an_agent_is_in_post_from_arrival_to_departure_both_included():
    agent = Agent(full_name="Anne", arrived_on=ARRIVED, departed_on=dt.date(2026, 6, 30))
    assert [agent.is_in_post_on(day) for day in (dt.date(2026, 3, 1), ARRIVED, dt.date(2026, 6, 30))] == [
        False,
        True,
        True,
    ]
    assert not agent.is_in_post_on(dt.date(2026, 7, 1))


def test_the_briefing_deadline_counts_calendar_days_after_arrival():
    assert Agent(arrived_on=ARRIVED).briefing_deadline(30) == dt.date(2026, 4, 1)


def test_a_newcomer_briefed_on_the_deadline_day_is_in_time():
    state = BriefingState(dt.date(2026, 4, 1), dt.date(2026, 4, 1), today=dt.date(2026, 5, 1))
    assert (state.status, state.label) == (DeadlineStatus.ON_TIME, "sensibilisé dans le délai")


def test_a_newcomer_briefed_the_day_after_is_late_for_good():
    state = BriefingState(dt.date(2026, 4, 1), dt.date(2026, 4, 2), today=dt.date(2026, 4, 2))
    assert (state.status, state.label) == (DeadlineStatus.LATE, "sensibilisé après le délai")


def test_a_newcomer_not_briefed_is_to_brief_until_the_deadline_then_late():
    on_the_day = BriefingState(dt.date(2026, 4, 1), None, today=dt.date(2026, 4, 1))
    day_after = BriefingState(dt.date(2026, 4, 1), None, today=dt.date(2026, 4, 2))
    assert (on_the_day.label, day_after.label) == ("à sensibiliser", "en retard")
