"""Reads for the complaint pages, exports and the public tracking page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from complaints.models import AWAITED_STEPS, Channel, Complaint, ComplaintTransition, Justified, Kind, Status
from core.audit import history_of
from core.models import AuditEvent, Organisation, User
from core.periods import Period
from registers.deadlines import STATUS_LABELS, DeadlineStatus, deadline_status, due_soon_until


def filtered_complaints(
    organisation: Organisation, filters: dict[str, Any], *, today: dt.date, personal: bool, user: User | None = None
) -> QuerySet[Complaint]:
    """The list's complaints, searched and filtered, newest first. Without `personal` (see
    core.access.sees_personal_data) the search matches tracking numbers only: a name or a
    subject the member cannot see must not be guessable from what the search finds. "Due
    soon" (`echeance`) reaches registers.deadlines.due_soon_until; `miennes`, those `user` handles."""
    complaints = Complaint.objects.for_org(organisation).select_related("service", "handled_by")
    text = (filters.get("q") or "").strip()
    if text:
        found = Q(tracking_number__icontains=text.replace(" ", ""))
        if personal:
            found |= Q(subject__icontains=text) | Q(citizen_name__icontains=text)
        complaints = complaints.filter(found)
    for name, field in (
        ("status", "status"),
        ("kind", "kind"),
        ("channel", "channel"),
        ("commitment", "commitment_code"),
        ("justified", "justified"),
    ):
        if filters.get(name):
            complaints = complaints.filter(**{field: filters[name]})
    if filters.get("overdue"):
        complaints = complaints.overdue(today=today)
    if filters.get("echeance"):
        complaints = complaints.due_soon(today=today, until=due_soon_until(organisation, today))
    if filters.get("attente") in AWAITED_STEPS:
        complaints = complaints.awaiting(filters["attente"])
    if filters.get("miennes") and user is not None:
        complaints = complaints.filter(handled_by=user)
    return complaints.order_by("-received_on", "-pk")


def complaints_for_reminders(organisation: Organisation, *, until: dt.date) -> QuerySet[Complaint]:
    """Open complaints and suggestions still waiting for an acknowledgement or an answer whose
    due date has passed or falls on `until` at the latest (the daily reminder), oldest first."""
    waiting_ack = Q(acknowledged_on__isnull=True, acknowledge_due_on__lte=until)
    waiting_answer = Q(answered_on__isnull=True, answer_due_on__lte=until)
    return (
        Complaint.objects.for_org(organisation)
        .open()
        .filter(waiting_ack | waiting_answer)
        .select_related("service")
        .order_by("received_on", "pk")
    )


def deadline_label(due_on: dt.date | None, done_on: dt.date | None, today: dt.date) -> tuple[str, str]:
    """("on_time" | "late" | "pending" | "not_due", French label) for one deadline."""
    status = deadline_status(due_on, done_on, today)
    return status.value, STATUS_LABELS[status]


@dataclass(frozen=True)
class ComplaintPage:
    complaint: Complaint
    acknowledgement: tuple[str, str]
    answer: tuple[str, str]
    transitions: list[ComplaintTransition]
    history: list[AuditEvent]


def complaint_page(complaint: Complaint, *, today: dt.date) -> ComplaintPage:
    """The detail page: deadlines, the status log and the audit history (without free text)."""
    return ComplaintPage(
        complaint=complaint,
        acknowledgement=deadline_label(complaint.acknowledge_due_on, complaint.acknowledged_on, today),
        answer=deadline_label(complaint.answer_due_on, complaint.answered_on, today),
        transitions=list(complaint.transitions.select_related("actor").order_by("at", "pk")),
        history=list(history_of(complaint).order_by("-at", "-id")),
    )


# --- Statistics -------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentCount:
    code: str
    label: str
    total: int
    justified: int
    not_justified: int
    undetermined: int


@dataclass(frozen=True)
class Statistics:
    period: Period
    complaints: int
    suggestions: int
    by_commitment: list[CommitmentCount]
    by_channel: list[tuple[str, int]]
    justified: list[tuple[str, int]]


def statistics(organisation: Organisation, period: Period) -> Statistics:
    """Complaints and suggestions received in the period, by commitment, channel and justified."""
    received = Complaint.objects.for_org(organisation).filter(received_on__gte=period.start, received_on__lt=period.end)
    by_kind = dict(received.values_list("kind").annotate(n=Count("pk")).order_by())
    complaints = received.filter(kind=Kind.COMPLAINT)
    rows = (
        complaints.values("commitment_code", "commitment_label")
        .annotate(
            total=Count("pk"),
            yes=Count("pk", filter=Q(justified=Justified.YES)),
            no=Count("pk", filter=Q(justified=Justified.NO)),
            undetermined=Count("pk", filter=Q(justified=Justified.UNDETERMINED)),
        )
        .order_by("-total", "commitment_code")
    )
    merged: dict[str, CommitmentCount] = {}
    for row in rows:  # one code may carry two labels (renamed commitment): sum them
        code = row["commitment_code"]
        previous = merged.get(code)
        label = row["commitment_label"] or "Aucun engagement précisé"
        merged[code] = CommitmentCount(
            code=code,
            label=previous.label if previous else label,
            total=row["total"] + (previous.total if previous else 0),
            justified=row["yes"] + (previous.justified if previous else 0),
            not_justified=row["no"] + (previous.not_justified if previous else 0),
            undetermined=row["undetermined"] + (previous.undetermined if previous else 0),
        )
    channels = dict(complaints.values_list("channel").annotate(n=Count("pk")).order_by())
    justified = dict(complaints.values_list("justified").annotate(n=Count("pk")).order_by())
    return Statistics(
        period=period,
        complaints=by_kind.get(Kind.COMPLAINT, 0),
        suggestions=by_kind.get(Kind.SUGGESTION, 0),
        by_commitment=sorted(merged.values(), key=lambda row: (-row.total, row.code)),
        by_channel=[(label, channels.get(value, 0)) for value, label in Channel.choices],
        justified=[(label, justified.get(value, 0)) for value, label in Justified.choices],
    )


# --- Export -------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "Numéro de suivi", "Nature", "Canal", "Date de réception", "Service", "Engagement", "Objet",
    "Description", "Nom", "Courriel", "Téléphone", "Adresse postale", "Date d'accusé de réception", "Date de réponse",
    "Réponse", "Fondée", "Action d'amélioration", "Date de clôture", "Statut",
    "Accusé de réception attendu le", "Réponse attendue le", "Accusé de réception dans le délai",
    "Réponse dans le délai",
]  # fmt: skip
PERSONAL_HEADERS = {"Objet", "Description", "Nom", "Courriel", "Téléphone", "Adresse postale", "Réponse"}
JUSTIFIED_WORDS = {Justified.YES: "oui", Justified.NO: "non", Justified.UNDETERMINED: "à déterminer"}


def _on_time(due_on: dt.date | None, done_on: dt.date | None, today: dt.date) -> str:
    status = deadline_status(due_on, done_on, today)
    return {DeadlineStatus.ON_TIME: "oui", DeadlineStatus.LATE: "non"}.get(status, "")


def export_headers(*, personal: bool) -> list[str]:
    return [header for header in EXPORT_HEADERS if personal or header not in PERSONAL_HEADERS]


def export_rows(complaints: QuerySet[Complaint], *, personal: bool, today: dt.date) -> Iterator[list[Any]]:
    """One row per complaint, in the columns of `export_headers` (import-compatible names)."""
    for c in complaints.iterator(chunk_size=1000):
        values = {
            "Numéro de suivi": c.tracking_number,
            "Nature": c.get_kind_display(),
            "Canal": c.get_channel_display(),
            "Date de réception": c.received_on,
            "Service": c.service.code if c.service else "",
            "Engagement": c.commitment_code,
            "Objet": c.subject,
            "Description": c.description,
            "Nom": c.citizen_name,
            "Courriel": c.citizen_email,
            "Téléphone": c.citizen_phone,
            "Adresse postale": c.citizen_address,
            "Date d'accusé de réception": c.acknowledged_on,
            "Date de réponse": c.answered_on,
            "Réponse": c.answer,
            "Fondée": JUSTIFIED_WORDS[Justified(c.justified)],
            "Action d'amélioration": c.action_note,
            "Date de clôture": c.closed_on,
            "Statut": Status(c.status).label,
            "Accusé de réception attendu le": c.acknowledge_due_on,
            "Réponse attendue le": c.answer_due_on,
            "Accusé de réception dans le délai": _on_time(c.acknowledge_due_on, c.acknowledged_on, today),
            "Réponse dans le délai": _on_time(c.answer_due_on, c.answered_on, today),
        }
        yield [values[header] for header in export_headers(personal=personal)]


# --- Public tracking ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStatus:
    """What a citizen may see with a tracking number: no name, contact, subject or answer."""

    tracking_number: str
    kind: str
    status: str
    received_on: dt.date
    acknowledged_on: dt.date | None
    answered_on: dt.date | None
    closed_on: dt.date | None
    answer_due_on: dt.date | None


PUBLIC_FIELDS = [
    "tracking_number", "kind", "status", "received_on", "acknowledged_on", "answered_on", "closed_on", "answer_due_on",
]  # fmt: skip


def public_status(organisation: Organisation, tracking_number: str) -> PublicStatus | None:
    row = Complaint.objects.for_org(organisation).filter(tracking_number=tracking_number).values(*PUBLIC_FIELDS).first()
    if row is None:
        return None
    return PublicStatus(
        tracking_number=row["tracking_number"],
        kind=Kind(row["kind"]).label,
        status=Status(row["status"]).label,
        received_on=row["received_on"],
        acknowledged_on=row["acknowledged_on"],
        answered_on=row["answered_on"],
        closed_on=row["closed_on"],
        answer_due_on=row["answer_due_on"] if row["answered_on"] is None else None,
    )
