"""The slots a kind offers: within its booking hours and its service's opening hours, never on
a public holiday or a closure day, at the same wall-clock times across a change of summer time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from appointments.actions import Citizen, book, cancel
from appointments.models import BookingHours, Channel
from appointments.slots import free_slots
from core.models import ClosureDay

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 20, 8, 0, tzinfo=PARIS)  # a Friday morning

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def local_times(slots):
    return [slot.starts_at.astimezone(PARIS).strftime("%d/%m %H:%M") for slot in slots]


def test_a_morning_offers_nine_slots_of_twenty_minutes(identity_card):
    monday = dt.date(2026, 3, 23)
    slots = free_slots(identity_card, monday, monday, now=NOW, public=True)
    assert local_times(slots) == [f"23/03 {hour:02d}:{minute:02d}" for hour in (9, 10, 11) for minute in (0, 20, 40)]
    assert all(slot.ends_at - slot.starts_at == dt.timedelta(minutes=20) for slot in slots)


def test_slots_outside_the_services_opening_hours_are_not_offered(org, identity_card):
    BookingHours.objects.create(
        organisation=org, kind=identity_card, weekday=0, starts_at=dt.time(11, 40), ends_at=dt.time(14, 20)
    )
    monday = dt.date(2026, 3, 23)
    afternoon = [time for time in local_times(free_slots(identity_card, monday, monday, now=NOW, public=True))]
    # 11:40 ends at 12:00 (open); 12:00–13:20 is closed; 13:40 and 14:00 lie within the afternoon hours.
    assert afternoon[-3:] == ["23/03 11:40", "23/03 13:40", "23/03 14:00"]
    assert "23/03 13:20" not in afternoon  # would start before the 13:30 opening


def test_no_slot_on_a_public_holiday_or_a_closure_day(org, identity_card):
    ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    week = free_slots(identity_card, dt.date(2026, 5, 11), dt.date(2026, 5, 15), now=NOW, public=True)
    days = sorted({slot.starts_at.astimezone(PARIS).date() for slot in week})
    # Thursday 14 May 2026 is Ascension Day, Friday 15 the town's closure day.
    assert days == [dt.date(2026, 5, 11), dt.date(2026, 5, 12), dt.date(2026, 5, 13)]


def test_the_slots_keep_their_wall_clock_time_across_the_change_to_summer_time(identity_card):
    before, after = dt.date(2026, 3, 27), dt.date(2026, 3, 30)  # the clocks go forward on Sunday 29 March
    slots = free_slots(identity_card, before, after, now=NOW, public=True)
    first_of: dict[dt.date, dt.datetime] = {}
    for slot in slots:
        first_of.setdefault(slot.starts_at.astimezone(PARIS).date(), slot.starts_at)
    assert first_of[before].astimezone(dt.UTC).hour == 8 and first_of[after].astimezone(dt.UTC).hour == 7
    assert {moment.astimezone(PARIS).strftime("%H:%M") for moment in first_of.values()} == {"09:00"}


def test_the_public_books_after_the_notice_and_within_the_horizon_an_agent_from_now(identity_card):
    today = NOW.date()
    public = local_times(free_slots(identity_card, today, today, now=NOW, public=True))
    agent = local_times(free_slots(identity_card, today, today, now=NOW, public=False))
    assert public[0] == "20/03 10:00" and agent[0] == "20/03 09:00"  # 2 hours' notice for the public
    far = dt.date(2026, 5, 19) + dt.timedelta(days=1)  # 60 days after 20 March is 19 May
    assert free_slots(identity_card, far, far, now=NOW, public=True) == []


def test_a_booked_slot_is_no_longer_free_and_a_cancelled_one_is_again(identity_card):
    monday = dt.date(2026, 3, 23)
    nine = dt.datetime(2026, 3, 23, 9, tzinfo=PARIS)
    appointment, _token = book(
        kind=identity_card,
        starts_at=nine,
        citizen=Citizen("Léa Martin", "lea@example.test"),
        channel=Channel.ONLINE,
        actor=None,
        now=NOW,
    )
    assert "23/03 09:00" not in local_times(free_slots(identity_card, monday, monday, now=NOW, public=True))
    cancel(appointment=appointment, actor=None, now=NOW)
    assert "23/03 09:00" in local_times(free_slots(identity_card, monday, monday, now=NOW, public=True))
