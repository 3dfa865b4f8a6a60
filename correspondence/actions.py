"""State changes of written requests: registration, the workflow steps, edits with the
concurrent-edit check, due-date recomputation, settings and anonymisation. Each writes a
workflow log row and an audit event whose snapshot holds no personal free text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import record_event, snapshot
from core.concurrency import save_if_unchanged
from core.models import Organisation, Service, User
from core.registries import CalendarChange, records_changed
from core.workdays import calendar_for
from correspondence.models import (
    TRANSITIONS,
    AcknowledgementTemplate,
    Category,
    DeadlineRule,
    RequestEvent,
    Status,
    WrittenRequest,
)
from correspondence.rules import Rules, ensure_defaults
from registers.deadlines import follow_calendar
from registers.models import Numbering, Workflow, deadline_fields, follow_new_deadlines

METRIC_PREFIX = "correspondence"
# What the audit trail keeps of a request: dates, channel, category, outcome; never the
# subject, the requester's name or contact.
AUDIT_FIELDS = [
    "reference",
    "channel",
    "received_on",
    "service",
    "category",
    "assigned_to",
    "deadline_days",
    "business_days",
    "due_on",
    "acknowledged_on",
    "holding_reply_on",
    "promised_on",
    "answered_on",
    "closed_on",
    "status",
]
EDITABLE_FIELDS = [
    "channel",
    "received_on",
    "service",
    "category",
    "subject",
    "requester_name",
    "requester_contact",
    "assigned_to",
]
WORKFLOW: Workflow[WrittenRequest] = Workflow(
    transitions=TRANSITIONS,
    event_model=RequestEvent,
    statuses=Status,
    audit_fields=AUDIT_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="Étape « {step} » impossible : la demande est « {status} ».",
    computed={"reopen": WrittenRequest.status_implied_by_dates},
    numbering=Numbering("requests"),
)


@transaction.atomic
def register_request(
    *,
    organisation: Organisation,
    actor: User | None,
    channel: str,
    received_on: dt.date,
    service: Service | None = None,
    category: Category | None = None,
    subject: str = "",
    requester_name: str = "",
    requester_contact: str = "",
    assigned_to: User | None = None,
) -> WrittenRequest:
    """Register a request: its deadline comes from the town's rule for the channel and category."""
    ensure_defaults(organisation)
    deadline = Rules(organisation).deadline(channel, category.pk if category else None)
    request = WrittenRequest(
        organisation=organisation,
        channel=channel,
        received_on=received_on,
        service=service,
        category=category,
        subject=subject,
        requester_name=requester_name,
        requester_contact=requester_contact,
        assigned_to=assigned_to,
        **deadline_fields(deadline, calendar_for(organisation), received_on),
    )
    return WORKFLOW.register(request, actor=actor)


@transaction.atomic
def acknowledge(request: WrittenRequest, *, actor: User | None, seen_version: int, on: dt.date) -> WrittenRequest:
    return WORKFLOW.step(
        request, "acknowledge", actor=actor, seen_version=seen_version, changes={"acknowledged_on": on}, on=on
    )


@transaction.atomic
def send_holding_reply(
    request: WrittenRequest, *, actor: User | None, seen_version: int, on: dt.date, promised_on: dt.date
) -> WrittenRequest:
    changes = {"holding_reply_on": on, "promised_on": promised_on}
    return WORKFLOW.step(request, "holding_reply", actor=actor, seen_version=seen_version, changes=changes, on=on)


@transaction.atomic
def answer(request: WrittenRequest, *, actor: User | None, seen_version: int, on: dt.date) -> WrittenRequest:
    return WORKFLOW.step(request, "answer", actor=actor, seen_version=seen_version, changes={"answered_on": on}, on=on)


@transaction.atomic
def close(request: WrittenRequest, *, actor: User | None, seen_version: int, on: dt.date) -> WrittenRequest:
    return WORKFLOW.step(request, "close", actor=actor, seen_version=seen_version, changes={"closed_on": on}, on=on)


@transaction.atomic
def reopen(request: WrittenRequest, *, actor: User | None, seen_version: int) -> WrittenRequest:
    """Undo an answer recorded by mistake: the request is open again, its answer and closure
    erased, back to the last open step its dates show."""
    changes = {"answered_on": None, "closed_on": None}
    return WORKFLOW.step(request, "reopen", actor=actor, seen_version=seen_version, changes=changes)


@transaction.atomic
def reassign(
    request: WrittenRequest, *, actor: User | None, seen_version: int, assigned_to: User | None
) -> WrittenRequest:
    changes = {"assigned_to": assigned_to}
    return WORKFLOW.step(request, "reassign", actor=actor, seen_version=seen_version, changes=changes)


@transaction.atomic
def update_request(request: WrittenRequest, *, actor: User | None, seen_version: int, **fields: Any) -> WrittenRequest:
    """Edit the registration. A new channel, category or day of receipt takes the town's
    current rule; otherwise the deadline announced at registration stays."""
    changes = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
    category = changes.get("category", request.category)
    channel = changes.get("channel", request.channel)
    received_on = changes.get("received_on", request.received_on)
    category_id = category.pk if category else None
    if (channel, category_id, received_on) != (request.channel, request.category_id, request.received_on):
        deadline = Rules(request.organisation).deadline(channel, category_id)
        changes |= deadline_fields(deadline, calendar_for(request.organisation), received_on)
    return WORKFLOW.step(request, "edit", actor=actor, seen_version=seen_version, changes=changes)


def follow_calendar_change(organisation: Organisation, change: CalendarChange) -> int:
    """The town's calendar changed: every request keeps its own deadline in days and takes
    the due date the calendar now gives (answered ones too); returns how many moved."""
    return follow_calendar(
        WrittenRequest.objects.for_org(organisation),
        organisation=organisation,
        changed_days=change.days,
        metric_prefix=METRIC_PREFIX,
    )


RULE_FIELDS = ["channel", "category", "days", "business_days", "holding_reply_counts"]


@transaction.atomic
def save_rule(
    *,
    organisation: Organisation,
    actor: User | None,
    rule: DeadlineRule | None,
    channel: str,
    category: Category | None,
    days: int,
    business_days: bool,
    holding_reply_counts: bool,
) -> DeadlineRule:
    """Create or change a deadline rule. Open requests under it take the new deadline (the
    answered ones keep the one they were given); every figure is recomputed, since the
    holding-reply setting changes how they count."""
    clash = DeadlineRule.objects.filter(organisation=organisation, channel=channel, category=category)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError("Une règle existe déjà pour ce canal et cette catégorie : modifiez-la.")
    before = snapshot(rule, RULE_FIELDS) if rule is not None else None
    rule = rule or DeadlineRule(organisation=organisation)
    rule.channel, rule.category, rule.days = channel, category, days
    rule.business_days, rule.holding_reply_counts = business_days, holding_reply_counts
    rule.save()
    record_event(
        organisation=organisation,
        actor=actor,
        instance=rule,
        action="update" if before else "create",
        before=before,
        after=snapshot(rule, RULE_FIELDS),
    )
    _apply_rules_to_open_requests(organisation, actor=actor)
    return rule


@transaction.atomic
def delete_rule(*, rule: DeadlineRule, actor: User | None) -> None:
    if rule.category_id is None:
        raise ValidationError("La règle générale d'un canal ne peut être supprimée : modifiez son délai.")
    record_event(
        organisation=rule.organisation, actor=actor, instance=rule, action="delete", before=snapshot(rule, RULE_FIELDS)
    )
    rule.delete()
    _apply_rules_to_open_requests(rule.organisation, actor=actor)


def _apply_rules_to_open_requests(organisation: Organisation, *, actor: User | None) -> None:
    rules = Rules(organisation)
    requests = WrittenRequest.objects.for_org(organisation)
    follow_new_deadlines(
        requests, lambda request: rules.deadline(request.channel, request.category_id), calendar_for(organisation)
    )
    # Every month, not only those whose due dates moved: the holding-reply setting changes how they count.
    months = set(requests.dates("due_on", "month"))
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)


@transaction.atomic
def add_category(*, organisation: Organisation, actor: User | None, code: str, name: str) -> Category:
    if Category.objects.filter(organisation=organisation, code=code).exists():
        raise ValidationError({"code": "Ce code est déjà pris par une autre catégorie."})
    category = Category.objects.create(organisation=organisation, code=code, name=name)
    record_event(organisation=organisation, actor=actor, instance=category, action="create", after=snapshot(category))
    return category


@transaction.atomic
def update_category(*, category: Category, actor: User | None, name: str, is_active: bool) -> Category:
    before = snapshot(category)
    category.name, category.is_active = name, is_active
    category.save()
    record_event(
        organisation=category.organisation,
        actor=actor,
        instance=category,
        action="update",
        before=before,
        after=snapshot(category),
    )
    return category


def acknowledgement_template(organisation: Organisation) -> AcknowledgementTemplate:
    """The town's template, created with the town (rules.ensure_defaults)."""
    return AcknowledgementTemplate.objects.get(organisation=organisation)


TEMPLATE_FIELDS = ["title", "body", "signature"]


@transaction.atomic
def save_acknowledgement_template(
    template: AcknowledgementTemplate, *, actor: User | None, seen_version: int, **fields: str
) -> AcknowledgementTemplate:
    before = snapshot(template, TEMPLATE_FIELDS)
    changes = {name: value for name, value in fields.items() if name in TEMPLATE_FIELDS}
    for name, value in changes.items():
        setattr(template, name, value)
    save_if_unchanged(template, seen_version=seen_version, fields=list(changes))
    record_event(
        organisation=template.organisation,
        actor=actor,
        instance=template,
        action="update",
        before=before,
        after=snapshot(template, TEMPLATE_FIELDS),
    )
    return template


@transaction.atomic
def anonymise_requests(organisation: Organisation, closed_before: dt.date, actor: User | None) -> int:
    """Erase the requester's name and contact and the subject of the requests closed before
    `closed_before`; dates, channel, category, service and outcome stay for the statistics.
    One audit event for the run, with the count only."""
    erased = (
        WrittenRequest.objects.for_org(organisation)
        .filter(closed_on__lt=closed_before, anonymised_at__isnull=True)
        .update(
            subject="",
            requester_name="",
            requester_contact="",
            anonymised_at=timezone.now(),
            version=F("version") + 1,
        )
    )
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action="anonymise_requests",
        after={"closed_before": closed_before.isoformat(), "requests": erased},
    )
    return erased
