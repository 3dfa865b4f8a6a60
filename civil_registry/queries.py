"""Reads for the civil-registry pages and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from civil_registry.models import (
    ActChannel,
    ActError,
    ActFormat,
    ActRequest,
    ActRequestQuerySet,
    ActStatus,
    ActType,
    ErrorFinder,
    ErrorKind,
)
from core.models import Organisation
from registers.deadlines import STATUS_LABELS, due_soon_until


def act_requests_for_list(organisation: Organisation) -> ActRequestQuerySet:
    """Pending requests first, earliest due date first; then the answered ones, latest first."""
    return (
        ActRequest.objects.for_org(organisation)
        .select_related("service__site")
        .annotate(
            done_rank=Case(When(status=ActStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("done_rank", "due_on", "pk")
    )


def filter_act_requests(
    requests: ActRequestQuerySet, filters: dict[str, Any], *, today: dt.date, organisation: Organisation
) -> ActRequestQuerySet:
    """Apply the list's filters; "soon" keeps the requests to deliver from today to
    registers.deadlines.due_soon_until (3 working days) in the town's calendar."""
    if filters.get("q"):
        requests = requests.filter(reference__icontains=filters["q"].strip())
    requests = requests.chosen(filters, ("channel", "act_type", "act_format", "service"))
    state = filters.get("state") or ""
    if state == "pending":
        requests = requests.pending()
    elif state == "overdue":
        requests = requests.overdue(today)
    elif state == "soon":
        requests = requests.due_soon(today, due_soon_until(organisation, today))
    elif state in (ActStatus.DELIVERED, ActStatus.REFUSED):
        requests = requests.filter(status=state)
    return requests.received_between(filters.get("received_from"), filters.get("received_to"))


def pending_acts_for_reminders(organisation: Organisation, *, until: dt.date) -> ActRequestQuerySet:
    """Requests still to deliver whose due date has passed or falls on `until` at the latest,
    earliest due date first (the daily reminder)."""
    return (
        ActRequest.objects.for_org(organisation)
        .pending()
        .filter(due_on__lte=until)
        .select_related("service")
        .order_by("due_on", "pk")
    )


def errors_for_list(organisation: Organisation) -> QuerySet[ActError]:
    return (
        ActError.objects.for_org(organisation)
        .select_related("act_request", "service__site")
        .order_by("-found_on", "-pk")
    )


def filter_errors(errors: QuerySet[ActError], filters: dict[str, Any]) -> QuerySet[ActError]:
    if filters.get("q"):
        errors = errors.filter(reference__icontains=filters["q"].strip())
    for field in ("act_type", "found_by", "kind"):
        if filters.get(field):
            errors = errors.filter(**{field: filters[field]})
    attributable = filters.get("attributable") or ""
    if attributable in ("yes", "no"):
        errors = errors.filter(attributable=attributable == "yes")
    if filters.get("uncorrected"):
        errors = errors.filter(corrected_on__isnull=True)
    return errors


ACT_HEADERS = [
    "Référence",
    "Type d'acte",
    "Format",
    "Canal",
    "Nombre d'exemplaires",
    "Date de réception",
    "Service",
    "Délai (jours)",
    "Échéance",
    "Date de délivrance",
    "Refus",
    "État",
    "Respect du délai",
]


def act_rows(requests: QuerySet[ActRequest], *, today: dt.date) -> Iterator[list[Any]]:
    for act in requests.iterator(chunk_size=1000):
        yield [
            act.reference,
            ActType(act.act_type).label,
            ActFormat(act.act_format).label,
            ActChannel(act.channel).label,
            act.copies,
            act.received_on,
            act.service.code if act.service else "",
            act.deadline_days,
            act.due_on,
            act.delivered_on,
            "oui" if act.status == ActStatus.REFUSED else "non",
            ActStatus(act.status).label,
            STATUS_LABELS[act.deadline_status(today)],
        ]


ERROR_HEADERS = [
    "Référence",
    "Type d'acte",
    "Date de délivrance de l'acte",
    "Référence de la demande",
    "Service",
    "Nature",
    "Constatée le",
    "Constatée par",
    "Imputable au service",
    "Corrigée le",
]


def error_rows(errors: QuerySet[ActError]) -> Iterator[list[Any]]:
    for error in errors.iterator(chunk_size=1000):
        yield [
            error.reference,
            ActType(error.act_type).label,
            error.issued_on,
            error.act_request.reference if error.act_request else "",
            error.service.code if error.service else "",
            ErrorKind(error.kind).label,
            error.found_on,
            ErrorFinder(error.found_by).label,
            error.attributable,
            error.corrected_on,
        ]
