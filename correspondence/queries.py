"""Reads for the written-request pages, the export and the reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from core.models import Membership, Organisation, Role, User
from correspondence.models import Channel, Status, WrittenRequest
from correspondence.rules import Rules
from registers.deadlines import STATUS_LABELS
from registers.models import RegisterQuerySet

AGENT_ROLES = (Role.AGENT, Role.QUALITY_MANAGER, Role.ADMIN)


def requests_for_list(organisation: Organisation) -> RegisterQuerySet:
    """Open requests first, earliest due date first (so overdue ones lead), then the others."""
    return (
        WrittenRequest.objects.for_org(organisation)
        .select_related("service__site", "category", "assigned_to")
        .annotate(
            closed_rank=Case(
                When(status__in=[Status.ANSWERED, Status.CLOSED], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed_rank", "due_on", "pk")
    )


def filter_requests(
    requests: RegisterQuerySet,
    filters: dict[str, Any],
    *,
    today: dt.date,
    soon_until: dt.date,
    user: User,
    personal: bool,
) -> RegisterQuerySet:
    """Apply the list's filters (the cleaned data of `RequestFilterForm`). Without `personal`
    (core.access.sees_personal_data) the search matches references only, never a subject or
    a name the member cannot see."""
    text = (filters.get("q") or "").strip()
    if text:
        found = Q(reference__icontains=text)
        if personal:
            found |= Q(subject__icontains=text) | Q(requester_name__icontains=text)
        requests = requests.filter(found)
    requests = requests.chosen(filters, ("channel", "category", "service"))
    state = filters.get("state") or ""
    by_state = {
        "open": lambda qs: qs.open(),
        "overdue": lambda qs: qs.overdue(today),
        "soon": lambda qs: qs.due_soon(today, soon_until),
        "answered": lambda qs: qs.filter(status=Status.ANSWERED),
        "closed": lambda qs: qs.filter(status=Status.CLOSED),
    }
    if state in by_state:
        requests = by_state[state](requests)
    if filters.get("mine"):
        requests = requests.filter(assigned_to=user)
    return requests.received_between(filters.get("received_from"), filters.get("received_to"))


@dataclass(frozen=True)
class MyItems:
    overdue: list[WrittenRequest]
    due_soon: list[WrittenRequest]


def my_items(organisation: Organisation, user: User, *, today: dt.date, soon_until: dt.date) -> MyItems:
    """An agent's own open requests: overdue first, then due soon (two queries)."""
    mine = WrittenRequest.objects.for_org(organisation).filter(assigned_to=user).select_related("category")
    return MyItems(
        overdue=list(mine.overdue(today).order_by("due_on", "pk")[:50]),
        due_soon=list(mine.due_soon(today, soon_until).order_by("due_on", "pk")[:50]),
    )


def assignable_members(organisation: Organisation) -> QuerySet[User]:
    """The town's members who handle requests (agents, quality managers, administrators)."""
    user_ids = Membership.objects.filter(organisation=organisation, role__in=AGENT_ROLES).values("user_id")
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name", "email")


EXPORT_HEADERS = [
    "Référence",
    "Canal",
    "Date de réception",
    "Service",
    "Catégorie",
    "Objet",
    "Demandeur",
    "Coordonnées",
    "Agent",
    "Délai (jours)",
    "Type de jours",
    "Échéance",
    "Date d'accusé de réception",
    "Date de réponse d'attente",
    "Date de réponse promise",
    "Date de réponse",
    "Date de clôture",
    "État",
    "Respect du délai",
]
PERSONAL_HEADERS = {"Objet", "Demandeur", "Coordonnées"}


def export_headers(*, personal: bool) -> list[str]:
    return [header for header in EXPORT_HEADERS if personal or header not in PERSONAL_HEADERS]


def export_rows(
    organisation: Organisation, requests: QuerySet[WrittenRequest], *, today: dt.date, personal: bool
) -> Iterator[list[Any]]:
    """The rows of `export_headers(personal=personal)`."""
    rules = Rules(organisation)
    kept = [header not in PERSONAL_HEADERS or personal for header in EXPORT_HEADERS]
    for request in requests.iterator(chunk_size=1000):
        counts = rules.deadline(request.channel, request.category_id).holding_reply_counts
        row = [
            request.reference,
            Channel(request.channel).label,
            request.received_on,
            request.service.code if request.service else "",
            request.category.name if request.category else "",
            request.subject,
            request.requester_name,
            request.requester_contact,
            request.assigned_to.email if request.assigned_to else "",
            request.deadline_days,
            "ouvrables" if request.business_days else "ouvrés",
            request.due_on,
            request.acknowledged_on,
            request.holding_reply_on,
            request.promised_on,
            request.answered_on,
            request.closed_on,
            Status(request.status).label,
            STATUS_LABELS[request.deadline_status(today, holding_reply_counts=counts)],
        ]
        yield [value for value, keep in zip(row, kept, strict=True) if keep]


def open_requests_for_reminders(
    organisation: Organisation, *, today: dt.date, until: dt.date
) -> QuerySet[WrittenRequest]:
    return (
        WrittenRequest.objects.for_org(organisation)
        .open()
        .filter(due_on__lte=until)
        .select_related("assigned_to", "category")
        .order_by("due_on", "pk")
    )
