"""Reading a booking tool's calendar export (.ics, RFC 5545) one event at a time.

The file is streamed: each VEVENT's text becomes one record (a one-cell list), numbered with
the line of its `BEGIN:VEVENT`, so that a rejected event names its line and memory stays flat
whatever the file's size. The `icalendar` library parses each event (line folding, escaped
text, TZID parameters, VALUE=DATE, DURATION). The time zones a file defines itself (an
Outlook or Exchange calendar's "(UTC+01:00) Bruxelles, Copenhague, Madrid, Paris") are read
from its VTIMEZONE components as they pass, before the events that name them.

`read_event` gives what an appointment needs of an event, or a French TableError naming the
property (shown as the rejection's column)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import icalendar

from documents.tabular import TableError
from imports import text_stream

DATETIME_UNREADABLE = "date et heure illisibles : écrivez-les AAAAMMJJTHHMMSS."
MAX_EVENT_LINES = 2_000  # an event longer than this is not an appointment: refused, not held in memory


@dataclass(frozen=True)
class CalendarEvent:
    """What an appointment takes from a VEVENT. `start` and `end` are aware (a TZID, UTC "Z")
    or naive (floating time: the town's wall clock)."""

    uid: str
    start: dt.datetime
    end: dt.datetime | None
    cancelled: bool
    summary: str
    categories: str  # the first category
    location: str
    created: dt.datetime | None  # CREATED, else DTSTAMP: when the booking was made (or exported)
    modified: dt.datetime | None  # LAST-MODIFIED: when a cancelled booking was cancelled


class CalendarRecords:
    """The VEVENTs of an .ics file as records (`imports.Records`): `[event text]`, and
    `line_num` the line where the event began. The time zones of the file's VTIMEZONEs are
    put in `zones` (TZID → tzinfo) for the events read after them."""

    def __init__(self, binary: IO[bytes], encoding: str, zones: dict[str, dt.tzinfo]) -> None:
        self.lines = text_stream(binary, encoding)
        self.line_num = 0
        self.zones = zones
        self.began = False

    def __iter__(self) -> Iterator[Sequence[str]]:
        block: list[str] | None = None
        component = ""
        start = 0
        for number, raw in enumerate(self.lines, start=1):
            line = raw.rstrip("\r\n")
            upper = line.upper()
            if not self.began:
                if not line.strip():
                    continue
                if upper.lstrip("\ufeff") != "BEGIN:VCALENDAR":
                    raise TableError("ce fichier n'est pas un calendrier iCalendar (BEGIN:VCALENDAR attendu).", line=1)
                self.began = True
            if block is None:
                if upper in ("BEGIN:VEVENT", "BEGIN:VTIMEZONE"):
                    block, component, start = [line], upper[6:], number
                continue
            block.append(line)
            if upper == f"END:{component}":
                text = "\r\n".join(block) + "\r\n"
                block = None
                if component == "VTIMEZONE":
                    self._keep_zone(text)
                    continue
                self.line_num = start
                yield [text]
            elif len(block) > MAX_EVENT_LINES:
                self.line_num = start
                block = None
                yield [""]  # refused by read_event: an event without its end
        if not self.began:
            raise TableError("le fichier est vide.")

    def _keep_zone(self, text: str) -> None:
        """A VTIMEZONE the file defines; one that cannot be read leaves its events floating
        (read in the town's time), as a calendar without it would."""
        try:
            timezone = icalendar.Timezone.from_ical(text)
            if isinstance(timezone, icalendar.Timezone):
                self.zones[str(timezone["TZID"])] = timezone.to_tz()
        except (ValueError, KeyError, TypeError, AttributeError):
            return


def read_event(text: str, zones: dict[str, dt.tzinfo]) -> CalendarEvent:
    """The appointment's facts of one VEVENT's text; TableError (French) when it cannot be one:
    no UID, no start time, a whole-day event, a repeated event."""
    if not text:
        raise TableError(f"événement sans « END:VEVENT » sur {MAX_EVENT_LINES} lignes.", column="VEVENT")
    try:
        event = icalendar.Event.from_ical(text)
    except ValueError:
        raise TableError("événement illisible : une ligne n'est pas écrite « NOM:valeur ».", column="VEVENT") from None
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise TableError("événement sans identifiant : l'outil doit écrire un UID.", column="UID")
    if "RRULE" in event:
        raise TableError("événement répété (RRULE) : un rendez-vous n'a lieu qu'une fois.", column="RRULE")
    start = _moment(event, "DTSTART", zones)
    if start is None:
        raise TableError("événement sans heure de début.", column="DTSTART")
    end = _moment(event, "DTEND", zones)
    if end is None and "DURATION" in event:
        duration = _value(event, "DURATION", unreadable="durée illisible : écrivez-la par exemple PT20M.")
        if not isinstance(duration, dt.timedelta):
            raise TableError("durée attendue, par exemple PT20M.", column="DURATION")
        end = start + duration
    recurrence = _moment(event, "RECURRENCE-ID", zones)
    if recurrence is not None:
        uid = f"{uid}/{recurrence:%Y%m%dT%H%M%S}"  # one occurrence of a series moved apart
    return CalendarEvent(
        uid=uid,
        start=start,
        end=end,
        cancelled=str(event.get("STATUS", "")).strip().upper() == "CANCELLED",
        summary=str(event.get("SUMMARY", "")).strip(),
        categories=_first_category(event),
        location=str(event.get("LOCATION", "")).strip(),
        created=_moment(event, "CREATED", zones) or _moment(event, "DTSTAMP", zones),
        modified=_moment(event, "LAST-MODIFIED", zones),
    )


def _value(event: icalendar.Component, name: str, *, unreadable: str = DATETIME_UNREADABLE) -> Any:
    """The property's value as Python reads it; a value the library could not read (it keeps
    its text) is refused with `unreadable`."""
    try:
        value = event.decoded(name)
    except (ValueError, TypeError):
        value = ""
    if isinstance(value, str | bytes):
        raise TableError(unreadable, column=name)
    return value


def _moment(event: icalendar.Component, name: str, zones: dict[str, dt.tzinfo]) -> dt.datetime | None:
    """A date and time of the event: aware, or naive for a floating time (and for a TZID
    neither the time-zone database nor the file defines); a date alone is refused."""
    if name not in event:
        return None
    value = _value(event, name)
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            raise TableError(
                f"événement sur la journée entière (« {value:%d/%m/%Y} », sans heure) : un rendez-vous a une heure.",
                column=name,
            )
        raise TableError("date et heure attendues.", column=name)
    if value.tzinfo is None:
        zone = zones.get(str(event[name].params.get("TZID", "")))
        if zone is not None:
            return value.replace(tzinfo=zone)
    return value


def _first_category(event: icalendar.Component) -> str:
    categories = event.get("CATEGORIES")
    if categories is None:
        return ""
    found = categories if isinstance(categories, list) else [categories]
    for entry in found:
        names = getattr(entry, "cats", None) or [entry]
        for name in names:
            if str(name).strip():
                return str(name).strip()
    return ""
