"""State changes of the phone records: tallied calls, phone lines, and what follows a change of
calls (summary rows rebuilt, indicators told). Each change writes its audit event."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import create_audited, delete_audited, record_event, save_audited, snapshot
from core.closing import guard_record
from core.concurrency import save_if_unchanged
from core.localtime import local_stamp
from core.models import Organisation, Service, User
from core.registries import records_changed
from telephony.hours import Presence
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine
from telephony.summaries import rebuild_months

METRIC_PREFIX = "telephony"
TALLY_FIELDS = ["line", "service", "outcome", "rings", "started_at", "answered_at", "wait_seconds", "in_hours"]
LINE_FIELDS = ["code", "name", "service"]
TALLY_OUTCOMES = (CallOutcome.ANSWERED, CallOutcome.ABANDONED)
MAX_RINGS = 60


def calls_changed(*, organisation: Organisation, months: Iterable[dt.date]) -> None:
    """THE call after calls changed outside an import chunk: tells the indicator engine which
    months to recompute (core.registries.records_changed waits for the commit)."""
    month_set = {month.replace(day=1) for month in months}
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=month_set)


def refresh_calls(*, organisation: Organisation, months: Iterable[dt.date]) -> None:
    """Rebuild the summary rows of these months from the calls and tell the indicators: for
    calls written in bulk outside an import (the demo town, a repair)."""
    month_set = {month.replace(day=1) for month in months}
    with transaction.atomic():
        rebuild_months(organisation, month_set)
        calls_changed(organisation=organisation, months=month_set)


# --- Tallied calls ------------------------------------------------------------------------------


def wait_from_rings(organisation: Organisation, rings: int | None) -> int | None:
    """Rings heard before an agent answered, as a wait: rings × ring cycle (5 s by default),
    so that "answered within N rings" is exactly "rings ≤ N". Only for the answer time shown:
    the call keeps its rings and no wait, and the figures read rings × the current cycle
    (telephony.summaries), so a changed ring cycle does not falsify a tally."""
    if rings is None:
        return None
    return math.floor(rings * Decimal(organisation.ring_cycle_seconds))


def _apply_tally(call: Call, *, outcome: str, rings: int | None, started_at: dt.datetime, presence: Presence) -> None:
    if outcome not in TALLY_OUTCOMES:
        raise ValidationError("Choisissez « décroché » ou « manqué ».")
    if rings is not None and not 0 <= rings <= MAX_RINGS:
        raise ValidationError(f"Le nombre de sonneries doit être compris entre 0 et {MAX_RINGS}.")
    stamp = local_stamp(started_at, call.organisation.time_zone)
    call.outcome = outcome
    call.rings = rings
    call.started_at = started_at
    answered = outcome == CallOutcome.ANSWERED
    call.wait_seconds = None  # the rings are the measure (None: the wait is not known)
    wait = wait_from_rings(call.organisation, rings) if answered else None
    call.answered_at = started_at + dt.timedelta(seconds=wait or 0) if answered else None
    call.ended_at = None
    call.in_hours = call.service_id is not None and presence.is_open(
        call.service_id, started_at.astimezone(call.organisation.time_zone)
    )
    call.local_date, call.local_month = stamp.local_date, stamp.local_month
    call.weekday, call.half_hour = stamp.weekday, stamp.half_hour


@transaction.atomic
def tally_call(
    *,
    organisation: Organisation,
    line: PhoneLine,
    outcome: str,
    rings: int | None,
    now: dt.datetime,
    actor: User | None,
) -> Call:
    """An agent taps "décroché" or "manqué" on the line that rang: one call at `now`."""
    if line.organisation_id != organisation.pk:
        raise ValidationError("Cette ligne appartient à une autre organisation.")
    call = Call(
        organisation=organisation,
        line=line,
        service_id=line.service_id,
        origin=CallOrigin.TALLY,
        dedupe_key=f"tally/{uuid.uuid4().hex}",
        entered_by=actor,
    )
    _apply_tally(call, outcome=outcome, rings=rings, started_at=now, presence=Presence(organisation))
    call.save()
    record_event(
        organisation=organisation, actor=actor, instance=call, action="tally", after=snapshot(call, TALLY_FIELDS)
    )
    rebuild_months(organisation, {call.local_month})
    calls_changed(organisation=organisation, months={call.local_month})
    return call


def _only_tallied(call: Call) -> None:
    if call.origin != CallOrigin.TALLY:
        raise ValidationError(
            "Seuls les appels relevés à la main se corrigent ici ; un appel importé vient du standard."
        )


@transaction.atomic
def correct_tallied_call(
    *,
    call: Call,
    outcome: str,
    rings: int | None,
    started_at: dt.datetime,
    seen_version: int,
    actor: User | None,
) -> Call:
    """Correct a tallied call (outcome, rings, time); refused if someone changed it meanwhile."""
    _only_tallied(call)
    before = snapshot(call, TALLY_FIELDS)
    old_month, old_day = call.local_month, call.local_date
    _apply_tally(call, outcome=outcome, rings=rings, started_at=started_at, presence=Presence(call.organisation))
    days = (old_day, call.local_date)
    guard_record(call, days=days, actor=actor, action="correction", before=before, fields=TALLY_FIELDS)
    fields = [name for name in TALLY_FIELDS if name not in ("line", "service")]
    save_if_unchanged(
        call,
        seen_version=seen_version,
        fields=[*fields, "ended_at", "local_date", "local_month", "weekday", "half_hour"],
    )
    after = snapshot(call, TALLY_FIELDS)
    record_event(
        organisation=call.organisation, actor=actor, instance=call, action="correction", before=before, after=after
    )
    months = {old_month, call.local_month}
    rebuild_months(call.organisation, months)
    calls_changed(organisation=call.organisation, months=months)
    return call


@transaction.atomic
def delete_tallied_call(*, call: Call, actor: User | None) -> None:
    _only_tallied(call)
    month = call.local_month
    guard_record(call, days=(call.local_date,), actor=actor, action="delete", before=snapshot(call, TALLY_FIELDS))
    delete_audited(call, actor=actor, fields=TALLY_FIELDS)
    rebuild_months(call.organisation, {month})
    calls_changed(organisation=call.organisation, months={month})


@transaction.atomic
def follow_ring_cycle(organisation: Organisation, actor: User | None = None) -> int:
    """The town changed its ring cycle: the calls counted in rings (answered, rings heard, no
    measured wait: tallies and a table's rings column) now wait rings × the new cycle. Their
    months' summary rows are rebuilt and their indicators told, tallied calls take the answer
    time the new cycle gives, and one audit event counts them. Calls with a measured wait are
    untouched. Returns how many calls are counted in rings (listener of
    core.registries.RING_CYCLE_LISTENERS)."""
    in_rings = Call.objects.filter(
        organisation=organisation, outcome=CallOutcome.ANSWERED, wait_seconds__isnull=True, rings__isnull=False
    )
    months = set(in_rings.values_list("local_month", flat=True).distinct())
    if not months:
        return 0
    tallies = list(in_rings.filter(origin=CallOrigin.TALLY).only("pk", "organisation", "started_at", "rings"))
    for call in tallies:
        call.answered_at = call.started_at + dt.timedelta(seconds=wait_from_rings(organisation, call.rings) or 0)
    Call.objects.bulk_update(tallies, ["answered_at"], batch_size=500)
    rebuild_months(organisation, months)
    calls_changed(organisation=organisation, months=months)
    count = in_rings.count()
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action="recompute_ring_waits",
        after={"calls_in_rings": count},
    )
    return count


# --- Phone lines --------------------------------------------------------------------------------


def _check_line(organisation: Organisation, code: str, service: Service, exclude: int | None = None) -> None:
    if service.organisation_id != organisation.pk:
        raise ValidationError({"service": "Ce service appartient à une autre organisation."})
    clash = PhoneLine.objects.for_org(organisation).filter(code=code).exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"code": f"Une ligne porte déjà le code « {code} »."})


@transaction.atomic
def create_line(*, organisation: Organisation, actor: User | None, code: str, name: str, service: Service) -> PhoneLine:
    _check_line(organisation, code, service)
    line = PhoneLine(organisation=organisation, code=code, name=name, service=service)
    create_audited(line, actor=actor, fields=LINE_FIELDS, organisation=organisation)
    return line


@transaction.atomic
def update_line(*, line: PhoneLine, actor: User | None, **values: Any) -> PhoneLine:
    _check_line(line.organisation, values["code"], values["service"], exclude=line.pk)
    if values["service"].pk != line.service_id and line.calls.exists():
        raise ValidationError({"service": "Des appels sont déjà rattachés à cette ligne : son service ne change plus."})
    save_audited(line, actor=actor, values={name: values[name] for name in LINE_FIELDS})
    return line


def line_deletion_blocker(line: PhoneLine) -> str:
    count = Call.objects.filter(organisation_id=line.organisation_id, line=line).count()
    if count:
        return f"{count} appel(s) sont rattachés à cette ligne : elle ne peut pas être supprimée."
    return ""


@transaction.atomic
def delete_line(*, line: PhoneLine, actor: User | None) -> None:
    delete_audited(line, actor=actor, fields=LINE_FIELDS, blocker=line_deletion_blocker)
