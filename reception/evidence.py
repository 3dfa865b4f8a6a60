"""The counter tickets behind the counter figures, for a closed year's evidence pack (the
`evidence` app): every ticket of the year, once for all the counter indicators (`shared`), with
its times, wait and outcome, so that each figure can be counted again (called within N minutes,
median and 90th percentile of the wait, left without being called). A ticket names no one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.metrics import Measure, MetricQuery, narrow
from core.models import Service, Site
from core.registries import EVIDENCE_EXPORTS, RecordsExport
from reception.models import QueueTicket, TicketStatus, VisitReason

HEADERS = (
    "Identifiant",
    "Numéro",
    "Date",
    "Émis à",
    "Appelé à",
    "Début du service",
    "Fin du service",
    "Attente (s)",
    "Site",
    "Service",
    "Motif",
    "Prioritaire",
    "État",
)
COLUMNS = (
    "pk",
    "number",
    "local_date",
    "issued_at",
    "called_at",
    "started_at",
    "ended_at",
    "wait_seconds",
    "site_id",
    "service_id",
    "reason_id",
    "is_priority",
    "status",
)


def tickets_of_period(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    organisation = query.organisation
    zone = organisation.time_zone
    sites = dict(Site.objects.for_org(organisation).values_list("pk", "name"))
    services = dict(Service.objects.for_org(organisation).values_list("pk", "name"))
    reasons = dict(VisitReason.objects.for_org(organisation).values_list("pk", "label"))
    statuses = dict(TicketStatus.choices)

    def clock(moment: Any) -> str:
        return f"{moment.astimezone(zone):%H:%M:%S}" if moment is not None else ""

    tickets = narrow(
        QueueTicket.objects.filter(
            organisation=organisation, local_date__gte=query.period.start, local_date__lt=query.period.end
        ),
        query,
        site="site",
    )
    rows = tickets.order_by("local_date", "issued_at", "pk").values_list(*COLUMNS)
    for pk, number, day, issued, called, started, ended, wait, site, service, reason, priority, status in rows.iterator(
        chunk_size=10_000
    ):
        yield [
            pk,
            number,
            day,
            clock(issued),
            clock(called),
            clock(started),
            clock(ended),
            wait,
            sites.get(site, ""),
            services.get(service, ""),
            reasons.get(reason, ""),
            priority,
            statuses.get(status, status),
        ]


def register() -> None:
    EVIDENCE_EXPORTS.register("reception", RecordsExport("tickets", HEADERS, tickets_of_period, shared=True))
