"""Objects the URL walkers route to: a kind of appointment and one range of its booking hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from appointments.models import AppointmentKind, BookingHours
from core.models import Organisation, Service


def sample_values(organisation: Organisation) -> dict[str, Any]:
    service = Service.objects.filter(organisation=organisation).order_by("pk").first()
    assert service is not None
    kind = AppointmentKind.objects.create(organisation=organisation, service=service, label="Rendez-vous témoin")
    hours = BookingHours.objects.create(
        organisation=organisation, kind=kind, weekday=0, starts_at=dt.time(9), ends_at=dt.time(12)
    )
    return {"kind_id": kind.pk, "hours_id": hours.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first kind and range; sample ones while the demo has none."""
    hours = BookingHours.objects.for_org(organisation).order_by("pk").first()
    return {"kind_id": hours.kind_id, "hours_id": hours.pk} if hours is not None else sample_values(organisation)
