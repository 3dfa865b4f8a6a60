"""Local wall-clock times, in the town's time zone, as import files write them, read fast and right
across the clock changes.

`LocalClock` converts one hour of the file at a time ("2026-10-25 02") to UTC and keeps it;
every time of that hour is then string slicing plus one lookup in `SECONDS_IN_HOUR`. In the
repeated hour of October, a time that reads earlier than the start of its row is taken in the
second occurrence (`read_moment(after=)`), so no wait is negative; in the skipped hour of
March a time is read one hour later, as clocks do. `normalise_datetime`, `normalise_time`
and `parse_seconds` read the dates, times and durations towns write in tables."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from documents.tabular import TableError
from imports.rows import day_number

LOCAL_DATETIME = re.compile(
    r"^\s*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})[/.-](?P<y2>\d{4}|\d{2}))"
    r"(?:[ T]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?)?\s*$"
)
LOCAL_TIME = re.compile(r"^\s*(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?\s*$")
DURATION = re.compile(r"^\s*(?:(?P<H>\d+):)?(?P<M>\d{1,2}):(?P<S>\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Hour:
    """One hour of local wall-clock time ("2026-10-25 02"), as UTC. In the repeated hour of
    October, `utc`/`epoch` are the first occurrence and `utc_later`/`epoch_later` the second;
    in the skipped hour of March the clock reads one hour later, as `aware_local` does."""

    utc: str
    epoch: int
    utc_later: str
    epoch_later: int
    local_date: str
    local_month: str
    day: int  # local_date and local_month in the binary form of a row (imports.rows)
    month_day: int
    weekday: int
    hour: int
    closed: bool

    @property
    def ambiguous(self) -> bool:
        return self.epoch != self.epoch_later


class LocalClock:
    """Reads wall-clock times of the town's time `zone` fast: one time-zone conversion per hour
    of the file, then string slicing. `closed(day)` says whether the town is shut that day
    (public holiday, closure day), stored on each hour for the importers."""

    def __init__(self, closed: Callable[[dt.date], bool], zone: ZoneInfo) -> None:
        self.hours: dict[str, Hour] = {}  # read directly by hot loops: hours.get(key) or hour(key)
        self._closed = closed
        self.zone = zone

    def hour(self, key: str) -> Hour:
        """`key` is "YYYY-MM-DD HH"; raises ValueError when it is not a date and hour."""
        found = self.hours.get(key)
        if found is None:
            found = self.hours[key] = self._make_hour(key)
        return found

    def _make_hour(self, key: str) -> Hour:
        if len(key) != 13 or key[10] != " ":
            raise ValueError(key)
        naive = dt.datetime.fromisoformat(key + ":00:00")
        zone = self.zone
        first = naive.replace(tzinfo=zone).astimezone(dt.UTC)
        if first.astimezone(zone).replace(tzinfo=None) != naive:  # the skipped hour of March
            first = (naive + dt.timedelta(hours=1)).replace(tzinfo=zone).astimezone(dt.UTC)
        later = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        if later < first:
            later = first
        local = first.astimezone(zone)
        day = local.date()
        return Hour(
            utc=f"{first:%Y-%m-%d %H}",
            epoch=int(first.timestamp()),
            utc_later=f"{later:%Y-%m-%d %H}",
            epoch_later=int(later.timestamp()),
            local_date=day.isoformat(),
            local_month=day.replace(day=1).isoformat(),
            day=day_number(day),
            month_day=day_number(day.replace(day=1)),
            weekday=day.weekday(),
            hour=local.hour,
            closed=self._closed(day),
        )


# "MM:SS" → seconds into the hour: one dictionary lookup per time read (int() costs four times more).
SECONDS_IN_HOUR = {f"{minute:02d}:{second:02d}": minute * 60 + second for minute in range(60) for second in range(60)}


def seconds_in_hour(text: str) -> int:
    """The minutes and seconds of "YYYY-MM-DD HH:MM:SS" as seconds; ValueError otherwise."""
    seconds = SECONDS_IN_HOUR.get(text[14:]) if text[13:14] == ":" else None
    if seconds is None:
        raise ValueError(text)
    return seconds


def normalise_datetime(text: str, *, column: str = "") -> str:
    """A local date and time as "YYYY-MM-DD HH:MM:SS", from DD/MM/YYYY or ISO writing."""
    match = LOCAL_DATETIME.match(text)
    if match is None or match["H"] is None:
        raise TableError(
            f"date et heure « {text} » illisibles : écrivez JJ/MM/AAAA HH:MM:SS ou AAAA-MM-JJ HH:MM:SS.",
            column=column,
        )
    if match["y"]:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    else:
        year, month, day = int(match["y2"]), int(match["m2"]), int(match["d2"])
        year += 2000 if year < 100 else 0
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise TableError(
            f"date et heure « {text} » impossibles (jour, mois ou heure hors limites).", column=column
        ) from None
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"


def normalise_time(text: str, day: str, *, column: str = "") -> str:
    """A time of day ("14:05", "14:05:30") on `day` ("YYYY-MM-DD"), or a full date and time."""
    match = LOCAL_TIME.match(text)
    if match is None:
        return normalise_datetime(text, column=column)
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TableError(f"heure « {text} » impossible.", column=column)
    return f"{day} {hour:02d}:{minute:02d}:{second:02d}"


def parse_seconds(text: str, *, unit: str = "s", column: str = "") -> int:
    """A duration in whole seconds: a number (of seconds, or of minutes when `unit` is "min",
    decimals allowed) or [H:]MM:SS."""
    value = text.strip()
    if value.isdigit():
        return int(value) * (60 if unit == "min" else 1)
    match = DURATION.match(value)
    if match is not None and int(match["M"]) < 60 and int(match["S"]) < 60:
        return int(match["H"] or 0) * 3600 + int(match["M"]) * 60 + int(match["S"])
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = -1
    if number >= 0:
        return round(number * (60 if unit == "min" else 1))
    raise TableError(f"durée « {text} » illisible : écrivez un nombre de secondes ou HH:MM:SS.", column=column)


@dataclass(frozen=True, slots=True)
class Moment:
    """A local wall-clock time read for the database: UTC text, epoch seconds, its hour."""

    utc: str
    epoch: int
    hour: Hour


def read_moment(clock: LocalClock, iso: str, *, after: Moment | None = None, column: str = "") -> Moment:
    """`iso` is "YYYY-MM-DD HH:MM:SS" local. When it reads earlier than `after` and falls in
    the repeated hour of October, the second occurrence is taken, so no wait is negative."""
    try:
        hour = clock.hour(iso[:13])
        offset = seconds_in_hour(iso)
    except ValueError:
        raise TableError(f"date et heure « {iso} » illisibles.", column=column) from None
    epoch = hour.epoch + offset
    if after is not None and epoch < after.epoch and hour.ambiguous:
        return Moment(hour.utc_later + iso[13:], hour.epoch_later + offset, hour)
    return Moment(hour.utc + iso[13:], epoch, hour)


def utc_text(epoch: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
