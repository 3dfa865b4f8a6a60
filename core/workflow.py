"""THE workflow engine: written requests, act requests, complaints and counter tickets move
through their statuses here, and nowhere else.

- `Transition(label, allowed_from, to_status)`: one step of a transitions table, keyed by its
  stored code ("acknowledge", "call"...). `label` is its French name. `to_status` is the status
  the step leads to, read from the table; None when the step leaves the status as it is, or
  when a rule declared in `Workflow.computed` decides it (reopening returns to the last step
  reached: the status the record's dates imply).
- `WorkflowEvent`: the abstract log row, one per step: when, who, which step, from which
  status to which. Each record type adds the foreign key to its record (named by
  `RECORD_FIELD`, `related_name` of its choice) and its own fields (`on`, the day of the step).
- `Workflow`: one record type's table, log model and audit fields. `step` checks that the step
  is allowed from the record's status (a French refusal otherwise), writes the changes and the
  status the table gives, logs the step, writes the audit event (`core.audit.record_event`,
  never personal free text: `audit_fields`) and tells the indicator engine the months touched
  (`core.registries.records_changed`). `created` does the same for a new record. Each record
  type may narrow the table (`table`), check its dates (`validate`), say which months its
  indicators count it in (`indicator_months`) and what they read of it (`indicator_reading`),
  and which of its days decide the year it belongs to (`closing_days`): a step or a creation
  in a closed year goes through the closing guard (core.closing.guard_change, ADR 0025).
  The caller holds the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.audit import record_event, saved_user, snapshot
from core.closing import guard_change
from core.concurrency import Versioned, save_if_unchanged
from core.models import Organisation, OrgOwned, User
from core.registries import records_changed


@dataclass(frozen=True)
class Transition:
    label: str
    allowed_from: frozenset[str]  # empty: not a step of an existing record (creation, import)
    to_status: str | None  # None: unchanged, or computed by the rule the workflow declares


class WorkflowEvent(OrgOwned):
    """The workflow log: one row per step of a record, no personal free text."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    from_status = models.CharField("ancien statut", max_length=20, blank=True)
    to_status = models.CharField("nouveau statut", max_length=20)

    # Each record type names the foreign key to its record and gives its transitions table.
    RECORD_FIELD: ClassVar[str]

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"

    @classmethod
    def of(
        cls,
        record: OrgOwned,
        *,
        action: str,
        actor: User | None = None,
        from_status: str = "",
        to_status: str | None = None,
        **fields: Any,
    ) -> Self:
        """An unsaved log row of `record`, which has just reached its current status (or
        `to_status`, for a step of its past written afterwards: an import, the demo)."""
        return cls(
            organisation_id=record.organisation_id,
            actor=saved_user(actor),
            action=action,
            from_status=from_status,
            to_status=status_of(record) if to_status is None else to_status,
            **{cls.RECORD_FIELD: record},
            **fields,
        )


R = TypeVar("R", bound=OrgOwned)


def status_of(record: models.Model) -> str:
    """The record's status: each record type declares its own `status` field."""
    return str(getattr(record, "status"))  # noqa: B009 -- not every model has one


@dataclass(frozen=True)
class Workflow(Generic[R]):
    """A record type's workflow. `refusal` is the French message of a step not allowed from
    the record's status, with `{step}` and `{status}`; `computed` declares, for the steps whose
    `to_status` is None, the rule that gives the status they lead to. The indicator engine
    hears of a step once the transaction commits (core.registries.records_changed)."""

    transitions: Mapping[str, Transition]
    event_model: type[WorkflowEvent]
    statuses: type[models.TextChoices]
    audit_fields: Sequence[str]
    metric_prefix: str
    refusal: str
    computed: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for action in self.computed:
            if self.transitions[action].to_status is not None:
                raise ValueError(f"Step {action!r} has a target in the table and a computed one.")

    # What a record may do

    def table(self, record: R) -> Mapping[str, Transition]:
        """The steps open to this record (a record type may narrow or widen them)."""
        return self.transitions

    def allows(self, record: R, action: str) -> bool:
        transition = self.table(record).get(action)
        return transition is not None and status_of(record) in transition.allowed_from

    def allowed_steps(self, record: R) -> list[str]:
        return [action for action in self.table(record) if self.allows(record, action)]

    def refusal_message(self, record: R, action: str) -> str:
        status = self.statuses(status_of(record)).label
        return self.refusal.format(step=self.transitions[action].label, status=status)

    def refused(self, record: R, action: str) -> ValidationError:
        return ValidationError(self.refusal_message(record, action))

    def check(self, record: R, action: str) -> None:
        """Refuse, in French, a step the record's status does not allow."""
        if not self.allows(record, action):
            raise self.refused(record, action)

    def target(self, record: R, action: str) -> str:
        """The status `action` leads `record` to: the table's, or the declared rule's."""
        if action in self.computed:
            return self.computed[action](record)
        to_status = self.table(record).get(action, self.transitions[action]).to_status
        return status_of(record) if to_status is None else to_status

    # What each record type may say of its records

    def validate(self, record: R) -> None:
        """Raise a French ValidationError when the record's dates do not follow one another."""

    def indicator_months(self, record: R) -> set[dt.date]:
        """The months whose indicators count this record."""
        return set()

    def indicator_reading(self, record: R) -> Hashable | None:
        """What the indicators read of the record; None: unknown, a step always tells them."""
        return None

    def closing_days(self, record: R) -> tuple[dt.date | dt.datetime | None, ...]:
        """The record's own days (received, issued, booked for...), which decide the year it
        belongs to: a change of a record of a closed year is refused or kept as a correction
        (core.closing). None by default: a record type that belongs to no year (an improvement
        action runs across years)."""
        return ()

    def guard(
        self,
        record: R,
        *,
        action: str,
        actor: User | None,
        days: tuple[dt.date | dt.datetime | None, ...],
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        """The closing guard of a step or a creation (core.closing.guard_change)."""
        if days:
            guard_change(
                organisation=record.organisation,
                days=days,
                actor=actor,
                instance=record,
                action=action,
                before=before,
                after=after,
                metric_prefix=self.metric_prefix,
            )

    # Writing

    def audit(self, record: R) -> dict[str, Any]:
        """What the audit trail keeps of the record: never personal free text."""
        return snapshot(record, list(self.audit_fields))

    def log(self, record: R, *, action: str, actor: User | None, from_status: str = "", **fields: Any) -> None:
        self.event_model.of(record, action=action, actor=actor, from_status=from_status, **fields).save()

    def tell(self, organisation: Organisation, months: set[dt.date]) -> None:
        """Tell the indicator engine that the records of these months changed."""
        records_changed(organisation=organisation, metric_prefix=self.metric_prefix, months=set(months))

    def created(self, record: R, *, actor: User | None, action: str = "create", notify: bool = True, **log: Any) -> R:
        """Log, audit and tell the indicators of a record just saved (`notify=False`: the
        caller tells them once after many, as the demo does). A record of a closed year goes
        through the closing guard first (the caller's transaction undoes the save if refused)."""
        after = self.audit(record)
        self.guard(record, action=action, actor=actor, days=self.closing_days(record), before=None, after=after)
        self.log(record, action=action, actor=actor, **log)
        organisation = record.organisation
        record_event(organisation=organisation, actor=actor, instance=record, action=action, after=after)
        if notify:
            self.tell(organisation, self.indicator_months(record))
        return record

    def step(
        self,
        record: R,
        action: str,
        *,
        actor: User | None,
        changes: Mapping[str, Any],
        seen_version: int | None = None,
        log: Mapping[str, Any] | None = None,
        notify: bool = True,
    ) -> R:
        """Run step `action` on `record`, writing `changes` and the status the table gives:
        refused in French when the step is not allowed from the record's status or when the
        dates do not follow one another. A `seen_version` writes only if nobody saved the
        record since (core.concurrency.ConcurrentEditError); without one the record is
        saved whole (the caller read it under lock). `log`: the log row's own fields. A
        record of a closed year, before or after the change, goes through the closing guard
        before anything is written (core.closing).
        `notify=False` leaves the indicators to the caller, who tells them once after many."""
        if "status" in changes:
            raise ValueError("The status a step leads to is read from the transitions table.")
        self.check(record, action)
        before, from_status = self.audit(record), status_of(record)
        months_before, reading_before = self.indicator_months(record), self.indicator_reading(record)
        days_before = self.closing_days(record)
        for name, value in changes.items():
            setattr(record, name, value)
        setattr(record, "status", self.target(record, action))  # noqa: B010 -- see status_of
        self.validate(record)
        after = self.audit(record)
        days = (*days_before, *self.closing_days(record))
        self.guard(record, action=action, actor=actor, days=days, before=before, after=after)
        if seen_version is not None and isinstance(record, Versioned):
            save_if_unchanged(record, seen_version=seen_version, fields=[*changes, "status"])
        else:
            record.save()
        self.log(record, action=action, actor=actor, from_status=from_status, **(log or {}))
        organisation = record.organisation
        record_event(organisation=organisation, actor=actor, instance=record, action=action, before=before, after=after)
        if notify and (reading_before is None or self.indicator_reading(record) != reading_before):
            self.tell(organisation, months_before | self.indicator_months(record))
        return record
