"""Reads for the training pages, the exports and the metrics: the roster, each agent's
record, the newcomers against the briefing deadline. A fixed number of queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q, QuerySet

from core.models import Organisation
from training.models import Agent, Attendance, BriefingState, Kind, TrainingSession, TrainingSettings

ROSTER_STATES = {"en-poste": "en poste", "partis": "partis", "tous": "tous"}


def roster(organisation: Organisation, *, search: str = "", state: str = "en-poste", today: dt.date) -> QuerySet[Agent]:
    """The roster, by name: those in post today unless `state` says otherwise."""
    agents = Agent.objects.for_org(organisation).select_related("service", "user")
    if search:
        agents = agents.filter(full_name__icontains=search.strip())
    if state == "en-poste":
        agents = agents.filter(Q(departed_on__isnull=True) | Q(departed_on__gte=today))
    elif state == "partis":
        agents = agents.filter(departed_on__lt=today)
    return agents.order_by("full_name", "pk")


def first_briefings(organisation: Organisation, agent_ids: Iterable[int] | None = None) -> dict[int, dt.date]:
    """The day of each agent's first briefing since their arrival, by agent id."""
    attendances = Attendance.objects.for_org(organisation).filter(
        session__kind=Kind.BRIEFING, session__held_on__gte=F("agent__arrived_on")
    )
    if agent_ids is not None:
        attendances = attendances.filter(agent_id__in=list(agent_ids))
    rows = attendances.values("agent_id").annotate(first=Min("session__held_on")).values_list("agent_id", "first")
    return dict(rows)


@dataclass(frozen=True)
class Newcomer:
    agent: Agent
    state: BriefingState


def newcomers(organisation: Organisation, *, today: dt.date, since: dt.date | None = None) -> list[Newcomer]:
    """The agents arrived since `since` (1 January of last year by default), the latest
    first, each with their briefing deadline and where they stand on `today`."""
    since = since or dt.date(today.year - 1, 1, 1)
    days = TrainingSettings.for_org(organisation).briefing_days
    agents = list(
        Agent.objects.for_org(organisation)
        .filter(arrived_on__gte=since)
        .select_related("service")
        .order_by("-arrived_on", "full_name")
    )
    briefed = first_briefings(organisation, [agent.pk for agent in agents])
    return [
        Newcomer(agent, BriefingState(agent.briefing_deadline(days), briefed.get(agent.pk), today)) for agent in agents
    ]


def sessions_attended(agent: Agent) -> list[TrainingSession]:
    """The sessions and briefings an agent attended, the latest first."""
    return list(
        TrainingSession.objects.for_org(agent.organisation).filter(attendances__agent=agent).order_by("-held_on", "-pk")
    )


def sessions(organisation: Organisation, *, kind: str = "", year: int | None = None) -> QuerySet[TrainingSession]:
    found = TrainingSession.objects.for_org(organisation).annotate(attendee_count=Count("attendances"))
    if kind in Kind.values:
        found = found.filter(kind=kind)
    if year:
        found = found.filter(held_on__year=year)
    return found.order_by("-held_on", "-pk")


EXPORT_HEADERS = [
    "Nom et prénom",
    "Service",
    "En contact avec le public",
    "Date d'arrivée",
    "Date de départ",
    "Formations suivies",
    "Dernière formation",
    "Sensibilisations suivies",
    "Dernière sensibilisation",
]


def export_rows(agents: QuerySet[Agent]) -> list[list[object]]:
    """One row per agent with the count and last day of their trainings and briefings."""
    counted = agents.annotate(
        trainings=Count("attendances", filter=Q(attendances__session__kind=Kind.TRAINING)),
        last_training=Max("attendances__session__held_on", filter=Q(attendances__session__kind=Kind.TRAINING)),
        briefings=Count("attendances", filter=Q(attendances__session__kind=Kind.BRIEFING)),
        last_briefing=Max("attendances__session__held_on", filter=Q(attendances__session__kind=Kind.BRIEFING)),
    )
    return [
        [
            agent.full_name,
            agent.service.name if agent.service else "",
            "oui" if agent.front_line else "non",
            agent.arrived_on,
            agent.departed_on,
            agent.trainings,
            agent.last_training,
            agent.briefings,
            agent.last_briefing,
        ]
        for agent in counted
    ]
