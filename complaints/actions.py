"""State changes of complaints: registration, the workflow, edits, settings, anonymisation.

Each writes the audit trail without personal free text (see AUDIT_FIELDS) and tells the
indicator engine which months changed. Edits and workflow steps carry the version the agent
saw: a record someone else saved since is refused with the name of who changed it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from complaints.deadlines import set_due_dates
from complaints.models import (
    Channel,
    Complaint,
    ComplaintSettings,
    ComplaintTransition,
    Justified,
    Kind,
    Status,
    new_tracking_number,
)
from core.access import Capability, can
from core.audit import record_event, snapshot
from core.concurrency import save_if_unchanged
from core.localtime import PARIS
from core.models import Membership, Organisation, Service, User
from core.registries import commitment_choices, records_changed
from core.workdays import calendar_for, french_date

logger = logging.getLogger(__name__)

METRIC_PREFIX = "complaints"
CREATED = "création"
CHANGED = "modification"
ANONYMISED = "anonymisation"
SETTINGS_CHANGED = "paramètres"

# What the audit trail keeps of a complaint: no name, contact or free text.
AUDIT_FIELDS = [
    "tracking_number",
    "kind",
    "channel",
    "received_on",
    "service",
    "commitment_code",
    "status",
    "acknowledge_due_on",
    "answer_due_on",
    "acknowledged_on",
    "answered_on",
    "closed_on",
    "justified",
    "handled_by",
    "anonymised_at",
]
# Free text and contacts: the trail says that they changed, never what they say.
TEXT_FIELDS = [
    "subject",
    "description",
    "citizen_name",
    "citizen_email",
    "citizen_phone",
    "answer",
    "action_note",
]
TEXT_CHANGED_KEY = "textes_modifiés"
ERASED = "(anonymisé)"
SETTINGS_FIELDS = [
    "acknowledge_days",
    "acknowledge_business_days",
    "answer_days",
    "answer_days_letter",
    "answer_business_days",
]


# --- The workflow: a transitions table and a log row per change --------------------------


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str | None  # None: computed (reopening goes back to the last step reached)


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition("Accuser réception", frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "answer": Transition("Répondre", frozenset({Status.RECEIVED, Status.ACKNOWLEDGED}), Status.ANSWERED),
    "close": Transition("Clore", frozenset({Status.ANSWERED}), Status.CLOSED),
    "reopen": Transition("Rouvrir", frozenset({Status.CLOSED}), None),
}
# A suggestion expects no answer: it may be closed once received.
SUGGESTION_CLOSE_SOURCES = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.ANSWERED})


def allowed_transitions(complaint: Complaint) -> list[str]:
    """The workflow steps open from the complaint's status (nothing once anonymised)."""
    if complaint.is_anonymised:
        return []
    names = []
    for name, transition in TRANSITIONS.items():
        sources = (
            SUGGESTION_CLOSE_SOURCES if name == "close" and complaint.kind == Kind.SUGGESTION else transition.sources
        )
        if complaint.status in sources:
            names.append(name)
    return names


def _check_allowed(complaint: Complaint, name: str) -> None:
    if name not in allowed_transitions(complaint):
        status = complaint.get_status_display()
        raise ValidationError(f"Action « {TRANSITIONS[name].label} » impossible : la réclamation est « {status} ».")


def _log_transition(complaint: Complaint, before: str, actor: User | None, on: dt.date) -> None:
    if before == complaint.status:
        return
    ComplaintTransition.objects.create(
        organisation_id=complaint.organisation_id,
        complaint=complaint,
        from_status=before,
        to_status=complaint.status,
        on=on,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None and actor.pk else "système",
    )


# --- Helpers -----------------------------------------------------------------------------


def _label(field: str) -> str:
    return str(getattr(Complaint._meta.get_field(field), "verbose_name", field))


def _months(*days: dt.date | None) -> set[dt.date]:
    return {day.replace(day=1) for day in days if day is not None}


def _indicator_months(complaint: Complaint) -> set[dt.date]:
    """The months whose indicators this complaint enters: received, due for acknowledgement,
    due for an answer (deadline indicators count the items due in a period)."""
    return _months(complaint.received_on, complaint.acknowledge_due_on, complaint.answer_due_on)


def _audit(complaint: Complaint, actor: User | None, action: str, before: dict[str, Any] | None) -> None:
    after = snapshot(complaint, AUDIT_FIELDS)
    record_event(
        organisation=complaint.organisation,
        actor=actor,
        instance=complaint,
        action=action,
        before=before,
        after=after,
    )


def _check_day(label: str, field: str, day: dt.date, complaint_received: dt.date | None, today: dt.date) -> None:
    if day > today:
        raise ValidationError({field: f"La date {label} ne peut pas être dans le futur ({day:%d/%m/%Y})."})
    if complaint_received is not None and day < complaint_received:
        raise ValidationError(
            {field: f"La date {label} ne peut pas précéder la réception ({complaint_received:%d/%m/%Y})."}
        )


def commitment_label(organisation: Organisation, code: str) -> str:
    """The label of a commitment the town follows, or a French error."""
    if not code:
        return ""
    labels = dict(commitment_choices(organisation))
    if code not in labels:
        raise ValidationError({"commitment_code": f"L'engagement « {code} » n'est pas suivi par la ville."})
    return labels[code]


def _check_service(organisation: Organisation, service: Service | None) -> None:
    if service is not None and service.organisation_id != organisation.pk:
        raise ValidationError({"service": "Choisissez un service de votre organisation."})


def _check_handler(organisation: Organisation, user: User | None) -> None:
    if user is None:
        return
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None or not can(membership, Capability.CAPTURE):
        raise ValidationError({"handled_by": "Choisissez un agent de votre organisation."})


def _check_choice(field: str, value: str, choices: Iterable[str], what: str) -> None:
    if value not in choices:
        raise ValidationError({field: f"{what} « {value} » inconnu(e)."})


def _save_new(complaint: Complaint) -> None:
    """Insert with a fresh tracking number; a collision (one in 10¹²) draws another."""
    year = complaint.received_on.year
    for _ in range(5):
        complaint.tracking_number = new_tracking_number(year)
        try:
            with transaction.atomic():
                complaint.save()
            return
        except IntegrityError:
            if Complaint.objects.filter(
                organisation_id=complaint.organisation_id, tracking_number=complaint.tracking_number
            ).exists():
                continue
            raise
    raise RuntimeError("No free tracking number after five draws.")


# --- Registering --------------------------------------------------------------------------


@transaction.atomic
def register_complaint(
    *,
    organisation: Organisation,
    actor: User | None,
    today: dt.date,
    kind: str,
    channel: str,
    received_on: dt.date,
    subject: str,
    description: str = "",
    service: Service | None = None,
    commitment_code: str = "",
    citizen_name: str = "",
    citizen_email: str = "",
    citizen_phone: str = "",
    received_at: dt.datetime | None = None,
    handled_by: User | None = None,
) -> Complaint:
    """An agent registers a complaint or suggestion received through any channel; it is
    handled by `handled_by`, by default the agent who registers it."""
    _check_choice("kind", kind, Kind.values, "Nature")
    _check_choice("channel", channel, Channel.values, "Canal")
    _check_day("de réception", "received_on", received_on, None, today)
    _check_service(organisation, service)
    if not subject.strip():
        raise ValidationError({"subject": "Indiquez l'objet de la réclamation."})
    complaint = Complaint(
        organisation=organisation,
        kind=kind,
        channel=channel,
        received_on=received_on,
        received_at=received_at,
        received_month=received_on.replace(day=1),
        service=service,
        commitment_code=commitment_code,
        commitment_label=commitment_label(organisation, commitment_code),
        subject=subject.strip(),
        description=description.strip(),
        citizen_name=citizen_name.strip(),
        citizen_email=citizen_email.strip(),
        citizen_phone=citizen_phone.strip(),
        created_by=actor if actor is not None and actor.pk else None,
        handled_by=handled_by or (actor if actor is not None and actor.pk else None),
    )
    _check_handler(organisation, complaint.handled_by)
    set_due_dates(complaint, calendar_for(organisation), ComplaintSettings.for_org(organisation))
    _save_new(complaint)
    _log_transition(complaint, "", actor, received_on)
    _audit(complaint, actor, CREATED, None)
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=_indicator_months(complaint))
    return complaint


@transaction.atomic
def file_public_complaint(
    *,
    organisation: Organisation,
    now: dt.datetime,
    kind: str,
    subject: str,
    description: str,
    commitment_code: str = "",
    citizen_name: str = "",
    citizen_email: str = "",
    citizen_phone: str = "",
    tracking_url: str = "",
) -> Complaint:
    """A citizen files a complaint on the town's public page. With an e-mail address, an
    acknowledgement is e-mailed at once, and that e-mail is the acknowledgement of receipt."""
    received_on = now.astimezone(PARIS).date()
    complaint = register_complaint(
        organisation=organisation,
        actor=None,
        today=received_on,
        kind=kind,
        channel=Channel.WEB,
        received_on=received_on,
        received_at=now,
        subject=subject,
        description=description,
        commitment_code=commitment_code,
        citizen_name=citizen_name,
        citizen_email=citizen_email,
        citizen_phone=citizen_phone,
    )
    if complaint.citizen_email:
        _acknowledge_by_email(complaint, tracking_url)
    return complaint


def _acknowledge_by_email(complaint: Complaint, tracking_url: str) -> None:
    before_status = complaint.status
    before = snapshot(complaint, AUDIT_FIELDS)
    complaint.acknowledged_on = complaint.received_on
    complaint.status = Status.ACKNOWLEDGED
    save_if_unchanged(complaint, seen_version=complaint.version, fields=["acknowledged_on", "status"])
    _log_transition(complaint, before_status, None, complaint.received_on)
    _audit(complaint, None, "accusé de réception par courriel", before)
    body = render_to_string(
        "complaints/email/acknowledgement.txt",
        {
            "complaint": complaint,
            "organisation": complaint.organisation,
            "tracking_url": tracking_url,
            "answer_due": french_date(complaint.answer_due_on) if complaint.answer_due_on else "",
        },
    )
    subject = f"{complaint.organisation.name} : votre {complaint.get_kind_display()} {complaint.tracking_number}"
    recipient = complaint.citizen_email
    transaction.on_commit(lambda: _send(subject, body, recipient))


def _send(subject: str, body: str, recipient: str) -> None:
    try:
        send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, [recipient])
    except OSError:  # the mail server is down: the complaint is saved, the log says so
        logger.warning("Complaint acknowledgement e-mail not sent (mail server unreachable).")


# --- Editing -------------------------------------------------------------------------------

EDITABLE = [
    "kind",
    "channel",
    "received_on",
    "service",
    "commitment_code",
    "subject",
    "description",
    "citizen_name",
    "citizen_email",
    "citizen_phone",
    "justified",
    "action_note",
    "acknowledged_on",
    "answered_on",
    "answer",
    "handled_by",
]
STRIPPED = {"subject", "description", "citizen_name", "citizen_email", "citizen_phone", "action_note", "answer"}


def _validate_edit(complaint: Complaint, reached: dict[str, dt.date | None], today: dt.date) -> None:
    """`reached`: the step dates before the edit; an edit corrects them, never adds or erases one."""
    _check_choice("kind", complaint.kind, Kind.values, "Nature")
    _check_choice("channel", complaint.channel, Channel.values, "Canal")
    _check_choice("justified", complaint.justified, Justified.values, "Bien-fondé")
    _check_service(complaint.organisation, complaint.service)
    _check_handler(complaint.organisation, complaint.handled_by)
    _check_day("de réception", "received_on", complaint.received_on, None, today)
    if not complaint.subject:
        raise ValidationError({"subject": "Indiquez l'objet de la réclamation."})
    steps = (
        ("acknowledged_on", "d'accusé de réception", "Accuser réception"),
        ("answered_on", "de réponse", "Répondre"),
    )
    for field, label, action in steps:
        day, was = getattr(complaint, field), reached[field]
        if day is None and was is not None:
            raise ValidationError(
                {field: "Cette date ne peut pas être effacée : la réclamation a franchi cette étape."}
            )
        if day is not None and was is None:
            raise ValidationError({field: f"Utilisez l'action « {action} » pour franchir cette étape."})
        if day is not None:
            _check_day(label, field, day, complaint.received_on, today)
    if complaint.acknowledged_on and complaint.answered_on and complaint.answered_on < complaint.acknowledged_on:
        raise ValidationError({"answered_on": "La réponse ne peut pas précéder l'accusé de réception."})


@transaction.atomic
def update_complaint(
    *, complaint: Complaint, actor: User | None, seen_version: int, today: dt.date, **changes: Any
) -> Complaint:
    """Correct a complaint. Dates of steps already reached may be corrected, not skipped:
    the workflow actions move the status. Due dates follow the receipt date, kind and channel."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    if complaint.is_anonymised:
        raise ValidationError("Cette réclamation est anonymisée : elle ne peut plus être modifiée.")
    months_before = _indicator_months(complaint)
    before = snapshot(complaint, AUDIT_FIELDS)
    texts_before = {name: getattr(complaint, name) for name in TEXT_FIELDS}
    reached = {"acknowledged_on": complaint.acknowledged_on, "answered_on": complaint.answered_on}
    if "commitment_code" in changes and changes["commitment_code"] != complaint.commitment_code:
        complaint.commitment_label = commitment_label(complaint.organisation, changes["commitment_code"])
    for name, value in changes.items():
        setattr(complaint, name, value.strip() if name in STRIPPED and isinstance(value, str) else value)
    _validate_edit(complaint, reached, today)
    complaint.received_month = complaint.received_on.replace(day=1)
    set_due_dates(complaint, calendar_for(complaint.organisation), ComplaintSettings.for_org(complaint.organisation))
    fields = [*EDITABLE, "commitment_label", "received_month", "acknowledge_due_on", "answer_due_on"]
    save_if_unchanged(complaint, seen_version=seen_version, fields=fields)
    texts_changed = [_label(name) for name in TEXT_FIELDS if getattr(complaint, name) != texts_before[name]]
    after = snapshot(complaint, AUDIT_FIELDS) | ({TEXT_CHANGED_KEY: texts_changed} if texts_changed else {})
    if after != before:
        record_event(
            organisation=complaint.organisation,
            actor=actor,
            instance=complaint,
            action=CHANGED,
            before=before,
            after=after,
        )
    records_changed(
        organisation=complaint.organisation,
        metric_prefix=METRIC_PREFIX,
        months=months_before | _indicator_months(complaint),
    )
    return complaint


# --- Workflow steps --------------------------------------------------------------------


def _begin(complaint: Complaint, name: str) -> tuple[str, dict[str, Any], set[dt.date]]:
    _check_allowed(complaint, name)
    return complaint.status, snapshot(complaint, AUDIT_FIELDS), _indicator_months(complaint)


def _finish(
    complaint: Complaint,
    *,
    started: tuple[str, dict[str, Any], set[dt.date]],
    action: str,
    actor: User | None,
    seen_version: int,
    on: dt.date,
    fields: list[str],
) -> Complaint:
    status_before, before, months = started
    save_if_unchanged(complaint, seen_version=seen_version, fields=[*fields, "status"])
    _log_transition(complaint, status_before, actor, on)
    _audit(complaint, actor, action, before)
    records_changed(organisation=complaint.organisation, metric_prefix=METRIC_PREFIX, months=months)
    return complaint


@transaction.atomic
def acknowledge(
    *, complaint: Complaint, actor: User | None, seen_version: int, on: dt.date, today: dt.date
) -> Complaint:
    started = _begin(complaint, "acknowledge")
    _check_day("d'accusé de réception", "on", on, complaint.received_on, today)
    complaint.acknowledged_on = on
    complaint.status = Status.ACKNOWLEDGED
    return _finish(
        complaint,
        started=started,
        action="accusé de réception",
        actor=actor,
        seen_version=seen_version,
        on=on,
        fields=["acknowledged_on"],
    )


@transaction.atomic
def answer(
    *,
    complaint: Complaint,
    actor: User | None,
    seen_version: int,
    on: dt.date,
    today: dt.date,
    text: str = "",
    justified: str | None = None,
) -> Complaint:
    """Record the answer. An answer sent before any acknowledgement acknowledges too (same day)."""
    started = _begin(complaint, "answer")
    _check_day("de réponse", "on", on, complaint.received_on, today)
    if complaint.acknowledged_on is not None and on < complaint.acknowledged_on:
        raise ValidationError({"on": "La réponse ne peut pas précéder l'accusé de réception."})
    if justified is not None:
        _check_choice("justified", justified, Justified.values, "Bien-fondé")
        complaint.justified = justified
    complaint.acknowledged_on = complaint.acknowledged_on or on
    complaint.answered_on = on
    complaint.answer = text.strip()
    complaint.status = Status.ANSWERED
    return _finish(
        complaint,
        started=started,
        action="réponse",
        actor=actor,
        seen_version=seen_version,
        on=on,
        fields=["acknowledged_on", "answered_on", "answer", "justified"],
    )


@transaction.atomic
def close(*, complaint: Complaint, actor: User | None, seen_version: int, on: dt.date, today: dt.date) -> Complaint:
    started = _begin(complaint, "close")
    last_step = complaint.answered_on or complaint.acknowledged_on or complaint.received_on
    _check_day("de clôture", "on", on, last_step, today)
    complaint.closed_on = on
    complaint.status = Status.CLOSED
    return _finish(
        complaint,
        started=started,
        action="clôture",
        actor=actor,
        seen_version=seen_version,
        on=on,
        fields=["closed_on"],
    )


@transaction.atomic
def reopen(*, complaint: Complaint, actor: User | None, seen_version: int, today: dt.date) -> Complaint:
    started = _begin(complaint, "reopen")
    complaint.closed_on = None
    if complaint.answered_on:
        complaint.status = Status.ANSWERED
    elif complaint.acknowledged_on:
        complaint.status = Status.ACKNOWLEDGED
    else:
        complaint.status = Status.RECEIVED
    return _finish(
        complaint,
        started=started,
        action="réouverture",
        actor=actor,
        seen_version=seen_version,
        on=today,
        fields=["closed_on"],
    )


@transaction.atomic
def judge(
    *, complaint: Complaint, actor: User | None, seen_version: int, justified: str, action_note: str
) -> Complaint:
    """Say whether the complaint was justified, and note the improvement action opened from it."""
    if complaint.is_anonymised:
        raise ValidationError("Cette réclamation est anonymisée : elle ne peut plus être modifiée.")
    _check_choice("justified", justified, Justified.values, "Bien-fondé")
    before = snapshot(complaint, AUDIT_FIELDS)
    note_changed = complaint.action_note != action_note.strip()
    complaint.justified = justified
    complaint.action_note = action_note.strip()
    save_if_unchanged(complaint, seen_version=seen_version, fields=["justified", "action_note"])
    after = snapshot(complaint, AUDIT_FIELDS)
    if note_changed:
        after[TEXT_CHANGED_KEY] = [_label("action_note")]
    record_event(
        organisation=complaint.organisation,
        actor=actor,
        instance=complaint,
        action="bien-fondé",
        before=before,
        after=after,
    )
    records_changed(
        organisation=complaint.organisation, metric_prefix=METRIC_PREFIX, months=_indicator_months(complaint)
    )
    return complaint


# --- Settings ------------------------------------------------------------------------------


@transaction.atomic
def update_settings(*, organisation: Organisation, actor: User | None, **values: int | bool) -> ComplaintSettings:
    """Change the town's deadlines; the due dates of every complaint follow."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a setting: {sorted(unknown)}")
    current = ComplaintSettings.for_org(organisation)
    before = snapshot(current, SETTINGS_FIELDS) if current.pk else None
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    after = snapshot(current, SETTINGS_FIELDS)
    if before != after:
        record_event(
            organisation=organisation,
            actor=actor,
            instance=current,
            action=SETTINGS_CHANGED if before else CREATED,
            before=before,
            after=after,
        )
        recompute_due_dates(organisation=organisation)
    return current


def recompute_due_dates(*, organisation: Organisation) -> int:
    """Recompute every complaint's due dates (after a change of deadlines or of the calendar);
    returns how many changed. Indicators of the months touched are recomputed."""
    calendar = calendar_for(organisation)
    settings = ComplaintSettings.for_org(organisation)
    changed: list[Complaint] = []
    months: set[dt.date] = set()
    queryset = Complaint.objects.for_org(organisation).only(
        "pk", "kind", "channel", "received_on", "acknowledge_due_on", "answer_due_on"
    )
    for complaint in queryset.iterator(chunk_size=2000):
        old = (complaint.acknowledge_due_on, complaint.answer_due_on)
        set_due_dates(complaint, calendar, settings)
        if (complaint.acknowledge_due_on, complaint.answer_due_on) != old:
            changed.append(complaint)
            months |= _months(*old, complaint.acknowledge_due_on, complaint.answer_due_on)
    Complaint.objects.bulk_update(changed, ["acknowledge_due_on", "answer_due_on"], batch_size=500)
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)
    return len(changed)


# --- Privacy ---------------------------------------------------------------------------------


@transaction.atomic
def anonymise_closed(organisation: Organisation, closed_before: dt.date, actor: User | None) -> int:
    """Erase names, contacts and free text of complaints closed before `closed_before`,
    keeping dates, kind, channel, service, commitment, justified, status and the improvement
    action (the outcome, written by agents without personal data) for statistics.
    One audit event for the run; open edit forms become stale (the version moves on)."""
    queryset = Complaint.objects.for_org(organisation).filter(
        status=Status.CLOSED, closed_on__lt=closed_before, anonymised_at__isnull=True
    )
    count = queryset.update(
        subject=ERASED,
        description="",
        citizen_name="",
        citizen_email="",
        citizen_phone="",
        answer="",
        anonymised_at=timezone.now(),
        version=F("version") + 1,
    )
    if count:
        record_event(
            organisation=organisation,
            actor=actor,
            instance=organisation,
            action=ANONYMISED,
            after={"réclamations anonymisées": count, "closes avant le": closed_before.isoformat()},
        )
    return count
