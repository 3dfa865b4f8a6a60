"""One object of each kind the phone and import URLs point at, for the URL walkers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Organisation, Service, Site
from imports.models import ImportRun, ImportSource, ImportStatus
from telephony.actions import create_line, tally_call
from telephony.importing import CALLS
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine

SAMPLE_MOMENT = dt.datetime(2026, 3, 10, 9, 15, tzinfo=dt.UTC)


def sample_values(organisation: Organisation) -> dict[str, Any]:
    site = Site.objects.filter(organisation=organisation).first() or Site.objects.create(
        organisation=organisation, name="Site témoin"
    )
    service = Service.objects.filter(organisation=organisation).first() or Service.objects.create(
        organisation=organisation, site=site, code="temoin", name="Service témoin"
    )
    line = create_line(organisation=organisation, actor=None, code="ligne-temoin", name="Ligne témoin", service=service)
    call = tally_call(
        organisation=organisation, line=line, outcome=CallOutcome.ANSWERED, rings=3, now=SAMPLE_MOMENT, actor=None
    )
    source = ImportSource.objects.create(
        organisation=organisation,
        kind=CALLS,
        name="standard-temoin",
        label="Standard témoin",
        file_format="asterisk_cdr",
        line_field="dst",
        line_map={"0100000000": line.code, "*": ""},
    )
    run = ImportRun.objects.create(
        organisation=organisation,
        source=source,
        filename="Master.csv",
        status=ImportStatus.DONE,
        rows_read=3,
        imported=2,
        rejected=1,
        rejections=[{"line": 2, "reason": "début « hier » illisible."}],
    )
    return {"line_id": line.pk, "call_id": call.pk, "source_id": source.pk, "run_id": run.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """Ids in a demo town when it has them (the demo may add calls and sources later)."""
    values = {}
    candidates = (
        ("line_id", PhoneLine.objects.filter(organisation=organisation)),
        ("call_id", Call.objects.filter(organisation=organisation, origin=CallOrigin.TALLY)),
        ("source_id", ImportSource.objects.filter(organisation=organisation)),
        ("run_id", ImportRun.objects.filter(organisation=organisation)),
    )
    for key, queryset in candidates:
        first = queryset.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            values[key] = first
    return values
