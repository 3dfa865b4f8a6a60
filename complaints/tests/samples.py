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
        citizen_address="1 rue Témoin\n45999 Ville-Témoin",  # its acknowledgement letter prints
    )
    return {"complaint_id": complaint.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first complaint received by post with an address (its letter prints);
    a sample one while the demo has none."""
    complaints = Complaint.objects.for_org(organisation).order_by("pk")
    with_address = complaints.exclude(citizen_address="").exclude(citizen_name="")
    first = (with_address.first() or complaints.first() or Complaint()).pk
    return {"complaint_id": first} if first is not None else sample_values(organisation)
