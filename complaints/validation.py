"""The checks the complaint actions share: French refusals of a bad day, choice, service,
handler or commitment, before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError

from complaints.models import Complaint
from core.access import Capability, can
from core.models import Membership, Organisation, Service, User
from core.registries import commitment_choices


def field_label(field: str) -> str:
    return str(getattr(Complaint._meta.get_field(field), "verbose_name", field))


def check_day(label: str, field: str, day: dt.date, complaint_received: dt.date | None, today: dt.date) -> None:
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


def check_service(organisation: Organisation, service: Service | None) -> None:
    if service is not None and service.organisation_id != organisation.pk:
        raise ValidationError({"service": "Choisissez un service de votre organisation."})


def check_handler(organisation: Organisation, user: User | None) -> None:
    if user is None:
        return
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None or not can(membership, Capability.CAPTURE):
        raise ValidationError({"handled_by": "Choisissez un agent de votre organisation."})


def check_choice(field: str, value: str, choices: Iterable[str], what: str) -> None:
    if value not in choices:
        raise ValidationError({field: f"{what} « {value} » inconnu(e)."})
