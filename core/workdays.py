"""The working-day calendar of an organisation: its holiday zone plus its closure days.

Working days (jours ouvrés) run Monday to Friday, business days (jours ouvrables) Monday to
Saturday; both exclude public holidays and the town's closure days. The day of receipt is
day 0 and is never counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

from core.models import ClosureDay, Organisation

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=256)
def public_holidays(zone: str, year: int) -> dict[dt.date, str]:
    """The public holidays of a French zone ("" for metropolitan France) in one year."""
    calendar = holidays.France(subdiv=zone or None, years=year, language="fr")
    return dict(calendar.items())


@dataclass(frozen=True)
class WorkingCalendar:
    zone: str = ""
    closure_days: dict[dt.date, str] = field(default_factory=dict)

    def non_working_reason(self, day: dt.date, *, business: bool = False) -> str | None:
        """Why `day` is not worked, or None when it is."""
        last_worked_weekday = SATURDAY if business else SATURDAY - 1
        if day.weekday() > last_worked_weekday:
            return "dimanche" if day.weekday() == 6 else "samedi"
        holiday = public_holidays(self.zone, day.year).get(day)
        if holiday:
            return holiday
        return self.closure_days.get(day)

    def is_working_day(self, day: dt.date, *, business: bool = False) -> bool:
        return self.non_working_reason(day, business=business) is None

    def add_working_days(self, start: dt.date, count: int, *, business: bool = False) -> dt.date:
        """The `count`-th working day after `start` (start itself is day 0)."""
        if count < 0:
            raise ValueError("Le nombre de jours doit être positif ou nul.")
        day = start
        remaining = count
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day, business=business):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date, *, business: bool = False) -> int:
        """How many working days fall after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start, business=business)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=offset), business=business)
        )

    def days_off(self, year: int) -> list[tuple[dt.date, str]]:
        """Public holidays and closure days of a year, in date order (weekends left out)."""
        days = dict(public_holidays(self.zone, year))
        for day, label in self.closure_days.items():
            if day.year == year:
                days[day] = f"{days[day]} ; {label}" if day in days else label
        return sorted(days.items())


def calendar_for(organisation: Organisation) -> WorkingCalendar:
    """The working calendar of an organisation, with its closure days loaded once."""
    closures = ClosureDay.objects.filter(organisation=organisation).values_list("date", "label")
    return WorkingCalendar(zone=organisation.holiday_zone, closure_days=dict(closures))
