"""The local day, month, weekday and half-hour of an event in its town's time zone, stored at
import so that indicators aggregate on indexed columns instead of converting times row by row;
the time zone of a town, read from its holiday zone, and a moment written in it the French way.

Every function takes the zone: there is no default, so no code path falls back to Paris time
for a town of La Réunion or New Caledonia."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

# The time zone of each holiday zone (core.models.HolidayZone); metropolitan France, Alsace and
# Moselle keep Paris time.
TOWN_TIME_ZONES: dict[str, ZoneInfo] = {
    "971": ZoneInfo("America/Guadeloupe"),
    "972": ZoneInfo("America/Martinique"),
    "973": ZoneInfo("America/Cayenne"),
    "974": ZoneInfo("Indian/Reunion"),
    "976": ZoneInfo("Indian/Mayotte"),
    "PM": ZoneInfo("America/Miquelon"),
    "BL": ZoneInfo("America/St_Barthelemy"),
    "MF": ZoneInfo("America/Marigot"),
    "NC": ZoneInfo("Pacific/Noumea"),
    "PF": ZoneInfo("Pacific/Tahiti"),
    "WF": ZoneInfo("Pacific/Wallis"),
}


def town_time_zone(holiday_zone: str) -> ZoneInfo:
    """The time zone of a town in this holiday zone ("" is metropolitan France)."""
    return TOWN_TIME_ZONES.get(holiday_zone, PARIS)


def local_moment_text(moment: dt.datetime, zone: ZoneInfo, *, seconds: bool = False) -> str:
    """An aware moment as a person of the town reads it: "04/12/2026 17:05"."""
    return f"{moment.astimezone(zone):%d/%m/%Y %H:%M:%S}" if seconds else f"{moment.astimezone(zone):%d/%m/%Y %H:%M}"


@dataclass(frozen=True)
class LocalStamp:
    local_date: dt.date
    local_month: dt.date
    weekday: int
    half_hour: int


def local_stamp(moment: dt.datetime, zone: ZoneInfo) -> LocalStamp:
    """The stamps of an aware `moment` read in the town's time `zone`."""
    local = moment.astimezone(zone)
    day = local.date()
    return LocalStamp(day, day.replace(day=1), day.weekday(), local.hour * 2 + local.minute // 30)


def half_hour_label(slot: int) -> str:
    """0 → "00:00–00:30", 17 → "08:30–09:00"."""
    start = dt.time(slot // 2, 30 * (slot % 2))
    end_minutes = (slot + 1) * 30
    end = "24:00" if end_minutes == 1440 else f"{end_minutes // 60:02d}:{end_minutes % 60:02d}"
    return f"{start:%H:%M}–{end}"


def aware_local(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time read in the town's time `zone` as an aware datetime. In the
    repeated hour of the October clock change the first occurrence is taken (fold=0); a time
    that does not exist (the skipped hour in March) is moved forward by the gap, as clocks do."""
    aware = naive.replace(tzinfo=zone)
    round_trip = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:  # inside the spring gap
        return (naive + dt.timedelta(hours=1)).replace(tzinfo=zone)
    return aware
