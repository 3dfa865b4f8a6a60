"""A quality manager's "À faire" warns when the call logs stop coming: no call log imported
for QUIET_DAYS days, for a town that imports them at all (a town that only tallies its calls
by hand is never warned). One query: the latest run of each of the town's call-log sources."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.access import Capability, can
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from imports.models import ImportRun, ImportSource, ImportStatus
from telephony.importing import CALLS

QUIET_DAYS = 10
TO_KNOW = 2  # core.registries.TodoLine.urgency


def last_call_log_import(membership: Membership) -> dt.date | None:
    """The local day of the town's latest call-log import that went through; None if never."""
    organisation = membership.organisation
    runs_of_source = ImportRun.objects.filter(
        organisation=organisation, source=OuterRef("pk"), status=ImportStatus.DONE
    )
    latest = runs_of_source.order_by("-started_at")
    sources = ImportSource.objects.for_org(organisation).filter(kind=CALLS)
    runs = sources.annotate(last=Subquery(latest.values("started_at")[:1])).values_list("last", flat=True)
    days = [timezone.localdate(started, organisation.time_zone) for started in runs if started]
    return max(days, default=None)


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not can(membership, Capability.MANAGE_QUALITY):
        return []
    last = last_call_log_import(membership)
    if last is None or (today - last).days < QUIET_DAYS:
        return []
    url = town_url("imports:runs", membership.organisation, type=CALLS)
    label = f"Aucun relevé d'appels importé depuis le {last:%d/%m/%Y} ({(today - last).days} jours)"
    return [TodoLine(label, 1, url, urgency=TO_KNOW)]
