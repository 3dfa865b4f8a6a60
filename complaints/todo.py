"""The complaints on a home's "À faire": overdue (an acknowledgement or an answer past its due
date), due within 3 working days, and those waiting for a step (to acknowledge, to answer, to
close, to judge). A quality manager or an administrator sees the town's, an agent those they
handle. One query over the open complaints (index on organisation and status)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from complaints.models import AWAITED_STEPS, Complaint, due_soon_q, overdue_q
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from registers.deadlines import due_soon_until
from registers.todo import Noun, deadline_lines, has_work, own_work_only

NOUN = Noun("réclamation", "réclamations")
# How a line names the complaints waiting for each step.
WAITING = {
    "accuse": Noun("réclamation ou suggestion à accuser réception", "réclamations ou suggestions à accuser réception"),
    "reponse": Noun("réclamation à laquelle répondre", "réclamations auxquelles répondre"),
    "cloture": Noun("réclamation ou suggestion répondue à clore", "réclamations ou suggestions répondues à clore"),
    "bien_fonde": Noun("réclamation dont juger le bien-fondé", "réclamations dont juger le bien-fondé"),
}
TO_KNOW = 2  # core.registries.TodoLine.urgency: not late, not due soon, still to do


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not has_work(membership):
        return []
    organisation = membership.organisation
    complaints = Complaint.objects.for_org(organisation).open()
    scope = {}
    if own_work_only(membership):
        complaints, scope = complaints.filter(handled_by_id=membership.user_id), {"miennes": "on"}
    counts = complaints.aggregate(
        late=Count("pk", filter=overdue_q(today)),
        soon=Count("pk", filter=due_soon_q(today, due_soon_until(organisation, today))),
        **{step: Count("pk", filter=waiting) for step, (_, waiting) in AWAITED_STEPS.items()},
    )
    lines = deadline_lines(
        NOUN,
        counts["late"],
        counts["soon"],
        late_url=town_url("complaints:home", organisation, overdue="on", **scope) if counts["late"] else "",
        soon_url=town_url("complaints:home", organisation, echeance="on", **scope) if counts["soon"] else "",
    )
    for step, noun in WAITING.items():
        if counts[step]:
            url = town_url("complaints:home", organisation, attente=step, **scope)
            lines.append(TodoLine.counted(counts[step], noun.one, noun.many, url, urgency=TO_KNOW))
    return lines
