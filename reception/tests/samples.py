"""One object of each kind the counter routes to, for the project-wide URL walkers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Organisation, Service, Site
from reception.actions import create_reason, issue_ticket, log_visit
from reception.models import QueueTicket, Visit, VisitReason

SAMPLE_MOMENT = dt.datetime(2026, 3, 10, 9, 15, tzinfo=dt.UTC)


def sample_values(organisation: Organisation) -> dict[str, Any]:
    site = Site.objects.filter(organisation=organisation).first() or Site.objects.create(
        organisation=organisation, name="Site témoin"
    )
    service = Service.objects.filter(organisation=organisation).first()
    reason = create_reason(organisation=organisation, actor=None, label="Motif témoin", service=service)
    ticket = issue_ticket(organisation=organisation, site=site, reason=reason, now=SAMPLE_MOMENT, actor=None)
    visit = log_visit(
        organisation=organisation, site=site, reason=reason, oriented_to=service, now=SAMPLE_MOMENT, actor=None
    )
    return {"ticket_id": ticket.pk, "visit_id": visit.pk, "reason_id": reason.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The first ticket, visit and reason a demo town has, when it has them."""
    values = {}
    for key, model in (("ticket_id", QueueTicket), ("visit_id", Visit), ("reason_id", VisitReason)):
        first = model.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            values[key] = first
    return values
