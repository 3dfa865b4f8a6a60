"""The free slots the public page shows: a kind's slots from today to its horizon, a week at a
time, each day with its own list (days without a free slot are left out)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from appointments.models import AppointmentKind
from appointments.slots import FreeSlot, booking_window, free_slots
from core.workdays import french_date

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class SlotDay:
    day: dt.date
    label: str  # « lundi 23 mars 2026 »
    slots: list[FreeSlot]


@dataclass(frozen=True)
class Week:
    first_day: dt.date
    last_day: dt.date
    days: list[SlotDay]
    previous: dt.date | None  # the start of the week before, when it holds a free slot
    next: dt.date | None  # the first day after this week with a free slot

    @property
    def label(self) -> str:
        return f"du {french_date(self.first_day)} au {french_date(self.last_day)}"


def week_of_slots(
    kind: AppointmentKind, *, now: dt.datetime, start: dt.date | None, leave_out: dt.datetime | None = None
) -> Week:
    """The week of free slots starting on `start` (by default the first day with a free slot),
    `leave_out` (the slot an appointment being moved holds) excepted."""
    today = now.astimezone(kind.organisation.time_zone).date()
    _earliest, horizon = booking_window(kind, now, public=True)
    by_day: dict[dt.date, list[FreeSlot]] = defaultdict(list)
    for slot in free_slots(kind, today, horizon, now=now, public=True):
        if slot.starts_at != leave_out:
            by_day[slot.starts_at.astimezone(kind.organisation.time_zone).date()].append(slot)
    days_with_slots = sorted(by_day)
    if start is None or start < today or start > horizon:
        start = days_with_slots[0] if days_with_slots else today
    end = start + WEEK - dt.timedelta(days=1)
    days = [SlotDay(day, french_date(day), by_day[day]) for day in days_with_slots if start <= day <= end]
    later = [day for day in days_with_slots if day > end]
    earlier = any(day < start for day in days_with_slots)
    previous = max(today, start - WEEK) if earlier else None
    return Week(start, end, days, previous, later[0] if later else None)


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
