"""What the registers with an answer deadline share: written requests (`correspondence`) and
civil-registry act requests (`civil_registry`). Domain rules stay in each register (channels,
holding replies, formats and copies, same-day counter delivery); this module holds what is the
same in all of them:

- `RegisterRecord`: a row of a town's register with its reference and service, and
  `assign_reference` (a reference built on the row's id);
- `RegisterItem`: an item to answer within a deadline (day of receipt, deadline applied,
  stored due date), its deadline status and the queryset scopes `open`, `overdue`, `due_soon`
  (`RegisterQuerySet`). Each register adds its own `status` field and says which statuses are
  open (`OPEN_STATUSES`) and which field holds the day of the answer (`ANSWER_FIELD`);
- `RegisterEvent`: the workflow log, one row per step. Each register adds the foreign key to
  its item (named by `ITEM_FIELD`, `related_name="events"`), `from_status`, `to_status`, `on`;
- `Workflow` and `Transition`: a register's transitions table, its log, what its audit trail
  keeps, the prefix of its metrics. `Workflow.register` saves a new item; `Workflow.step` runs
  one step: allowed from the current status, written only if nobody saved the item meanwhile,
  logged, audited, and the indicators of the months concerned told;
- `deadline_fields`: the stored deadline of an item under a rule (core.deadlines.Deadline);
  `follow_new_deadlines`: open items take the deadline the town's rules now give them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from core.audit import record_event, snapshot
from core.concurrency import Versioned, save_if_unchanged
from core.deadlines import Deadline, DeadlineStatus, deadline_status, effective_answer, is_overdue, months_of
from core.models import OrgOwned, OrgQuerySet, Service, User
from core.registries import records_changed
from core.workdays import WorkingCalendar


class RegisterRecord(OrgOwned, Versioned):
    """A row of a town's register: the town's own reference (or one built on the row's id)."""

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


def assign_reference(record: RegisterRecord, reference: str) -> None:
    """Give a saved record `reference` (built on its id), or "QP-" and it when a register
    imported earlier already uses it."""
    rows = type(record)._default_manager.filter(organisation_id=record.organisation_id)
    if rows.filter(reference=reference).exists():
        reference = f"QP-{reference}"
    record.reference = reference
    rows.filter(pk=record.pk).update(reference=reference)


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
    indexed, moved when the calendar changes: core.deadlines.recompute_stored_due_dates)."""

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


class RegisterEvent(OrgOwned):
    """The workflow log of a register: one row per step of an item, no personal free text."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)

    # Each register names the foreign key to its item and gives its transitions table.
    ITEM_FIELD: ClassVar[str]
    TRANSITIONS: ClassVar[Mapping[str, Transition]] = {}

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"

    @classmethod
    def of(
        cls,
        item: RegisterItem,
        *,
        action: str,
        actor: User | None = None,
        from_status: str = "",
        on: dt.date | None = None,
    ) -> Self:
        """An unsaved log row of `item`, which has just reached its current status."""
        return cls(
            organisation_id=item.organisation_id,
            actor=actor if actor is not None and actor.pk else None,
            action=action,
            from_status=from_status,
            to_status=item.status,
            on=on,
            **{cls.ITEM_FIELD: item},
        )


@dataclass(frozen=True)
class Transition:
    label: str
    allowed_from: frozenset[str]  # empty: not a step of an existing item (registration, import)
    to_status: str | None  # None: the status does not change


Item = TypeVar("Item", bound=RegisterItem)


@dataclass(frozen=True)
class Workflow:
    """A register's workflow. `refusal` is the French message of a step not allowed from the
    item's status, with `{step}` and `{status}`; `reference_prefix` starts the references
    built on the row's id ("EC-" gives EC-2026-00042)."""

    transitions: Mapping[str, Transition]
    event_model: type[RegisterEvent]
    statuses: type[models.TextChoices]
    audit_fields: Sequence[str]
    metric_prefix: str
    refusal: str
    reference_prefix: str = ""

    def log(
        self, item: RegisterItem, *, actor: User | None, action: str, from_status: str = "", on: dt.date | None
    ) -> None:
        self.event_model.of(item, action=action, actor=actor, from_status=from_status, on=on).save()

    def log_imported(self, items: Iterable[RegisterItem]) -> None:
        """One "import" log row per item just created from a register file."""
        rows = [self.event_model.of(item, action="import", on=item.received_on) for item in items]
        self.event_model._default_manager.bulk_create(rows)

    def audit(self, item: RegisterItem) -> dict[str, Any]:
        """What the audit trail keeps of the item: never personal free text."""
        return snapshot(item, list(self.audit_fields))

    def changed(self, item: RegisterItem, *days: dt.date | None) -> None:
        records_changed(organisation=item.organisation, metric_prefix=self.metric_prefix, months=months_of(*days))

    def register(self, item: Item, *, actor: User | None) -> Item:
        """Save a new item, give it a reference built on its id, log and audit its
        registration. The caller holds the transaction."""
        item.check_dates()
        item.save()
        assign_reference(item, f"{self.reference_prefix}{item.received_on.year}-{item.pk:05d}")
        self.log(item, actor=actor, action="register", on=item.received_on)
        record_event(
            organisation=item.organisation, actor=actor, instance=item, action="create", after=self.audit(item)
        )
        self.changed(item, *item.indicator_days())
        return item

    def step(
        self,
        item: Item,
        action: str,
        *,
        actor: User | None,
        seen_version: int,
        changes: dict[str, Any],
        on: dt.date | None = None,
    ) -> Item:
        """Run step `action` on `item`, writing `changes`: refused in French when the workflow
        does not allow it from the item's status or when the dates do not follow one another;
        ConcurrentEditError when someone saved the item since `seen_version`. The caller
        holds the transaction."""
        transition = self.transitions[action]
        if item.status not in transition.allowed_from:
            status = self.statuses(item.status).label
            raise ValidationError(self.refusal.format(step=transition.label, status=status))
        before, days_before, from_status = self.audit(item), item.indicator_days(), item.status
        for field, value in changes.items():
            setattr(item, field, value)
        if transition.to_status is not None:
            item.status = transition.to_status
        item.check_dates()
        save_if_unchanged(item, seen_version=seen_version, fields=[*changes, "status"])
        self.log(item, actor=actor, action=action, from_status=from_status, on=on)
        after = self.audit(item)
        record_event(
            organisation=item.organisation, actor=actor, instance=item, action=action, before=before, after=after
        )
        self.changed(item, *days_before, *item.indicator_days())
        return item


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
    for item in items.open():
        stored = deadline_fields(deadline_of(item), calendar, item.received_on)
        if stored != {name: getattr(item, name) for name in DEADLINE_FIELDS}:
            months |= months_of(item.due_on, stored["due_on"])
            for name, value in stored.items():
                setattr(item, name, value)
            changed.append(item)
    items.model._default_manager.bulk_update(changed, DEADLINE_FIELDS, batch_size=500)
    items.model._default_manager.filter(pk__in=[item.pk for item in changed]).update(version=F("version") + 1)
    return months
