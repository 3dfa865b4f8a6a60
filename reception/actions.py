"""State changes of the counter: tickets, visits and visit reasons, each with its audit event.

Every ticket change also updates its month's summary row in the same transaction and, when it
changes a figure an indicator reads, tells the indicator engine which months to recompute
(`core.registries.records_changed`, after the commit). Time is always an argument (`now=`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.audit import create_audited, delete_audited, record_event, save_audited, saved_user, snapshot
from core.closing import closed_years, guard_record
from core.localtime import aware_local, local_stamp
from core.models import OpeningHours, Organisation, Service, Site, User
from core.registries import records_changed
from core.workflow import Workflow
from reception.models import (
    MOVES,
    TRANSITIONS,
    QueueTicket,
    TicketCounts,
    TicketEvent,
    TicketMonthSummary,
    TicketStatus,
    Visit,
    VisitReason,
)
from reception.queries import ticket_counts_by_month, waiting_tickets

METRIC_PREFIX = "reception"

# The audit trail keeps these fields: no personal data exists on a ticket or a visit.
TICKET_FIELDS = [
    "number",
    "site",
    "service",
    "reason",
    "status",
    "issued_at",
    "called_at",
    "started_at",
    "ended_at",
    "wait_seconds",
    "recall_count",
    "redirected_to",
    "agent",
    "is_priority",
    "counter",
]
VISIT_FIELDS = ["site", "reason", "oriented_to", "at", "agent"]
REASON_FIELDS = ["label", "service", "position", "is_active"]

DEFAULT_REASONS = [
    ("État civil : acte", "etat-civil"),
    ("Carte d'identité / passeport", "etat-civil"),
    ("Inscription scolaire", "scolaire"),
    ("Urbanisme", "urbanisme"),
    ("Renseignement", "accueil"),
    ("Autre", "accueil"),
]
NUMBER_ATTEMPTS = 20
END_OF_DAY = dt.time(23, 59, 59)


class TransitionRefused(ValidationError):
    """A ticket cannot make this move from its current state; the message says why, in French."""


def _indicator_reading(counts: TicketCounts | None) -> tuple[Any, ...]:
    """What a reception.* metric reads of a ticket (issued, called, waits, left without being
    called). Starting or ending a service changes none of it."""
    if counts is None:
        return ()
    return (counts.issued, counts.called, counts.left_uncalled, dict(counts.waits))


class TicketWorkflow(Workflow[QueueTicket]):
    """The counter's workflow: the indicators are told after the commit, and only when a step
    changes what they read."""

    def refused(self, record: QueueTicket, action: str) -> ValidationError:
        return TransitionRefused(refusal_message(record, action))

    def indicator_months(self, record: QueueTicket) -> set[dt.date]:
        return {record.local_month}

    def indicator_reading(self, record: QueueTicket) -> tuple[Any, ...]:
        return _indicator_reading(record.counts())

    def closing_days(self, record: QueueTicket) -> tuple[dt.datetime, ...]:
        return (record.issued_at,)  # its year, for the closing guard (core.closing)


WORKFLOW = TicketWorkflow(
    transitions=TRANSITIONS,
    event_model=TicketEvent,
    statuses=TicketStatus,
    audit_fields=TICKET_FIELDS,
    metric_prefix=METRIC_PREFIX,
    refusal="",
)


# Months and the indicator engine


def touched_months(moments: Iterable[dt.date | dt.datetime], zone: ZoneInfo) -> set[dt.date]:
    """The first days of the months, in the town's time `zone`, of these days or aware datetimes."""
    months = set()
    for moment in moments:
        day = local_stamp(moment, zone).local_date if isinstance(moment, dt.datetime) else moment
        months.add(day.replace(day=1))
    return months


def notify_indicators(*, organisation: Organisation, months: set[dt.date]) -> None:
    """Ask the indicator engine to recompute the reception indicators of these months once the
    current transaction commits (core.registries.records_changed defers to the commit)."""
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=set(months))


def to_the_second(moment: dt.datetime) -> dt.datetime:
    """Ticket times are kept to the second: waits and service times are whole seconds, and
    sums of durations in the database match the sums of the tickets' own seconds."""
    return moment.replace(microsecond=0)


# Monthly summaries


def _summary_row(ticket: QueueTicket) -> TicketMonthSummary:
    row, _ = TicketMonthSummary.objects.select_for_update().get_or_create(
        organisation_id=ticket.organisation_id,
        local_month=ticket.local_month,
        site_id=ticket.site_id,
        service_id=ticket.service_id,
    )
    return row


def _shift_summary(ticket: QueueTicket, before: TicketCounts | None, after: TicketCounts | None) -> None:
    """Replace a ticket's old contribution to its month's summary by its new one."""
    row = _summary_row(ticket)
    counts = row.counts()
    if before is not None:
        counts.add(before, -1)
    if after is not None:
        counts.add(after)
    row.store(counts)
    row.save()


@transaction.atomic
def refresh_ticket_summaries(*, organisation: Organisation, months: Iterable[dt.date]) -> int:
    """Rebuild the summary rows of these months from the tickets (after an import, a bulk
    write, or to repair); returns how many rows were written."""
    months = sorted({month.replace(day=1) for month in months})
    if not months:
        return 0
    TicketMonthSummary.objects.filter(organisation=organisation, local_month__in=months).delete()
    totals = ticket_counts_by_month(organisation, months)
    summaries = []
    for (month, site_id, service_id), counts in totals.items():
        row = TicketMonthSummary(organisation=organisation, local_month=month, site_id=site_id, service_id=service_id)
        row.store(counts)
        summaries.append(row)
    TicketMonthSummary.objects.bulk_create(summaries, batch_size=500)
    return len(summaries)


def after_tickets_written(*, organisation: Organisation, months: Iterable[dt.date]) -> None:
    """THE call after writing tickets in bulk (an import, the demo): rebuilds the monthly
    summaries of these months and asks for their indicators to be recomputed."""
    with transaction.atomic():
        month_set = {month.replace(day=1) for month in months}
        refresh_ticket_summaries(organisation=organisation, months=month_set)
        notify_indicators(organisation=organisation, months=month_set)


# Tickets


def _same_org(organisation: Organisation, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation.pk:
            raise ValidationError("Cet élément appartient à une autre organisation.")


def _next_free_number(organisation: Organisation, site: Site, day: dt.date) -> int:
    return QueueTicket.objects.filter(organisation=organisation, site=site, local_date=day, source__isnull=True).count()


@transaction.atomic
def issue_ticket(
    *,
    organisation: Organisation,
    site: Site,
    reason: VisitReason | None,
    now: dt.datetime,
    actor: User | None,
    priority: bool = False,
) -> QueueTicket:
    """A new waiting ticket with the next number of the day at this site (`priority`: called
    before the others, reduced mobility or pregnancy). Two tickets issued at the same moment
    never share a number: the database refuses the second, which takes the following number."""
    _same_org(organisation, site, reason)
    now = to_the_second(now)
    stamp = local_stamp(now, organisation.time_zone)
    taken = _next_free_number(organisation, site, stamp.local_date)
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        number = f"{taken + attempt:03d}"
        ticket = QueueTicket(
            organisation=organisation,
            site=site,
            service=reason.service if reason else None,
            reason=reason,
            number=number,
            is_priority=priority,
            issued_at=now,
            local_date=stamp.local_date,
            local_month=stamp.local_month,
            weekday=stamp.weekday,
            half_hour=stamp.half_hour,
            dedupe_key=f"borne:{site.pk}:{stamp.local_date:%Y%m%d}:{number}",
        )
        try:
            with transaction.atomic():
                ticket.save()
        except IntegrityError:
            continue
        _shift_summary(ticket, None, ticket.counts())
        return WORKFLOW.created(ticket, actor=actor, at=now)
    raise ValidationError("Aucun numéro libre n'a pu être attribué : réessayez.")


def refusal_message(ticket: QueueTicket, transition_name: str) -> str:
    move = MOVES.get(transition_name)  # the closing step is the daily rule's, not an agent's move
    doing = move.infinitive if move is not None else f"passer l'étape « {TRANSITIONS[transition_name].label} »"
    return f"Le ticket {ticket.number} est « {ticket.get_status_display()} » : impossible de {doing}."


def _called(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    called_at = max(now, ticket.issued_at)
    return {"called_at": called_at, "wait_seconds": int((called_at - ticket.issued_at).total_seconds())}


def _recalled(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    return {"recall_count": ticket.recall_count + 1}


def _started(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    return {"started_at": now}


def _ended(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    return {"ended_at": max(now, ticket.started_at or now)}


def _left(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    return {}


def _redirected(ticket: QueueTicket, now: dt.datetime, redirected_to: Service | None) -> dict[str, Any]:
    """A service under way ends when the person is sent elsewhere."""
    changes: dict[str, Any] = {"redirected_to": redirected_to}
    if ticket.status == TicketStatus.IN_SERVICE:
        changes["ended_at"] = max(now, ticket.started_at or now)
    return changes


# The fields each step writes besides the status (which the transitions table gives).
STEP_FIELDS = {
    "call": _called,
    "recall": _recalled,
    "start": _started,
    "end": _ended,
    "leave": _left,
    "redirect": _redirected,
}
# The agent who calls, calls again or starts the service takes the ticket, at their counter.
TAKES_THE_TICKET = frozenset({"call", "recall", "start"})


@transaction.atomic
def apply_transition(
    *,
    ticket: QueueTicket,
    transition: str,
    now: dt.datetime,
    actor: User | None,
    redirected_to: Service | None = None,
    counter: str = "",
) -> QueueTicket:
    """Move a ticket along the transitions table (models.TRANSITIONS) through the workflow
    engine, and update the month's summary. Reads the ticket again under lock, so two agents
    tapping at once do not both call the same ticket: the second gets TransitionRefused.
    `counter`: the agent's counter ("Guichet 2"), kept by a call, a recall or a start for the
    waiting-room screen."""
    if transition not in STEP_FIELDS:
        raise TransitionRefused("Action inconnue sur un ticket.")
    fresh = QueueTicket.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=ticket.pk)
    WORKFLOW.check(fresh, transition)
    if transition == "redirect":
        if redirected_to is None:
            raise TransitionRefused({"redirected_to": "Choisissez le service vers lequel la personne est réorientée."})
        _same_org(fresh.organisation, redirected_to)
    now = to_the_second(now)
    changes = STEP_FIELDS[transition](fresh, now, redirected_to)
    if actor is not None and actor.pk and transition in TAKES_THE_TICKET:
        changes["agent"] = actor
    if counter and transition in TAKES_THE_TICKET:
        changes["counter"] = counter
    before_counts = fresh.counts()
    WORKFLOW.step(fresh, transition, actor=actor, changes=changes, log={"at": now})
    _shift_summary(fresh, before_counts, fresh.counts())
    return fresh


def call_next(
    *,
    organisation: Organisation,
    site: Site,
    service: Service | None,
    now: dt.datetime,
    actor: User | None,
    counter: str = "",
) -> QueueTicket:
    """Call the first ticket of today's queue (priority tickets first, then the one that has
    waited longest) to `counter`. If another agent calls it first, the next one is taken."""
    _same_org(organisation, site, service)
    today = local_stamp(now, organisation.time_zone).local_date
    for ticket in list(waiting_tickets(organisation, site, service, today)[:5]):
        try:
            return apply_transition(ticket=ticket, transition="call", now=now, actor=actor, counter=counter)
        except TransitionRefused:
            continue
    raise TransitionRefused("Personne n'attend : aucun ticket à appeler.")


# Closing time: the queue left at the end of the day


def _closing_times(organisation: Organisation) -> dict[tuple[int, int | None, int], dt.time]:
    """The latest closing time of each (site, service or None, weekday) of the opening hours."""
    latest: dict[tuple[int, int | None, int], dt.time] = {}
    for site_id, service_id, weekday, closes_at in OpeningHours.objects.filter(organisation=organisation).values_list(
        "site_id", "service_id", "weekday", "closes_at"
    ):
        key = (site_id, service_id, weekday)
        latest[key] = max(closes_at, latest.get(key, closes_at))
    return latest


def closing_time(ticket: QueueTicket, closing_times: dict[tuple[int, int | None, int], dt.time]) -> dt.datetime:
    """When the ticket's day closed: the latest closing time of its service that weekday (of
    its site when the service has no hours of its own), else the end of the day; never before
    the ticket was issued. Read in the town's time zone."""
    weekday = ticket.local_date.weekday()
    closes = closing_times.get((ticket.site_id, ticket.service_id, weekday)) or closing_times.get(
        (ticket.site_id, None, weekday)
    )
    local = dt.datetime.combine(ticket.local_date, closes or END_OF_DAY)
    return max(aware_local(local, ticket.organisation.time_zone), ticket.issued_at)


@transaction.atomic
def close_waiting_tickets(*, organisation: Organisation, before: dt.date, actor: User | None) -> int:
    """THE closing rule: a ticket still waiting after its day (issued before `before`, the
    town's date) is closed by the step `close_at_closing` at its day's closing time and counts
    as left without being called (reception.left_without_service). Called and in-service
    tickets are left alone: their wait is known. Returns how many were closed."""
    waiting = (
        QueueTicket.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(organisation=organisation, status=TicketStatus.WAITING, local_date__lt=before)
        .exclude(local_date__year__in=closed_years(organisation))  # a closed year is left as it was closed
        .order_by("issued_at", "pk")
    )
    closing_times = _closing_times(organisation)
    closed = 0
    for ticket in waiting:
        before_counts = ticket.counts()
        at = closing_time(ticket, closing_times)
        WORKFLOW.step(ticket, "close_at_closing", actor=actor, changes={}, log={"at": at})
        _shift_summary(ticket, before_counts, ticket.counts())
        closed += 1
    return closed


def close_yesterdays_queue(organisation: Organisation, today: dt.date) -> int:
    """The daily job (core.registries.DAILY_JOBS): close what still waits from before today."""
    return close_waiting_tickets(organisation=organisation, before=today, actor=None)


# Visits without tickets


def _stamp_visit(visit: Visit, at: dt.datetime) -> None:
    stamp = local_stamp(at, visit.organisation.time_zone)
    visit.at = at
    visit.local_date, visit.local_month = stamp.local_date, stamp.local_month
    visit.weekday, visit.half_hour = stamp.weekday, stamp.half_hour


@transaction.atomic
def log_visit(
    *,
    organisation: Organisation,
    site: Site,
    reason: VisitReason | None,
    oriented_to: Service | None,
    now: dt.datetime,
    actor: User | None,
) -> Visit:
    _same_org(organisation, site, reason, oriented_to)
    visit = Visit(organisation=organisation, site=site, reason=reason, oriented_to=oriented_to)
    visit.agent = saved_user(actor)
    _stamp_visit(visit, now)
    visit.save()
    record_event(
        organisation=organisation, actor=actor, instance=visit, action="create", after=snapshot(visit, VISIT_FIELDS)
    )
    return visit


@transaction.atomic
def update_visit(
    *,
    visit: Visit,
    actor: User | None,
    site: Site,
    reason: VisitReason | None,
    oriented_to: Service | None,
    at: dt.datetime,
) -> Visit:
    _same_org(visit.organisation, site, reason, oriented_to)
    before, day_before = snapshot(visit, VISIT_FIELDS), visit.local_date
    visit.site, visit.reason, visit.oriented_to = site, reason, oriented_to
    _stamp_visit(visit, at)
    after = snapshot(visit, VISIT_FIELDS)
    if before != after:
        days = (day_before, visit.local_date)
        guard_record(visit, days=days, actor=actor, action="correction", before=before, fields=VISIT_FIELDS)
        visit.save()
        record_event(
            organisation=visit.organisation,
            actor=actor,
            instance=visit,
            action="correction",
            before=before,
            after=after,
        )
    return visit


@transaction.atomic
def delete_visit(*, visit: Visit, actor: User | None) -> None:
    guard_record(visit, days=(visit.local_date,), actor=actor, action="delete", before=snapshot(visit, VISIT_FIELDS))
    delete_audited(visit, actor=actor, fields=VISIT_FIELDS)


# Visit reasons


def _check_label(organisation: Organisation, label: str, exclude: int | None = None) -> str:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Indiquez le libellé du motif."})
    clash = VisitReason.objects.filter(organisation=organisation, label__iexact=label).exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"label": f"Le motif « {label} » existe déjà."})
    return label


@transaction.atomic
def create_reason(
    *,
    organisation: Organisation,
    actor: User | None,
    label: str,
    service: Service | None = None,
    position: int = 0,
    is_active: bool = True,
) -> VisitReason:
    _same_org(organisation, service)
    reason = VisitReason(
        organisation=organisation,
        label=_check_label(organisation, label),
        service=service,
        position=position,
        is_active=is_active,
    )
    create_audited(reason, actor=actor, fields=REASON_FIELDS, organisation=organisation)
    return reason


@transaction.atomic
def update_reason(
    *, reason: VisitReason, actor: User | None, label: str, service: Service | None, position: int, is_active: bool
) -> VisitReason:
    _same_org(reason.organisation, service)
    label = _check_label(reason.organisation, label, exclude=reason.pk)
    values = {"label": label, "service": service, "position": position, "is_active": is_active}
    save_audited(reason, actor=actor, values=values)
    return reason


def set_reason_active(*, reason: VisitReason, actor: User | None, active: bool) -> VisitReason:
    return update_reason(
        reason=reason,
        actor=actor,
        label=reason.label,
        service=reason.service,
        position=reason.position,
        is_active=active,
    )
