"""What the registers with an answer deadline share: written requests (`correspondence`) and
civil-registry act requests (`civil_registry`). Domain rules stay in each register (channels,
holding replies, formats and copies, same-day counter delivery); this module holds what is the
same in all of them:

- `RegisterRecord`: a row of a town's register with its reference and service;
- `RegisterCounter`: the last number given in each register of a town, per year, and
  `Numbering`: the register's references (`EC-2026-00042`), continuous per register and year
  as in a paper register, whatever the database's ids (`number_record` gives the next one);
- `RegisterItem`: an item to answer within a deadline (day of receipt, deadline applied,
  stored due date), its deadline status and the queryset scopes `open`, `overdue`, `due_soon`
  (`RegisterQuerySet`). Each register adds its own `status` field and says which statuses are
  open (`OPEN_STATUSES`) and which field holds the day of the answer (`ANSWER_FIELD`);
- `RegisterEvent`: the workflow log (core.workflow.WorkflowEvent), one row per step. Each
  register adds the foreign key to its item (named by `RECORD_FIELD`, `related_name="events"`),
  `from_status`, `to_status`, `on`;
- `Workflow`: the engine of core.workflow for a register, with its transitions table
  (`Transition`, re-exported here), its log, what its audit trail keeps, the prefix of its
  metrics, its `Numbering`. `Workflow.register` numbers and saves a new item; `Workflow.step`
  runs one step: allowed from the current status, written only if nobody saved the item
  meanwhile, logged, audited, and the indicators of the months concerned told;
- `deadline_fields`: the stored deadline of an item under a rule (registers.deadlines.Deadline);
  `follow_new_deadlines`: open items take the deadline the town's rules now give them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar, Self, TypeVar, cast

from django.db import connection, models
from django.db.models import F
from django.db.models.functions import Greatest

from core.audit import record_event
from core.closing import without_closed_years
from core.concurrency import Versioned
from core.models import OrgOwned, OrgQuerySet, Service, User
from core.workdays import WorkingCalendar
from core.workflow import Transition as Transition  # re-exported: each register's table
from core.workflow import Workflow as BaseWorkflow
from core.workflow import WorkflowEvent
from registers.deadlines import Deadline, DeadlineStatus, deadline_status, effective_answer, is_overdue, months_of


class RegisterRecord(OrgOwned, Versioned):
    """A row of a town's register: its reference, the town's own (an imported register) or the
    next number of the register (`Numbering`)."""

    reference = models.CharField("référence", max_length=64, blank=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def display_reference(self) -> str:
        return self.reference or f"n° {self.pk}"

    def indicator_days(self) -> tuple[dt.date | None, ...]:
        """The days the register's indicators count this record by: a change recomputes their months."""
        return ()


class RegisterCounter(OrgOwned):
    """The last number given in one register of a town for one year: the next registration
    takes `last_number + 1` (`Numbering.next_number`)."""

    register = models.CharField("registre", max_length=32)
    year = models.PositiveSmallIntegerField("année")
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur de registre"
        verbose_name_plural = "compteurs de registre"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "register", "year"], name="register_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.year} : {self.last_number}"


@dataclass(frozen=True)
class Numbering:
    """The references of one register: `prefix` + year + "-" + the number of the entry in
    that register and year, on five digits at least ("EC-" gives EC-2026-00001, EC-2026-00002…),
    the way a paper register is kept. `register` names the register's counter ("requests",
    "acts", "act_errors": the names of `import_register --register`)."""

    register: str
    prefix: str = ""

    def reference(self, year: int, number: int) -> str:
        return f"{self.prefix}{year}-{number:05d}"

    def highest_numbers(self, references: Iterable[str]) -> dict[int, int]:
        """The highest number of each year among `references` written as this register
        writes them (with or without the "QP-" of a clash); the others are ignored."""
        pattern = re.compile(rf"(?:QP-)?{re.escape(self.prefix)}(\d{{4}})-(\d{{5,}})")
        highest: dict[int, int] = {}
        for reference in references:
            match = pattern.fullmatch(reference)
            if match:
                year, number = int(match[1]), int(match[2])
                highest[year] = max(highest.get(year, 0), number)
        return highest

    def _create_counter(self, organisation_id: int, year: int) -> None:
        """The register's counter for `year`, created at 0 unless it exists (two at once: one wins)."""
        RegisterCounter.objects.bulk_create(
            [RegisterCounter(organisation_id=organisation_id, register=self.register, year=year)],
            ignore_conflicts=True,
        )

    def next_number(self, organisation_id: int, year: int) -> int:
        """Take the next number of the register for `year`, in the caller's transaction: the
        counter's row stays locked until it ends (on SQLite the IMMEDIATE transaction holds the
        database), so two registrations at once get two numbers, and a rollback gives the
        number back. The first of a year creates the counter; two first ones at once both
        insert "if absent" and then both increment."""
        table = RegisterCounter._meta.db_table
        sql = (
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 -- the model's own table name
            "WHERE organisation_id = %s AND register = %s AND year = %s RETURNING last_number"
        )
        for _ in range(2):
            with connection.cursor() as cursor:
                cursor.execute(sql, [organisation_id, self.register, year])
                row = cursor.fetchone()
            if row is not None:
                return int(row[0])
            self._create_counter(organisation_id, year)
        raise RuntimeError(f"No counter {self.register} {year}.")  # pragma: no cover -- created just above

    def follow(self, organisation_id: int, references: Iterable[str]) -> None:
        """Move the counters past the numbers of `references` (an imported register, the
        demo), never back, so that the next registration neither repeats nor clashes."""
        for year, number in self.highest_numbers(references).items():
            self._create_counter(organisation_id, year)
            RegisterCounter.objects.filter(organisation_id=organisation_id, register=self.register, year=year).update(
                last_number=Greatest(F("last_number"), number)
            )

    def number_record(self, record: RegisterRecord, year: int) -> None:
        """Give a new, unsaved record the next reference of its register for `year`, or "QP-"
        and it when a register imported earlier already uses it. The caller holds the
        transaction."""
        reference = self.reference(year, self.next_number(record.organisation_id, year))
        rows = type(record)._default_manager.filter(organisation_id=record.organisation_id)
        if rows.filter(reference=reference).exists():
            reference = f"QP-{reference}"
        record.reference = reference


class RegisterQuerySet(OrgQuerySet):
    def open(self) -> Self:
        """Items still waiting for their answer."""
        item = cast("type[RegisterItem]", self.model)
        return self.filter(status__in=item.OPEN_STATUSES, **{f"{item.ANSWER_FIELD}__isnull": True})

    def overdue(self, today: dt.date) -> Self:
        return self.open().filter(due_on__lt=today)

    def due_soon(self, today: dt.date, until: dt.date) -> Self:
        return self.open().filter(due_on__gte=today, due_on__lte=until)

    def chosen(self, filters: Mapping[str, Any], fields: Iterable[str]) -> Self:
        """Narrow to the value chosen for each of `fields` in a list's filters (empty: all)."""
        items = self
        for field in fields:
            if filters.get(field):
                items = items.filter(**{field: filters[field]})
        return items

    def received_between(self, first: dt.date | None, last: dt.date | None) -> Self:
        """Items received from `first` to `last`, both included; None leaves that end open."""
        items = self
        if first:
            items = items.filter(received_on__gte=first)
        if last:
            items = items.filter(received_on__lte=last)
        return items


class RegisterItem(RegisterRecord):
    """An item to answer within a deadline. `deadline_days` and `business_days` are the rule
    applied at registration; `due_on` follows from them in the town's calendar (stored and
    indexed, moved when the calendar changes: registers.deadlines.follow_calendar)."""

    received_on = models.DateField("reçue le")
    deadline_days = models.PositiveSmallIntegerField("délai (jours)")
    business_days = models.BooleanField("jours ouvrables", default=False)
    due_on = models.DateField("échéance")

    # Each register declares its `status` field, its open statuses and its answer's field.
    status: Any
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = ()
    ANSWER_FIELD: ClassVar[str] = "answered_on"

    objects = RegisterQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def answered_day(self) -> dt.date | None:
        day: dt.date | None = getattr(self, self.ANSWER_FIELD)
        return day

    def dated_holding_reply(self) -> dt.date | None:
        """The day of a holding reply that gave a date for the full answer; None without one."""
        return None

    def deadline_status(self, today: dt.date, *, holding_reply_counts: bool = False) -> DeadlineStatus:
        holding = self.dated_holding_reply()
        answer = effective_answer(self.answered_day, holding, holding_reply_counts=holding_reply_counts)
        return deadline_status(self.due_on, answer, today)

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and is_overdue(self.due_on, self.answered_day, today)

    def check_dates(self) -> None:
        """Raise a French ValidationError when the item's dates do not follow one another."""

    def indicator_days(self) -> tuple[dt.date | None, ...]:
        return (self.received_on, self.due_on)


class RegisterEvent(WorkflowEvent):
    """The workflow log of a register (core.workflow.WorkflowEvent): each register adds the
    foreign key to its item (named by `RECORD_FIELD`), `from_status`, `to_status` and `on`."""

    class Meta(WorkflowEvent.Meta):
        abstract = True


Item = TypeVar("Item", bound=RegisterItem)


@dataclass(frozen=True)
class Workflow(BaseWorkflow[Item]):
    """A register's workflow (core.workflow.Workflow): `numbering` gives its references,
    numbered per year of receipt."""

    numbering: Numbering = dataclass_field(kw_only=True)

    def validate(self, record: Item) -> None:
        record.check_dates()

    def indicator_months(self, record: Item) -> set[dt.date]:
        return months_of(*record.indicator_days())

    def closing_days(self, record: Item) -> tuple[dt.date | None, ...]:
        """An item belongs to the year of its receipt (core.closing)."""
        return (record.received_on,)

    def log_imported(self, items: Iterable[RegisterItem]) -> None:
        """One "import" log row per item just created from a register file."""
        rows = [self.event_model.of(item, action="import", on=item.received_on) for item in items]
        self.event_model._default_manager.bulk_create(rows)

    def changed(self, item: RegisterItem, *days: dt.date | None) -> None:
        self.tell(item.organisation, months_of(*days))

    def register(self, item: Item, *, actor: User | None) -> Item:
        """Save a new item with the next reference of its register for its year of receipt
        (a letter received on 31 December and registered on 2 January takes the old year's
        next number), log and audit its registration; an item received in a closed year goes
        through the closing guard (core.closing). The caller holds the transaction."""
        item.check_dates()
        self.numbering.number_record(item, item.received_on.year)
        item.save()
        after = self.audit(item)
        self.guard(item, action="register", actor=actor, days=self.closing_days(item), before=None, after=after)
        self.log(item, actor=actor, action="register", on=item.received_on)
        record_event(organisation=item.organisation, actor=actor, instance=item, action="create", after=after)
        self.changed(item, *item.indicator_days())
        return item

    def step(  # type: ignore[override]
        self,
        item: Item,
        action: str,
        *,
        actor: User | None,
        seen_version: int,
        changes: dict[str, Any],
        on: dt.date | None = None,
    ) -> Item:
        """Run step `action` on `item`, writing `changes` (core.workflow.Workflow.step), the
        day of the step `on` in its log row. The caller holds the transaction."""
        return super().step(item, action, actor=actor, changes=changes, seen_version=seen_version, log={"on": on})


DEADLINE_FIELDS = ["deadline_days", "business_days", "due_on"]


def deadline_fields(deadline: Deadline, calendar: WorkingCalendar, received_on: dt.date) -> dict[str, Any]:
    """The stored deadline of an item received on `received_on` under `deadline`."""
    return {
        "deadline_days": deadline.days,
        "business_days": deadline.business_days,
        "due_on": deadline.due_on(calendar, received_on),
    }


def follow_new_deadlines(
    items: RegisterQuerySet, deadline_of: Callable[[Any], Deadline], calendar: WorkingCalendar
) -> set[dt.date]:
    """The open items among `items` take the deadline `deadline_of(item)` gives them now (the
    answered ones keep the one they were given); their version moves on so that a form opened
    before cannot overwrite it. Returns the months of the due dates moved."""
    changed: list[RegisterItem] = []
    months: set[dt.date] = set()
    for item in without_closed_years(items.open(), "received_on"):  # closed years stay (core.closing)
        stored = deadline_fields(deadline_of(item), calendar, item.received_on)
        if stored != {name: getattr(item, name) for name in DEADLINE_FIELDS}:
            months |= months_of(item.due_on, stored["due_on"])
            for name, value in stored.items():
                setattr(item, name, value)
            changed.append(item)
    items.model._default_manager.bulk_update(changed, DEADLINE_FIELDS, batch_size=500)
    items.model._default_manager.filter(pk__in=[item.pk for item in changed]).update(version=F("version") + 1)
    return months
