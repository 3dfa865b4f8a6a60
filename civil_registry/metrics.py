"""The indicators of the civil registry (commitments 18 and 19).

- `civil_registry.on_time`: act requests DUE in the period (counter: the day of receipt;
  other channels: the town's deadline, 5 working days by default) delivered, or refused, on
  or before their due date; a request still pending past its due date is late; one still
  pending and not yet due is not counted (registers.deadlines). Params: `channels` (list of
  "counter", "post", "web", "comedec", "notary"), `act_types` (list of "birth", "marriage",
  "death", "recognition"); all when absent.
- `civil_registry.error_rate`: errors attributable to the service FOUND in the period ÷ acts
  ISSUED (delivered) in the period, as a percentage. One request is one act issued, whatever
  its number of copies (the copies of one act share its errors); with `per_copy: true` the
  denominator counts copies instead. Errors not attributable to the service (a wrong
  declaration, another town's act) are recorded but do not count. The numerator and the
  denominator cover the same period, not the same acts: an error is counted when it is found,
  since it can surface months after the act was issued. Record ids are the errors counted.
- `civil_registry.issued`: the number of acts issued in the period (for the dashboards)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.utils import timezone

from civil_registry.models import ActChannel, ActError, ActRequest, ActType
from core import registries
from core.metrics import Measure, Metric, MetricQuery
from registers.deadlines import DeadlineItem, count_deadlines, measure_of

ON_TIME = "civil_registry.on_time"
ERROR_RATE = "civil_registry.error_rate"
ISSUED = "civil_registry.issued"


def _act_requests(query: MetricQuery) -> Any:
    acts = ActRequest.objects.for_org(query.organisation)
    if query.params.get("channels"):
        acts = acts.filter(channel__in=[ActChannel(channel) for channel in query.params["channels"]])
    if query.params.get("act_types"):
        acts = acts.filter(act_type__in=[ActType(act_type) for act_type in query.params["act_types"]])
    if query.service is not None:
        acts = acts.filter(service=query.service)
    return acts


def on_time(query: MetricQuery) -> Measure | None:
    rows = (
        _act_requests(query)
        .filter(due_on__gte=query.period.start, due_on__lt=query.period.end)
        .order_by("due_on", "pk")
        .values_list("pk", "due_on", "delivered_on")
    )
    items = [DeadlineItem(pk, due_on, delivered_on) for pk, due_on, delivered_on in rows]
    return measure_of(count_deadlines(items, period=query.period, today=timezone.localdate()))


def _issued(query: MetricQuery) -> int:
    issued = (
        _act_requests(query).issued().filter(delivered_on__gte=query.period.start, delivered_on__lt=query.period.end)
    )
    if query.params.get("per_copy"):
        return int(issued.aggregate(total=Sum("copies"))["total"] or 0)
    return int(issued.count())


def error_rate(query: MetricQuery) -> Measure | None:
    issued = _issued(query)
    if not issued:
        return None
    errors = ActError.objects.for_org(query.organisation).filter(
        attributable=True, found_on__gte=query.period.start, found_on__lt=query.period.end
    )
    if query.params.get("act_types"):
        errors = errors.filter(act_type__in=query.params["act_types"])
    if query.service is not None:
        errors = errors.filter(service=query.service)
    error_ids = tuple(errors.order_by("found_on", "pk").values_list("pk", flat=True))
    return Measure(
        value=100 * len(error_ids) / issued,
        numerator=len(error_ids),
        denominator=issued,
        sample_size=issued,
        record_ids=error_ids,
    )


def issued_count(query: MetricQuery) -> Measure | None:
    issued = _issued(query)
    return Measure(value=issued, numerator=issued, sample_size=issued) if issued else None


METRICS = [
    Metric(
        key=ON_TIME,
        label="Actes délivrés dans les délais",
        unit="%",
        compute=on_time,
        description=(
            "Demandes dont l'échéance tombe dans la période, délivrées (ou refusées) au plus tard à l'échéance."
        ),
    ),
    Metric(
        key=ERROR_RATE,
        label="Taux d'erreur des actes délivrés",
        unit="%",
        compute=error_rate,
        description="Erreurs imputables au service constatées dans la période ÷ actes délivrés dans la période.",
    ),
    Metric(key=ISSUED, label="Actes délivrés", unit="nombre", compute=issued_count),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
