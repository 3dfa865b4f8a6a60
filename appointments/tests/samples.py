"""Objects the URL walkers route to: a kind of appointment, one range of its booking hours, and
one appointment of that kind booked by phone on a Monday morning (the sample town's Monday
opening hours, tests/samples.py), the citizen noted as arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from appointments.actions import Citizen, apply_step, book
from appointments.models import Appointment, AppointmentKind, BookingHours, Channel
from core.models import Organisation, Service, Site

PARIS = ZoneInfo("Europe/Paris")
BOOKED_ON = dt.datetime(2026, 3, 2, 8, tzinfo=PARIS)  # a Monday
SAMPLE_START = dt.datetime(2026, 3, 2, 9, 20, tzinfo=PARIS)


def sample_values(organisation: Organisation) -> dict[str, Any]:
    site = Site.objects.filter(organisation=organisation).order_by("pk").first()
    service = Service.objects.filter(organisation=organisation, site=site).order_by("pk").first()
    assert service is not None
    kind = AppointmentKind.objects.create(
        organisation=organisation, service=service, label="Rendez-vous témoin", duration_minutes=20
    )
    hours = BookingHours.objects.create(
        organisation=organisation, kind=kind, weekday=0, starts_at=dt.time(9), ends_at=dt.time(11)
    )
    appointment, _token = book(
        kind=kind,
        starts_at=SAMPLE_START,
        citizen=Citizen("Usager Témoin", "usager@exemple.test", "06 00 00 00 00"),
        channel=Channel.PHONE,
        actor=None,
        now=BOOKED_ON,
    )
    apply_step(appointment=appointment, step="check_in", actor=None, now=SAMPLE_START - dt.timedelta(minutes=5))
    return {"kind_id": kind.pk, "hours_id": hours.pk, "appointment_id": appointment.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first kind, range and appointment; sample ones while it has none."""
    hours = BookingHours.objects.for_org(organisation).order_by("pk").first()
    first = Appointment.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True).first()
    if hours is None or first is None:
        return sample_values(organisation)
    return {"kind_id": hours.kind_id, "hours_id": hours.pk, "appointment_id": first}
