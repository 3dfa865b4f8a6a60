"""What a new town's counter starts with: the usual visit reasons, each tied to the service of
its code when the town has one. Created with the town (a town default of core.registries),
never when a page is first opened; the town's creation is the audited event."""

from __future__ import annotations

from django.db import transaction

from core.models import Organisation, Service, User
from reception.actions import DEFAULT_REASONS
from reception.models import VisitReason


@transaction.atomic
def create_default_reasons(organisation: Organisation, actor: User | None = None) -> int:
    """Give a town without any visit reason the usual ones; returns how many were created (none
    when the town already has reasons of its own)."""
    if VisitReason.objects.filter(organisation=organisation).exists():
        return 0
    services = {service.code: service for service in Service.objects.for_org(organisation)}
    reasons = VisitReason.objects.bulk_create(
        VisitReason(organisation=organisation, label=label, service=services.get(code), position=position * 10)
        for position, (label, code) in enumerate(DEFAULT_REASONS, start=1)
    )
    return len(reasons)
