"""The rhythm of a demo town hall: opening hours per service, its agents, arrivals by the
quarter-hour with a Monday-morning peak, a crowd around the lunch closing and a summer dip,
and aware local times that cost little per row."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.localtime import aware_local, local_stamp
from core.models import Membership, OpeningHours, Organisation, Role, Service, User
from core.workdays import WorkingCalendar
from demo.bulk import Row

ONE_DAY = dt.timedelta(days=1)
WEEKDAY_FACTOR = (1.25, 1.0, 1.1, 0.95, 0.9, 0.8, 0.0)
MONTH_FACTOR = (1.0, 1.0, 1.05, 1.0, 1.0, 1.05, 0.7, 0.55, 1.15, 1.05, 1.0, 0.9)


@dataclass(frozen=True)
class Town:
    organisation: Organisation
    calendar: WorkingCalendar
    hours: dict[int, dict[int, list[tuple[dt.time, dt.time]]]]  # service id → weekday → slots
    agents: dict[int, list[User]]  # service id → agents

    def agents_of(self, service_id: int) -> list[User | None]:
        """The service's agents, or [None] (no agent recorded) when it has none."""
        return [*self.agents.get(service_id, [])] or [None]


def weekly_hours(
    organisation: Organisation, services: list[Service]
) -> dict[int, dict[int, list[tuple[dt.time, dt.time]]]]:
    """Each service's own slots, or its site's when it has none (as OpeningHours says)."""
    slots = list(OpeningHours.objects.for_org(organisation).order_by("opens_at"))
    hours: dict[int, dict[int, list[tuple[dt.time, dt.time]]]] = {}
    for service in services:
        own = [slot for slot in slots if slot.service_id == service.pk]
        chosen = own or [slot for slot in slots if slot.site_id == service.site_id and slot.service_id is None]
        by_day: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
        for slot in chosen:
            by_day[slot.weekday].append((slot.opens_at, slot.closes_at))
        hours[service.pk] = dict(by_day)
    return hours


def agents_by_service(organisation: Organisation, services: list[Service]) -> dict[int, list[User]]:
    """The agents whose e-mail starts with the service code (accueil1@…), else every agent."""
    members = Membership.objects.for_org(organisation).filter(role=Role.AGENT).select_related("user")
    users = sorted((membership.user for membership in members), key=lambda user: user.email)
    return {
        service.pk: [user for user in users if user.email.startswith(service.code)] or users for service in services
    }


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here stay small)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def minutes_of(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


class DayClock:
    """Aware local times of one day. The clocks change at night, so the UTC offset read at
    noon holds for every opening hour of the day (and is read once, not per row)."""

    def __init__(self, day: dt.date, zone: ZoneInfo) -> None:
        noon = aware_local(dt.datetime(day.year, day.month, day.day, 12), zone)
        offset = noon.utcoffset() or dt.timedelta(0)
        self.day = day
        self.midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(offset))

    def at(self, minutes: float) -> dt.datetime:
        """The time `minutes` after midnight, to the second."""
        return self.midnight + dt.timedelta(seconds=round(minutes * 60))


def shape(weekday: int, minute: int, opens: int, closes: int) -> float:
    """How busy a minute of a slot is: a Monday-morning peak, a crowd just before the lunch
    closing and just after reopening (people on their lunch break), a late-afternoon bump."""
    factor = 1.0
    if weekday == 0 and minute < 12 * 60:
        factor *= 1.5
    if 11 * 60 + 15 <= minute < 12 * 60 or 13 * 60 + 30 <= minute < 14 * 60 + 15:
        factor *= 1.6
    if minute >= closes - 45 and minute >= 16 * 60:
        factor *= 1.2
    if minute < opens + 30 and minute < 10 * 60:
        factor *= 0.8
    return factor


def day_factor(day: dt.date, rng: random.Random) -> float:
    return WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR[day.month - 1] * rng.uniform(0.85, 1.15)


def arrivals(
    rng: random.Random, day: dt.date, slots: list[tuple[dt.time, dt.time]], per_day: float
) -> list[tuple[float, int]]:
    """Arrival minutes of a day, sorted, each with the index of its opening slot."""
    open_minutes = sum(minutes_of(closes) - minutes_of(opens) for opens, closes in slots)
    if not open_minutes:
        return []
    base = per_day / open_minutes
    result: list[tuple[float, int]] = []
    for index, (opens, closes) in enumerate(slots):
        first, last = minutes_of(opens), minutes_of(closes)
        for start in range(first, last, 15):
            end = min(start + 15, last)
            mean = base * (end - start) * shape(day.weekday(), start, first, last)
            result.extend((min(rng.uniform(start, end), end - 0.02), index) for _ in range(poisson(rng, mean)))
    return sorted(result)


def days_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def stamp_columns(moment: dt.datetime, zone: ZoneInfo) -> Row:
    stamp = local_stamp(moment, zone)
    return {
        "local_date": stamp.local_date,
        "local_month": stamp.local_month,
        "weekday": stamp.weekday,
        "half_hour": stamp.half_hour,
    }
