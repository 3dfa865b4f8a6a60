"""The newcomers on a home's "À faire" (quality manager and administrator): those in post and
not yet briefed whose deadline has passed (within the last year) or comes soon. One query for
the counts, one for the town's deadline."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q

from core.access import Capability, can
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from registers.deadlines import due_soon_until
from registers.todo import Noun, deadline_lines
from training.models import Agent, Attendance, Kind, TrainingSettings

NOUN = Noun("nouvel agent à sensibiliser", "nouveaux agents à sensibiliser")
LOOK_BACK = dt.timedelta(days=365)  # older misses belong to past years' figures, not to this week


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not can(membership, Capability.MANAGE_QUALITY):
        return []
    organisation = membership.organisation
    delay = dt.timedelta(days=TrainingSettings.for_org(organisation).briefing_days)
    until = due_soon_until(organisation, today)
    briefed = Attendance.objects.filter(
        agent=OuterRef("pk"), session__kind=Kind.BRIEFING, session__held_on__gte=F("agent__arrived_on")
    )
    waiting = (
        Agent.objects.for_org(organisation)
        .in_post_on(today)
        .filter(arrived_on__gte=today - delay - LOOK_BACK, arrived_on__lte=until - delay)
        .exclude(Exists(briefed))
    )
    counts = waiting.aggregate(
        late=Count("pk", filter=Q(arrived_on__lt=today - delay)),
        soon=Count("pk", filter=Q(arrived_on__gte=today - delay)),
    )
    url = town_url("training:newcomers", organisation)
    return deadline_lines(NOUN, counts["late"], counts["soon"], late_url=url, soon_url=url)
