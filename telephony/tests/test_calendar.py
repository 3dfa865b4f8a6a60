"""Calls judged again after a calendar change (telephony.calendar): the local minute read from
stored columns, the opening runs of a weekday, and the zones this reading holds for."""

import datetime as dt

import pytest
from django.db import connection

from core.localtime import PARIS, TOWN_TIME_ZONES, local_stamp
from core.registries import CalendarChange
from telephony.calendar import follow_calendar, local_minute_sql, open_runs
from telephony.models import Call, CallOutcome


@pytest.mark.parametrize("zone", [PARIS, *TOWN_TIME_ZONES.values()], ids=str)
def test_every_town_time_zone_is_a_whole_number_of_hours_from_utc_so_the_utc_minute_is_the_local_one(zone):
    moment = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
    while moment.year < 2040:
        offset = moment.astimezone(zone).utcoffset()
        assert offset is not None and offset.total_seconds() % 3600 == 0, (zone, moment, offset)
        moment += dt.timedelta(hours=12)


def test_the_open_runs_of_a_day_are_its_opening_minutes_end_excluded():
    day = bytearray(1440)
    day[510:720] = b"\x01" * 210
    day[810:1050] = b"\x01" * 240
    assert open_runs(bytes(day)) == [(510, 720), (810, 1050)]
    assert open_runs(b"\x01" * 1440) == [(0, 1440)]
    assert open_runs(bytes(1440)) == []


@pytest.mark.django_db
def test_the_local_minute_read_in_sql_is_the_minute_the_call_started_in_summer_and_in_winter(org):
    for local in (dt.datetime(2026, 1, 12, 8, 29), dt.datetime(2026, 7, 13, 17, 59), dt.datetime(2026, 3, 30, 0, 5)):
        started = local.replace(tzinfo=PARIS)
        stamp = local_stamp(started, PARIS)
        call = Call.objects.create(
            organisation=org,
            started_at=started,
            outcome=CallOutcome.ABANDONED,
            local_date=stamp.local_date,
            local_month=stamp.local_month,
            weekday=stamp.weekday,
            half_hour=stamp.half_hour,
            dedupe_key=f"minute-{local:%Y%m%d%H%M}",
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {local_minute_sql()} FROM telephony_call WHERE id = %s", [call.pk])  # noqa: S608
            assert cursor.fetchone()[0] == local.hour * 60 + local.minute
        call.delete()


@pytest.mark.django_db
def test_a_change_without_calls_concerned_moves_nothing(org):
    change = CalendarChange(kind="closure_added", days=frozenset({dt.date(2026, 7, 20)}))
    assert follow_calendar(org, change) == 0
    assert not Call.objects.exists()
