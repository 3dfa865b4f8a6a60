"""State changes of complaints: registration, edits, the justified verdict, settings and
anonymisation; the workflow steps live in complaints.workflow (re-exported here).

Each writes the audit trail without personal free text (see AUDIT_FIELDS) and tells the
indicator engine which months changed. Edits carry the version the agent saw: a record
someone else saved since is refused with the name of who changed it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from complaints.deadlines import acknowledge_due, answer_due, set_due_dates
from complaints.models import (
    Channel,
    Complaint,
    ComplaintQuerySet,
    ComplaintSettings,
    Justified,
    Kind,
    Status,
    new_tracking_number,
)
from complaints.validation import (
    check_choice,
    check_day,
    check_handler,
    check_service,
    commitment_label,
    field_label,
)
from complaints.workflow import (
    AUDIT_FIELDS,
    METRIC_PREFIX,
    WORKFLOW,
    acknowledge,
    acknowledge_by_email,
    allowed_transitions,
    answer,
    close,
    indicator_months,
    reopen,
)
from core.audit import record_event, saved_user, snapshot
from core.closing import guard_record, without_closed_years
from core.concurrency import save_if_unchanged
from core.models import Organisation, Service, User
from core.registries import CalendarChange, records_changed
from core.workdays import calendar_for
from registers.deadlines import months_of, move_due_dates

__all__ = [
    "AUDIT_FIELDS",
    "METRIC_PREFIX",
    "acknowledge",
    "allowed_transitions",
    "answer",
    "close",
    "commitment_label",
    "reopen",
]

# The codes of the audit trail (shown through the journal's French labels).
CREATED = "create"
CHANGED = "update"
JUDGED = "judge"
ANONYMISED = "anonymise"
SETTINGS_CHANGED = "settings"

# Free text and contacts: the trail says that they changed, never what they say.
TEXT_FIELDS = [
    "subject",
    "description",
    "citizen_name",
    "citizen_email",
    "citizen_phone",
    "citizen_address",
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


# --- Helpers -----------------------------------------------------------------------------


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
    citizen_address: str = "",
    received_at: dt.datetime | None = None,
    handled_by: User | None = None,
) -> Complaint:
    """An agent registers a complaint or suggestion received through any channel; it is
    handled by `handled_by`, by default the agent who registers it."""
    check_choice("kind", kind, Kind.values, "Nature")
    check_choice("channel", channel, Channel.values, "Canal")
    check_day("de réception", "received_on", received_on, None, today)
    check_service(organisation, service)
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
        citizen_address=citizen_address.strip(),
        created_by=saved_user(actor),
        handled_by=handled_by or saved_user(actor),
    )
    check_handler(organisation, complaint.handled_by)
    set_due_dates(complaint, calendar_for(organisation), ComplaintSettings.for_org(organisation))
    _save_new(complaint)
    return WORKFLOW.created(complaint, actor=actor, action=CREATED, on=received_on)


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
    email_allowed: bool = True,
) -> Complaint:
    """A citizen files a complaint on the town's public page. With an e-mail address, an
    acknowledgement is e-mailed at once, and that e-mail is the acknowledgement of receipt;
    unless `email_allowed` is false (the address received too many of them lately): the
    complaint then waits for an acknowledgement by an agent, like one filed without address."""
    received_on = now.astimezone(organisation.time_zone).date()
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
    if complaint.citizen_email and email_allowed:
        acknowledge_by_email(complaint, tracking_url)
    return complaint


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
    "citizen_address",
    "justified",
    "action_note",
    "acknowledged_on",
    "answered_on",
    "answer",
    "handled_by",
]
STRIPPED = {
    "subject", "description", "citizen_name", "citizen_email", "citizen_phone", "citizen_address", "action_note",
    "answer",
}  # fmt: skip


def _validate_edit(complaint: Complaint, reached: dict[str, dt.date | None], today: dt.date) -> None:
    """`reached`: the step dates before the edit; an edit corrects them, never adds or erases one."""
    check_choice("kind", complaint.kind, Kind.values, "Nature")
    check_choice("channel", complaint.channel, Channel.values, "Canal")
    check_choice("justified", complaint.justified, Justified.values, "Bien-fondé")
    check_service(complaint.organisation, complaint.service)
    check_handler(complaint.organisation, complaint.handled_by)
    check_day("de réception", "received_on", complaint.received_on, None, today)
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
            check_day(label, field, day, complaint.received_on, today)
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
    months_before, received_before = indicator_months(complaint), complaint.received_on
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
    days = (received_before, complaint.received_on)
    guard_record(complaint, days=days, actor=actor, action=CHANGED, before=before, fields=AUDIT_FIELDS)
    save_if_unchanged(complaint, seen_version=seen_version, fields=fields)
    texts_changed = [field_label(name) for name in TEXT_FIELDS if getattr(complaint, name) != texts_before[name]]
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
        months=months_before | indicator_months(complaint),
    )
    return complaint


@transaction.atomic
def judge(
    *, complaint: Complaint, actor: User | None, seen_version: int, justified: str, action_note: str
) -> Complaint:
    """Say whether the complaint was justified, and note the improvement action opened from it."""
    if complaint.is_anonymised:
        raise ValidationError("Cette réclamation est anonymisée : elle ne peut plus être modifiée.")
    check_choice("justified", justified, Justified.values, "Bien-fondé")
    before = snapshot(complaint, AUDIT_FIELDS)
    note_changed = complaint.action_note != action_note.strip()
    complaint.justified = justified
    complaint.action_note = action_note.strip()
    days = (complaint.received_on,)
    guard_record(complaint, days=days, actor=actor, action=JUDGED, before=before, fields=AUDIT_FIELDS)
    save_if_unchanged(complaint, seen_version=seen_version, fields=["justified", "action_note"])
    after = snapshot(complaint, AUDIT_FIELDS)
    if note_changed:
        after[TEXT_CHANGED_KEY] = [field_label("action_note")]
    record_event(
        organisation=complaint.organisation,
        actor=actor,
        instance=complaint,
        action=JUDGED,
        before=before,
        after=after,
    )
    records_changed(
        organisation=complaint.organisation, metric_prefix=METRIC_PREFIX, months=indicator_months(complaint)
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
    """Recompute every complaint's due dates (after a change of deadlines); returns how many
    changed. Indicators of the months touched are recomputed."""
    return _follow_due_dates(Complaint.objects.for_org(organisation), organisation=organisation)


def follow_calendar(organisation: Organisation, change: CalendarChange) -> int:
    """The town's calendar changed: complaints take the due dates it now gives, closed ones
    too (a past month's figures follow the calendar the town now declares), in set operations
    (registers.deadlines.move_due_dates); the indicators of the months touched are told.
    Returns how many complaints moved."""
    calendar = calendar_for(organisation)
    settings = ComplaintSettings.for_org(organisation)

    def due_dates(key: tuple[Any, ...]) -> tuple[dt.date | None, ...]:
        received_on, kind, channel = key
        return (
            acknowledge_due(calendar, settings, received_on),
            answer_due(calendar, settings, kind=kind, channel=channel, received_on=received_on),
        )

    moved, months = move_due_dates(
        without_closed_years(Complaint.objects.for_org(organisation), "received_on"),  # core.closing
        changed_days=change.days,
        key_fields=("received_on", "kind", "channel"),
        due_fields=("acknowledge_due_on", "answer_due_on"),
        due_dates=due_dates,
    )
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)
    return moved


def _follow_due_dates(complaints: ComplaintQuerySet, *, organisation: Organisation) -> int:
    calendar = calendar_for(organisation)
    settings = ComplaintSettings.for_org(organisation)
    changed: list[Complaint] = []
    months: set[dt.date] = set()
    queryset = without_closed_years(complaints, "received_on").only(  # a closed year stays (core.closing)
        "pk", "kind", "channel", "received_on", "acknowledge_due_on", "answer_due_on"
    )
    for complaint in queryset.iterator(chunk_size=2000):
        old = (complaint.acknowledge_due_on, complaint.answer_due_on)
        set_due_dates(complaint, calendar, settings)
        if (complaint.acknowledge_due_on, complaint.answer_due_on) != old:
            changed.append(complaint)
            months |= months_of(*old, complaint.acknowledge_due_on, complaint.answer_due_on)
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
        citizen_address="",
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
