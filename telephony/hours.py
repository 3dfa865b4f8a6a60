"""When a call is presented: it starts within the opening hours of its service (the service's
own slots, else its site's), on a day the town is open (not a public holiday of its zone, not
one of its closure days). Loaded once per import or page, then answered per minute."""

from __future__ import annotations

import datetime as dt

from core.models import Organisation
from core.opening import Slot, service_slots
from core.workdays import calendar_for

MINUTES_IN_DAY = 24 * 60
WORKING_WEEKDAYS = range(5)
Week = tuple[bytes, ...]  # per weekday, 1440 bytes: 1 when open during that minute


def _week(slots: list[Slot]) -> Week:
    days = [bytearray(MINUTES_IN_DAY) for _ in range(7)]
    for weekday, opens, closes in slots:
        start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
        days[weekday][start:end] = b"\x01" * (end - start)
    return tuple(bytes(day) for day in days)


def _working_days_week() -> Week:
    """A town that entered no opening hours: every minute of Monday to Friday counts."""
    open_day, closed_day = b"\x01" * MINUTES_IN_DAY, bytes(MINUTES_IN_DAY)
    return tuple(open_day if weekday in WORKING_WEEKDAYS else closed_day for weekday in range(7))


class Presence:
    """Opening minutes of each service of a town, and its closed days."""

    def __init__(self, organisation: Organisation) -> None:
        self.weeks: dict[int, Week] = {}
        self.without_hours: set[int] = set()
        for service_id, slots in service_slots(organisation).items():
            if not slots:
                self.without_hours.add(service_id)
            self.weeks[service_id] = _week(slots) if slots else _working_days_week()
        self._calendar = calendar_for(organisation)
        self._days_off: dict[int, set[dt.date]] = {}

    def closed(self, day: dt.date) -> bool:
        """A public holiday or a closure day (weekends are left to the opening hours)."""
        days = self._days_off.get(day.year)
        if days is None:
            days = self._days_off[day.year] = {when for when, _ in self._calendar.days_off(day.year)}
        return day in days

    def closed_days(self, first_year: int, last_year: int) -> frozenset[dt.date]:
        """Public holidays and closure days of these years, as a set a reading process can hold."""
        return frozenset(day for year in range(first_year, last_year + 1) for day, _ in self._calendar.days_off(year))

    def week(self, service_id: int) -> Week:
        return self.weeks.get(service_id) or _working_days_week()

    def is_open(self, service_id: int, local: dt.datetime) -> bool:
        """Whether a call starting at this local (Paris) time is presented to the service."""
        if self.closed(local.date()):
            return False
        return bool(self.week(service_id)[local.weekday()][local.hour * 60 + local.minute])
