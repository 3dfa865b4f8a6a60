"""The slots a kind of appointment offers, and those still free.

A slot starts on a kind's booking hours (every `duration` from the start of a range, the last
one ending by its end), lies within its service's opening hours that weekday, on a day the town
is open (no public holiday of its zone, no closure day). Times are the town's wall-clock times,
so 09:00 stays 09:00 across a change of summer time. A slot is free while fewer live
appointments than the kind's capacity hold it; the public books from `notice_hours` ahead up to
`horizon_days` ahead, an agent from now on."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from appointments.models import LIVE_STATUSES, Appointment, AppointmentKind, BookingHours
from core.localtime import aware_local
from core.opening import Slot, service_slots
from core.workdays import calendar_for


@dataclass(frozen=True)
class FreeSlot:
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime
    seats_left: int


@dataclass(frozen=True)
class Offer:
    """What is needed to say which slots a kind offers: read once, then asked per day."""

    kind: AppointmentKind
    hours: list[tuple[int, dt.time, dt.time]]  # the kind's booking hours
    opening: list[Slot]  # its service's opening hours
    days_off: frozenset[dt.date]

    @classmethod
    def of(cls, kind: AppointmentKind, first_year: int, last_year: int) -> Offer:
        organisation = kind.organisation
        calendar = calendar_for(organisation)
        days_off = frozenset(
            day for year in range(first_year, last_year + 1) for day, _reason in calendar.days_off(year)
        )
        hours = list(BookingHours.objects.filter(kind=kind).values_list("weekday", "starts_at", "ends_at"))
        return cls(kind, hours, service_slots(organisation).get(kind.service_id, []), days_off)

    def starts(self, day: dt.date) -> Iterator[dt.datetime]:
        """The local wall-clock starts of the day's slots, in order."""
        if day in self.days_off:
            return
        duration = self.kind.duration
        opening = [(opens, closes) for weekday, opens, closes in self.opening if weekday == day.weekday()]
        starts: set[dt.datetime] = set()
        for weekday, first, last in self.hours:
            if weekday != day.weekday():
                continue
            start, end = dt.datetime.combine(day, first), dt.datetime.combine(day, last)
            while start + duration <= end:
                if any(
                    dt.datetime.combine(day, opens) <= start and start + duration <= dt.datetime.combine(day, closes)
                    for opens, closes in opening
                ):
                    starts.add(start)
                start += duration
        yield from sorted(starts)


def booking_window(kind: AppointmentKind, now: dt.datetime, *, public: bool) -> tuple[dt.datetime, dt.date]:
    """From when (aware) and up to which local day (included) a slot may be booked."""
    zone = kind.organisation.time_zone
    earliest = now + dt.timedelta(hours=kind.notice_hours) if public else now
    last_day = now.astimezone(zone).date() + dt.timedelta(days=kind.horizon_days)
    return earliest, last_day


def free_slots(
    kind: AppointmentKind, first_day: dt.date, last_day: dt.date, *, now: dt.datetime, public: bool
) -> list[FreeSlot]:
    """The free slots of the kind between two local days (included), bookable at `now`."""
    earliest, horizon = booking_window(kind, now, public=public)
    last_day = min(last_day, horizon)
    if last_day < first_day:
        return []
    zone = kind.organisation.time_zone
    offer = Offer.of(kind, first_day.year, last_day.year)
    taken = _seats_taken(kind, first_day, last_day)
    found = []
    day = first_day
    while day <= last_day:
        for local_start in offer.starts(day):
            starts_at = aware_local(local_start, zone)
            seats_left = kind.capacity - taken[starts_at]
            if starts_at >= earliest and seats_left > 0:
                found.append(FreeSlot(starts_at, starts_at + kind.duration, seats_left))
        day += dt.timedelta(days=1)
    return found


def is_offered(kind: AppointmentKind, starts_at: dt.datetime) -> bool:
    """Whether `starts_at` (aware) is the start of one of the kind's slots."""
    zone = kind.organisation.time_zone
    local = starts_at.astimezone(zone)
    offer = Offer.of(kind, local.year, local.year)
    return any(aware_local(start, zone) == starts_at for start in offer.starts(local.date()))


def _seats_taken(kind: AppointmentKind, first_day: dt.date, last_day: dt.date) -> Counter[dt.datetime]:
    rows = Appointment.objects.filter(
        organisation_id=kind.organisation_id,
        kind=kind,
        local_date__gte=first_day,
        local_date__lte=last_day,
        status__in=LIVE_STATUSES,
        seat__isnull=False,
    ).values_list("scheduled_at", flat=True)
    return Counter(rows)
