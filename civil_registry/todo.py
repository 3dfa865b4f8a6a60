"""The act requests on a home's "À faire" (registers.todo): to deliver and overdue, or due
within 3 working days. Nobody is in charge of an act request (any agent of the registry
delivers it), so every member who handles items sees the town's. One count on the register's
index (organisation, status, due date)."""

from __future__ import annotations

import datetime as dt

from civil_registry.models import ActRequest
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from registers.deadlines import due_soon_until
from registers.todo import Noun, deadline_counts, deadline_lines, has_work

NOUN = Noun("demande d'acte à délivrer", "demandes d'actes à délivrer")


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not has_work(membership):
        return []
    organisation = membership.organisation
    acts = ActRequest.objects.for_org(organisation).pending()
    late, soon = deadline_counts(acts, today=today, until=due_soon_until(organisation, today))
    return deadline_lines(
        NOUN,
        late,
        soon,
        late_url=town_url("civil_registry:home", organisation, state="overdue") if late else "",
        soon_url=town_url("civil_registry:home", organisation, state="soon") if soon else "",
    )
