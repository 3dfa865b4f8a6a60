"""Reporting periods: a month, a quarter or a year, written 2026-03, 2026-Q1 or 2026."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


GRANULARITY_LABELS = {Granularity.MONTH: "mois", Granularity.QUARTER: "trimestre", Granularity.YEAR: "année"}
MONTHS_IN = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}
PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def same_day_months_later(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day when it is shorter
    (a two-month delay from 31 December ends on 28 or 29 February)."""
    first = add_months(day, months)
    last = (add_months(first, 1) - dt.timedelta(days=1)).day
    return first.replace(day=min(day.day, last))


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    granularity: Granularity

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_PATTERN.match(text.strip())
        if not match or (match["month"] and not 1 <= int(match["month"]) <= 12):
            raise ValueError(f"Période « {text} » invalide : écrivez 2026-03, 2026-Q1 ou 2026.")
        year = int(match["year"])
        if match["month"]:
            return cls(dt.date(year, int(match["month"]), 1), Granularity.MONTH)
        if match["quarter"]:
            return cls(dt.date(year, 3 * int(match["quarter"]) - 2, 1), Granularity.QUARTER)
        return cls(dt.date(year, 1, 1), Granularity.YEAR)

    @classmethod
    def parse_or_none(cls, text: str) -> Period | None:
        """A period read leniently (a drill-down's `?periode=`): None when empty or not a period."""
        try:
            return cls.parse(text) if text.strip() else None
        except ValueError:
            return None

    @classmethod
    def containing(cls, day: dt.date, granularity: Granularity) -> Period:
        if granularity == Granularity.MONTH:
            return cls(day.replace(day=1), granularity)
        if granularity == Granularity.QUARTER:
            return cls(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), granularity)
        return cls(dt.date(day.year, 1, 1), granularity)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        return add_months(self.start, MONTHS_IN[self.granularity])

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        if self.granularity == Granularity.MONTH:
            return f"{self.start:%Y-%m}"
        if self.granularity == Granularity.QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.granularity == Granularity.MONTH:
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.granularity == Granularity.QUARTER:
            return f"{(self.start.month + 2) // 3}ᵉ trimestre {self.start.year}".replace("1ᵉ", "1ᵉʳ")
        return str(self.start.year)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def is_complete(self, today: dt.date) -> bool:
        """Whether the period is over on `today` (the town's local date): from the day after its
        last day on. Only a complete period gets a verdict; the current one is *en cours*."""
        return today >= self.end

    def previous(self) -> Period:
        return Period(add_months(self.start, -MONTHS_IN[self.granularity]), self.granularity)

    def months(self) -> list[Period]:
        return [Period(add_months(self.start, i), Granularity.MONTH) for i in range(MONTHS_IN[self.granularity])]

    def __str__(self) -> str:
        return self.key


def recent_periods(granularity: Granularity, today: dt.date, count: int) -> list[Period]:
    """The `count` periods up to the one containing `today`, newest first."""
    period = Period.containing(today, granularity)
    periods = []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return periods
