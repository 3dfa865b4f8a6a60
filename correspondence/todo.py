"""The written requests on a home's "À faire" (registers.todo): overdue, and due within 3
working days. A quality manager or an administrator sees the town's, an agent the ones assigned
to them. One count on the register's index, whatever its size."""

from __future__ import annotations

import datetime as dt

from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from correspondence.models import WrittenRequest
from registers.deadlines import due_soon_until
from registers.todo import Noun, deadline_counts, deadline_lines, has_work, own_work_only

NOUN = Noun("courrier ou demande écrite", "courriers ou demandes écrites")


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not has_work(membership):
        return []
    organisation = membership.organisation
    requests = WrittenRequest.objects.for_org(organisation).open()
    scope = {}
    if own_work_only(membership):
        requests, scope = requests.filter(assigned_to_id=membership.user_id), {"mine": "on"}
    late, soon = deadline_counts(requests, today=today, until=due_soon_until(organisation, today))
    return deadline_lines(
        NOUN,
        late,
        soon,
        late_url=town_url("correspondence:home", organisation, state="overdue", **scope) if late else "",
        soon_url=town_url("correspondence:home", organisation, state="soon", **scope) if soon else "",
    )
