"""The agents behind a training figure, for a closed year's evidence pack (the `evidence` app):
those the figure counted (`Measure.record_ids`: the denominator), by their roster number rather
than their name, with their service, dates in post and the trainings and briefings of the
period they attended, so that the share can be counted again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches
from training.models import Agent, Attendance, Kind
from training.queries import first_briefings

HEADERS = (
    "Agent (numéro)",
    "Service",
    "En contact avec le public",
    "Date d'arrivée",
    "Date de départ",
    "Formations sur les engagements suivies dans la période",
    "Sensibilisations suivies dans la période",
    "Première sensibilisation après l'arrivée",
)


def counted_agents(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    period, organisation = query.period, query.organisation
    agents = Agent.objects.for_org(organisation).select_related("service")
    for ids in id_batches(measure.record_ids):
        attended = Attendance.objects.for_org(organisation).filter(
            agent_id__in=ids, session__held_on__gte=period.start, session__held_on__lt=period.end
        )
        trainings: Counter[int] = Counter()
        briefings: Counter[int] = Counter()
        for agent_id, kind, commitments in attended.values_list("agent_id", "session__kind", "session__commitments"):
            if kind == Kind.BRIEFING:
                briefings[agent_id] += 1
            elif commitments:  # a training counts when it covers a commitment (the metric's rule)
                trainings[agent_id] += 1
        first = first_briefings(organisation, ids)
        for agent in agents.filter(pk__in=ids).order_by("pk"):
            yield [
                agent.pk,
                agent.service.name if agent.service else "",
                agent.front_line,
                agent.arrived_on,
                agent.departed_on,
                trainings[agent.pk],
                briefings[agent.pk],
                first.get(agent.pk),
            ]


def register() -> None:
    EVIDENCE_EXPORTS.register("training", RecordsExport("agents", HEADERS, counted_agents))
