"""The measures complaints offer to the indicator engine (commitment 21).

Deadline indicators follow domain.md to the letter through registers.deadlines: a period counts
the réclamations DUE in it (acknowledgement or answer), on time when handled on or before
the due date, late when handled after it or still waiting once it has passed; those not yet
due are not counted. Suggestions expect no answer and never count.

The deadlines are the town's complaint settings (`ComplaintSettings`), read through the due
dates stored on each complaint, which follow a change of those settings or of the calendar:
21.1 measures the town's acknowledgement deadline, never a number of its own. Parameters
(filters): `channel` and `commitment` narrow the complaints counted; `complaints.count` also
takes `kind` and `justified`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet

from complaints.models import Complaint, Justified, Kind
from core import registries
from core.metrics import Measure, Metric, MetricQuery, narrow
from registers.deadlines import DeadlineItem, count_deadlines, measure_of

ACKNOWLEDGED_ON_TIME = "complaints.acknowledged_on_time"
ANSWERED_ON_TIME = "complaints.answered_on_time"
COUNT = "complaints.count"
JUSTIFIED_SHARE = "complaints.justified_share"


def _scope(query: MetricQuery, *, kind: str | None = Kind.COMPLAINT) -> QuerySet[Complaint]:
    complaints = Complaint.objects.for_org(query.organisation)
    if kind:
        complaints = complaints.filter(kind=kind)
    complaints = narrow(complaints, query)
    params = query.params
    if params.get("channel"):
        complaints = complaints.filter(channel=params["channel"])
    if params.get("commitment"):
        complaints = complaints.filter(commitment_code=str(params["commitment"]))
    return complaints


def _stored_items(complaints: QuerySet[Complaint], due: str, done: str, query: MetricQuery) -> Iterator[DeadlineItem]:
    """Items read from the stored due dates: an indexed range on the period."""
    rows = complaints.filter(**{f"{due}__gte": query.period.start, f"{due}__lt": query.period.end})
    for pk, due_on, done_on in rows.values_list("pk", due, done).order_by(due, "pk"):
        yield DeadlineItem(id=pk, due_on=due_on, answered_on=done_on)


def acknowledged_on_time(query: MetricQuery, *, today: dt.date | None = None) -> Measure | None:
    """Share of réclamations due for an acknowledgement in the period that were acknowledged
    by their stored due date (the town's acknowledgement deadline)."""
    today = today or query.organisation.today()
    items = _stored_items(_scope(query), "acknowledge_due_on", "acknowledged_on", query)
    return measure_of(count_deadlines(list(items), period=query.period, today=today))


def answered_on_time(query: MetricQuery, *, today: dt.date | None = None) -> Measure | None:
    """Share of réclamations due for an answer in the period that were answered by their
    stored due date (the town's deadlines: 10 working days, 15 for letters, by default)."""
    today = today or query.organisation.today()
    items = _stored_items(_scope(query), "answer_due_on", "answered_on", query)
    return measure_of(count_deadlines(list(items), period=query.period, today=today))


def complaint_count(query: MetricQuery) -> Measure:
    """How many complaints were received in the period (réclamations unless `kind` says
    otherwise; `kind = "all"` counts suggestions too), optionally only the justified ones."""
    kind = query.params.get("kind", Kind.COMPLAINT)
    complaints = _scope(query, kind=None if kind == "all" else kind)
    if query.params.get("justified"):
        complaints = complaints.filter(justified=query.params["justified"])
    ids = tuple(
        complaints.filter(received_on__gte=query.period.start, received_on__lt=query.period.end)
        .order_by("received_on", "pk")
        .values_list("pk", flat=True)
    )
    return Measure(value=len(ids), numerator=len(ids), sample_size=len(ids), record_ids=ids)


def justified_share(query: MetricQuery) -> Measure | None:
    """Share of réclamations answered in the period that were found justified, over those
    whose justification was decided (undetermined ones are left out)."""
    complaints = _scope(query).filter(answered_on__gte=query.period.start, answered_on__lt=query.period.end)
    rows = list(
        complaints.exclude(justified=Justified.UNDETERMINED)
        .order_by("answered_on", "pk")
        .values_list("pk", "justified")
    )
    if not rows:
        return None
    yes = [pk for pk, justified in rows if justified == Justified.YES]
    return Measure(
        value=100 * len(yes) / len(rows),
        numerator=len(yes),
        denominator=len(rows),
        sample_size=len(rows),
        record_ids=tuple(pk for pk, _ in rows),
    )


METRICS = [
    Metric(
        key=ACKNOWLEDGED_ON_TIME,
        label="Réclamations dont la réception est accusée dans le délai",
        unit="%",
        compute=acknowledged_on_time,
        description="Réclamations dont l'accusé de réception était attendu dans la période, "
        "selon le délai d'accusé de réception de la ville (réglages des réclamations).",
    ),
    Metric(
        key=ANSWERED_ON_TIME,
        label="Réclamations répondues dans le délai",
        unit="%",
        compute=answered_on_time,
        description="Réclamations dont la réponse était attendue dans la période, selon les délais "
        "de réponse de la ville (réglages des réclamations ; 10 jours ouvrés, 15 pour un courrier, par défaut).",
    ),
    Metric(
        key=COUNT,
        label="Nombre de réclamations reçues",
        unit="nombre",
        compute=complaint_count,
        description="Par engagement (commitment), bien-fondé (justified), canal (channel) ou nature (kind).",
    ),
    Metric(
        key=JUSTIFIED_SHARE,
        label="Part des réclamations fondées",
        unit="%",
        compute=justified_share,
        description="Réclamations répondues dans la période et jugées fondées, "
        "parmi celles dont le bien-fondé est décidé.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
