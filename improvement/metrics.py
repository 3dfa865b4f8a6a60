"""The measures the improvement loop offers to the indicator engine (commitment 23).

- "improvement.actions_closed_on_time" (23.3): the actions DUE in the period, counted by the
  registers' deadline rule (registers.deadlines): on time when done on or before their due date,
  late when done after it or still not done once it has passed; those not yet due are not
  counted, nor the cancelled ones (abandonnées). An action relaunched after a failed check keeps
  its due date: its new completion counts.
- "improvement.meetings_held" (23.1): the steering committee meetings held (`held`) in the
  period.

An action tells the engine through its workflow (improvement.workflow.WORKFLOW); whatever
changes a meeting's date or its "held" calls `meetings_changed`."""

from __future__ import annotations

import datetime as dt

from core import registries
from core.metrics import Measure, Metric, MetricQuery, narrow
from core.models import Organisation
from improvement.models import ActionStatus, ImprovementAction, SteeringMeeting
from improvement.workflow import METRIC_PREFIX
from registers.deadlines import DeadlineItem, count_deadlines, measure_of, months_of

ACTIONS_CLOSED_ON_TIME = "improvement.actions_closed_on_time"
MEETINGS_HELD = "improvement.meetings_held"


def actions_closed_on_time(query: MetricQuery, *, today: dt.date | None = None) -> Measure | None:
    """Share of the actions due in the period that were done by their due date."""
    today = today or query.organisation.today()
    actions = narrow(ImprovementAction.objects.for_org(query.organisation), query)
    rows = (
        actions.exclude(status=ActionStatus.CANCELLED)
        .filter(due_on__gte=query.period.start, due_on__lt=query.period.end)
        .order_by("due_on", "pk")
        .values_list("pk", "due_on", "done_on")
    )
    items = [DeadlineItem(id=pk, due_on=due_on, answered_on=done_on) for pk, due_on, done_on in rows]
    return measure_of(count_deadlines(items, period=query.period, today=today))


def meetings_held(query: MetricQuery) -> Measure | None:
    """How many steering committee meetings were held in the period. A meeting concerns the
    whole town: a query for one service or site has no value."""
    if query.service is not None or query.site is not None:
        return None
    ids = tuple(
        SteeringMeeting.objects.for_org(query.organisation)
        .filter(held=True, held_on__gte=query.period.start, held_on__lt=query.period.end)
        .order_by("held_on", "pk")
        .values_list("pk", flat=True)
    )
    return Measure(value=len(ids), numerator=len(ids), sample_size=len(ids), record_ids=ids)


def meetings_changed(organisation: Organisation, *days: dt.date | None) -> None:
    """Tell the indicator engine that meetings of these days changed (a meeting held, its
    date moved: pass the old and the new date). Called by the steering committee's actions."""
    registries.records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months_of(*days))


METRICS = [
    Metric(
        key=ACTIONS_CLOSED_ON_TIME,
        label="Actions d'amélioration soldées dans les délais",
        unit="%",
        compute=actions_closed_on_time,
        description="Actions dont l'échéance tombe dans la période : à l'heure si réalisées au plus tard "
        "à l'échéance, en retard si réalisées après ou pas encore réalisées une fois l'échéance passée. "
        "Les actions pas encore échues et les actions abandonnées ne comptent pas.",
    ),
    Metric(
        key=MEETINGS_HELD,
        label="Comités de pilotage tenus",
        unit="nombre",
        compute=meetings_held,
        description="Réunions du comité de pilotage tenues (compte rendu enregistré) dans la période.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
