"""Appointments of a demo town: the civil registry's three kinds (identity card or passport,
marriage file, civil registry matter) with their booking hours, and two years of appointments
up to today, written through appointments.actions with their times (booked some days before,
the citizen's arrival, start and end on the day), so that each has its log and journal.

Most citizens arrive a little early and are received within the 10 minutes; some are received
late (a busy morning), some arrive late, a few never come, a few cancel; bookings come by phone,
at the counter and online. Today's and the next days' appointments stay booked, for the agents
to try the buttons. Nothing tells the indicators row by row (`notify=False`): the caller
recomputes the demo's years once (`demo.generator.recompute_demo_indicators`), so indicator
9.1's stored values are those these records give."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from appointments.actions import Citizen, apply_step, book, cancel
from appointments.models import Appointment, AppointmentKind, BookingHours, Channel
from appointments.slots import Offer
from core.localtime import aware_local
from core.models import Membership, Organisation, Role, Service, User

METRIC_PREFIX = "appointments"
DAYS_BACK = 730  # two years
DAYS_AHEAD = 10
CHANNELS = ((Channel.PHONE, 0.45), (Channel.COUNTER, 0.2), (Channel.ONLINE, 0.35))
CITIZENS = [
    "Martine Bonnet", "Jean Lemoine", "Fatima Cherif", "Olivier Roussel", "Chloé Marchal",
    "Ahmed Benali", "Nathalie Vidal", "Pierre Gauthier", "Manon Leclerc", "Youssef Amrani",
    "Isabelle Perrot", "Antoine Faure", "Sandrine Michaud", "Kevin Aubert", "Laura Rolland",
    "Mehdi Bouzid", "Céline Barbier", "Franck Renaud", "Amandine Caron", "Rachid Mansouri",
]  # fmt: skip


@dataclass(frozen=True)
class KindPlan:
    label: str
    minutes: int
    capacity: int
    documents: str
    hours: tuple[tuple[int, dt.time, dt.time], ...]  # weekday, from, to
    per_day: tuple[int, ...]  # drawn each open day: how many appointments


def _hours(
    weekdays: tuple[int, ...], start: tuple[int, int], end: tuple[int, int]
) -> tuple[tuple[int, dt.time, dt.time], ...]:
    return tuple((weekday, dt.time(*start), dt.time(*end)) for weekday in weekdays)


KINDS = (
    KindPlan(
        "Carte d'identité ou passeport",
        20,
        2,
        "Ancien titre ou déclaration de perte\nPhotographie d'identité de moins de 6 mois\nJustificatif de domicile",
        _hours((0, 1, 2, 3, 4, 5), (9, 0), (11, 40)) + _hours((0, 2, 4), (14, 0), (17, 0)),
        (0, 0, 0, 1, 1, 2),
    ),
    KindPlan(
        "Dossier de mariage",
        45,
        1,
        "Pièces d'identité des futurs époux\nActes de naissance de moins de 3 mois\nJustificatifs de domicile",
        _hours((1, 3), (14, 0), (16, 15)),
        (0, 0, 0, 1),
    ),
    KindPlan(
        "Démarche d'état civil",
        15,
        1,
        "Livret de famille\nPièce d'identité",
        _hours((0, 2, 4), (9, 0), (12, 0)),
        (0, 0, 0, 1),
    ),
)


@dataclass(frozen=True)
class AppointmentCounts:
    kinds: int
    appointments: int


def add_appointments(organisation: Organisation, *, rng: random.Random, today: dt.date) -> AppointmentCounts:
    """The kinds of the town hall's civil registry and two years of appointments up to today,
    and a few in the next days."""
    registry = Service.objects.get(organisation=organisation, code="etat-civil")
    agents = list(
        Membership.objects.filter(organisation=organisation, role=Role.AGENT, user__email__startswith="etat-civil")
        .select_related("user")
        .order_by("user__email")
    )
    people = [membership.user for membership in agents]
    written = 0
    for position, plan in enumerate(KINDS):
        kind = _add_kind(organisation, registry, plan, position)
        offer = Offer.of(kind, (today - dt.timedelta(days=DAYS_BACK)).year, today.year + 1)
        for day in _days(today):
            for starts_at in _draw_starts(offer, day, plan, rng, upcoming=day >= today):
                written += _add_one(kind, starts_at, rng=rng, today=today, agents=people)
    return AppointmentCounts(kinds=len(KINDS), appointments=written)


def _add_kind(organisation: Organisation, service: Service, plan: KindPlan, position: int) -> AppointmentKind:
    kind = AppointmentKind.objects.create(
        organisation=organisation,
        service=service,
        label=plan.label,
        duration_minutes=plan.minutes,
        capacity=plan.capacity,
        documents=plan.documents,
        horizon_days=90,
        notice_hours=24,
        position=position,
    )
    BookingHours.objects.bulk_create(
        BookingHours(organisation=organisation, kind=kind, weekday=weekday, starts_at=starts, ends_at=ends)
        for weekday, starts, ends in plan.hours
    )
    return kind


def _days(today: dt.date) -> list[dt.date]:
    return [today + dt.timedelta(days=offset) for offset in range(-DAYS_BACK, DAYS_AHEAD + 1)]


def _draw_starts(
    offer: Offer, day: dt.date, plan: KindPlan, rng: random.Random, *, upcoming: bool
) -> list[dt.datetime]:
    """Some of the day's slots (each at most once: one seat is enough for the demo). Today and
    the next days are fuller, so that the agents' day list has something to show."""
    starts = list(offer.starts(day))
    if not starts:
        return []
    count = min(len(starts), max(plan.per_day) + 1 if upcoming else rng.choice(plan.per_day))
    zone = offer.kind.organisation.time_zone
    return [aware_local(start, zone) for start in sorted(rng.sample(starts, count))]


def _channel(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for channel, share in CHANNELS:
        total += share
        if draw < total:
            return channel
    return Channel.PHONE


def _citizen(rng: random.Random, channel: str) -> Citizen:
    name = rng.choice(CITIZENS)
    address = f"{name.lower().replace(' ', '.')}{rng.randint(1, 99)}@exemple.fr"
    email = address if channel == Channel.ONLINE or rng.random() < 0.4 else ""
    phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return Citizen(name, _ascii(email), phone if channel != Channel.ONLINE else "")


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("éèëçï", "eeeci"))


def _add_one(
    kind: AppointmentKind, starts_at: dt.datetime, *, rng: random.Random, today: dt.date, agents: list[User]
) -> int:
    """Book one appointment some days ahead of its slot and play its day, if past."""
    channel = _channel(rng)
    booked_at = starts_at - dt.timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 6))
    agent = rng.choice(agents) if agents and channel != Channel.ONLINE else None
    try:
        appointment, _token = book(
            kind=kind,
            starts_at=starts_at,
            citizen=_citizen(rng, channel),
            channel=channel,
            actor=agent,
            now=booked_at,
            notify=False,
        )
    except ValidationError:  # an address with too many bookings ahead: the town would refuse it too
        return 0
    local_day = starts_at.astimezone(kind.organisation.time_zone).date()
    if rng.random() < 0.04:
        cancel(appointment=appointment, actor=agent, now=booked_at + (starts_at - booked_at) / 2, notify=False)
    elif local_day < today:
        _play_the_day(appointment, rng=rng, agent=rng.choice(agents) if agents else None)
    return 1


def _play_the_day(appointment: Appointment, *, rng: random.Random, agent: User | None) -> None:
    """What happened at the counter: a few no-shows, some late arrivals, most received within
    the tolerance of 10 minutes, some later (a busy morning); now and then an arrival not noted."""
    draw = rng.random()
    scheduled = appointment.scheduled_at
    minutes = dt.timedelta(minutes=1)
    if draw < 0.06:
        apply_step(appointment=appointment, step="no_show", actor=agent, now=scheduled + 20 * minutes, notify=False)
        return
    late_arrival = draw < 0.11  # after the tolerance
    arrived = scheduled + (rng.randint(12, 25) if late_arrival else -rng.randint(1, 15)) * minutes
    waited = rng.randint(11, 30) if rng.random() < 0.07 else rng.randint(0, 9)
    started = max(arrived, scheduled) + waited * minutes
    if rng.random() > 0.04:  # now and then the agent forgets to note the arrival
        apply_step(appointment=appointment, step="check_in", actor=agent, now=arrived, notify=False)
    apply_step(appointment=appointment, step="start", actor=agent, now=started, notify=False)
    ended = started + appointment.duration + rng.randint(-5, 5) * minutes
    apply_step(appointment=appointment, step="end", actor=agent, now=ended, notify=False)
