"""An appointment as an iCalendar file (RFC 5545), attached to the citizen's e-mails so that a
phone's or a computer's calendar adds it, moves it (same UID, higher SEQUENCE) or removes it
(METHOD:CANCEL). Times are written in UTC: no time-zone block is needed and every calendar
shows the town's wall-clock time in its own zone.

Written by hand (a dozen lines of text) rather than with a library: the product has no other
use for one; the tests read the file back with `icalendar`."""

from __future__ import annotations

import datetime as dt

from appointments.models import Appointment

PRODID = "-//Qualipilote//Rendez-vous//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8; method={method}"
LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than this are folded


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without cutting a UTF-8 character in two."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(appointment: Appointment) -> str:
    """Stable for the life of the appointment, whatever its moves: the calendar updates it."""
    return f"{appointment.number}.{appointment.organisation.slug}@qualipilote"


def sequence(appointment: Appointment, now: dt.datetime) -> int:
    """The revision number calendars compare: the seconds since the booking, so that each file
    sent later (a move, a cancellation) outranks the ones before without anything stored."""
    return max(0, int((now - appointment.booked_at).total_seconds()))


def appointment_ics(
    appointment: Appointment, *, manage_url: str = "", now: dt.datetime, cancelled: bool = False
) -> str:
    """The calendar file of the appointment (or of its cancellation)."""
    organisation = appointment.organisation
    kind_label = appointment.kind.label if appointment.kind else "Rendez-vous"
    site = appointment.site
    location = ", ".join(part for part in (site.name, site.address) if part)
    description = [f"Rendez-vous {appointment.number} ({appointment.service.name})."]
    if appointment.kind and appointment.kind.documents:
        description.append("Pièces à apporter :\n" + appointment.kind.documents)
    if manage_url and not cancelled:
        description.append(f"Pour annuler ou déplacer ce rendez-vous : {manage_url}")
    method = "CANCEL" if cancelled else "PUBLISH"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid(appointment)}",
        f"SEQUENCE:{sequence(appointment, now)}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(appointment.scheduled_at)}",
        f"DTEND:{utc_stamp(appointment.ends_at)}",
        f"SUMMARY:{escape_text(f'{kind_label} — {organisation.name}')}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    if manage_url and not cancelled:
        lines.append(f"URL:{manage_url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def content_type(*, cancelled: bool = False) -> str:
    return CONTENT_TYPE.format(method="CANCEL" if cancelled else "PUBLISH")
