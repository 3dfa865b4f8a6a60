"""The demo town's telephone: two lines, the calls of the exchange's export, and one week of
March tallied by hand by the agents instead (*relevé manuel*), as towns do for their survey."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from core.models import Organisation, Service, User
from demo.bulk import Batches, Row
from demo.patterns import (
    WEEKDAY_FACTOR,
    DayClock,
    Town,
    arrivals,
    day_factor,
    days_between,
    minutes_of,
    poisson,
    shape,
    stamp_columns,
)
from imports.models import ImportSource
from telephony.importing import CALLS
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine

# The two lines: code, name, service code, calls a day on an ordinary Tuesday, talk mode (s).
LINES = (("accueil", "Accueil", "accueil", 58.0, 110.0), ("etat-civil", "État civil", "etat-civil", 38.0, 150.0))
OUT_OF_HOURS_SHARE = 0.07
CALLS_ON_CLOSED_WEEKDAYS = 8


def phone_lines(organisation: Organisation, services: dict[str, Service]) -> list[tuple[PhoneLine, float, float]]:
    lines = []
    for code, name, service_code, per_day, talk_mode in LINES:
        if service_code in services:
            line = PhoneLine.objects.create(
                organisation=organisation, code=code, name=name, service=services[service_code]
            )
            lines.append((line, per_day, talk_mode))
    return lines


def exchange_source(organisation: Organisation) -> ImportSource:
    return ImportSource.objects.create(
        organisation=organisation,
        kind=CALLS,
        name="standard",
        label="Standard téléphonique (Asterisk)",
        file_format="asterisk_cdr",
        line_field="dst",
        line_map={"2001": "accueil", "2002": "etat-civil"},
    )


@dataclass
class CallPlan:
    """What varies from one call to the next, drawn once per call."""

    line: PhoneLine
    minute: float
    in_hours: bool
    load: float  # how busy the slot is: 1 = ordinary


def in_opening_hours(minute: float, slots: list[tuple[dt.time, dt.time]]) -> bool:
    return any(minutes_of(opens) <= minute < minutes_of(closes) for opens, closes in slots)


def plan_calls(town: Town, line: PhoneLine, per_day: float, day: dt.date, rng: random.Random) -> list[CallPlan]:
    """The calls of one line on one day: during opening hours, and a few outside them."""
    slots = town.hours[line.service_id].get(day.weekday(), [])
    worked = town.calendar.is_working_day(day, business=True) and bool(slots)
    plans = []
    if worked:
        volume = per_day * day_factor(day, rng) / WEEKDAY_FACTOR[1]
        for minute, index in arrivals(rng, day, slots, volume):
            opens, closes = minutes_of(slots[index][0]), minutes_of(slots[index][1])
            plans.append(CallPlan(line, minute, True, shape(day.weekday(), int(minute), opens, closes)))
        outside = poisson(rng, volume * OUT_OF_HOURS_SHARE)
    else:
        outside = poisson(rng, CALLS_ON_CLOSED_WEEKDAYS) if day.weekday() < 6 else poisson(rng, 1)
    for _ in range(outside):
        minute = rng.uniform(7 * 60 + 30, 19 * 60)
        if not in_opening_hours(minute, slots if worked else []):
            plans.append(CallPlan(line, minute, False, 1.0))
    return plans


def draw_outcome(plan: CallPlan, rng: random.Random) -> tuple[str, float | None, float]:
    """(outcome, wait before answer in seconds or None, ringing or message time in seconds)."""
    if not plan.in_hours:
        return CallOutcome.VOICEMAIL, None, rng.uniform(15, 45)
    answer_chance = min(0.97, max(0.78, 0.95 - 0.07 * (plan.load - 1)))
    if rng.random() < answer_chance:
        wait = 8 * plan.load**0.7 * math.exp(rng.gauss(0, 0.6))
        return CallOutcome.ANSWERED, min(wait, 120.0), 0.0
    kind = rng.random()
    if kind < 0.55:
        return CallOutcome.ABANDONED, None, rng.uniform(8, 50)
    if kind < 0.9:
        return CallOutcome.VOICEMAIL, None, 30 + rng.uniform(10, 60)
    return CallOutcome.BUSY, None, 1.0


def make_call(
    town: Town, plan: CallPlan, clock: DayClock, talk_mode: float, rng: random.Random, key: str, source: ImportSource
) -> Row:
    started = clock.at(plan.minute)
    outcome, wait, ringing = draw_outcome(plan, rng)
    answered_at = ended = None
    talk = 0
    if wait is not None:
        answered_at = started + dt.timedelta(seconds=round(wait))
        talk = round(rng.triangular(60, 300, talk_mode))
        ended = answered_at + dt.timedelta(seconds=talk)
    else:
        ended = started + dt.timedelta(seconds=round(ringing))
    return {
        "organisation_id": town.organisation.pk,
        "line_id": plan.line.pk,
        "service_id": plan.line.service_id,
        "started_at": started,
        "answered_at": answered_at,
        "ended_at": ended,
        "outcome": outcome,
        "wait_seconds": None if wait is None else round(wait),
        "talk_seconds": talk,
        "in_hours": plan.in_hours,
        "caller_hash": f"{rng.getrandbits(256):064x}",
        "origin": CallOrigin.IMPORT,
        "source_id": source.pk,
        "dedupe_key": key,
        **stamp_columns(started, town.organisation.time_zone),
    }


def as_tallied(call: Row, cycle: float, agent: User | None) -> Row:
    """The same call as an agent writes it on the survey sheet: the minute it rang, answered
    or missed, the rings counted (no wait: the figures read rings × ring cycle, as for
    telephony's tally), the talk time to the minute, no caller. Only calls presented are tallied."""
    started = call["started_at"].replace(second=0)
    tallied = call | {
        "origin": CallOrigin.TALLY,
        "source_id": None,
        "caller_hash": "",
        "entered_by_id": agent.pk if agent else None,
        "started_at": started,
        "dedupe_key": call["dedupe_key"].replace("demo-", "demo-releve-", 1),
    }
    if call["answered_at"] is not None:
        rings = max(1, math.ceil(call["wait_seconds"] / cycle))
        talk = max(60, round(call["talk_seconds"] / 60) * 60)
        answered_at = started + dt.timedelta(seconds=math.floor(rings * cycle))
        tallied |= {
            "rings": rings,
            "wait_seconds": None,
            "answered_at": answered_at,
            "talk_seconds": talk,
            "ended_at": answered_at + dt.timedelta(seconds=talk),
        }
    else:  # the sheet knows only "not answered": voicemail and busy tone are ticked as missed
        tallied["outcome"] = CallOutcome.ABANDONED
        tallied["rings"] = max(1, math.ceil((call["ended_at"] - call["started_at"]).total_seconds() / cycle))
    return tallied


def survey_week(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The second full week (Monday to Saturday) of the latest March inside [start, end]."""
    for year in range(end.year, start.year - 1, -1):
        first_monday = dt.date(year, 3, 1) + dt.timedelta(days=(7 - dt.date(year, 3, 1).weekday()) % 7)
        monday = first_monday + dt.timedelta(days=7)
        saturday = monday + dt.timedelta(days=5)
        if start <= monday and saturday <= end:
            return monday, saturday
    return None


def add_calls(
    town: Town,
    lines: list[tuple[PhoneLine, float, float]],
    source: ImportSource,
    span: tuple[dt.date, dt.date],
    rng: random.Random,
    batches: Batches,
) -> None:
    week = survey_week(*span)
    cycle = float(town.organisation.ring_cycle_seconds)
    sequence = 0
    for day in days_between(*span):
        tallied = week is not None and week[0] <= day <= week[1]
        clock = DayClock(day, town.organisation.time_zone)
        for line, per_day, talk_mode in lines:
            agents = town.agents_of(line.service_id)
            for plan in plan_calls(town, line, per_day, day, rng):
                sequence += 1
                call = make_call(town, plan, clock, talk_mode, rng, f"demo-{line.code}-{sequence:07d}", source)
                if not tallied:
                    batches.add(Call, call, "calls")
                elif plan.in_hours:
                    batches.add(Call, as_tallied(call, cycle, rng.choice(agents)), "tallied_calls")
