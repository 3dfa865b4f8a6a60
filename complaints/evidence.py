"""The complaints behind a figure, for a closed year's evidence pack (the `evidence` app): the
register's export as a member without personal data gets it (no subject, description, answer,
name, e-mail nor phone), for the complaints the figure counted (`Measure.record_ids`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from complaints.models import Complaint
from complaints.queries import export_headers, export_rows
from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches


def counted_complaints(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    complaints = Complaint.objects.for_org(query.organisation).select_related("service")
    today = query.organisation.today()
    for ids in id_batches(measure.record_ids):
        chosen = complaints.filter(pk__in=ids).order_by("received_on", "pk")
        yield from export_rows(chosen, personal=False, today=today)


def register() -> None:
    EVIDENCE_EXPORTS.register(
        "complaints", RecordsExport("reclamations", tuple(export_headers(personal=False)), counted_complaints)
    )
