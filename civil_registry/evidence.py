"""The act requests behind a figure, for a closed year's evidence pack (the `evidence` app): the
register's export (no civil data of anyone: type, format, channel, dates, outcome).

- acts delivered on time (`civil_registry.on_time`): the requests the figure counted;
- the error rate and the acts issued: every act issued in the period within the indicator's
  filters (the denominator), each marked whether an error attributable to the service was
  found on it (the numerator: `Measure.record_ids`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from civil_registry.metrics import ON_TIME, _issued_acts
from civil_registry.models import ActRequest
from civil_registry.queries import ACT_HEADERS, act_rows
from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches

WRONG = "Erreur imputable au service"


def counted_acts(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    acts = ActRequest.objects.for_org(query.organisation).select_related("service")
    today = query.organisation.today()
    for ids in id_batches(measure.record_ids):
        yield from act_rows(acts.filter(pk__in=ids).order_by("due_on", "pk"), today=today)


def issued_acts(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    """Every act issued in the period (the metric's own selection), with its error mark."""
    if measure is None:
        return
    wrong = set(measure.record_ids)
    issued = _issued_acts(query)
    acts = ActRequest.objects.for_org(query.organisation).select_related("service")
    today = query.organisation.today()
    for ids in id_batches(list(issued.values_list("pk", flat=True))):
        rows = act_rows(acts.filter(pk__in=ids).order_by("pk"), today=today)
        for pk, row in zip(ids, rows, strict=True):
            yield [*row, "oui" if pk in wrong else "non"]


def register() -> None:
    EVIDENCE_EXPORTS.register(ON_TIME, RecordsExport("demandes-d-actes", tuple(ACT_HEADERS), counted_acts))
    EVIDENCE_EXPORTS.register("civil_registry", RecordsExport("actes-delivres", (*ACT_HEADERS, WRONG), issued_acts))
