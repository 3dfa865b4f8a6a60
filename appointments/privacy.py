"""The citizen's name and contacts kept on an appointment are erased once the town's retention
period (Organisation.retention_years) has passed since the appointment's day, by `manage.py
anonymise` (core.registries.ANONYMISERS). The day, kind, service, channel and what happened at
the counter stay: indicator 9.1 keeps its figures."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q

from appointments.models import Appointment
from core.audit import record_event
from core.models import Organisation, User


@transaction.atomic
def anonymise_appointments(organisation: Organisation, closed_before: dt.date, actor: User | None) -> int:
    """Erase the name, e-mail, phone and link of the appointments of the days before
    `closed_before`. One audit event for the run, with the count only."""
    with_contacts = ~Q(citizen_name="") | ~Q(citizen_email="") | ~Q(citizen_phone="") | ~Q(manage_token_hash="")
    erased = (
        Appointment.objects.for_org(organisation)
        .filter(with_contacts, local_date__lt=closed_before)
        .update(citizen_name="", citizen_email="", citizen_phone="", manage_token_hash="", version=F("version") + 1)
    )
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action="anonymise",
        after={"closed_before": closed_before.isoformat(), "appointments": erased},
    )
    return erased
