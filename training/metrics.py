"""The measures training offers to the indicator engine: commitments 11 and 22. The exact
definitions are in docs/training.md; in short, for a period:

- 11.1 `training.front_line_trained`: front-line agents in post during the period (arrived
  before its end, not departed before its start) who attended a training session held in the
  period covering at least one commitment, over those agents;
- 22.1 `training.agents_briefed`: agents in post during the period who attended a briefing on
  the commitments held in the period, over those agents;
- 22.2 `training.newcomers_briefed_on_time`: newcomers whose briefing deadline (arrival + the
  town's delay) falls in the period, briefed on or before it, over those whose deadline has
  passed or who were briefed (registers.deadlines' counting rule: a deadline still to come
  and not yet met is left out, as is a newcomer who left before the deadline).

A service or a site narrows the agents by their service. The records behind each figure are
the agents counted in the denominator."""

from __future__ import annotations

import datetime as dt

from core import registries
from core.metrics import Measure, Metric, MetricQuery, narrow
from registers.deadlines import DeadlineItem, count_deadlines, measure_of
from training.models import Agent, Attendance, Kind, TrainingSettings
from training.queries import first_briefings

FRONT_LINE_TRAINED = "training.front_line_trained"
AGENTS_BRIEFED = "training.agents_briefed"
NEWCOMERS_BRIEFED_ON_TIME = "training.newcomers_briefed_on_time"


def _share(agent_ids: list[int], done: set[int]) -> Measure | None:
    if not agent_ids:
        return None
    numerator = sum(1 for pk in agent_ids if pk in done)
    return Measure(
        value=100 * numerator / len(agent_ids),
        numerator=numerator,
        denominator=len(agent_ids),
        sample_size=len(agent_ids),
        record_ids=tuple(agent_ids),
    )


def _in_post(query: MetricQuery, **filters: object) -> list[int]:
    agents = narrow(Agent.objects.for_org(query.organisation).in_post_during(query.period).filter(**filters), query)
    return list(agents.order_by("pk").values_list("pk", flat=True))


def _attended(query: MetricQuery, agent_ids: list[int], kind: str) -> list[tuple[int, list[str]]]:
    """(agent id, commitments covered) of each attendance of `kind` held in the period."""
    rows = Attendance.objects.for_org(query.organisation).filter(
        agent_id__in=agent_ids,
        session__kind=kind,
        session__held_on__gte=query.period.start,
        session__held_on__lt=query.period.end,
    )
    return list(rows.values_list("agent_id", "session__commitments"))


def front_line_trained(query: MetricQuery) -> Measure | None:
    """Share of front-line agents in post during the period trained in it on the commitments."""
    agent_ids = _in_post(query, front_line=True)
    trained = {pk for pk, commitments in _attended(query, agent_ids, Kind.TRAINING) if commitments}
    return _share(agent_ids, trained)


def agents_briefed(query: MetricQuery) -> Measure | None:
    """Share of agents in post during the period briefed on the commitments in it."""
    agent_ids = _in_post(query)
    return _share(agent_ids, {pk for pk, _commitments in _attended(query, agent_ids, Kind.BRIEFING)})


def newcomers_briefed_on_time(query: MetricQuery, *, today: dt.date | None = None) -> Measure | None:
    """Share of newcomers whose briefing deadline falls in the period briefed by it."""
    today = today or query.organisation.today()
    days = query.memo.get(
        ("training.briefing_days", query.organisation.pk),
        lambda: TrainingSettings.for_org(query.organisation).briefing_days,
    )
    delay = dt.timedelta(days=days)
    agents = narrow(
        Agent.objects.for_org(query.organisation).filter(
            arrived_on__gte=query.period.start - delay, arrived_on__lt=query.period.end - delay
        ),
        query,
    )
    rows = list(agents.order_by("arrived_on", "pk").values_list("pk", "arrived_on", "departed_on"))
    briefed = first_briefings(query.organisation, [pk for pk, _arrived, _departed in rows])
    items = [
        DeadlineItem(id=pk, due_on=arrived_on + delay, answered_on=briefed.get(pk))
        for pk, arrived_on, departed_on in rows
        if departed_on is None or departed_on >= arrived_on + delay
    ]
    return measure_of(count_deadlines(items, period=query.period, today=today))


METRICS = [
    Metric(
        key=FRONT_LINE_TRAINED,
        label="Part des agents en contact avec le public formés dans la période",
        unit="%",
        compute=front_line_trained,
        description="Agents en contact avec le public en poste pendant la période, ayant suivi une "
        "formation de la période portant sur au moins un engagement (liste des agents, module Formation).",
    ),
    Metric(
        key=AGENTS_BRIEFED,
        label="Part des agents sensibilisés aux engagements dans la période",
        unit="%",
        compute=agents_briefed,
        description="Agents en poste pendant la période ayant participé à une sensibilisation "
        "aux engagements tenue dans la période.",
    ),
    Metric(
        key=NEWCOMERS_BRIEFED_ON_TIME,
        label="Nouveaux agents sensibilisés dans le délai",
        unit="%",
        compute=newcomers_briefed_on_time,
        description="Nouveaux agents dont l'échéance de sensibilisation (arrivée + délai de la ville, "
        "30 jours par défaut) tombe dans la période, sensibilisés au plus tard ce jour-là ; une "
        "échéance à venir non encore tenue n'est pas comptée.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
