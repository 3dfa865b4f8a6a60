"""The one deadline mechanism: due dates in each zone's calendar, an item's status, and the
counting rule of a period (domain.md, "Written requests, acts, complaints: deadlines")."""

import datetime as dt

import pytest

from core.periods import Period
from core.workdays import WorkingCalendar
from registers.deadlines import (
    DeadlineCount,
    DeadlineItem,
    DeadlineStatus,
    count_deadlines,
    deadline_status,
    due_date,
    effective_answer,
    is_overdue,
    measure_of,
)

METROPOLE = WorkingCalendar()
MOSELLE = WorkingCalendar(zone="57")
ALSACE = WorkingCalendar(zone="6AE")
D = dt.date


def test_the_domain_example_a_letter_of_friday_10_july_2026_is_due_monday_3_august():
    assert due_date(METROPOLE, D(2026, 7, 10), 15) == D(2026, 8, 3)


def test_the_day_of_receipt_is_day_0_and_a_weekend_is_skipped():
    assert due_date(METROPOLE, D(2026, 7, 10), 1) == D(2026, 7, 13)
    assert due_date(METROPOLE, D(2026, 7, 11), 1) == D(2026, 7, 13)  # received on a Saturday


def test_a_zero_day_deadline_is_due_the_same_day():
    assert due_date(METROPOLE, D(2026, 7, 11), 0) == D(2026, 7, 11)


def test_a_public_holiday_is_skipped():
    # 14 July 2026 is a Tuesday.
    assert due_date(METROPOLE, D(2026, 7, 13), 1) == D(2026, 7, 15)


@pytest.mark.parametrize("calendar", [MOSELLE, ALSACE])
def test_good_friday_is_a_holiday_in_alsace_moselle_only(calendar):
    # 3 April 2026 is Good Friday, 6 April Easter Monday.
    assert due_date(METROPOLE, D(2026, 4, 1), 2) == D(2026, 4, 3)
    assert due_date(calendar, D(2026, 4, 1), 2) == D(2026, 4, 7)


def test_26_december_is_a_holiday_in_moselle_and_the_count_runs_across_the_year_end():
    # 2025: 25 December is a Thursday, 26 December a Friday, 1 January a Thursday.
    assert due_date(METROPOLE, D(2025, 12, 22), 4) == D(2025, 12, 29)
    assert due_date(MOSELLE, D(2025, 12, 22), 4) == D(2025, 12, 30)
    assert due_date(METROPOLE, D(2025, 12, 22), 8) == D(2026, 1, 5)
    assert due_date(MOSELLE, D(2025, 12, 22), 8) == D(2026, 1, 6)


def test_a_closure_day_of_the_town_moves_the_due_date():
    closed = WorkingCalendar(closure_days={D(2026, 7, 13): "Pont"})
    assert due_date(closed, D(2026, 7, 10), 1) == D(2026, 7, 15)
    assert due_date(closed, D(2026, 7, 10), 15) == D(2026, 8, 4)


def test_business_days_count_saturdays_but_not_sundays_nor_holidays():
    assert due_date(METROPOLE, D(2026, 7, 10), 1, business=True) == D(2026, 7, 11)
    assert due_date(METROPOLE, D(2026, 7, 10), 3, business=True) == D(2026, 7, 15)
    assert due_date(METROPOLE, D(2026, 7, 10), 3, business=False) == D(2026, 7, 16)


def test_the_status_of_an_item_is_decided_by_its_answer_or_by_the_passing_of_its_due_date():
    due = D(2026, 8, 3)
    assert deadline_status(due, D(2026, 8, 3), today=D(2026, 9, 1)) == DeadlineStatus.ON_TIME
    assert deadline_status(due, D(2026, 8, 4), today=D(2026, 9, 1)) == DeadlineStatus.LATE
    assert deadline_status(due, None, today=D(2026, 8, 3)) == DeadlineStatus.PENDING
    assert deadline_status(due, None, today=D(2026, 8, 4)) == DeadlineStatus.LATE
    assert deadline_status(None, None, today=D(2026, 8, 4)) == DeadlineStatus.NOT_DUE
    # An answer given before the due date is on time even while the due date is still ahead.
    assert deadline_status(due, D(2026, 7, 20), today=D(2026, 7, 21)) == DeadlineStatus.ON_TIME


def test_overdue_means_unanswered_after_the_due_date():
    assert is_overdue(D(2026, 8, 3), None, D(2026, 8, 4))
    assert not is_overdue(D(2026, 8, 3), None, D(2026, 8, 3))
    assert not is_overdue(D(2026, 8, 3), D(2026, 8, 10), D(2026, 8, 11))


def test_a_holding_reply_counts_as_the_answer_only_when_the_town_says_so():
    assert effective_answer(D(2026, 8, 20), D(2026, 8, 1)) == D(2026, 8, 20)
    assert effective_answer(D(2026, 8, 20), D(2026, 8, 1), holding_reply_counts=True) == D(2026, 8, 1)
    assert effective_answer(None, D(2026, 8, 1), holding_reply_counts=True) == D(2026, 8, 1)
    assert effective_answer(D(2026, 7, 30), D(2026, 8, 1), holding_reply_counts=True) == D(2026, 7, 30)


# A small hand-computed register, counted for March 2026 on 10 April 2026:
# 1 due 02/03 answered 02/03 → on time
# 2 due 10/03 answered 12/03 → late
# 3 due 31/03 unanswered → late (passed on 10/04)
# 4 due 15/03 holding reply 13/03, answered 20/03 → late, or on time when holding replies count
# 5 due 01/04 unanswered → not in March
# 6 due 28/02 answered 01/03 → not in March
# 7 no due date → never counted
REGISTER = [
    DeadlineItem(1, D(2026, 3, 2), D(2026, 3, 2)),
    DeadlineItem(2, D(2026, 3, 10), D(2026, 3, 12)),
    DeadlineItem(3, D(2026, 3, 31), None),
    DeadlineItem(4, D(2026, 3, 15), D(2026, 3, 20), holding_reply_on=D(2026, 3, 13)),
    DeadlineItem(5, D(2026, 4, 1), None),
    DeadlineItem(6, D(2026, 2, 28), D(2026, 3, 1)),
    DeadlineItem(7, None, None),
]
MARCH = Period.parse("2026-03")


def test_a_period_counts_the_items_due_in_it_on_time_and_late():
    count = count_deadlines(REGISTER, period=MARCH, today=D(2026, 4, 10))
    assert count == DeadlineCount(on_time=(1,), late=(2, 3, 4))
    assert (count.numerator, count.denominator, count.share) == (1, 4, 25.0)


def test_a_holding_reply_turns_an_item_on_time_when_counted_by_setting():
    count = count_deadlines(REGISTER, period=MARCH, today=D(2026, 4, 10), holding_reply_counts=True)
    assert count.on_time == (1, 4) and count.late == (2, 3)
    assert count.share == 50.0


def test_an_unanswered_item_not_yet_due_is_not_counted_so_it_cannot_improve_the_score():
    count = count_deadlines(REGISTER, period=MARCH, today=D(2026, 3, 20))
    assert count.on_time == (1,) and count.late == (2, 4)
    assert 3 not in count.record_ids


def test_the_measure_keeps_numerator_denominator_sample_and_record_ids():
    measure = measure_of(count_deadlines(REGISTER, period=MARCH, today=D(2026, 4, 10)))
    assert measure is not None
    assert (measure.value, measure.numerator, measure.denominator, measure.sample_size) == (25.0, 1, 4, 4)
    assert measure.record_ids == (1, 2, 3, 4)


def test_a_period_without_any_counted_item_has_no_measure():
    assert measure_of(count_deadlines(REGISTER, period=Period.parse("2026-05"), today=D(2026, 6, 1))) is None
