"""Objects the URL walkers route to: one complaint per town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from complaints.actions import register_complaint
from complaints.models import Channel, Complaint, Kind
from core.models import Organisation


def sample_values(organisation: Organisation) -> dict[str, Any]:
    complaint = register_complaint(
        organisation=organisation,
        actor=None,
        today=dt.date(2026, 3, 10),
        kind=Kind.COMPLAINT,
        channel=Channel.LETTER,
        received_on=dt.date(2026, 3, 2),
        subject="Attente au guichet",
        description="Quarante minutes d'attente un lundi matin.",
        citizen_name="Usager Témoin",
    )
    return {"complaint_id": complaint.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first complaint; a sample one while the demo has none."""
    first = Complaint.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    return {"complaint_id": first} if first is not None else sample_values(organisation)
