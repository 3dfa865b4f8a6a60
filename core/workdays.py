"""The working-day calendar of an organisation: its holiday zone plus its closure days.

Working days (jours ouvrés) run Monday to Friday, business days (jours ouvrables) Monday to
Saturday; both exclude public holidays and the town's closure days. The day of receipt is
day 0 and is never counted: the due date of an N-day deadline is the N-th working day after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import holidays
from dateutil.easter import easter

from core.models import ClosureDay, Organisation, Weekday
from core.periods import MONTH_NAMES

ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5
SUNDAY = 6
# The `holidays` package knows Alsace as one zone and refuses its two departments.
ZONE_ALIASES = {"67": "6AE", "68": "6AE"}
CLOSURE_WITHOUT_LABEL = "fermeture de la mairie"


@lru_cache(maxsize=512)
def _holidays(zone: str, year: int) -> Mapping[dt.date, str]:
    """Read-only, so that no caller can alter what the cache hands to the next one."""
    subdivision = ZONE_ALIASES.get(zone, zone) or None
    try:
        calendar = holidays.France(subdiv=subdivision, years=year, language="fr")
    except NotImplementedError:
        raise ValueError(f"Zone de jours fériés inconnue : « {zone} ».") from None
    return MappingProxyType(dict(calendar.items()))


def public_holidays(zone: str, year: int) -> dict[dt.date, str]:
    """The public holidays of a French zone ("" for metropolitan France) in one year, with
    their French names. Zones are those of `core.models.HolidayZone`."""
    return dict(_holidays(zone, year))


def whit_monday(year: int) -> dt.date:
    """Lundi de Pentecôte: fifty days after Easter Sunday."""
    return easter(year) + dt.timedelta(days=50)


@dataclass(frozen=True)
class WorkingCalendar:
    zone: str = ""
    # Left out of the hash (a dict has none); equal calendars still hash equal.
    closure_days: dict[dt.date, str] = field(default_factory=dict, hash=False)
    # Many towns open on Whit Monday (journée de solidarité): it then counts as worked.
    works_whit_monday: bool = False

    def _public_holiday(self, day: dt.date) -> str | None:
        if self.works_whit_monday and day == whit_monday(day.year):
            return None
        return _holidays(self.zone, day.year).get(day)

    def non_working_reason(self, day: dt.date, *, business: bool = False) -> str | None:
        """Why `day` is not worked, or None when it is. A public holiday is named even when
        it falls on a weekend (15 August 2026 is a Saturday)."""
        holiday = self._public_holiday(day)
        if holiday:
            return holiday
        if day in self.closure_days:
            return self.closure_days[day] or CLOSURE_WITHOUT_LABEL
        weekday = day.weekday()
        if weekday == SUNDAY or (weekday == SATURDAY and not business):
            return Weekday(weekday).label
        return None

    def is_working_day(self, day: dt.date, *, business: bool = False) -> bool:
        return self.non_working_reason(day, business=business) is None

    def add_working_days(self, start: dt.date, count: int, *, business: bool = False) -> dt.date:
        """The `count`-th working day after `start` (start itself is day 0, so a count of 0
        gives `start`, worked or not)."""
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
        """How many working days fall after `start` up to and including `end`; negative
        (minus the count from `end` to `start`) when `end` comes first."""
        if end < start:
            return -self.working_days_between(end, start, business=business)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=offset), business=business)
        )

    def days_off(self, year: int) -> list[tuple[dt.date, str]]:
        """Public holidays and closure days of a year, in date order (weekends left out)."""
        days = public_holidays(self.zone, year)
        if self.works_whit_monday:
            days.pop(whit_monday(year), None)
        for day, label in self.closure_days.items():
            if day.year == year:
                label = label or CLOSURE_WITHOUT_LABEL
                days[day] = f"{days[day]} ; {label}" if day in days else label
        return sorted(days.items())


def calendar_for(organisation: Organisation) -> WorkingCalendar:
    """The working calendar of an organisation, with its closure days loaded once."""
    closures = ClosureDay.objects.filter(organisation=organisation).values_list("date", "label")
    return WorkingCalendar(
        zone=organisation.holiday_zone,
        closure_days=dict(closures),
        works_whit_monday=organisation.works_whit_monday,
    )


FIRST_FOLLOWED_YEAR = 2000  # records older than this do not follow a change of holiday zone
YEARS_AHEAD = 5  # due dates reach at most a few months ahead: five years is ample


def days_off_changed(before: WorkingCalendar, after: WorkingCalendar, *, today: dt.date) -> frozenset[dt.date]:
    """The days that are off in one calendar and not in the other (another holiday zone, Whit
    Monday worked or not), from FIRST_FOLLOWED_YEAR to YEARS_AHEAD years after `today`."""
    changed: set[dt.date] = set()
    for year in range(FIRST_FOLLOWED_YEAR, today.year + YEARS_AHEAD + 1):
        changed |= {day for day, _ in before.days_off(year)} ^ {day for day, _ in after.days_off(year)}
    return frozenset(changed)


def french_date(day: dt.date) -> str:
    """`day` as a French reader writes it: "lundi 3 août 2026", "mercredi 1er juillet 2026"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{Weekday(day.weekday()).label} {number} {MONTH_NAMES[day.month - 1]} {day.year}"
