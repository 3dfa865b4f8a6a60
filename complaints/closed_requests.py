"""The complaints closed between two days with the citizen's e-mail address
(core.registries.CLOSED_REQUESTS): the surveys invite those citizens to say what they thought."""

from __future__ import annotations

import datetime as dt

from complaints.models import Complaint
from core.contacts import single_email_address
from core.models import Organisation
from core.registries import ClosedRequest

KEY_PREFIX = "complaints"


def closed_requests(organisation: Organisation, first: dt.date, last: dt.date) -> list[ClosedRequest]:
    rows = (
        Complaint.objects.for_org(organisation)
        .filter(closed_on__gte=first, closed_on__lte=last, anonymised_at__isnull=True)
        .exclude(citizen_email="")
        .values_list("pk", "closed_on", "citizen_email", "service__site_id")
    )
    return [
        ClosedRequest(key=f"{KEY_PREFIX}:{pk}", closed_on=closed_on, email=email, site_id=site_id)
        for pk, closed_on, contact, site_id in rows
        if (email := single_email_address(contact))
    ]
