"""The newcomers on a home's "À faire" (quality manager and administrator): those in post and
not yet briefed whose deadline has passed (within the last year) or comes soon. One query,
whatever the size of the town: the newcomers not briefed of the last two years."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Subquery

from core.access import Capability, can
from core.models import Membership, Organisation
from core.registries import TodoLine
from core.web import town_url
from registers.deadlines import due_soon_until
from registers.todo import Noun, deadline_lines
from training.models import DEFAULT_BRIEFING_DAYS, Agent, Attendance, Kind, TrainingSettings

NOUN = Noun("nouvel agent à sensibiliser", "nouveaux agents à sensibiliser")
LOOK_BACK = dt.timedelta(days=365)  # older misses belong to past years' figures, not to this week
MAX_DELAY = dt.timedelta(days=365)  # the longest briefing deadline a town may set


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not can(membership, Capability.MANAGE_QUALITY):
        return []
    organisation = membership.organisation
    until = due_soon_until(organisation, today)
    late, soon = 0, 0
    for deadline in _waiting_deadlines(organisation, today, until):
        if deadline < today:
            late += deadline >= today - LOOK_BACK
        else:
            soon += deadline <= until
    url = town_url("training:newcomers", organisation)
    return deadline_lines(NOUN, late, soon, late_url=url, soon_url=url)


def _waiting_deadlines(organisation: Organisation, today: dt.date, until: dt.date) -> list[dt.date]:
    """The deadlines of the newcomers in post not briefed yet, arrived within the last two
    years (the longest deadline is a year): one query, the town's deadline read with it."""
    briefed = Attendance.objects.filter(
        agent=OuterRef("pk"), session__kind=Kind.BRIEFING, session__held_on__gte=F("agent__arrived_on")
    )
    days = TrainingSettings.objects.filter(organisation=OuterRef("organisation")).values("briefing_days")[:1]
    rows = (
        Agent.objects.for_org(organisation)
        .in_post_on(today)
        .filter(arrived_on__gte=today - LOOK_BACK - MAX_DELAY, arrived_on__lte=until)
        .exclude(Exists(briefed))
        .annotate(days=Subquery(days))
        .values_list("arrived_on", "days")
    )
    return [arrived_on + dt.timedelta(days=days or DEFAULT_BRIEFING_DAYS) for arrived_on, days in rows]
