"""Reads for the steering committee's and the annual review's pages: a fixed number of queries
whatever the number of meetings, decisions or versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.models import Organisation
from core.periods import add_months
from improvement.models import AnnualReview, Decision, ImprovementAction, SteeringMeeting

FIRST_PACK_MONTHS = 12


def upcoming_meetings(organisation: Organisation, *, today: dt.date) -> QuerySet[SteeringMeeting]:
    """Meetings to come (not held yet, dated today or later), the nearest first."""
    return (
        SteeringMeeting.objects.for_org(organisation)
        .filter(held=False, held_on__gte=today)
        .annotate(decision_count=Count("decisions"))
        .order_by("held_on", "pk")
    )


def past_meetings(organisation: Organisation, *, today: dt.date) -> QuerySet[SteeringMeeting]:
    """Meetings held, and those whose date has passed without minutes, the latest first."""
    return (
        SteeringMeeting.objects.for_org(organisation)
        .filter(Q(held=True) | Q(held_on__lt=today))
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-pk")
    )


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    action: ImprovementAction | None


def decision_rows(meeting: SteeringMeeting) -> list[DecisionRow]:
    """The meeting's decisions in their order, each with the action it opened (and its owner):
    two queries."""
    decisions = list(Decision.objects.filter(organisation=meeting.organisation, meeting=meeting))
    actions = {
        action.decision_id: action
        for action in ImprovementAction.objects.filter(
            organisation=meeting.organisation, decision__in=decisions
        ).select_related("owner")
    }
    return [DecisionRow(decision, actions.get(decision.pk)) for decision in decisions]


@dataclass(frozen=True)
class Span:
    """The days a meeting pack covers: from `start` (included) to `end` (excluded)."""

    start: dt.date
    end: dt.date
    previous: SteeringMeeting | None


def pack_span(meeting: SteeringMeeting) -> Span:
    """Since the previous meeting held (its day included: what happened after it was written),
    or the 12 months before the meeting for the first one."""
    previous = (
        SteeringMeeting.objects.for_org(meeting.organisation)
        .filter(held=True, held_on__lt=meeting.held_on)
        .exclude(pk=meeting.pk)
        .order_by("-held_on", "-pk")
        .first()
    )
    start = previous.held_on if previous else add_months(meeting.held_on.replace(day=1), -FIRST_PACK_MONTHS)
    return Span(start=start, end=meeting.held_on, previous=previous)


def reviews(organisation: Organisation) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.for_org(organisation).select_related("validated_by").order_by("-year", "-number")
