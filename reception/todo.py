"""A quality manager's "À faire" warns when the counter's tickets stop coming (the kiosk
broken, the queue export no longer imported): no ticket issued for QUIET_DAYS days, in a town
that uses tickets at all. One query: each site's latest ticket, read on the index (organisation,
site, day)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery

from core.access import Capability, can
from core.models import Membership, Site
from core.registries import TodoLine
from core.web import town_url
from reception.models import QueueTicket

QUIET_DAYS = 7
TO_KNOW = 2  # core.registries.TodoLine.urgency


def last_ticket_day(membership: Membership) -> dt.date | None:
    """The local day of the town's latest ticket; None when it never issued one."""
    organisation = membership.organisation
    latest = QueueTicket.objects.filter(organisation=organisation, site=OuterRef("pk")).order_by("-local_date")
    sites = Site.objects.for_org(organisation).annotate(last=Subquery(latest.values("local_date")[:1]))
    return max((day for day in sites.values_list("last", flat=True) if day), default=None)


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not can(membership, Capability.MANAGE_QUALITY):
        return []
    last = last_ticket_day(membership)
    if last is None or (today - last).days < QUIET_DAYS:
        return []
    url = town_url("reception:tickets", membership.organisation)
    label = f"Aucun ticket d'attente à l'accueil depuis le {last:%d/%m/%Y} ({(today - last).days} jours)"
    return [TodoLine(label, 1, url, urgency=TO_KNOW)]
