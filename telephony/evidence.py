"""The calls behind the phone figures, for a closed year's evidence pack (the `evidence` app):
every call of the year, once for all the phone indicators (`shared`), with what each figure
counts in its columns (presented or out of hours, outcome, wait and rings), never the caller
(only a hash is stored, and it is left out)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.metrics import Measure, MetricQuery, narrow
from core.models import Service
from core.registries import EVIDENCE_EXPORTS, RecordsExport
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine

HEADERS = (
    "Identifiant",
    "Date",
    "Heure de la première sonnerie",
    "Ligne",
    "Service",
    "Présenté (pendant les heures d'ouverture)",
    "Issue",
    "Décroché à",
    "Attente avant réponse (s)",
    "Sonneries relevées",
    "Durée de conversation (s)",
    "Origine",
)
COLUMNS = (
    "pk",
    "local_date",
    "started_at",
    "line_id",
    "service_id",
    "in_hours",
    "outcome",
    "answered_at",
    "wait_seconds",
    "rings",
    "talk_seconds",
    "origin",
)


def calls_of_period(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    organisation = query.organisation
    zone = organisation.time_zone
    lines = dict(PhoneLine.objects.for_org(organisation).values_list("pk", "code"))
    services = dict(Service.objects.for_org(organisation).values_list("pk", "name"))
    outcomes, origins = dict(CallOutcome.choices), dict(CallOrigin.choices)
    calls = narrow(
        Call.objects.filter(
            organisation=organisation, local_date__gte=query.period.start, local_date__lt=query.period.end
        ),
        query,
    )
    rows = calls.order_by("local_date", "started_at", "pk").values_list(*COLUMNS)
    for pk, day, started, line, service, in_hours, outcome, answered, wait, rings, talk, origin in rows.iterator(
        chunk_size=10_000
    ):
        yield [
            pk,
            day,
            f"{started.astimezone(zone):%H:%M:%S}",
            lines.get(line, ""),
            services.get(service, ""),
            in_hours,
            outcomes.get(outcome, outcome),
            f"{answered.astimezone(zone):%H:%M:%S}" if answered is not None else "",
            wait,
            rings,
            talk,
            origins.get(origin, origin),
        ]


def register() -> None:
    EVIDENCE_EXPORTS.register("telephony", RecordsExport("appels", HEADERS, calls_of_period, shared=True))
