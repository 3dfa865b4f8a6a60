"""State changes of the roster, the sessions and the town's briefing deadline.

Each is keyword-only and atomic, writes its journal entry (the participants by name, the
commitments by code) and tells the indicator engine which months changed: those of the
session's day, of the agents' time in post and of the newcomers' briefing deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from core.audit import create_audited, record_event, save_audited, snapshot
from core.closing import guard_change
from core.models import Membership, Organisation, Service, User
from core.registries import commitment_choices, records_changed
from documents.evidence import check_evidence, download_name
from registers.deadlines import future_day_error
from training.models import Agent, Attendance, Kind, TrainingSession, TrainingSettings

METRIC_PREFIX = "training"
CREATED = "create"
SETTINGS_CHANGED = "settings"
DEPARTED = "depart"
AGENT_FIELDS = ["full_name", "service", "front_line", "arrived_on", "departed_on", "user"]
SESSION_FIELDS = ["kind", "topic", "held_on", "trainer", "duration_hours", "commitments"]
# The stored file too: a new sheet under the same name still shows in the journal.
JOURNAL_FIELDS = [*SESSION_FIELDS, "attendance_sheet", "attendance_sheet_name"]
# Recomputation reaches this far back at most: older periods are the `recompute_indicators` command's.
YEARS_BACK = 5


def create_defaults(organisation: Organisation, actor: User | None = None) -> TrainingSettings:
    """What a new town starts with: the briefing deadline of 30 days (idempotent)."""
    found, _created = TrainingSettings.objects.get_or_create(organisation=organisation)
    return found


# ---------------------------------------------------------------- months told to the engine


def months_between(first: dt.date, last: dt.date, *, today: dt.date) -> set[dt.date]:
    """The first day of every month from `first` to `last`, within the years recomputed; a day
    still to come stands for the current month (its figures are those of the current period)."""
    first = min(max(first, dt.date(today.year - YEARS_BACK, 1, 1)), today)
    last = min(last, today)
    months: set[dt.date] = set()
    month = first.replace(day=1)
    while month <= last:
        months.add(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _agent_months(agent: Agent, *, days: int, today: dt.date) -> set[dt.date]:
    """The months whose figures count this agent: their time in post and their deadline."""
    last = agent.departed_on or today
    deadline = agent.briefing_deadline(days)
    return months_between(agent.arrived_on, last, today=today) | months_between(deadline, deadline, today=today)


def _tell(organisation: Organisation, months: set[dt.date]) -> None:
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)


# ---------------------------------------------------------------- the roster


def _departure_error(departed_on: dt.date, arrived_on: dt.date) -> str:
    return f"Date de départ : le {departed_on:%d/%m/%Y} précède l'arrivée du {arrived_on:%d/%m/%Y}."


def _attended_outside(agent: Agent, arrived_on: dt.date, departed_on: dt.date | None) -> dt.date | None:
    """The day of a session the agent attended outside these dates in post, if any."""
    outside = Q(session__held_on__lt=arrived_on)
    if departed_on is not None:
        outside |= Q(session__held_on__gt=departed_on)
    found = Attendance.objects.filter(outside, organisation=agent.organisation, agent=agent)
    return found.order_by("session__held_on").values_list("session__held_on", flat=True).first()


def _check_agent(organisation: Organisation, values: dict[str, Any], agent: Agent | None = None) -> None:
    errors: dict[str, str] = {}
    if not (values.get("full_name") or "").strip():
        errors["full_name"] = "Nom et prénom : indiquez le nom de l'agent."
    service: Service | None = values.get("service")
    if service is not None and service.organisation_id != organisation.pk:
        errors["service"] = "Service : choisissez un service de la ville."
    arrived_on, departed_on = values.get("arrived_on"), values.get("departed_on")
    if arrived_on is None:
        errors["arrived_on"] = "Date d'arrivée : indiquez le jour d'arrivée de l'agent."
    elif departed_on is not None and departed_on < arrived_on:
        errors["departed_on"] = _departure_error(departed_on, arrived_on)
    if agent is not None and arrived_on is not None and "departed_on" not in errors:
        outside = _attended_outside(agent, arrived_on, departed_on)
        if outside:
            errors["departed_on" if departed_on and outside > departed_on else "arrived_on"] = (
                f"L'agent a participé à une session le {outside:%d/%m/%Y}, hors de ses dates en poste."
            )
    user: User | None = values.get("user")
    if user is not None:
        if not Membership.objects.filter(organisation=organisation, user=user).exists():
            errors["user"] = "Compte : choisissez un membre de la ville."
        elif Agent.objects.for_org(organisation).filter(user=user).exclude(pk=getattr(agent, "pk", None)).exists():
            errors["user"] = "Compte : ce compte est déjà rattaché à un autre agent de la liste."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_agent(
    *, organisation: Organisation, actor: User | None, today: dt.date, notify: bool = True, **values: Any
) -> Agent:
    """Put an agent on the roster. `notify=False` leaves the indicators to the caller, who
    tells them once after many (`core.registries.records_changed`, prefix `training`: the demo)."""
    values["full_name"] = (values.get("full_name") or "").strip()
    _check_agent(organisation, values)
    agent = Agent(organisation=organisation, **values)
    create_audited(agent, actor=actor, fields=AGENT_FIELDS)
    if notify:
        days = TrainingSettings.for_org(organisation).briefing_days
        _tell(organisation, _agent_months(agent, days=days, today=today))
    return agent


@transaction.atomic
def update_agent(*, agent: Agent, actor: User | None, today: dt.date, **values: Any) -> bool:
    """Change an agent's details (the departure date included); returns whether anything changed."""
    if "full_name" in values:
        values["full_name"] = (values["full_name"] or "").strip()
    merged = {name: getattr(agent, name) for name in AGENT_FIELDS} | values
    _check_agent(agent.organisation, merged, agent)
    days = TrainingSettings.for_org(agent.organisation).briefing_days
    months = _agent_months(agent, days=days, today=today)
    changed = save_audited(agent, actor=actor, values=values)
    if changed:
        _tell(agent.organisation, months | _agent_months(agent, days=days, today=today))
    return changed


@transaction.atomic
def mark_departed(*, agent: Agent, actor: User | None, departed_on: dt.date, today: dt.date) -> None:
    """Record an agent's last day in post: they stay on the roster with their records."""
    _check_agent(
        agent.organisation, {name: getattr(agent, name) for name in AGENT_FIELDS} | {"departed_on": departed_on}, agent
    )
    days = TrainingSettings.for_org(agent.organisation).briefing_days
    months = _agent_months(agent, days=days, today=today)
    before = snapshot(agent, ["departed_on"])
    agent.departed_on = departed_on
    agent.save(update_fields=["departed_on"])
    record_event(
        organisation=agent.organisation,
        actor=actor,
        instance=agent,
        action=DEPARTED,
        before=before,
        after=snapshot(agent, ["departed_on"]),
    )
    _tell(agent.organisation, months | _agent_months(agent, days=days, today=today))


# ---------------------------------------------------------------- sessions and briefings


def _check_session(
    organisation: Organisation,
    values: dict[str, Any],
    attendees: Sequence[Agent],
    today: dt.date,
    current_commitments: Iterable[str] = (),
) -> None:
    errors: dict[str, str] = {}
    if values.get("kind") not in Kind.values:
        errors["kind"] = "Nature : choisissez formation ou sensibilisation."
    if not (values.get("topic") or "").strip():
        errors["topic"] = "Thème : indiquez le thème de la session."
    if not (values.get("trainer") or "").strip():
        errors["trainer"] = "Animée par : indiquez qui a animé la session."
    held_on: dt.date | None = values.get("held_on")
    if held_on is None:
        errors["held_on"] = "Date : indiquez le jour de la session."
    elif future_day_error(held_on, today):
        errors["held_on"] = f"Date : {future_day_error(held_on, today)}"
    known = {code for code, _label in commitment_choices(organisation)} | set(current_commitments)
    unknown = [code for code in values.get("commitments", []) if code not in known]
    if unknown:
        errors["commitments"] = f"Engagements abordés : engagement inconnu de la ville ({', '.join(unknown)})."
    strangers = [agent for agent in attendees if agent.organisation_id != organisation.pk]
    absent = [agent for agent in attendees if held_on is not None and not agent.is_in_post_on(held_on)]
    if strangers:
        errors["attendees"] = "Participants : choisissez des agents de la liste de la ville."
    elif absent:
        names = ", ".join(agent.full_name for agent in absent)
        errors["attendees"] = f"Participants : pas en poste le {held_on:%d/%m/%Y} : {names}."
    if errors:
        raise ValidationError(errors)


def _attendee_names(attendees: Iterable[Agent]) -> str:
    return ", ".join(sorted(agent.full_name for agent in attendees))


def _session_months(session: TrainingSession, attendees: Iterable[Agent], *, today: dt.date) -> set[dt.date]:
    """The session's month and the briefing deadlines of its participants (22.2)."""
    days = TrainingSettings.for_org(session.organisation).briefing_days
    deadlines = [agent.briefing_deadline(days) for agent in attendees]
    return {session.held_on.replace(day=1)} | {
        day for deadline in deadlines for day in months_between(deadline, deadline, today=today)
    }


def _store_sheet(session: TrainingSession, sheet: UploadedFile) -> None:
    kind = check_evidence(sheet)
    session.attendance_sheet_name = download_name(sheet.name or "", kind)
    session.attendance_sheet.save(f"emargement{kind.extension}", sheet, save=False)


def _set_attendees(session: TrainingSession, attendees: Sequence[Agent]) -> None:
    Attendance.objects.filter(organisation=session.organisation, session=session).exclude(agent__in=attendees).delete()
    present = set(Attendance.objects.filter(session=session).values_list("agent_id", flat=True))
    Attendance.objects.bulk_create(
        Attendance(organisation=session.organisation, session=session, agent=agent)
        for agent in attendees
        if agent.pk not in present
    )


def _session_values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    for name in ("topic", "trainer"):
        values[name] = (values.get(name) or "").strip()
    values["commitments"] = sorted(set(values.get("commitments") or []), key=lambda code: (len(code), code))
    return values


@transaction.atomic
def record_session(
    *,
    organisation: Organisation,
    actor: User | None,
    today: dt.date,
    attendees: Sequence[Agent],
    attendance_sheet: UploadedFile | None = None,
    notify: bool = True,
    **values: Any,
) -> TrainingSession:
    """Record a training session or a briefing held, with who attended it (`notify` as for
    `add_agent`)."""
    values = _session_values(values)
    _check_session(organisation, values, attendees, today)
    session = TrainingSession(organisation=organisation, **values)
    if attendance_sheet is not None:
        _store_sheet(session, attendance_sheet)
    session.save()
    _set_attendees(session, attendees)
    after = snapshot(session, JOURNAL_FIELDS) | {"attendees": _attendee_names(attendees)}
    guard_change(organisation=organisation, days=(session.held_on,), actor=actor, instance=session, action=CREATED)
    record_event(organisation=organisation, actor=actor, instance=session, action=CREATED, after=after)
    if notify:
        _tell(organisation, _session_months(session, attendees, today=today))
    return session


@transaction.atomic
def update_session(
    *,
    session: TrainingSession,
    actor: User | None,
    today: dt.date,
    attendees: Sequence[Agent],
    attendance_sheet: UploadedFile | None = None,
    **values: Any,
) -> None:
    """Change a session; a new attendance sheet replaces the link to the previous one, whose
    file is kept for the journal."""
    organisation = session.organisation
    values = _session_values(values)
    _check_session(organisation, values, attendees, today, current_commitments=session.commitments)
    previous = list(session.attendees.all())
    fields = JOURNAL_FIELDS
    before = snapshot(session, fields) | {"attendees": _attendee_names(previous)}
    months, held_before = _session_months(session, previous, today=today), session.held_on
    for name, value in values.items():
        setattr(session, name, value)
    guard_change(
        organisation=organisation,
        days=(held_before, session.held_on),
        actor=actor,
        instance=session,
        action="update",
        before=before,
        after=snapshot(session, fields) | {"attendees": _attendee_names(attendees)},
    )
    if attendance_sheet is not None:
        _store_sheet(session, attendance_sheet)
    session.save()
    _set_attendees(session, attendees)
    after = snapshot(session, fields) | {"attendees": _attendee_names(attendees)}
    if before != after:
        record_event(
            organisation=organisation, actor=actor, instance=session, action="update", before=before, after=after
        )
        _tell(organisation, months | _session_months(session, attendees, today=today))


@transaction.atomic
def delete_session(*, session: TrainingSession, actor: User | None, today: dt.date) -> None:
    """Delete a session recorded by mistake; the journal keeps what it said and who attended."""
    attendees = list(session.attendees.all())
    months = _session_months(session, attendees, today=today)
    organisation = session.organisation
    before = snapshot(session, JOURNAL_FIELDS) | {"attendees": _attendee_names(attendees)}
    days = (session.held_on,)
    guard_change(organisation=organisation, days=days, actor=actor, instance=session, action="delete", before=before)
    record_event(organisation=organisation, actor=actor, instance=session, action="delete", before=before)
    session.delete()
    _tell(organisation, months)


# ---------------------------------------------------------------- settings


@transaction.atomic
def update_settings(
    *, organisation: Organisation, actor: User | None, briefing_days: int, today: dt.date
) -> TrainingSettings:
    """Change the briefing deadline; 22.2 is recomputed for the deadlines that moved."""
    current = TrainingSettings.for_org(organisation)
    before = snapshot(current, ["briefing_days"]) if current.pk else None
    old_days = current.briefing_days
    current.briefing_days = briefing_days
    current.full_clean()
    current.save()
    after = snapshot(current, ["briefing_days"])
    if before != after:
        action = SETTINGS_CHANGED if before else CREATED
        record_event(
            organisation=organisation, actor=actor, instance=current, action=action, before=before, after=after
        )
        months: set[dt.date] = set()
        for arrived_on in Agent.objects.for_org(organisation).values_list("arrived_on", flat=True):
            for days in (old_days, briefing_days):
                deadline = arrived_on + dt.timedelta(days=days)
                months |= months_between(deadline, deadline, today=today)
        _tell(organisation, months)
    return current
