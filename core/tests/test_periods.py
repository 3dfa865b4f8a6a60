"""A period is complete from the day after its last day: only then does it get a verdict."""

import datetime as dt

import pytest

from core.periods import Granularity, Period

D = dt.date


@pytest.mark.parametrize(
    ("key", "last_day", "next_first_day"),
    [
        ("2026-11", D(2026, 11, 30), D(2026, 12, 1)),
        ("2026-02", D(2026, 2, 28), D(2026, 3, 1)),
        ("2026-Q4", D(2026, 12, 31), D(2027, 1, 1)),
        ("2026-Q1", D(2026, 3, 31), D(2026, 4, 1)),
        ("2026", D(2026, 12, 31), D(2027, 1, 1)),
    ],
)
def test_a_period_is_in_progress_on_its_last_day_and_complete_the_next_day(key, last_day, next_first_day):
    period = Period.parse(key)
    assert period.last_day == last_day
    assert not period.is_complete(last_day)
    assert period.is_complete(next_first_day)


def test_a_period_is_in_progress_on_its_first_day_and_before_it_starts():
    december = Period.parse("2026-12")
    assert not december.is_complete(D(2026, 12, 1))
    assert not december.is_complete(D(2026, 11, 15))


def test_on_4_december_november_is_complete_and_december_the_quarter_and_the_year_are_not():
    today = D(2026, 12, 4)
    assert Period.parse("2026-11").is_complete(today)
    assert Period.parse("2026-Q3").is_complete(today)
    assert not Period.containing(today, Granularity.MONTH).is_complete(today)
    assert not Period.containing(today, Granularity.QUARTER).is_complete(today)
    assert not Period.containing(today, Granularity.YEAR).is_complete(today)
    assert Period.parse("2025").is_complete(today)
