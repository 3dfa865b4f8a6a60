"""An appointment as an iCalendar file (RFC 5545), attached to the citizen's e-mails so that a
phone's or a computer's calendar adds it, moves it (same UID, higher SEQUENCE) or removes it
(METHOD:CANCEL). Times are written in UTC: no time-zone block is needed and every calendar
shows the town's wall-clock time in its own zone. Written with `icalendar`, the library that
reads the calendars other booking tools export (appointments/ics_reading.py)."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from appointments.models import Appointment

PRODID = "-//Qualipilote//Rendez-vous//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8; method={method}"


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
    description = [f"Rendez-vous {appointment.number} ({appointment.service.name})."]
    if appointment.kind and appointment.kind.documents:
        description.append("Pièces à apporter :\n" + appointment.kind.documents)
    if manage_url and not cancelled:
        description.append(f"Pour annuler ou déplacer ce rendez-vous : {manage_url}")
    event = Event()
    event.add("uid", uid(appointment))
    event.add("sequence", sequence(appointment, now))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", appointment.scheduled_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{kind_label} — {organisation.name}")
    event.add("location", ", ".join(part for part in (site.name, site.address) if part))
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if manage_url and not cancelled:
        event.add("url", manage_url)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def content_type(*, cancelled: bool = False) -> str:
    return CONTENT_TYPE.format(method="CANCEL" if cancelled else "PUBLISH")
