"""The appointments behind a figure of indicator 9.1, for a closed year's evidence pack (the
`evidence` app): those the figure judged (`Measure.record_ids`: received in time, on time or
not), with their booked, arrival and start times and the delay at the start; never the
citizen's name, e-mail or phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from appointments.models import Appointment, AppointmentStatus, Channel
from core.metrics import Measure, MetricQuery
from core.registries import EVIDENCE_EXPORTS, RecordsExport, id_batches

HEADERS = (
    "Numéro",
    "Date",
    "Heure prévue",
    "Arrivée",
    "Début",
    "Fin",
    "Retard au début (min)",
    "Type",
    "Service",
    "Site",
    "Pris",
    "État",
)


def judged_appointments(query: MetricQuery, measure: Measure | None) -> Iterator[list[Any]]:
    if measure is None:
        return
    zone = query.organisation.time_zone
    statuses, channels = dict(AppointmentStatus.choices), dict(Channel.choices)

    def clock(moment: Any) -> str:
        return f"{moment.astimezone(zone):%H:%M}" if moment is not None else ""

    appointments = Appointment.objects.for_org(query.organisation).select_related("kind", "service", "site")
    for ids in id_batches(measure.record_ids):
        for booking in appointments.filter(pk__in=ids).order_by("scheduled_at", "pk"):
            delay = booking.started_at - booking.scheduled_at if booking.started_at is not None else None
            yield [
                booking.number,
                booking.local_date,
                clock(booking.scheduled_at),
                clock(booking.arrived_at),
                clock(booking.started_at),
                clock(booking.ended_at),
                round(delay.total_seconds() / 60, 1) if delay is not None else "",
                booking.kind.label if booking.kind is not None else "",
                booking.service.name,
                booking.site.name,
                channels.get(booking.channel, booking.channel),
                statuses.get(booking.status, booking.status),
            ]


def register() -> None:
    EVIDENCE_EXPORTS.register("appointments", RecordsExport("rendez-vous", HEADERS, judged_appointments))
