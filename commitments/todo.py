"""A quality manager's "À faire" names the targets missed: the indicators followed whose
latest complete period (never the current one) did not meet their target, for the whole town.
Two queries (commitments.queries.indicator_rows), whatever the number of stored values."""

from __future__ import annotations

import datetime as dt

from commitments.models import Indicator, Status
from commitments.queries import indicator_rows
from core.access import Capability, can
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url

# The overview's filter on the verdict of the latest complete period.
NOT_MET_FILTER = {"statut": "non_atteint"}


def missed_targets(membership: Membership, today: dt.date) -> int:
    followed = Indicator.objects.for_org(membership.organisation).filter(is_active=True, commitment__is_active=True)
    return sum(row.status == Status.NOT_MET for row in indicator_rows(followed, today=today))


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not can(membership, Capability.MANAGE_QUALITY):
        return []
    missed = missed_targets(membership, today)
    if not missed:
        return []
    url = town_url("commitments:overview", membership.organisation, **NOT_MET_FILTER)
    return [
        TodoLine.counted(
            missed,
            "indicateur sous sa cible à la dernière période complète",
            "indicateurs sous leur cible à la dernière période complète",
            url,
        )
    ]
