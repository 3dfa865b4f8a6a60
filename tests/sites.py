"""A town with an annex, and a little activity of every kind at each of its sites (March 2026).

The town (the `org` fixture) has its town hall (services Accueil and État civil); `two_sites`
adds the annex "Mairie annexe du Port" with one service, opening hours at both sites, and at
each site's reception a different handful of letters, acts, complaints, tickets, calls, improvement
actions, filled check grids, training records and appointments."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from appointments.actions import Citizen, apply_step, book
from appointments.models import AppointmentKind, BookingHours
from appointments.models import Channel as BookingChannel
from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from civil_registry.actions import deliver, record_error, register_act_request
from civil_registry.models import ActChannel, ActFormat, ActType, ErrorFinder
from complaints.actions import register_complaint
from complaints.models import Channel as ComplaintChannel
from complaints.models import Justified, Kind
from complaints.workflow import answer as answer_complaint
from core.models import Membership, OpeningHours, Organisation, Role, Service, Site, User
from core.periods import Period
from correspondence.actions import answer, register_request
from correspondence.models import Channel
from improvement.actions import open_action
from improvement.models import Origin
from improvement.workflow import WORKFLOW
from reception.actions import apply_transition, create_reason, issue_ticket
from telephony.actions import create_line, tally_call
from telephony.models import CallOutcome
from training.models import Agent, Attendance, TrainingSession
from training.models import Kind as SessionKind

MARCH = Period.parse("2026-03")
PARIS = ZoneInfo("Europe/Paris")


def paris(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def open_weekdays(organisation: Organisation, site: Site) -> None:
    for weekday in range(5):
        OpeningHours.objects.create(
            organisation=organisation, site=site, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(18)
        )


def written_requests(organisation: Organisation, service: Service, answered: list[bool]) -> None:
    """Letters received on Monday 2 March: answered the next day, or never (late by June)."""
    for is_answered in answered:
        request = register_request(
            organisation=organisation, actor=None, channel=Channel.LETTER, received_on=dt.date(2026, 3, 2),
            service=service, subject="Demande",
        )  # fmt: skip
        if is_answered:
            answer(request, actor=None, seen_version=request.version, on=dt.date(2026, 3, 3))


def acts(organisation: Organisation, service: Service, count: int, wrong: int, loose_errors: int) -> None:
    """`count` acts issued on 3 March, `wrong` of them found wrong; `loose_errors` errors
    recorded without their request, on acts issued the same day by the service."""
    for index in range(count):
        act = register_act_request(
            organisation=organisation, actor=None, act_type=ActType.BIRTH, act_format=ActFormat.FULL,
            channel=ActChannel.POST, copies=1, received_on=dt.date(2026, 3, 2), service=service,
        )  # fmt: skip
        act = deliver(act, actor=None, seen_version=act.version, on=dt.date(2026, 3, 3))
        if index < wrong:
            record_error(
                organisation=organisation, actor=None, act_request=act, act_type=ActType.BIRTH,
                issued_on=dt.date(2026, 3, 3), found_on=dt.date(2026, 3, 20), found_by=ErrorFinder.CITIZEN,
                attributable=True, service=service,
            )  # fmt: skip
    for _ in range(loose_errors):
        record_error(
            organisation=organisation, actor=None, act_type=ActType.BIRTH, issued_on=dt.date(2026, 3, 3),
            found_on=dt.date(2026, 3, 20), found_by=ErrorFinder.CITIZEN, attributable=True, service=service,
        )  # fmt: skip


def complaints(organisation: Organisation, service: Service, answered: list[str]) -> None:
    """Complaints received on 2 March; each answered on 5 March and judged as given, or not
    answered at all ("")."""
    for justified in answered:
        complaint = register_complaint(
            organisation=organisation, actor=None, today=dt.date(2026, 3, 2), kind=Kind.COMPLAINT,
            channel=ComplaintChannel.EMAIL, received_on=dt.date(2026, 3, 2), subject="Attente", service=service,
        )  # fmt: skip
        if justified:
            answer_complaint(
                complaint=complaint, actor=None, seen_version=complaint.version, on=dt.date(2026, 3, 5),
                today=dt.date(2026, 3, 5), justified=justified,
            )  # fmt: skip


def tickets(organisation: Organisation, site: Site, service: Service, waits: list[int | None]) -> None:
    """Tickets issued on Tuesday 3 March from 09:00, called after `waits` minutes (None: left)."""
    reason = create_reason(organisation=organisation, actor=None, label=f"Motif {service.code}", service=service)
    for index, wait in enumerate(waits):
        issued = paris(3, 9, index)
        ticket = issue_ticket(organisation=organisation, site=site, reason=reason, now=issued, actor=None)
        if wait is None:
            apply_transition(ticket=ticket, transition="leave", now=issued + dt.timedelta(minutes=20), actor=None)
        else:
            apply_transition(ticket=ticket, transition="call", now=issued + dt.timedelta(minutes=wait), actor=None)


def calls(organisation: Organisation, service: Service, rings: list[int | None]) -> None:
    """Calls tallied on Tuesday 3 March at 10:00 (rings heard, None: missed) and one on
    Saturday 7 March (out of hours)."""
    line = create_line(organisation=organisation, actor=None, code=f"ligne-{service.code}", name=service.name,
                       service=service)  # fmt: skip
    for index, heard in enumerate(rings):
        outcome = CallOutcome.ABANDONED if heard is None else CallOutcome.ANSWERED
        tally_call(organisation=organisation, line=line, outcome=outcome, rings=heard, now=paris(3, 10, index),
                   actor=None)  # fmt: skip
    tally_call(organisation=organisation, line=line, outcome=CallOutcome.ANSWERED, rings=1, now=paris(7, 10),
               actor=None)  # fmt: skip


def improvement_actions(organisation: Organisation, service: Service, done: list[dt.date | None]) -> None:
    """Improvement actions of `service` due on 10 March, each done on the day given (None: not done)."""
    owner = User.objects.create_user(f"pilote-{service.code}@{organisation.slug}.test", "x", full_name="Pilote")
    Membership.objects.create(organisation=organisation, user=owner, role=Role.QUALITY_MANAGER)
    for done_on in done:
        action = open_action(
            organisation=organisation, actor=None, origin=Origin.SUGGESTION, title="Action", owner=owner,
            due_on=dt.date(2026, 3, 10), service=service,
        )  # fmt: skip
        if done_on is not None:
            for step in ("plan", "begin"):
                WORKFLOW.step(action, step, actor=None, changes={})
            WORKFLOW.step(action, "complete", actor=None, changes={"done_on": done_on})


def checks(organisation: Organisation, service: Service, ratings: list[str]) -> None:
    """A self-assessment of `service` on 10 March: one criterion of commitment 1 (weight 2) per rating."""
    assessor = User.objects.create_user(f"controle-{service.code}@{organisation.slug}.test", "x", full_name="Contrôle")
    Membership.objects.create(organisation=organisation, user=assessor, role=Role.AGENT)
    grid = make_weighted_grid(organisation, [("1", 2)] * len(ratings), title=f"Autoévaluation {service.code}")
    make_filled_grid(make_grid_campaign(grid), assessor, ratings, service=service)


def training(
    organisation: Organisation,
    service: Service,
    agents: dict[str, dt.date],
    sessions: list[tuple[str, dt.date, list[str]]],
) -> None:
    """Front-line agents of `service` (name: arrival day) and the sessions they attended
    (kind, day, names): 11.1 reads the trainings covering a commitment, 22.1 the briefings,
    22.2 the newcomers' first briefing against their 30 days."""
    roster = {
        name: Agent.objects.create(organisation=organisation, full_name=name, service=service, arrived_on=arrived_on)
        for name, arrived_on in agents.items()
    }
    for kind, held_on, names in sessions:
        session = TrainingSession.objects.create(
            organisation=organisation, kind=kind, topic="Nos engagements", held_on=held_on, trainer="Formateur",
            commitments=["11", "22"],
        )  # fmt: skip
        Attendance.objects.bulk_create(
            Attendance(organisation=organisation, session=session, agent=roster[name]) for name in names
        )


def appointments(organisation: Organisation, service: Service, delays: list[int]) -> None:
    """Appointments of `service` on Wednesday 4 March from 09:00, every 20 minutes, each
    citizen there 5 minutes early and received `delays` minutes after the booked time."""
    kind = AppointmentKind.objects.create(organisation=organisation, service=service, label="Rendez-vous")
    BookingHours.objects.create(
        organisation=organisation, kind=kind, weekday=2, starts_at=dt.time(9), ends_at=dt.time(12)
    )
    for index, delay in enumerate(delays):
        starts_at = paris(4, 9, 20 * index)
        appointment, _token = book(
            kind=kind, starts_at=starts_at, citizen=Citizen("Usager"), channel=BookingChannel.PHONE, actor=None,
            now=paris(2, 8),
        )  # fmt: skip
        apply_step(appointment=appointment, step="check_in", actor=None, now=starts_at - dt.timedelta(minutes=5))
        apply_step(appointment=appointment, step="start", actor=None, now=starts_at + dt.timedelta(minutes=delay))


def two_sites(org: Organisation) -> dict[str, Any]:
    """The annex and the March activity of both sites: {"town_hall", "reception", "annex", "port"}."""
    town_hall = Site.objects.get(organisation=org)
    reception = Service.objects.get(organisation=org, code="accueil")
    annex = Site.objects.create(organisation=org, name="Mairie annexe du Port")
    port = Service.objects.create(organisation=org, site=annex, code="accueil-port", name="Accueil du Port")
    for site in (town_hall, annex):
        open_weekdays(org, site)
    written_requests(org, reception, [True, False, True])
    written_requests(org, port, [True])
    acts(org, reception, count=4, wrong=1, loose_errors=0)
    acts(org, port, count=2, wrong=1, loose_errors=1)
    complaints(org, reception, [Justified.YES, Justified.NO, ""])
    complaints(org, port, [Justified.YES])
    tickets(org, town_hall, reception, [5, 10, None])
    tickets(org, annex, port, [30, None])
    calls(org, reception, [2, 3, None])
    calls(org, port, [8])
    improvement_actions(org, reception, [dt.date(2026, 3, 9), dt.date(2026, 3, 12), None])
    improvement_actions(org, port, [dt.date(2026, 3, 10)])
    checks(org, reception, ["yes", "partly", "na"])
    checks(org, port, ["no"])
    appointments(org, reception, [0, 5, 25])
    appointments(org, port, [30])
    before, trained, briefed = dt.date(2020, 1, 6), SessionKind.TRAINING, SessionKind.BRIEFING
    training(
        org, reception, {"Aline": before, "Bruno": before, "Chloé": dt.date(2026, 2, 10)},
        [(trained, dt.date(2026, 3, 3), ["Aline"]), (briefed, dt.date(2026, 3, 5), ["Chloé"])],
    )  # fmt: skip
    training(
        org, port, {"Paul": before, "Pia": dt.date(2026, 2, 2)},
        [(trained, dt.date(2026, 3, 3), ["Paul", "Pia"]), (briefed, dt.date(2026, 3, 20), ["Pia"])],
    )  # fmt: skip
    return {"town_hall": town_hall, "reception": reception, "annex": annex, "port": port}
