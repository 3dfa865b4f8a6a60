"""The monthly summary rows of calls (`CallMonthStat`, `CallSlotStat`): additive counts that
figures and indicators read instead of the raw calls.

An import adds its chunks' counts once per writing transaction, before it commits (`add_counts`,
imports.runs.TRANSACTION_ROWS); a tally, a
correction or an import that met already-known calls rebuilds the months concerned from the
calls (`rebuild_months`), in SQL, reading only those months through the day index. Calls judged
again after a calendar change move their counts to the other side of the opening hours
(`counts_where` then the UPDATE, or on PostgreSQL `flip_counting`, one statement; then
`switch_sides`), reading only the calls that changed side.

An answered call's wait in the rows is its measured wait, else its rings heard × the town's
ring cycle (`ring_wait`), else UNKNOWN_WAIT. A call keeps its rings rather than a wait computed
from them: after a change of ring cycle, rebuilding the months that hold such calls makes the
rows true again, with no call rewritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeAlias

from django.db import connection, transaction

from core.models import Organisation
from core.periods import add_months
from telephony.models import NO_LINE, UNKNOWN_WAIT, Call, CallMonthStat, CallOutcome, CallSlotStat

StatKey = tuple[str, int, int, bool, str, int]  # month, service, line, in hours, outcome, wait
SlotKey = tuple[str, int, int, bool, int, int]  # month, service, line, in hours, weekday, half-hour


def cycle_tenths(organisation: Organisation) -> int:
    """The ring cycle in tenths of a second (the setting has one decimal place)."""
    return int(Decimal(organisation.ring_cycle_seconds) * 10)


def ring_wait(rings: int, tenths: int) -> int:
    """The whole-second wait of `rings` rings heard: ⌊rings × cycle⌋, as the SQL below."""
    return rings * tenths // 10


def _table(model: type[CallMonthStat] | type[CallSlotStat] | type[Call]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


STAT_COLUMNS = ("month", "service_id", "line_key", "in_hours", "outcome", "wait_seconds")
SLOT_COLUMNS = ("month", "service_id", "line_key", "in_hours", "weekday", "half_hour")
# PostgreSQL: the array type of each column, keys then counts, for `unnest`.
STAT_ARRAYS = ("date", "bigint", "bigint", "boolean", "text", "integer", "bigint", "bigint")
SLOT_ARRAYS = ("date", "bigint", "bigint", "boolean", "smallint", "smallint", "bigint", "bigint")


def add_counts(organisation: Organisation, stats: dict[StatKey, list[int]], slots: dict[SlotKey, list[int]]) -> None:
    """Add a batch's counts to the summary rows (inside the caller's transaction): stats
    [calls, talk seconds] and slots [calls, answered], keyed like the rows."""
    if not stats:
        return
    _add(organisation, CallMonthStat, STAT_COLUMNS, ("calls", "talk_seconds"), STAT_ARRAYS, stats)
    _add(organisation, CallSlotStat, SLOT_COLUMNS, ("calls", "answered"), SLOT_ARRAYS, slots)


def _add(
    organisation: Organisation,
    model: type[CallMonthStat] | type[CallSlotStat],
    keys: tuple[str, ...],
    counts: tuple[str, ...],
    arrays: tuple[str, ...],
    added: dict[Any, list[int]],
) -> None:
    """Add counts to one summary table: on PostgreSQL in one statement over arrays (`unnest`),
    a few thousand rows a chunk; on SQLite one row per statement, which costs little there."""
    table = _table(model)
    columns = ", ".join(("organisation_id", *keys, *counts))
    update = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in counts)
    conflict = f"ON CONFLICT (organisation_id, {', '.join(keys)}) DO UPDATE SET {update}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each column goes as one comma-separated text, split by the server: adapting
            # thousands of values one by one as array items costs more than the insert.
            values = [(*key, *numbers) for key, numbers in added.items()]
            unnest = ", ".join(f"string_to_array(%s, ',')::{kind}[]" for kind in arrays)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, * FROM unnest({unnest}) {conflict}",  # noqa: S608
                [organisation.pk, *(",".join(map(str, column)) for column in zip(*values, strict=True))],
            )
            return
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (1 + len(keys) + len(counts)))}) {conflict}",  # noqa: S608
            [(organisation.pk, dt.date.fromisoformat(key[0]), *key[1:], *numbers) for key, numbers in added.items()],
        )


ANSWERED = CallOutcome.ANSWERED.value
LINE_KEY = f"COALESCE(line_id, {NO_LINE})"
TALK = f"CASE WHEN outcome = '{ANSWERED}' THEN talk_seconds ELSE 0 END"


def _wait(organisation: Organisation) -> str:
    """A call's wait as the summary rows count it: measured, else rings × cycle, else unknown."""
    from_rings = f"(rings * {cycle_tenths(organisation):d}) / 10"  # integers: ⌊rings × cycle⌋ in SQLite and PostgreSQL
    known = f"COALESCE(wait_seconds, {from_rings}, {UNKNOWN_WAIT})"
    return f"CASE WHEN outcome = '{ANSWERED}' THEN {known} ELSE {UNKNOWN_WAIT} END"


def _month_text(month: Any) -> str:
    return month.isoformat() if isinstance(month, dt.date) else str(month)


def counts_where(
    organisation: Organisation, where: str, params: list[Any]
) -> tuple[dict[StatKey, list[int]], dict[SlotKey, list[int]]]:
    """The counts of the town's calls matching `where` (SQL over the call's columns, with its
    `params`), keyed like the summary rows: what they add to them now."""
    calls = _table(Call)
    wait = _wait(organisation)
    selected = f"FROM {calls} WHERE organisation_id = %s AND service_id IS NOT NULL AND ({where})"
    stats: dict[StatKey, list[int]] = {}
    slots: dict[SlotKey, list[int]] = {}
    with connection.cursor() as cursor:
        stat_key = f"local_month, service_id, {LINE_KEY}, in_hours, outcome, {wait}"
        cursor.execute(
            f"SELECT {stat_key}, COUNT(*), SUM({TALK}) {selected} GROUP BY {stat_key}",
            [organisation.pk, *params],
        )
        for month, service, line, in_hours, outcome, wait_seconds, calls_count, talk in cursor.fetchall():
            key = (_month_text(month), service, line, bool(in_hours), outcome, wait_seconds)
            stats[key] = [calls_count, talk or 0]
        slot_key = f"local_month, service_id, {LINE_KEY}, in_hours, weekday, half_hour"
        answered = f"SUM(CASE WHEN outcome = '{ANSWERED}' THEN 1 ELSE 0 END)"
        cursor.execute(
            f"SELECT {slot_key}, COUNT(*), {answered} {selected} GROUP BY {slot_key}",
            [organisation.pk, *params],
        )
        for month, service, line, in_hours, weekday, half_hour, calls_count, answers in cursor.fetchall():
            slots[(_month_text(month), service, line, bool(in_hours), weekday, half_hour)] = [calls_count, answers]
    return stats, slots


def flip_counting(
    organisation: Organisation, where: str, params: list[Any], in_hours: str, in_hours_params: list[Any]
) -> tuple[dict[StatKey, list[int]], dict[SlotKey, list[int]]]:
    """PostgreSQL: the town's calls matching `where` take the value of `in_hours` (another
    than theirs: they change side of the opening hours), and their counts before the change
    come back keyed like the summary rows, as `counts_where` reads them before an UPDATE: one
    statement that reads the calls once instead of three (an UPDATE returning its rows, grouped
    by both summaries' keys at once)."""
    calls, wait = _table(Call), _wait(organisation)
    stat_key = "local_month, service_id, line_key, was_in_hours, outcome, wait"
    slot_key = "local_month, service_id, line_key, was_in_hours, weekday, half_hour"
    stats: dict[StatKey, list[int]] = {}
    slots: dict[SlotKey, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH moved AS (UPDATE {calls} SET in_hours = {in_hours} "  # noqa: S608
            f"WHERE organisation_id = %s AND service_id IS NOT NULL AND ({where}) "
            f"RETURNING local_month, service_id, {LINE_KEY} AS line_key, NOT in_hours AS was_in_hours, outcome, "
            f"{wait} AS wait, {TALK} AS talk, weekday, half_hour) "
            f"SELECT local_month, service_id, line_key, was_in_hours, outcome, wait, weekday, half_hour, COUNT(*), "
            f"SUM(talk), SUM(CASE WHEN outcome = '{ANSWERED}' THEN 1 ELSE 0 END), GROUPING(weekday) FROM moved "
            f"GROUP BY GROUPING SETS (({stat_key}), ({slot_key}))",
            [*in_hours_params, organisation.pk, *params],
        )
        for (
            month,
            service,
            line,
            was,
            outcome,
            wait_seconds,
            weekday,
            half_hour,
            count,
            talk,
            answered,
            of_stats,
        ) in cursor.fetchall():
            if of_stats:
                stats[(_month_text(month), service, line, bool(was), outcome, wait_seconds)] = [count, talk or 0]
            else:
                slots[(_month_text(month), service, line, bool(was), weekday, half_hour)] = [count, answered]
    return stats, slots


def subtract_counts(
    organisation: Organisation, stats: dict[StatKey, list[int]], slots: dict[SlotKey, list[int]]
) -> bool:
    """Take these counts off the summary rows (rows left with no call go); False when a row
    lacks them (rows never built)."""
    done = _subtract(organisation, CallMonthStat, STAT_COLUMNS, ("calls", "talk_seconds"), STAT_ARRAYS, stats)
    done += _subtract(organisation, CallSlotStat, SLOT_COLUMNS, ("calls", "answered"), SLOT_ARRAYS, slots)
    months = sorted({dt.date.fromisoformat(key[0]) for key in stats})
    with connection.cursor() as cursor:
        for table in (_table(CallMonthStat), _table(CallSlotStat)):
            cursor.execute(
                f"DELETE FROM {table} WHERE organisation_id = %s AND calls = 0 "  # noqa: S608
                f"AND month IN ({', '.join(['%s'] * len(months))})",
                [organisation.pk, *months],
            )
    return done == len(stats) + len(slots)


def _subtract(
    organisation: Organisation,
    model: type[CallMonthStat] | type[CallSlotStat],
    keys: tuple[str, ...],
    counts: tuple[str, ...],
    arrays: tuple[str, ...],
    taken: dict[Any, list[int]],
) -> int:
    """Take counts off the rows of one summary table that hold at least them; returns how many
    rows were changed. On PostgreSQL one statement over arrays (`unnest`, as `_add`): one
    UPDATE per row costs a parse and a plan each there (a few hundred rows for a closed day);
    on SQLite one prepared statement per row, which costs little there."""
    if not taken:
        return 0
    table = _table(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = [(*key, *numbers) for key, numbers in taken.items()]
            unnest = ", ".join(f"string_to_array(%s, ',')::{kind}[]" for kind in arrays)
            update = ", ".join(f"{name} = {table}.{name} - taken.{name}" for name in counts)
            match = " AND ".join(
                [
                    *(f"{table}.{name} = taken.{name}" for name in keys),
                    *(f"{table}.{name} >= taken.{name}" for name in counts),
                ]
            )
            cursor.execute(
                f"UPDATE {table} SET {update} FROM unnest({unnest}) AS taken({', '.join((*keys, *counts))}) "  # noqa: S608
                f"WHERE {table}.organisation_id = %s AND {match}",
                [*(",".join(map(str, column)) for column in zip(*values, strict=True)), organisation.pk],
            )
            return int(cursor.rowcount)
        update = ", ".join(f"{name} = {name} - %s" for name in counts)
        match = " AND ".join([*(f"{name} = %s" for name in keys), *(f"{name} >= %s" for name in counts)])
        cursor.executemany(
            f"UPDATE {table} SET {update} WHERE organisation_id = %s AND {match}",  # noqa: S608
            [
                (*numbers, organisation.pk, dt.date.fromisoformat(key[0]), *key[1:], *numbers)
                for key, numbers in taken.items()
            ],
        )
        return int(cursor.rowcount)


Counts: TypeAlias = tuple[dict[StatKey, list[int]], dict[SlotKey, list[int]]]


def move_counts(organisation: Organisation, before: Counts, after: Counts) -> None:
    """Calls counted as `before` (keyed like the summary rows) are now, once the calls
    themselves are updated, counted as `after`: the summary rows follow, inside the caller's
    transaction. Rows that do not hold `before` (never built) are rebuilt from the calls instead."""
    if before[0] and not subtract_counts(organisation, *before):
        rebuild_months(organisation, {dt.date.fromisoformat(key[0]) for key in (*before[0], *after[0])})
        return
    add_counts(organisation, *after)


def switch_sides(organisation: Organisation, stats: dict[StatKey, list[int]], slots: dict[SlotKey, list[int]]) -> None:
    """Calls counted in `stats` and `slots` (`counts_where` before they changed) moved to the
    other side of the opening hours: their counts move with them (`move_counts`)."""
    flipped_stats = {(*key[:3], not key[3], *key[4:]): counts for key, counts in stats.items()}
    flipped_slots = {(*key[:3], not key[3], *key[4:]): counts for key, counts in slots.items()}
    move_counts(organisation, (stats, slots), (flipped_stats, flipped_slots))  # type: ignore[arg-type]


@transaction.atomic
def rebuild_months(organisation: Organisation, months: Iterable[dt.date]) -> None:
    """Rebuild the summary rows of these months from the calls (read through the day index)."""
    months = sorted({month.replace(day=1) for month in months})
    if not months:
        return
    CallMonthStat.objects.filter(organisation=organisation, month__in=months).delete()
    CallSlotStat.objects.filter(organisation=organisation, month__in=months).delete()
    for month in months:
        _rebuild_month(organisation, month)


def _rebuild_month(organisation: Organisation, month: dt.date) -> None:
    calls, stat, slot = _table(Call), _table(CallMonthStat), _table(CallSlotStat)
    where = "organisation_id = %s AND local_date >= %s AND local_date < %s AND service_id IS NOT NULL"
    wait, talk, line = _wait(organisation), TALK, LINE_KEY
    params: list[Any] = [organisation.pk, month, add_months(month, 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {stat} (organisation_id, month, service_id, line_key, in_hours, outcome, wait_seconds, "  # noqa: S608
            f"calls, talk_seconds) SELECT organisation_id, local_month, service_id, {line}, in_hours, outcome, "
            f"{wait}, COUNT(*), SUM({talk}) FROM {calls} WHERE {where} "
            f"GROUP BY organisation_id, local_month, service_id, {line}, in_hours, outcome, {wait}",
            params,
        )
        cursor.execute(
            f"INSERT INTO {slot} (organisation_id, month, service_id, line_key, in_hours, weekday, half_hour, "  # noqa: S608
            f"calls, answered) SELECT organisation_id, local_month, service_id, {line}, in_hours, weekday, "
            f"half_hour, COUNT(*), SUM(CASE WHEN outcome = '{ANSWERED}' THEN 1 ELSE 0 END) FROM {calls} "
            f"WHERE {where} GROUP BY organisation_id, local_month, service_id, {line}, in_hours, weekday, half_hour",
            params,
        )
