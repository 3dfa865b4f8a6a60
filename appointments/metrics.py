"""The measure appointments offer to the indicator engine: commitment 9, indicator 9.1
`appointments.on_time` (docs/appointments.md, domain.md "Appointments").

For the appointments of the period (their booked day, local time) whose slot has begun:
- no-shows are counted apart, never in the rate;
- an arrival noted after `scheduled_at + tolerance` is a late arrival, counted apart;
- the others received (arrived in time, or arrival not noted: the town cannot say the citizen
  was late) form the denominator; on time = started at most `tolerance` minutes after the
  booked time. A citizen noted as arrived and not received once the tolerance is over is
  not on time;
- an appointment neither noted as arrived nor started is not judged: during its day the
  citizen may still come (the town's own bookings become no-shows the next morning:
  actions.close_past_days); an imported one whose file said nothing more stays apart as
  « sans suite connue ».
Cancelled appointments count nowhere. The records behind the figure are the denominator's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from core import registries
from core.metrics import Measure, Metric, MetricParam, MetricQuery, narrow
from core.models import Organisation
from core.periods import Period

ON_TIME = "appointments.on_time"
TOLERANCE = MetricParam(
    name="tolerance_minutes", label="Retard toléré", default=10, unit="minutes", minimum=0, maximum=60
)
COUNTED_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.STARTED,
    AppointmentStatus.DONE,
    AppointmentStatus.NO_SHOW,
)


@dataclass(frozen=True)
class Punctuality:
    """The appointments of a period sorted as the indicator counts them (ids)."""

    on_time: tuple[int, ...]
    late: tuple[int, ...]  # received late, or not received, though the citizen was there in time
    arrived_late: tuple[int, ...]
    no_shows: tuple[int, ...]
    not_noted: tuple[int, ...] = ()  # neither arrival nor start noted: not judged

    @property
    def counted(self) -> tuple[int, ...]:
        return tuple(sorted(self.on_time + self.late))


def punctuality(query: MetricQuery, *, now: dt.datetime | None = None) -> Punctuality:
    tolerance = dt.timedelta(minutes=TOLERANCE.value_in(query.params))
    now = now or timezone.now()
    rows = narrow(
        Appointment.objects.for_org(query.organisation).filter(
            local_date__gte=query.period.start,
            local_date__lt=query.period.end,
            status__in=COUNTED_STATUSES,
            scheduled_at__lte=now,
        ),
        query,
        site="site",
    ).values_list("pk", "status", "scheduled_at", "arrived_at", "started_at")
    on_time: list[int] = []
    late: list[int] = []
    arrived_late: list[int] = []
    no_shows: list[int] = []
    not_noted: list[int] = []
    for pk, status, scheduled_at, arrived_at, started_at in rows.order_by("pk"):
        limit = scheduled_at + tolerance
        if status == AppointmentStatus.NO_SHOW:
            no_shows.append(pk)
        elif arrived_at is not None and arrived_at > limit:
            arrived_late.append(pk)
        elif started_at is not None:
            (on_time if started_at <= limit else late).append(pk)
        elif arrived_at is None:
            not_noted.append(pk)
        elif now > limit:
            late.append(pk)  # there in time, still not received once the tolerance is over
    return Punctuality(tuple(on_time), tuple(late), tuple(arrived_late), tuple(no_shows), tuple(not_noted))


def on_time(query: MetricQuery) -> Measure | None:
    counted = punctuality(query)
    denominator = len(counted.counted)
    if not denominator:
        return None
    return Measure(
        value=100 * len(counted.on_time) / denominator,
        numerator=len(counted.on_time),
        denominator=denominator,
        sample_size=denominator,
        record_ids=counted.counted,
    )


def records_url(organisation: Organisation, period: Period, params: dict[str, Any]) -> str:
    """The appointments behind a value: the drill-down of indicator 9.1."""
    address = reverse("appointments:list", kwargs={"org_slug": organisation.slug})
    return f"{address}?{urlencode({'periode': period.key})}"


METRICS = [
    Metric(
        key=ON_TIME,
        label="Rendez-vous commencés à l'heure",
        unit="%",
        compute=on_time,
        params=(TOLERANCE,),
        records_url=records_url,
        description="Rendez-vous de la période commencés au plus tard « retard toléré » après l'heure prévue, "
        "sur les rendez-vous dont l'usager est arrivé à temps (ou dont l'arrivée n'a pas été notée). "
        "Les absences et les arrivées en retard sont comptées à part ; les rendez-vous annulés ne comptent pas.",
    ),
]


def register_all() -> None:
    for metric in METRICS:
        registries.METRICS.register(metric.key, metric)
