"""A small, hand-counted telephone survey: two lines, two Mondays and a Tuesday of March 2026."""

import datetime as dt
import itertools

import pytest

from core.localtime import aware_local, local_stamp
from core.models import Service
from imports.models import ImportSource
from telephony.importing import CALLS
from telephony.models import Call, CallOrigin, CallOutcome, PhoneLine
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401  Debian's Chromium, session login

_keys = itertools.count()


def add_call(
    line, when, outcome="answered", wait=10, talk=120, in_hours=True, origin="import", source=None, rings=None
):
    """A call on `line` ringing at the local wall-clock time `when`."""
    zone = line.organisation.time_zone
    started = aware_local(when, zone)
    stamp = local_stamp(started, zone)
    answered = outcome == CallOutcome.ANSWERED and wait is not None
    return Call.objects.create(
        organisation=line.organisation,
        line=line,
        service=line.service,
        started_at=started,
        answered_at=started + dt.timedelta(seconds=wait) if answered else None,
        ended_at=started + dt.timedelta(seconds=(wait or 0) + talk),
        outcome=outcome,
        wait_seconds=wait if answered else None,
        talk_seconds=talk if outcome == CallOutcome.ANSWERED else 0,
        rings=rings,
        in_hours=in_hours,
        local_date=stamp.local_date,
        local_month=stamp.local_month,
        weekday=stamp.weekday,
        half_hour=stamp.half_hour,
        origin=origin,
        source=source,
        dedupe_key=f"test-{next(_keys)}",
    )


@pytest.fixture
def lines(org):
    accueil = PhoneLine.objects.create(
        organisation=org, code="accueil", name="Accueil", service=Service.objects.get(organisation=org, code="accueil")
    )
    civil = PhoneLine.objects.create(
        organisation=org,
        code="etat-civil",
        name="État civil",
        service=Service.objects.get(organisation=org, code="etat-civil"),
    )
    return {"accueil": accueil, "etat-civil": civil}


@pytest.fixture
def survey_calls(org, lines):
    """Accueil: 10 calls presented (8 answered, 6 of them within 25 s; talk 100 to 240 s),
    2 out of hours. État civil: 3 calls presented from the manual tally, 2 answered.

    Monday 9 March 2026, 9:00–9:30: 6 accueil calls; Monday 16 March, 9:00–9:30: 2 accueil
    calls; Tuesday 10 March, 14:00–14:30: 2 accueil calls and the 3 tallied ones."""
    source = ImportSource.objects.create(organisation=org, kind=CALLS, name="standard", label="Standard")
    accueil, civil = lines["accueil"], lines["etat-civil"]
    monday, next_monday, tuesday = dt.date(2026, 3, 9), dt.date(2026, 3, 16), dt.date(2026, 3, 10)

    def at(day, hour, minute):
        return dt.datetime.combine(day, dt.time(hour, minute))

    for minute, wait, talk in [(1, 5, 100), (5, 10, 120), (9, 20, 140), (14, 25, 160), (20, 26, 180), (25, 30, 200)]:
        add_call(accueil, at(monday, 9, minute), wait=wait, talk=talk, source=source)
    add_call(accueil, at(next_monday, 9, 2), wait=3, talk=220, source=source)
    add_call(accueil, at(next_monday, 9, 7), outcome=CallOutcome.VOICEMAIL, wait=None, source=source)
    add_call(accueil, at(tuesday, 14, 3), wait=4, talk=240, source=source)
    add_call(accueil, at(tuesday, 14, 8), outcome=CallOutcome.ABANDONED, wait=None, source=source)
    add_call(accueil, at(tuesday, 12, 30), outcome=CallOutcome.VOICEMAIL, wait=None, in_hours=False, source=source)
    add_call(accueil, at(tuesday, 18, 10), outcome=CallOutcome.VOICEMAIL, wait=None, in_hours=False, source=source)
    add_call(civil, at(tuesday, 14, 1), wait=None, talk=180, origin=CallOrigin.TALLY, rings=3)
    add_call(civil, at(tuesday, 14, 11), wait=None, talk=60, origin=CallOrigin.TALLY, rings=7)
    add_call(civil, at(tuesday, 14, 21), outcome=CallOutcome.BUSY, wait=None, origin=CallOrigin.TALLY)
    return lines
