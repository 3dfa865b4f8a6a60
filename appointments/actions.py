"""State changes of appointments, each with its audit event (never the citizen's name or
contacts) and, through core.workflow, its log row and the indicators told.

Booking takes one of the slot's seats under a unique constraint: two bookings of the last seat
at the same instant cannot both succeed (the second is told the slot has just been taken).
Time is always an argument (`now=`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appointments.models import (
    TRANSITIONS,
    Appointment,
    AppointmentEvent,
    AppointmentKind,
    AppointmentSettings,
    AppointmentStatus,
    Channel,
)
from appointments.slots import booking_window, is_offered
from core.closing import closed_years
from core.localtime import local_stamp
from core.models import Organisation, User
from core.workflow import Workflow
from registers.models import Numbering

METRIC_PREFIX = "appointments"
NUMBERING = Numbering("appointments", "RDV-")
# The audit trail keeps these fields: the citizen's name and contacts are left out.
AUDIT_FIELDS = [
    "number",
    "kind",
    "service",
    "site",
    "status",
    "channel",
    "scheduled_at",
    "ends_at",
    "arrived_at",
    "started_at",
    "ended_at",
    "cancelled_at",
]


class AppointmentWorkflow(Workflow[Appointment]):
    def indicator_months(self, record: Appointment) -> set[dt.date]:
        return {record.local_month}

    def indicator_reading(self, record: Appointment) -> tuple[Any, ...]:
        return (record.status, record.scheduled_at, record.arrived_at, record.started_at)

    def closing_days(self, record: Appointment) -> tuple[dt.datetime, ...]:
        return (record.scheduled_at,)  # its year, for the closing guard (core.closing)

    def validate(self, record: Appointment) -> None:
        if record.started_at and record.arrived_at and record.started_at < record.arrived_at:
            raise ValidationError("Le rendez-vous ne peut pas commencer avant l'arrivée de l'usager.")
        if record.ended_at and record.started_at and record.ended_at < record.started_at:
            raise ValidationError("Le rendez-vous ne peut pas finir avant d'avoir commencé.")


WORKFLOW = AppointmentWorkflow(
    transitions=TRANSITIONS,
    event_model=AppointmentEvent,
    statuses=AppointmentStatus,
    audit_fields=AUDIT_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="Impossible d'enregistrer « {step} » : le rendez-vous est {status}.",
)


class SlotTaken(ValidationError):
    """The slot has no seat left: someone booked the last one first."""


@dataclass(frozen=True)
class Citizen:
    name: str
    email: str = ""
    phone: str = ""


def create_defaults(organisation: Organisation, actor: User | None = None) -> AppointmentSettings:
    """What a town is created with: its booking rules (no kind of appointment: the town says
    which it offers). Idempotent."""
    found, _created = AppointmentSettings.objects.get_or_create(organisation=organisation)
    return found


def new_manage_token() -> tuple[str, str]:
    """(token for the citizen's link, its hash kept on the appointment)."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_bookable(kind: AppointmentKind, starts_at: dt.datetime, *, now: dt.datetime, public: bool) -> None:
    if not kind.is_active or (public and not kind.bookable_online):
        raise ValidationError("Ce type de rendez-vous n'est pas proposé à la réservation.")
    earliest, last_day = booking_window(kind, now, public=public)
    if starts_at < earliest:
        if public and starts_at >= now:
            raise ValidationError(
                f"Ce créneau est trop proche : réservez au moins {kind.notice_hours} heures à l'avance."
            )
        raise ValidationError("Ce créneau est déjà passé.")
    if starts_at.astimezone(kind.organisation.time_zone).date() > last_day:
        raise ValidationError(f"Ce créneau est trop loin : réservez au plus {kind.horizon_days} jours à l'avance.")
    if not is_offered(kind, starts_at):
        raise ValidationError("Ce créneau n'est pas proposé pour ce type de rendez-vous.")


def _check_email_limit(kind: AppointmentKind, email: str, *, now: dt.datetime) -> None:
    limit = AppointmentSettings.for_org(kind.organisation).bookings_per_email
    upcoming = Appointment.objects.filter(
        organisation_id=kind.organisation_id,
        citizen_email__iexact=email,
        status=AppointmentStatus.BOOKED,
        scheduled_at__gte=now,
    ).count()
    if upcoming >= limit:
        raise ValidationError(
            f"Cette adresse a déjà {upcoming} rendez-vous à venir, le nombre maximal : annulez-en un ou "
            "attendez qu'il soit passé pour en prendre un autre."
        )


def _on_first_free_seat(capacity: int, save: Callable[[int], Appointment]) -> Appointment:
    """Save on the first free seat of the slot, each try in a savepoint: the unique constraint
    on (kind, start, seat) refuses a seat another booking holds, even one committed an instant ago."""
    for seat in range(1, capacity + 1):
        try:
            with transaction.atomic():
                return save(seat)
        except IntegrityError:
            continue
    raise SlotTaken("Ce créneau vient d'être réservé par quelqu'un d'autre : choisissez-en un autre.")


def _locked(appointment: Appointment) -> Appointment:
    """The appointment read afresh under lock, with what its journal entry names (its own row
    only is locked: PostgreSQL refuses to lock the nullable side of an outer join)."""
    related = Appointment.objects.select_related("organisation", "kind", "service", "site")
    return related.select_for_update(of=("self",)).get(pk=appointment.pk)


@transaction.atomic
def book(
    *,
    kind: AppointmentKind,
    starts_at: dt.datetime,
    citizen: Citizen,
    channel: str,
    actor: User | None,
    now: dt.datetime,
    notify: bool = True,
) -> tuple[Appointment, str]:
    """Book a slot of `kind`: (the appointment, the token of the citizen's link to cancel or
    move it, to be sent once and never kept). Online bookings (`actor` None) keep the notice
    and the limit of upcoming bookings per e-mail address; an agent books from now on.
    `notify=False` (here, in `cancel` and `apply_step`) leaves the indicators to the caller,
    who tells them once after many (the demo)."""
    public = channel == Channel.ONLINE
    _check_bookable(kind, starts_at, now=now, public=public)
    if public:
        _check_email_limit(kind, citizen.email, now=now)
    organisation = kind.organisation
    stamp = local_stamp(starts_at, organisation.time_zone)
    year = stamp.local_date.year
    token, hashed = new_manage_token()
    appointment = Appointment(
        organisation=organisation,
        kind=kind,
        service=kind.service,
        site=kind.service.site,
        number=NUMBERING.reference(year, NUMBERING.next_number(organisation.pk, year)),
        channel=channel,
        scheduled_at=starts_at,
        ends_at=starts_at + kind.duration,
        citizen_name=citizen.name.strip(),
        citizen_email=citizen.email.strip(),
        citizen_phone=citizen.phone.strip(),
        manage_token_hash=hashed,
        booked_at=now,
        booked_by=actor,
        local_date=stamp.local_date,
        local_month=stamp.local_month,
        dedupe_key=f"local:{uuid.uuid4().hex}",
    )

    def save(seat: int) -> Appointment:
        appointment.seat = seat
        appointment.save()
        return appointment

    _on_first_free_seat(kind.capacity, save)
    WORKFLOW.created(appointment, actor=actor, action="book", at=now, notify=notify)
    return appointment, token


@transaction.atomic
def move(*, appointment: Appointment, starts_at: dt.datetime, actor: User | None, now: dt.datetime) -> Appointment:
    """Move a booked appointment to another slot of its kind, on the first free seat there."""
    locked = _locked(appointment)
    WORKFLOW.check(locked, "move_booking")
    kind = locked.kind
    if kind is None:
        raise ValidationError("Un rendez-vous importé se déplace dans l'outil où il a été pris.")
    _check_bookable(kind, starts_at, now=now, public=actor is None)
    stamp = local_stamp(starts_at, locked.organisation.time_zone)
    changes = {
        "scheduled_at": starts_at,
        "ends_at": starts_at + kind.duration,
        "local_date": stamp.local_date,
        "local_month": stamp.local_month,
        "reminded_at": None,
    }

    def save(seat: int) -> Appointment:
        record = Appointment.objects.get(pk=locked.pk)  # afresh: a refused try leaves its changes on it
        return WORKFLOW.step(record, "move_booking", actor=actor, changes={**changes, "seat": seat}, log={"at": now})

    return _on_first_free_seat(kind.capacity, save)


@transaction.atomic
def cancel(*, appointment: Appointment, actor: User | None, now: dt.datetime, notify: bool = True) -> Appointment:
    """Cancel a booked appointment: its seat is free again."""
    locked = _locked(appointment)
    return WORKFLOW.step(
        locked,
        "cancel_booking",
        actor=actor,
        changes={"cancelled_at": now, "seat": None},
        log={"at": now},
        notify=notify,
    )


# The counter: arrival, start, end, no-show


@transaction.atomic
def apply_step(
    *, appointment: Appointment, step: str, actor: User | None, now: dt.datetime, notify: bool = True
) -> Appointment:
    """Record the citizen's arrival (check_in), the start or end of the appointment, or that
    the citizen did not come (no_show: only once the slot has begun)."""
    locked = _locked(appointment)
    changes: dict[str, Any] = {
        "check_in": {"arrived_at": now},
        "start": {"started_at": now},
        "end": {"ended_at": now},
        "no_show": {},
    }[step]
    if step == "no_show" and now < locked.scheduled_at:
        raise ValidationError("L'usager ne peut être noté absent qu'à partir de l'heure du rendez-vous.")
    return WORKFLOW.step(locked, step, actor=actor, changes=changes, log={"at": now}, notify=notify)


# The day over: an appointment nobody noted


@transaction.atomic
def close_past_days(organisation: Organisation, today: dt.date) -> int:
    """The daily job (core.registries.DAILY_JOBS): an appointment booked here for a day before
    today still « réservé » (the citizen was never noted as arrived nor received) becomes a
    no-show, by the documented rule (docs/appointments.md); one noted as arrived but never
    started stays as it is, and counts as not received on time. An imported appointment is
    left as its file says: the town may not note arrivals of another tool's bookings."""
    forgotten = Appointment.objects.for_org(organisation).filter(
        status=AppointmentStatus.BOOKED, local_date__lt=today, source__isnull=True
    )
    forgotten = forgotten.exclude(local_date__year__in=closed_years(organisation))  # left as closed (core.closing)
    closed = 0
    for appointment in forgotten.select_for_update().order_by("pk"):
        WORKFLOW.step(appointment, "no_show", actor=None, changes={})
        closed += 1
    return closed
