"""State changes of the civil registry: act requests (register, deliver, refuse, edit), the
errors register and the delivery deadlines. Each writes an audit event (no civil data is
stored at all) and, for requests, a workflow log row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from civil_registry.models import (
    DEFAULT_ACT_DEADLINES,
    ActChannel,
    ActDeadlineRule,
    ActError,
    ActRequest,
    ActRequestEvent,
    ActStatus,
)
from core.audit import record_event, snapshot
from core.concurrency import save_if_unchanged
from core.deadlines import due_date, recompute_stored_due_dates
from core.models import Organisation, Service, User
from core.registries import records_changed
from core.workdays import WorkingCalendar, calendar_for

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


@dataclass(frozen=True)
class ActDeadline:
    days: int
    business_days: bool

    @property
    def label(self) -> str:
        if self.days == 0:
            return "le jour même"
        unit = "ouvrable" if self.business_days else "ouvré"
        return f"{self.days} jour{'s' if self.days > 1 else ''} {unit}{'s' if self.days > 1 else ''}"


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


def due_on_for(calendar: WorkingCalendar, received_on: dt.date, deadline: ActDeadline) -> dt.date:
    return due_date(calendar, received_on, deadline.days, deadline.business_days)


def _months(*days: dt.date | None) -> set[dt.date]:
    return {day.replace(day=1) for day in days if day is not None}


def _log(act: ActRequest, *, actor: User | None, action: str, from_status: str, on: dt.date | None) -> None:
    ActRequestEvent.objects.create(
        organisation=act.organisation,
        act_request=act,
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        from_status=from_status,
        to_status=act.status,
        on=on,
    )


def _free_reference(model: type[ActRequest] | type[ActError], organisation: Organisation, reference: str) -> str:
    """The reference built on the row's id, unless an imported register already uses it."""
    if model.objects.filter(organisation=organisation, reference=reference).exists():
        return f"QP-{reference}"
    return reference


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
    """Register a request; `delivered_on` records a delivery at once (the counter, usually)."""
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
        deadline_days=deadline.days,
        business_days=deadline.business_days,
        due_on=due_on_for(calendar_for(organisation), received_on, deadline),
        delivered_on=delivered_on,
        status=ActStatus.DELIVERED if delivered_on else ActStatus.PENDING,
    )
    if delivered_on is not None and delivered_on < received_on:
        raise ValidationError({"delivered_on": "La délivrance ne peut précéder la réception."})
    act.save()
    act.reference = _free_reference(ActRequest, organisation, f"EC-{received_on.year}-{act.pk:05d}")
    ActRequest.objects.filter(pk=act.pk).update(reference=act.reference)
    _log(act, actor=actor, action="register", from_status="", on=received_on)
    record_event(
        organisation=organisation, actor=actor, instance=act, action="create", after=snapshot(act, REQUEST_FIELDS)
    )
    records_changed(
        organisation=organisation, metric_prefix=METRIC_PREFIX, months=_months(received_on, act.due_on, delivered_on)
    )
    return act


# Which step may follow which.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "deliver": (frozenset({ActStatus.PENDING}), ActStatus.DELIVERED),
    "refuse": (frozenset({ActStatus.PENDING}), ActStatus.REFUSED),
    "reopen": (frozenset({ActStatus.DELIVERED, ActStatus.REFUSED}), ActStatus.PENDING),
    "edit": (frozenset(ActStatus), None),
}


def _apply(
    act: ActRequest, *, actor: User | None, seen_version: int, action: str, changes: dict[str, Any], on: dt.date | None
) -> ActRequest:
    allowed, to_status = TRANSITIONS[action]
    if act.status not in allowed:
        raise ValidationError(f"Impossible : la demande est « {ActStatus(act.status).label} ».")
    before = snapshot(act, REQUEST_FIELDS)
    old_due, old_delivered, from_status = act.due_on, act.delivered_on, act.status
    for field, value in changes.items():
        setattr(act, field, value)
    if to_status is not None:
        act.status = to_status
    if act.delivered_on is not None and act.delivered_on < act.received_on:
        raise ValidationError({"delivered_on": "La délivrance ne peut précéder la réception."})
    save_if_unchanged(act, seen_version=seen_version, fields=[*changes, "status"])
    _log(act, actor=actor, action=action, from_status=from_status, on=on)
    record_event(
        organisation=act.organisation,
        actor=actor,
        instance=act,
        action=action,
        before=before,
        after=snapshot(act, REQUEST_FIELDS),
    )
    months = _months(old_due, act.due_on, old_delivered, act.delivered_on)
    records_changed(organisation=act.organisation, metric_prefix=METRIC_PREFIX, months=months)
    return act


@transaction.atomic
def deliver(act: ActRequest, *, actor: User | None, seen_version: int, on: dt.date) -> ActRequest:
    return _apply(act, actor=actor, seen_version=seen_version, action="deliver", changes={"delivered_on": on}, on=on)


@transaction.atomic
def refuse(act: ActRequest, *, actor: User | None, seen_version: int, on: dt.date) -> ActRequest:
    """The request is answered by a refusal (requester not entitled, act not held here)."""
    return _apply(act, actor=actor, seen_version=seen_version, action="refuse", changes={"delivered_on": on}, on=on)


@transaction.atomic
def reopen(act: ActRequest, *, actor: User | None, seen_version: int) -> ActRequest:
    """Undo a delivery or a refusal recorded by mistake."""
    return _apply(act, actor=actor, seen_version=seen_version, action="reopen", changes={"delivered_on": None}, on=None)


@transaction.atomic
def update_act_request(act: ActRequest, *, actor: User | None, seen_version: int, **fields: Any) -> ActRequest:
    """Edit the registration; a new channel or day of receipt takes the town's current deadline."""
    changes = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
    channel = changes.get("channel", act.channel)
    received_on = changes.get("received_on", act.received_on)
    if (channel, received_on) != (act.channel, act.received_on):
        deadline = deadlines(act.organisation)[ActChannel(channel)]
        changes["deadline_days"], changes["business_days"] = deadline.days, deadline.business_days
        changes["due_on"] = due_on_for(calendar_for(act.organisation), received_on, deadline)
    return _apply(act, actor=actor, seen_version=seen_version, action="edit", changes=changes, on=None)


def recompute_due_dates(organisation: Organisation, *, actor: User | None = None) -> int:
    """Recompute stored due dates after a change of the town's calendar (a closure day added
    or removed, another holiday zone); returns how many moved."""
    return recompute_stored_due_dates(
        ActRequest.objects.for_org(organisation),
        organisation=organisation,
        actor=actor,
        action="recompute_act_due_dates",
        count_key="act_requests_moved",
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
    current, calendar = deadlines(organisation), calendar_for(organisation)
    changed = []
    months: set[dt.date] = set()
    for act in ActRequest.objects.for_org(organisation).pending():
        deadline = current[ActChannel(act.channel)]
        due_on = due_on_for(calendar, act.received_on, deadline)
        if (act.deadline_days, act.business_days, act.due_on) != (deadline.days, deadline.business_days, due_on):
            months |= _months(act.due_on, due_on)
            act.deadline_days, act.business_days, act.due_on = deadline.days, deadline.business_days, due_on
            changed.append(act)
    ActRequest.objects.bulk_update(changed, ["deadline_days", "business_days", "due_on"], batch_size=500)
    ActRequest.objects.filter(pk__in=[act.pk for act in changed]).update(version=F("version") + 1)
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)


def _check_error(error: ActError) -> None:
    if error.found_on < error.issued_on:
        raise ValidationError({"found_on": "L'erreur ne peut être constatée avant la délivrance de l'acte."})
    if error.corrected_on is not None and error.corrected_on < error.found_on:
        raise ValidationError({"corrected_on": "La correction ne peut précéder le constat."})
    if error.act_request is not None and error.act_request.organisation_id != error.organisation_id:
        raise ValidationError({"act_request": "Demande d'acte inconnue."})


@transaction.atomic
def record_error(*, organisation: Organisation, actor: User | None, **fields: Any) -> ActError:
    error = ActError(organisation=organisation, **{name: fields[name] for name in ERROR_FIELDS if name in fields})
    if error.service is None and error.act_request is not None:
        error.service = error.act_request.service
    _check_error(error)
    error.save()
    if not error.reference:
        error.reference = _free_reference(ActError, organisation, f"ERR-{error.found_on.year}-{error.pk:05d}")
        ActError.objects.filter(pk=error.pk).update(reference=error.reference)
    record_event(
        organisation=organisation, actor=actor, instance=error, action="create", after=snapshot(error, ERROR_FIELDS)
    )
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=_months(error.found_on))
    return error


@transaction.atomic
def update_error(error: ActError, *, actor: User | None, seen_version: int, **fields: Any) -> ActError:
    before = snapshot(error, ERROR_FIELDS)
    old_found = error.found_on
    changes = {name: value for name, value in fields.items() if name in ERROR_FIELDS and name != "reference"}
    for name, value in changes.items():
        setattr(error, name, value)
    _check_error(error)
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
        organisation=error.organisation, metric_prefix=METRIC_PREFIX, months=_months(old_found, error.found_on)
    )
    return error
