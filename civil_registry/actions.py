"""State changes of the civil registry: act requests (register, deliver, refuse, edit), the
errors register and the delivery deadlines. Each writes an audit event (no civil data is
stored at all) and, for requests, a workflow log row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from civil_registry.models import (
    DEFAULT_ACT_DEADLINES,
    DELIVERED_ON_RECEIPT_REFUSED,
    TRANSITIONS,
    ActChannel,
    ActDeadlineRule,
    ActError,
    ActRequest,
    ActRequestEvent,
    ActStatus,
)
from core.audit import delete_audited, record_event, snapshot
from core.closing import guard_record
from core.concurrency import save_if_unchanged
from core.models import Organisation, Service, User
from core.registries import CalendarChange, records_changed
from core.workdays import calendar_for
from registers.deadlines import Deadline, follow_calendar, months_of
from registers.models import (
    Numbering,
    Workflow,
    deadline_fields,
    follow_new_deadlines,
)

METRIC_PREFIX = "civil_registry"
REQUEST_FIELDS = [
    "reference",
    "act_type",
    "act_format",
    "channel",
    "copies",
    "received_on",
    "service",
    "deadline_days",
    "business_days",
    "due_on",
    "delivered_on",
    "status",
]
EDITABLE_FIELDS = ["act_type", "act_format", "channel", "copies", "received_on", "service"]
ERROR_FIELDS = [
    "reference",
    "act_request",
    "act_type",
    "issued_on",
    "service",
    "kind",
    "found_on",
    "found_by",
    "attributable",
    "corrected_on",
]


WORKFLOW: Workflow[ActRequest] = Workflow(
    transitions=TRANSITIONS,
    event_model=ActRequestEvent,
    statuses=ActStatus,
    audit_fields=REQUEST_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="Impossible : la demande est « {status} ».",
    numbering=Numbering("acts", "EC-"),
)
ERRORS_NUMBERING = Numbering("act_errors", "ERR-")


@dataclass(frozen=True)
class ActDeadline(Deadline):
    @property
    def label(self) -> str:
        return "le jour même" if self.days == 0 else super().label


def ensure_rules(organisation: Organisation) -> None:
    """Create the default delivery deadlines of a town that has none yet (idempotent)."""
    for channel, days in DEFAULT_ACT_DEADLINES.items():
        ActDeadlineRule.objects.get_or_create(organisation=organisation, channel=channel, defaults={"days": days})


def deadlines(organisation: Organisation) -> dict[str, ActDeadline]:
    stored = {
        rule.channel: ActDeadline(rule.days, rule.business_days)
        for rule in ActDeadlineRule.objects.filter(organisation=organisation)
    }
    return {channel: stored.get(channel, ActDeadline(days, False)) for channel, days in DEFAULT_ACT_DEADLINES.items()}


@transaction.atomic
def register_act_request(
    *,
    organisation: Organisation,
    actor: User | None,
    act_type: str,
    act_format: str,
    channel: str,
    copies: int,
    received_on: dt.date,
    service: Service | None = None,
    delivered_on: dt.date | None = None,
) -> ActRequest:
    """Register a request; `delivered_on` records a delivery at once, for a counter request
    only (any other channel is registered pending and delivered by the `deliver` step)."""
    if delivered_on is not None and channel != ActChannel.COUNTER:
        raise ValidationError({"delivered_on": DELIVERED_ON_RECEIPT_REFUSED})
    ensure_rules(organisation)
    deadline = deadlines(organisation)[ActChannel(channel)]
    act = ActRequest(
        organisation=organisation,
        act_type=act_type,
        act_format=act_format,
        channel=channel,
        copies=copies,
        received_on=received_on,
        service=service,
        delivered_on=delivered_on,
        status=ActStatus.DELIVERED if delivered_on else ActStatus.PENDING,
        **deadline_fields(deadline, calendar_for(organisation), received_on),
    )
    return WORKFLOW.register(act, actor=actor)


@transaction.atomic
def deliver(act: ActRequest, *, actor: User | None, seen_version: int, on: dt.date) -> ActRequest:
    return WORKFLOW.step(act, "deliver", actor=actor, seen_version=seen_version, changes={"delivered_on": on}, on=on)


@transaction.atomic
def refuse(act: ActRequest, *, actor: User | None, seen_version: int, on: dt.date) -> ActRequest:
    """The request is answered by a refusal (requester not entitled, act not held here)."""
    return WORKFLOW.step(act, "refuse", actor=actor, seen_version=seen_version, changes={"delivered_on": on}, on=on)


@transaction.atomic
def reopen(act: ActRequest, *, actor: User | None, seen_version: int) -> ActRequest:
    """Undo a delivery or a refusal recorded by mistake."""
    return WORKFLOW.step(act, "reopen", actor=actor, seen_version=seen_version, changes={"delivered_on": None})


@transaction.atomic
def update_act_request(act: ActRequest, *, actor: User | None, seen_version: int, **fields: Any) -> ActRequest:
    """Edit the registration; a new channel or day of receipt takes the town's current deadline."""
    changes = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
    channel = changes.get("channel", act.channel)
    received_on = changes.get("received_on", act.received_on)
    if (channel, received_on) != (act.channel, act.received_on):
        deadline = deadlines(act.organisation)[ActChannel(channel)]
        changes |= deadline_fields(deadline, calendar_for(act.organisation), received_on)
    return WORKFLOW.step(act, "edit", actor=actor, seen_version=seen_version, changes=changes)


def follow_calendar_change(organisation: Organisation, change: CalendarChange) -> int:
    """The town's calendar changed: act requests take the due dates it now gives (delivered
    ones too); returns how many moved."""
    return follow_calendar(
        ActRequest.objects.for_org(organisation),
        organisation=organisation,
        changed_days=change.days,
        metric_prefix=METRIC_PREFIX,
    )


@transaction.atomic
def save_deadlines(
    *, organisation: Organisation, actor: User | None, rules: dict[str, tuple[int, bool]]
) -> list[ActDeadlineRule]:
    """Set the delivery deadline of each channel; pending requests take the new deadline."""
    ensure_rules(organisation)
    saved = []
    for rule in ActDeadlineRule.objects.filter(organisation=organisation, channel__in=list(rules)):
        days, business = rules[rule.channel]
        if (rule.days, rule.business_days) == (days, business):
            continue
        before = snapshot(rule, ["channel", "days", "business_days"])
        rule.days, rule.business_days = days, business
        rule.save()
        record_event(
            organisation=organisation,
            actor=actor,
            instance=rule,
            action="update",
            before=before,
            after=snapshot(rule, ["channel", "days", "business_days"]),
        )
        saved.append(rule)
    if saved:
        _apply_deadlines_to_pending(organisation)
    return saved


def _apply_deadlines_to_pending(organisation: Organisation) -> None:
    current = deadlines(organisation)
    months = follow_new_deadlines(
        ActRequest.objects.for_org(organisation), lambda act: current[act.channel], calendar_for(organisation)
    )
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)


def _check_error(error: ActError) -> None:
    if error.found_on < error.issued_on:
        raise ValidationError({"found_on": "L'erreur ne peut être constatée avant la délivrance de l'acte."})
    if error.corrected_on is not None and error.corrected_on < error.found_on:
        raise ValidationError({"corrected_on": "La correction ne peut précéder le constat."})
    if error.act_request is not None and error.act_request.organisation_id != error.organisation_id:
        raise ValidationError({"act_request": "Demande d'acte inconnue."})


def _error_months(error: ActError) -> set[dt.date]:
    """The months whose error rate counts this error: those of the issue of its act (the day
    given and its request's day of delivery), whenever the error was found."""
    return months_of(error.issued_on, error.act_request.delivered_on if error.act_request else None)


@transaction.atomic
def record_error(*, organisation: Organisation, actor: User | None, **fields: Any) -> ActError:
    error = ActError(organisation=organisation, **{name: fields[name] for name in ERROR_FIELDS if name in fields})
    if error.service is None and error.act_request is not None:
        error.service = error.act_request.service
    _check_error(error)
    if not error.reference:
        ERRORS_NUMBERING.number_record(error, error.found_on.year)
    error.save()
    guard_record(error, days=(error.issued_on,), actor=actor, action="create", fields=ERROR_FIELDS)
    record_event(
        organisation=organisation, actor=actor, instance=error, action="create", after=snapshot(error, ERROR_FIELDS)
    )
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=_error_months(error))
    return error


@transaction.atomic
def update_error(error: ActError, *, actor: User | None, seen_version: int, **fields: Any) -> ActError:
    before, months_before = snapshot(error, ERROR_FIELDS), _error_months(error)
    issued_before = error.issued_on
    changes = {name: value for name, value in fields.items() if name in ERROR_FIELDS and name != "reference"}
    for name, value in changes.items():
        setattr(error, name, value)
    _check_error(error)
    days = (issued_before, error.issued_on)
    guard_record(error, days=days, actor=actor, action="update", before=before, fields=ERROR_FIELDS)
    save_if_unchanged(error, seen_version=seen_version, fields=list(changes))
    record_event(
        organisation=error.organisation,
        actor=actor,
        instance=error,
        action="update",
        before=before,
        after=snapshot(error, ERROR_FIELDS),
    )
    records_changed(
        organisation=error.organisation, metric_prefix=METRIC_PREFIX, months=months_before | _error_months(error)
    )
    return error


@transaction.atomic
def delete_error(*, error: ActError, actor: User | None) -> None:
    """Delete an error recorded by mistake (audited with its fields); the months of its act's
    issue are recomputed, so the stored rate of a past period falls back."""
    months = _error_months(error)
    organisation = error.organisation
    guard_record(error, days=(error.issued_on,), actor=actor, action="delete", before=snapshot(error, ERROR_FIELDS))
    delete_audited(error, actor=actor, fields=ERROR_FIELDS)
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)
