"""Records written straight to the database for the home's tests: only the fields that the
"À faire" counts read, on given due dates."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from civil_registry.models import ActChannel, ActFormat, ActRequest, ActType
from commitments.actions import record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Indicator
from commitments.tests.conftest import keep_typed
from complaints.models import Channel as ComplaintChannel
from complaints.models import Complaint
from core.models import Organisation, Site, User
from core.periods import Period
from correspondence.models import Channel, WrittenRequest
from imports.models import ImportRun, ImportSource, ImportStatus
from improvement.models import ActionStatus, ImprovementAction, Origin, SteeringMeeting
from reception.models import QueueTicket

_numbers = itertools.count(1)


def written_request(organisation: Organisation, due_on: dt.date, **fields: Any) -> WrittenRequest:
    values = {"channel": Channel.LETTER, "received_on": due_on - dt.timedelta(days=21), "deadline_days": 15}
    return WrittenRequest.objects.create(organisation=organisation, due_on=due_on, **(values | fields))


def act_request(organisation: Organisation, due_on: dt.date, **fields: Any) -> ActRequest:
    values = {
        "act_type": ActType.BIRTH,
        "act_format": ActFormat.FULL,
        "channel": ActChannel.POST,
        "received_on": due_on - dt.timedelta(days=7),
        "deadline_days": 5,
    }
    return ActRequest.objects.create(organisation=organisation, due_on=due_on, **(values | fields))


def complaint(organisation: Organisation, **fields: Any) -> Complaint:
    received_on = fields.pop("received_on", dt.date(2026, 11, 20))
    values = {
        "tracking_number": f"R2026-T{next(_numbers):07d}",
        "channel": ComplaintChannel.EMAIL,
        "received_on": received_on,
        "received_month": received_on.replace(day=1),
        "subject": "Attente au guichet",
    }
    return Complaint.objects.create(organisation=organisation, **(values | fields))


def ticket(organisation: Organisation, day: dt.date) -> QueueTicket:
    site = Site.objects.filter(organisation=organisation).earliest("pk")
    issued = timezone.make_aware(dt.datetime.combine(day, dt.time(9)), organisation.time_zone)
    number = next(_numbers)
    return QueueTicket.objects.create(
        organisation=organisation,
        site=site,
        number=f"A{number:03d}",
        issued_at=issued,
        local_date=day,
        local_month=day.replace(day=1),
        weekday=day.weekday(),
        half_hour=18,
        dedupe_key=f"t{number}",
    )


def call_log_import(organisation: Organisation, day: dt.date, status: str = ImportStatus.DONE) -> ImportRun:
    source, _ = ImportSource.objects.get_or_create(
        organisation=organisation, kind="calls", name="standard", defaults={"label": "Standard"}
    )
    started = timezone.make_aware(dt.datetime.combine(day, dt.time(7)), organisation.time_zone)
    return ImportRun.objects.create(
        organisation=organisation, source=source, filename="Master.csv", status=status, started_at=started
    )


def missed_target(organisation: Organisation, month: str) -> Indicator:
    """Indicator 4.1 (target ≥ 100 %) at 50 % in `month`."""
    load_framework(organisation=organisation, code="qualivilles")
    keep_typed(organisation)
    indicator = Indicator.objects.get(organisation=organisation, code="4.1")
    record_manual_value(indicator=indicator, period=Period.parse(month), actor=None, numerator=5, denominator=10)
    return indicator


def action(organisation: Organisation, owner: User, due_on: dt.date, **fields: Any) -> ImprovementAction:
    number = next(_numbers)
    values = {"title": f"Action {number}", "origin": Origin.SUGGESTION, "status": ActionStatus.PLANNED}
    return ImprovementAction.objects.create(
        organisation=organisation, number=f"A-2026-{number:05d}", owner=owner, due_on=due_on, **(values | fields)
    )


def meeting(organisation: Organisation, held_on: dt.date, **fields: Any) -> SteeringMeeting:
    return SteeringMeeting.objects.create(organisation=organisation, held_on=held_on, **fields)
