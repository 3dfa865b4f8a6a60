"""Calls follow the town's calendar (domain.md, "The calendar moves, the figures follow").

A call is presented when it starts within its service's opening hours on a day the town is
open (telephony.hours). When a closure day is added or removed, the holiday zone or the Whit
Monday setting changes, a service's opening hours change or it moves to another site
(core.registries.calendar_changed), the calls concerned are judged again in set operations:
one UPDATE per month of changed days (read through the day index), or one per change of
opening hours over the services concerned. The counts of the calls that changed side move to
the other side in the summary rows (telephony.summaries.switch_sides: only those calls are
read, not their months; on PostgreSQL counted by the UPDATE itself, `flip_counting`) and the
indicators of those months are told (telephony.actions). Closing a day needs only the
calendar: the opening hours are read when a day opens or a service's hours change.

The local minute a call started is not stored: it is the stored local half-hour's hour plus
the minute of the stored UTC start. That holds because every town's time zone is a whole
number of hours from UTC (core.localtime.TOWN_TIME_ZONES, checked by a test), so the minute
of the hour is the same in UTC and in the town."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import connection, transaction

from core.closing import closed_years
from core.models import Organisation
from core.registries import CalendarChange
from core.workdays import calendar_for
from telephony.actions import calls_changed
from telephony.hours import MINUTES_IN_DAY, Presence, Week
from telephony.models import Call
from telephony.summaries import counts_where, flip_counting, switch_sides

UTC_MINUTE = {
    "sqlite": "CAST(strftime('%%M', started_at) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(MINUTE FROM started_at) AS INTEGER)",
}


def local_minute_sql() -> str:
    """The minute of the local day a call started (0 to 1439), from stored columns."""
    return f"((half_hour / 2) * 60 + {UTC_MINUTE[connection.vendor]})"


def open_runs(day: bytes) -> list[tuple[int, int]]:
    """The [start, end) minutes of each opening run of one weekday."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for minute in range(MINUTES_IN_DAY + 1):
        is_open = minute < MINUTES_IN_DAY and day[minute] == 1
        if is_open and start is None:
            start = minute
        elif not is_open and start is not None:
            runs.append((start, minute))
            start = None
    return runs


def _week_condition(week: Week, minute: str) -> str:
    terms = []
    for weekday, day in enumerate(week):
        for start, end in open_runs(day):
            if (start, end) == (0, MINUTES_IN_DAY):
                terms.append(f"weekday = {weekday:d}")
            else:
                terms.append(f"(weekday = {weekday:d} AND {minute} >= {start:d} AND {minute} < {end:d})")
    return f"({' OR '.join(terms)})" if terms else "FALSE"


def opening_hours_sql(presence: Presence, services: Iterable[int]) -> str:
    """Whether a call of one of `services` starts within its service's weekly opening hours
    (closed days aside), as SQL over the call's stored columns; FALSE for any other service.
    Every value is an integer written here, none comes from a person."""
    minute = local_minute_sql()
    cases = " ".join(
        f"WHEN {service:d} THEN {_week_condition(presence.week(service), minute)}" for service in sorted(services)
    )
    return f"CASE service_id {cases} ELSE FALSE END" if cases else "FALSE"


def _table() -> str:
    return connection.ops.quote_name(Call._meta.db_table)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _switch(
    organisation: Organisation, stale: str, params: list[Any], in_hours: str, in_hours_params: list[Any]
) -> dict[dt.date, int]:
    """The town's calls matching `stale` (those whose judgement changes) take the value of
    `in_hours`, and their counts move to the other side in the summary rows. Calls moved, by
    month. PostgreSQL counts them as it updates them (`flip_counting`: one statement, the calls
    read once); SQLite counts them first (`counts_where`), which costs no round trip there."""
    if connection.vendor == "postgresql":
        stats, slots = flip_counting(organisation, stale, params, in_hours, in_hours_params)
    else:
        stats, slots = counts_where(organisation, stale, params)
        if stats:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {_table()} SET in_hours = {in_hours} WHERE organisation_id = %s "  # noqa: S608
                    f"AND service_id IS NOT NULL AND ({stale})",
                    [*in_hours_params, organisation.pk, *params],
                )
    if not stats:
        return {}
    switch_sides(organisation, stats, slots)
    moved: dict[dt.date, int] = defaultdict(int)
    for key, (calls, _talk) in stats.items():
        moved[dt.date.fromisoformat(key[0])] += calls
    return moved


def _rejudge_days(
    organisation: Organisation, presence: Callable[[], Presence], days: Iterable[dt.date]
) -> Counter[dt.date]:
    """Judge again the calls of days that opened or closed: those of a closed day leave the
    opening hours, those of an open day follow their service's hours. Calls moved, by month.
    Closing a day needs only the calendar: the opening hours (`presence()`) are read only when
    a day opened."""
    days = sorted(set(days))
    off = {when for year in {day.year for day in days} for when, _ in calendar_for(organisation).days_off(year)}
    by_month: dict[dt.date, list[dt.date]] = defaultdict(list)
    for day in days:
        by_month[day.replace(day=1)].append(day)
    moved: Counter[dt.date] = Counter()
    in_hours = ""
    for month_days in by_month.values():
        closed = [day for day in month_days if day in off]
        opened = [day for day in month_days if day not in off]
        if closed:
            stale = f"local_date IN ({_placeholders(closed)}) AND in_hours"
            moved.update(_switch(organisation, stale, closed, "FALSE", []))
        if opened:
            in_hours = in_hours or opening_hours_sql(presence(), presence().weeks)
            stale = f"local_date IN ({_placeholders(opened)}) AND in_hours <> {in_hours}"
            moved.update(_switch(organisation, stale, opened, in_hours, []))
    return moved


def _rejudge_services(organisation: Organisation, presence: Presence, services: frozenset[int]) -> dict[dt.date, int]:
    """Judge again every call of services whose opening hours changed. Calls moved, by month."""
    service_ids = sorted(services)
    of_services = f"service_id IN ({_placeholders(service_ids)})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(local_date), MAX(local_date) FROM {_table()} WHERE organisation_id = %s AND {of_services}",  # noqa: S608
            [organisation.pk, *service_ids],
        )
        first, last = (_day(value) for value in cursor.fetchone())
    if first is None or last is None:
        return {}
    closed = sorted(day for day in presence.closed_days(first.year, last.year) if first <= day <= last)
    closed_test = f"local_date IN ({_placeholders(closed)})" if closed else "FALSE"
    in_hours = f"(CASE WHEN {closed_test} THEN FALSE ELSE {opening_hours_sql(presence, services)} END)"
    return _switch(organisation, f"{of_services} AND in_hours <> {in_hours}", [*service_ids, *closed], in_hours, closed)


def _day(value: Any) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


@transaction.atomic(savepoint=False)  # within the calendar change's transaction: all or nothing
def follow_calendar(organisation: Organisation, change: CalendarChange) -> int:
    """Judge again the calls a calendar change concerns, move their counts in the summary rows
    and tell the indicators of the months where one changed side. Returns how many calls moved
    in or out of the opening hours."""
    presence = cache(lambda: Presence(organisation))  # read once, and only if needed
    moved: Counter[dt.date] = Counter()
    closed = closed_years(organisation)  # a closed year's calls stay as closed (core.closing)
    days = [day for day in change.days if day.year not in closed]
    if days:
        moved.update(_rejudge_days(organisation, presence, days))
    if change.services:
        moved.update(_rejudge_services(organisation, presence(), change.services))
    calls_changed(organisation=organisation, months=set(moved))
    return sum(moved.values())
