"""The written requests behind a figure, for a closed year's evidence pack (the `evidence` app):
the register's export as a member without personal data gets it (no subject, requester nor
contact), for the requests the figure counted (`Measure.record_ids`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches
from correspondence.models import WrittenRequest
from correspondence.queries import export_headers, export_rows


def counted_requests(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    organisation = query.organisation
    requests = WrittenRequest.objects.for_org(organisation).select_related("service", "category", "assigned_to")
    for ids in id_batches(measure.record_ids):
        chosen = requests.filter(pk__in=ids).order_by("received_on", "pk")
        yield from export_rows(organisation, chosen, today=organisation.today(), personal=False)


def register() -> None:
    EVIDENCE_EXPORTS.register(
        "correspondence",
        RecordsExport("demandes-ecrites", tuple(export_headers(personal=False)), counted_requests),
    )
