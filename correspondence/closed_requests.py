"""The written requests closed between two days whose requester's contact holds one e-mail
address (core.registries.CLOSED_REQUESTS): the surveys invite those citizens to say what they
thought. The contact is free text (a postal address, a phone number, an address or several):
only a single valid e-mail address in it is used."""

from __future__ import annotations

import datetime as dt

from core.contacts import single_email_address
from core.models import Organisation
from core.registries import ClosedRequest
from correspondence.models import WrittenRequest

KEY_PREFIX = "correspondence"


def closed_requests(organisation: Organisation, first: dt.date, last: dt.date) -> list[ClosedRequest]:
    rows = (
        WrittenRequest.objects.for_org(organisation)
        .filter(closed_on__gte=first, closed_on__lte=last, anonymised_at__isnull=True, requester_contact__contains="@")
        .values_list("pk", "closed_on", "requester_contact", "service__site_id")
    )
    return [
        ClosedRequest(key=f"{KEY_PREFIX}:{pk}", closed_on=closed_on, email=email, site_id=site_id)
        for pk, closed_on, contact, site_id in rows
        if (email := single_email_address(contact))
    ]
