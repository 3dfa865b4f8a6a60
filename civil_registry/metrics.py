"""The indicators of the civil registry (commitments 18 and 19).

- `civil_registry.on_time`: act requests DUE in the period (counter: the day of receipt;
  other channels: the town's deadline, 5 working days by default) delivered, or refused, on
  or before their due date; a request still pending past its due date is late; one still
  pending and not yet due is not counted (registers.deadlines). Params: `channels` (list of
  "counter", "post", "web", "comedec", "notary"), `act_types` (list of "birth", "marriage",
  "death", "recognition"); all when absent.
- `civil_registry.error_rate`: acts ISSUED (delivered) in the period found wrong through the
  service's fault ÷ acts issued in the period, as a percentage (domain.md, "Civil registry").
  An act is counted once however many errors it had, and whenever they were found: the rate
  of a past period rises when an error on one of its acts is found later (recording, editing
  an error tells the months of the issue: civil_registry.actions). An error linked to its
  request counts that request, read with the request's own day of delivery, channel, act type
  and service, so the `channels` and `act_types` filters and the service narrow both counts;
  a request no longer delivered (reopened, refused) counts in neither. An error recorded
  without its request counts as one act of its own, by its day of issue, act type and
  service; its channel is unknown, so a `channels` filter leaves it out. One request is one
  act issued, whatever its number of copies (the copies of one act share its errors); with
  `per_copy: true` both counts are copies (an act without its request: one copy). Errors not
  attributable to the service (a wrong declaration, another town's act) are recorded but do
  not count. Record ids are the requests of the wrong acts counted (an error without its
  request has none).
- `civil_registry.issued`: the number of acts issued in the period (for the dashboards)."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from civil_registry.models import ActChannel, ActError, ActRequest, ActType
from core import registries
from core.metrics import Measure, Metric, MetricQuery, narrow
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
    return narrow(acts, query)


def on_time(query: MetricQuery) -> Measure | None:
    rows = (
        _act_requests(query)
        .filter(due_on__gte=query.period.start, due_on__lt=query.period.end)
        .order_by("due_on", "pk")
        .values_list("pk", "due_on", "delivered_on")
    )
    items = [DeadlineItem(pk, due_on, delivered_on) for pk, due_on, delivered_on in rows]
    return measure_of(count_deadlines(items, period=query.period, today=query.organisation.today()))


def _issued_acts(query: MetricQuery) -> Any:
    return _act_requests(query).issued().filter(delivered_on__gte=query.period.start, delivered_on__lt=query.period.end)


def _issued(query: MetricQuery) -> int:
    issued = _issued_acts(query)
    if query.params.get("per_copy"):
        return int(issued.aggregate(total=Sum("copies"))["total"] or 0)
    return int(issued.count())


def _wrong_acts(query: MetricQuery) -> tuple[tuple[int, ...], int]:
    """The issued requests with an error attributable to the service (their ids, their copies)."""
    rows = (
        _issued_acts(query)
        .filter(pk__in=ActError.objects.for_org(query.organisation).filter(attributable=True).values("act_request"))
        .order_by("delivered_on", "pk")
        .values_list("pk", "copies")
    )
    ids, copies = zip(*rows, strict=True) if rows else ((), ())
    return tuple(ids), sum(copies)


def _wrong_acts_without_request(query: MetricQuery) -> int:
    """Errors attributable to the service recorded without their request, on acts issued in
    the period: each is one act, whose channel is unknown."""
    if query.params.get("channels"):
        return 0
    errors = ActError.objects.for_org(query.organisation).filter(
        act_request__isnull=True,
        attributable=True,
        issued_on__gte=query.period.start,
        issued_on__lt=query.period.end,
    )
    if query.params.get("act_types"):
        errors = errors.filter(act_type__in=[ActType(act_type) for act_type in query.params["act_types"]])
    return int(narrow(errors, query).count())


def error_rate(query: MetricQuery) -> Measure | None:
    issued = _issued(query)
    if not issued:
        return None
    wrong_ids, wrong_copies = _wrong_acts(query)
    wrong = (wrong_copies if query.params.get("per_copy") else len(wrong_ids)) + _wrong_acts_without_request(query)
    return Measure(
        value=100 * wrong / issued,
        numerator=wrong,
        denominator=issued,
        sample_size=issued,
        record_ids=wrong_ids,
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
        description=(
            "Actes délivrés dans la période sur lesquels une erreur imputable au service a été constatée,"
            " à quelque date que ce soit (un acte compte une fois) ÷ actes délivrés dans la période."
        ),
    ),
    Metric(key=ISSUED, label="Actes délivrés", unit="nombre", compute=issued_count),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
