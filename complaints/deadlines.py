"""The two deadlines of a complaint, from the town's settings and working-day calendar
(registers.deadlines does the counting: day of receipt = day 0, never counted)."""

from __future__ import annotations

import datetime as dt

from complaints.models import Complaint, ComplaintSettings, Kind
from core.workdays import WorkingCalendar
from registers.deadlines import due_date


def acknowledge_due(calendar: WorkingCalendar, settings: ComplaintSettings, received_on: dt.date) -> dt.date:
    return due_date(calendar, received_on, settings.acknowledge_days, settings.acknowledge_business_days)


def answer_due(
    calendar: WorkingCalendar,
    settings: ComplaintSettings,
    *,
    kind: str,
    channel: str,
    received_on: dt.date,
) -> dt.date | None:
    """A suggestion expects no answer: no due date."""
    if kind == Kind.SUGGESTION:
        return None
    return due_date(calendar, received_on, settings.answer_days_for(channel), settings.answer_business_days)


def set_due_dates(complaint: Complaint, calendar: WorkingCalendar, settings: ComplaintSettings) -> None:
    complaint.acknowledge_due_on = acknowledge_due(calendar, settings, complaint.received_on)
    complaint.answer_due_on = answer_due(
        calendar, settings, kind=complaint.kind, channel=complaint.channel, received_on=complaint.received_on
    )
