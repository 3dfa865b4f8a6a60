"""THE deadline mechanism shared by the registers with an answer deadline: written requests,
civil-registry acts and complaints (domain.md, "Written requests, acts, complaints: deadlines").

Three small pieces, all pure functions of their arguments (time is an argument):

- `due_date(calendar, received_on, days, business)`: the day of receipt is day 0 and is never
  counted; the due date is the `days`-th working day after it (Monday to Friday, or Monday to
  Saturday when `business`), minus the zone's public holidays and the town's closure days.
  `Deadline(days, business_days)` is a register's rule as applied to one item, with its
  French label and `due_on(calendar, received_on)`.
- `deadline_status(due_on, answered_on, today)`: where one item stands.
- `count_deadlines(items, period=, today=, holding_reply_counts=)`: the indicator of a period.
  It counts the items DUE in the period: on time when answered on or before the due date;
  late when answered after it, or still unanswered once it has passed; an item still open
  and not yet past its due date is not counted, so an unanswered item can never improve a
  score. When the town says so (setting), a holding reply that gives a date, sent on or
  before the due date, counts as the answer.

When the town's calendar changes (a closure day added or removed, another holiday zone,
Whit Monday worked or not), whoever changed it calls
`core.registries.calendar_changed(organisation=, actor=, change=)`: every register that stores
due dates has registered a listener (`CALENDAR_LISTENERS`) that moves them in set operations
(`move_due_dates`, `follow_calendar`), closed items included.

A register keeps `due_on` stored (indexed, so that "items due in March" is a range query) and
computes it with `due_date`; the metric then reads `(id, due_on, answered_on, holding reply)`
rows and hands them to `count_deadlines`, and `measure_of` turns the count into a
`core.metrics.Measure`. The API is small and stable: complaints use it too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias

from django.db import connection, models
from django.db.models import BooleanField, DateField, F, Q
from django.db.models.expressions import RawSQL

from core.closing import without_closed_years
from core.metrics import Measure
from core.models import Organisation
from core.periods import Period
from core.registries import records_changed
from core.workdays import WorkingCalendar, calendar_for


class DeadlineStatus(StrEnum):
    ON_TIME = "on_time"  # answered on or before the due date: counted, on time
    LATE = "late"  # answered after it, or unanswered once it has passed: counted, late
    PENDING = "pending"  # unanswered, the due date is today or later: not counted yet
    NOT_DUE = "not_due"  # no due date applies to the item: never counted


STATUS_LABELS = {
    DeadlineStatus.ON_TIME: "dans les délais",
    DeadlineStatus.LATE: "en retard",
    DeadlineStatus.PENDING: "en cours",
    DeadlineStatus.NOT_DUE: "sans échéance",
}
COUNTED = frozenset({DeadlineStatus.ON_TIME, DeadlineStatus.LATE})


def due_date(calendar: WorkingCalendar, received_on: dt.date, days: int, business: bool = False) -> dt.date:
    """The `days`-th working (or, with `business`, business) day after `received_on`.

    A deadline of 0 days is due on the day of receipt itself (a counter delivery: same day)."""
    return calendar.add_working_days(received_on, days, business=business)


@dataclass(frozen=True)
class Deadline:
    """A deadline as a register applies it to one item: `days` working (or, with
    `business_days`, business) days after the day of receipt."""

    days: int
    business_days: bool = False

    @property
    def unit(self) -> str:
        if self.business_days:
            return "jour ouvrable" if self.days <= 1 else "jours ouvrables"
        return "jour ouvré" if self.days <= 1 else "jours ouvrés"

    @property
    def label(self) -> str:
        return f"{self.days} {self.unit}"

    def due_on(self, calendar: WorkingCalendar, received_on: dt.date) -> dt.date:
        return due_date(calendar, received_on, self.days, self.business_days)


# "Due soon" on the homes' "À faire" and the register lists ("Échéance proche"): due from today
# to the 3rd working day after it (Monday to Friday, minus holidays and closure days), so that
# on a Friday it still reaches Wednesday.
DUE_SOON_WORKING_DAYS = 3


def due_soon_until(organisation: Organisation, today: dt.date) -> dt.date:
    """The last day an item counts as due soon: the DUE_SOON_WORKING_DAYS-th working day after
    `today` in the town's calendar. Its closure days are read once per organisation object (one
    request: a home asks every register's "À faire" with the same one)."""
    known: dict[dt.date, dt.date] = organisation.__dict__.setdefault("_due_soon_until", {})
    if today not in known:
        known[today] = calendar_for(organisation).add_working_days(today, DUE_SOON_WORKING_DAYS)
    return known[today]


def months_of(*days: dt.date | None) -> set[dt.date]:
    """The first day of the month of each day given (None skipped): the months whose
    indicator values a change touches."""
    return {day.replace(day=1) for day in days if day is not None}


def effective_answer(
    answered_on: dt.date | None,
    holding_reply_on: dt.date | None = None,
    *,
    holding_reply_counts: bool = False,
) -> dt.date | None:
    """The day that counts as the answer: the answer, or an earlier holding reply (one that
    gives a date: pass None when it gave none) when the town counts holding replies."""
    if holding_reply_counts and holding_reply_on is not None:
        return holding_reply_on if answered_on is None else min(answered_on, holding_reply_on)
    return answered_on


def future_day_error(day: dt.date | None, today: dt.date) -> str:
    """Why `day` cannot be recorded on `today` ("" when it can): a receipt, an answer or a
    delivery has happened, so it is not after today. The forms and the register imports ask
    this one rule."""
    if day is not None and day > today:
        return f"la date du {day:%d/%m/%Y} est dans le futur : une date passée ou celle du jour est attendue."
    return ""


def deadline_status(due_on: dt.date | None, answered_on: dt.date | None, today: dt.date) -> DeadlineStatus:
    """Where an item stands on `today`. An answer decides for good, whatever today is."""
    if due_on is None:
        return DeadlineStatus.NOT_DUE
    if answered_on is not None:
        return DeadlineStatus.ON_TIME if answered_on <= due_on else DeadlineStatus.LATE
    return DeadlineStatus.LATE if today > due_on else DeadlineStatus.PENDING


def is_overdue(due_on: dt.date | None, answered_on: dt.date | None, today: dt.date) -> bool:
    """Unanswered and past its due date."""
    return answered_on is None and due_on is not None and today > due_on


@dataclass(frozen=True)
class DeadlineItem:
    """One item of a register as the counting rule sees it. `holding_reply_on` is the day of
    a holding reply that gave a date for the full answer (None otherwise)."""

    id: int
    due_on: dt.date | None
    answered_on: dt.date | None
    holding_reply_on: dt.date | None = None


@dataclass(frozen=True)
class DeadlineCount:
    """The items of a period that count, split into on time and late (ids in input order)."""

    on_time: tuple[int, ...] = ()
    late: tuple[int, ...] = ()

    @property
    def numerator(self) -> int:
        return len(self.on_time)

    @property
    def denominator(self) -> int:
        return len(self.on_time) + len(self.late)

    @property
    def share(self) -> float | None:
        """Percentage on time (0 to 100), None when nothing counts."""
        return 100 * self.numerator / self.denominator if self.denominator else None

    @property
    def record_ids(self) -> tuple[int, ...]:
        return self.on_time + self.late


def count_deadlines(
    items: Iterable[DeadlineItem],
    *,
    period: Period | None = None,
    today: dt.date,
    holding_reply_counts: bool = False,
) -> DeadlineCount:
    """Apply the counting rule to `items`: those due in `period` (all of them when None) whose
    status on `today` is decided. Passing items already filtered on their due date is fine."""
    on_time: list[int] = []
    late: list[int] = []
    for item in items:
        if item.due_on is None or (period is not None and not period.contains(item.due_on)):
            continue
        answered = effective_answer(item.answered_on, item.holding_reply_on, holding_reply_counts=holding_reply_counts)
        status = deadline_status(item.due_on, answered, today)
        if status == DeadlineStatus.ON_TIME:
            on_time.append(item.id)
        elif status == DeadlineStatus.LATE:
            late.append(item.id)
    return DeadlineCount(on_time=tuple(on_time), late=tuple(late))


def measure_of(count: DeadlineCount) -> Measure | None:
    """The count as a metric's measure (a percentage), None when no item counts."""
    if not count.denominator:
        return None
    return Measure(
        value=count.share,
        numerator=count.numerator,
        denominator=count.denominator,
        sample_size=count.denominator,
        record_ids=count.record_ids,
    )


def move_due_dates(
    rows: models.QuerySet[Any],
    *,
    changed_days: Collection[dt.date],
    key_fields: Sequence[str],
    due_fields: Sequence[str],
    due_dates: Callable[[tuple[Any, ...]], tuple[dt.date | None, ...]],
) -> tuple[int, set[dt.date]]:
    """Move the stored due dates of a register's `rows` after the days `changed_days` opened or
    closed, in set operations: `due_dates(key)` gives the due dates (in `due_fields` order) of
    the items sharing the values of `key_fields` (which start with `received_on`), computed once
    per such group, and one UPDATE per hundred groups writes them with their version bumped (an
    open form cannot write the old date back). Only an item received before a changed day and
    due on or after one can move (the day of receipt is never counted), so only those are read.
    Returns how many items moved and the months of their old and new due dates."""
    if not changed_days:
        return 0, set()
    fields = [*key_fields, *due_fields]
    reach = Q()
    for field in due_fields:
        reach |= Q(**{f"{field}__gte": min(changed_days)})
    candidates = rows.filter(reach, received_on__lt=max(changed_days)).order_by()
    moves: list[tuple[tuple[Any, ...], tuple[dt.date | None, ...]]] = []
    months: set[dt.date] = set()
    for stored in candidates.values_list(*fields).distinct():
        old = stored[len(key_fields) :]
        new = due_dates(stored[: len(key_fields)])
        if new != old:
            moves.append((stored, new))
            months |= months_of(*old, *new)
    moved = 0
    for start in range(0, len(moves), 100):
        chunk = moves[start : start + 100]
        matches = [_matching(rows.model, fields, stored) for stored, _ in chunk]
        values = {
            field: _new_dates(
                rows.model, field, [(match, new[index]) for match, (_, new) in zip(matches, chunk, strict=True)]
            )
            for index, field in enumerate(due_fields)
        }
        where = RawSQL(  # noqa: S611 (column names from the model, every value a parameter)
            " OR ".join(sql for sql, _ in matches), [param for _, params in matches for param in params], BooleanField()
        )
        moved += candidates.filter(where).update(**values, version=F("version") + 1)
    return moved, months


Match: TypeAlias = tuple[str, list[Any]]


def _matching(model: type[models.Model], names: Sequence[str], values: Sequence[Any]) -> Match:
    """SQL matching the rows whose fields `names` hold `values` (None: empty), with its params.
    The groups of a due-date UPDATE are written so rather than as one Q each: building a
    hundred Q objects through Django's expressions cost more than the UPDATE itself."""
    terms, params = [], []
    for name, value in zip(names, values, strict=True):
        column = _column(model, name)
        if value is None:
            terms.append(f"{column} IS NULL")
        else:
            terms.append(f"{column} = %s")
            params.append(value)
    return f"({' AND '.join(terms)})", params


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(next(field.column for field in model._meta.concrete_fields if field.name == name))


def _new_dates(model: type[models.Model], field: str, news: list[tuple[Match, dt.date | None]]) -> RawSQL:
    """The new value of the date field `field` of the rows each match picks (the field itself
    elsewhere: it also gives the CASE its type when every new date is empty)."""
    column = _column(model, field)
    cases = " ".join(f"WHEN {sql} THEN %s" for (sql, _), _ in news)
    params = [param for (_, match_params), new in news for param in (*match_params, new)]
    return RawSQL(f"CASE {cases} ELSE {column} END", params, DateField())  # noqa: S611 (as _matching)


REGISTER_DEADLINE = ("received_on", "deadline_days", "business_days")


def follow_calendar(
    rows: models.QuerySet[Any], *, organisation: Organisation, changed_days: Collection[dt.date], metric_prefix: str
) -> int:
    """A register whose items keep their own deadline (`deadline_days`, `business_days`) after
    the town's calendar changed: their due dates move (closed items too, so that past periods
    are judged on the calendar the town now declares, except those of a closed year) and the
    indicators of the months touched are told. Returns how many moved."""
    calendar = calendar_for(organisation)
    moved, months = move_due_dates(
        without_closed_years(rows, "received_on"),  # a closed year's items stay as closed (core.closing)
        changed_days=changed_days,
        key_fields=REGISTER_DEADLINE,
        due_fields=("due_on",),
        due_dates=lambda key: (due_date(calendar, *key),),
    )
    records_changed(organisation=organisation, metric_prefix=metric_prefix, months=months)
    return moved
