"""One object of each kind the civil-registry URLs point at, for the URL walkers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from civil_registry.actions import deliver, record_error, register_act_request
from civil_registry.models import ActChannel, ActError, ActFormat, ActRequest, ActType, ErrorFinder
from core.models import Organisation


def sample_values(organisation: Organisation) -> dict[str, Any]:
    act = register_act_request(
        organisation=organisation,
        actor=None,
        act_type=ActType.BIRTH,
        act_format=ActFormat.FULL,
        channel=ActChannel.POST,
        copies=2,
        received_on=dt.date(2026, 7, 10),
    )
    act = deliver(act, actor=None, seen_version=act.version, on=dt.date(2026, 7, 13))
    error = record_error(
        organisation=organisation,
        actor=None,
        act_request=act,
        act_type=ActType.BIRTH,
        issued_on=dt.date(2026, 7, 13),
        found_on=dt.date(2026, 7, 20),
        found_by=ErrorFinder.CITIZEN,
        attributable=True,
    )
    return {"act_id": act.pk, "error_id": error.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """Ids in a demo town; a town without acts yet (demo not wired) gets sample ones."""
    act = ActRequest.objects.filter(organisation=organisation).order_by("pk").first()
    error = ActError.objects.filter(organisation=organisation).order_by("pk").first()
    if act is None or error is None:
        return sample_values(organisation)
    return {"act_id": act.pk, "error_id": error.pk}
