"""The town's configuration of appointments, changed by its quality manager: the kinds of
appointment each service offers, their booking hours, and the booking rules. Every change goes
to the audit trail (core.audit); none touches an appointment already booked, which keeps its
time, service and seat.

Booking hours are only offered within the service's opening hours (core.opening), on the days
the town is open: a range with no slot inside the opening hours is refused, one partly outside
is kept and the page says which slots it gives (`offered_starts`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appointments.models import AppointmentKind, AppointmentSettings, BookingHours
from appointments.slots import Offer
from core.audit import create_audited, delete_audited, save_audited, snapshot
from core.concurrency import save_if_unchanged
from core.models import Organisation, Service, User, Weekday
from core.opening import Slot, service_slots

KIND_FIELDS = [
    "service",
    "label",
    "duration_minutes",
    "documents",
    "capacity",
    "horizon_days",
    "notice_hours",
    "bookable_online",
    "is_active",
    "position",
]
RULE_FIELDS = ["bookings_per_email", "send_reminders"]
A_MONDAY = dt.date(2024, 1, 1)  # any Monday: booking hours are weekly, the date only names a weekday
DUPLICATE_LABEL = "Ce service propose déjà un type de rendez-vous de ce nom : choisissez-en un autre."


def _check_kind(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    service = values.get("service")
    if not isinstance(service, Service) or service.organisation_id != organisation.pk:
        raise ValidationError({"service": "Choisissez un service de votre ville."})
    values = {
        **values,
        "label": (values.get("label") or "").strip(),
        "documents": (values.get("documents") or "").strip(),
    }
    if not values["label"]:
        raise ValidationError({"label": "Donnez un intitulé au type de rendez-vous."})
    return values


def _validated(kind: AppointmentKind) -> None:
    """The model's own limits (durations, capacity...), said in French by its validators."""
    kind.full_clean(exclude=["organisation", "service"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def create_kind(*, organisation: Organisation, actor: User | None, **values: Any) -> AppointmentKind:
    """A new kind of appointment, with no booking hours yet (so nothing offered until some are added)."""
    values = _check_kind(organisation, values)
    kind = AppointmentKind(organisation=organisation, **values)
    _validated(kind)
    try:
        with transaction.atomic():
            create_audited(kind, actor=actor, fields=KIND_FIELDS)
    except IntegrityError as duplicate:
        raise ValidationError({"label": DUPLICATE_LABEL}) from duplicate
    return kind


@transaction.atomic
def update_kind(*, kind: AppointmentKind, actor: User | None, seen_version: int, **values: Any) -> bool:
    """Change a kind (refused when someone saved it since `seen_version`); returns whether
    anything changed. Booked appointments keep their time, length and service."""
    values = _check_kind(kind.organisation, values)
    before = snapshot(kind, KIND_FIELDS)
    for name, value in values.items():
        setattr(kind, name, value)
    _validated(kind)
    if snapshot(kind, KIND_FIELDS) == before:
        return False
    save_if_unchanged(kind, seen_version=seen_version, fields=[])
    try:
        with transaction.atomic():
            return save_audited(kind, actor=actor, values=values, before=before)
    except IntegrityError as duplicate:
        raise ValidationError({"label": DUPLICATE_LABEL}) from duplicate


def opening_of(kind: AppointmentKind) -> list[Slot]:
    """The opening hours of the kind's service (its own, else its site's)."""
    return service_slots(kind.organisation).get(kind.service_id, [])


def offered_starts(
    kind: AppointmentKind, weekday: int, starts_at: dt.time, ends_at: dt.time, opening: list[Slot]
) -> list[dt.time]:
    """The starts of the slots a range of booking hours gives on an open day: those lying
    within the service's opening hours (the same rule as the public page, slots.Offer)."""
    offer = Offer(kind, [(weekday, starts_at, ends_at)], opening, frozenset())
    return [start.time() for start in offer.starts(A_MONDAY + dt.timedelta(days=weekday))]


def _overlapping(kind: AppointmentKind, weekday: int, starts_at: dt.time, ends_at: dt.time) -> BookingHours | None:
    return (
        BookingHours.objects.filter(
            organisation_id=kind.organisation_id,
            kind=kind,
            weekday=weekday,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def add_booking_hours(
    *, kind: AppointmentKind, actor: User | None, weekday: int, starts_at: dt.time, ends_at: dt.time
) -> BookingHours:
    """A weekly range of booking hours for the kind. Refused when it ends before it starts,
    overlaps another range of the kind that day, or gives no slot within the service's opening
    hours (a range partly outside them is kept: only its slots within them are offered)."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "L'heure de fin doit être après l'heure de début."})
    clash = _overlapping(kind, weekday, starts_at, ends_at)
    if clash is not None:
        raise ValidationError(
            f"Cette plage chevauche celle du {clash}. Modifiez les heures ou supprimez l'ancienne plage."
        )
    if not offered_starts(kind, weekday, starts_at, ends_at, opening_of(kind)):
        day = Weekday(weekday).label
        raise ValidationError(
            f"Aucun rendez-vous de {kind.duration_minutes} minutes ne tient dans cette plage pendant les horaires "
            f"d'ouverture du service {kind.service.name} le {day} : seuls les créneaux compris dans ces horaires "
            "sont proposés. Choisissez des heures où le service est ouvert."
        )
    hours = BookingHours(
        organisation_id=kind.organisation_id, kind=kind, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    create_audited(hours, organisation=kind.organisation, actor=actor)
    return hours


@transaction.atomic
def delete_booking_hours(*, hours: BookingHours, actor: User | None) -> None:
    """Remove a range: its slots are no longer offered; appointments already booked in it stay."""
    delete_audited(hours, organisation=hours.organisation, actor=actor)


@transaction.atomic
def update_rules(*, organisation: Organisation, actor: User | None, **values: Any) -> bool:
    """Change the town's booking rules (the row is created for a town made before this app)."""
    rules = AppointmentSettings.for_org(organisation)
    for name, value in values.items():
        setattr(rules, name, value)
    rules.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
    if rules.pk is None:
        create_audited(rules, actor=actor, fields=RULE_FIELDS)
        return True
    return save_audited(AppointmentSettings.objects.get(pk=rules.pk), actor=actor, values=values)
