"""What the registers with a deadline put on a home's "À faire" (each register's own `todo.py`
registers its provider in core.registries.TODO_LISTS): its items overdue and its items due
soon (due from today to registers.deadlines.due_soon_until), counted together in one query on
the register's index, each line opening the register's list on the same filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.access import Capability, can
from core.models import Membership, Role
from core.registries import TodoLine


def has_work(membership: Membership) -> bool:
    """Whether the member handles items (readers and auditors only read the figures)."""
    return can(membership, Capability.CAPTURE)


def own_work_only(membership: Membership) -> bool:
    """An agent's home lists their own items; a quality manager's or an administrator's, the town's."""
    return membership.role == Role.AGENT


def deadline_counts(items: QuerySet, *, today: dt.date, until: dt.date, field: str = "due_on") -> tuple[int, int]:
    """(overdue, due soon) among `items`, open items only: one query."""
    counts = items.filter(**{f"{field}__lte": until}).aggregate(
        late=Count("pk", filter=Q(**{f"{field}__lt": today})),
        soon=Count("pk", filter=Q(**{f"{field}__gte": today})),
    )
    return counts["late"], counts["soon"]


@dataclass(frozen=True)
class Noun:
    """What a register's line counts, in the singular and the plural ("réclamation", "réclamations")."""

    one: str
    many: str


def deadline_lines(noun: Noun, late: int, soon: int, *, late_url: str, soon_url: str) -> list[TodoLine]:
    """ "3 courriers en retard" (urgency 0), "2 courriers à échéance proche" (urgency 1); none for 0."""
    lines = []
    if late:
        lines.append(TodoLine.counted(late, f"{noun.one} en retard", f"{noun.many} en retard", late_url, urgency=0))
    if soon:
        lines.append(
            TodoLine.counted(soon, f"{noun.one} à échéance proche", f"{noun.many} à échéance proche", soon_url)
        )
    return lines
