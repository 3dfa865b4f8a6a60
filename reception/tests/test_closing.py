"""Issue 9, item 7: tickets still waiting at closing time are closed by a documented rule and
counted as left without service (they used to wait forever and count in neither the called
tickets nor the ones that left). The rule runs once a day (core.registries.DAILY_JOBS); an
import of a past day's waiting tickets stores them as left."""

import datetime as dt

import pytest

from core.metrics import MetricQuery
from core.models import AuditEvent, OpeningHours
from core.periods import Period
from core.registries import DAILY_JOBS
from imports import import_file
from imports.models import ImportSource
from reception import actions
from reception.importing import TICKETS
from reception.metrics import left_without_service
from reception.models import TRANSITIONS, QueueTicket, TicketEvent, TicketMonthSummary, TicketStatus

from .conftest import paris

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2026-03")
TUESDAY = dt.date(2026, 3, 3)
WEDNESDAY = dt.date(2026, 3, 4)


@pytest.fixture
def hours(org, site):
    """Tuesday 08:30–12:00 and 13:30–17:30 at the town hall."""
    for opens, closes in ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))):
        OpeningHours.objects.create(organisation=org, site=site, weekday=1, opens_at=opens, closes_at=closes)


@pytest.fixture
def tuesday(org, site, reason, hours):
    """Tuesday: one ticket served, one called and not served yet, two still waiting at closing."""
    served = actions.issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 3, 9), actor=None)
    actions.apply_transition(ticket=served, transition="call", now=paris(2026, 3, 3, 9, 5), actor=None)
    called = actions.issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 3, 17), actor=None)
    actions.apply_transition(ticket=called, transition="call", now=paris(2026, 3, 3, 17, 20), actor=None)
    waiting = [
        actions.issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 3, 17, minute), actor=None)
        for minute in (10, 25)
    ]
    return {"served": served, "called": called, "waiting": waiting}


def left_measure(org):
    measure = left_without_service(MetricQuery(organisation=org, period=MARCH))
    assert measure is not None
    return measure.numerator, measure.denominator


def test_before_the_rule_waiting_tickets_count_as_neither_called_nor_left(org, tuesday):
    assert left_measure(org) == (0, 4)
    assert QueueTicket.objects.filter(status=TicketStatus.WAITING).count() == 2


def test_tickets_still_waiting_at_closing_are_closed_as_left_without_service(org, tuesday):
    closed = actions.close_waiting_tickets(organisation=org, before=WEDNESDAY, actor=None)

    assert closed == 2
    for ticket in tuesday["waiting"]:
        ticket.refresh_from_db()
        assert (ticket.status, ticket.called_at, ticket.wait_seconds) == (TicketStatus.LEFT, None, None)
    assert left_measure(org) == (2, 4)
    summary = TicketMonthSummary.objects.get(
        organisation=org, local_month=MARCH.start, service=tuesday["served"].service
    )
    assert (summary.left, summary.left_uncalled, summary.called) == (2, 2, 2)


def test_the_closing_step_is_logged_at_the_sites_closing_time_and_audited(org, tuesday):
    actions.close_waiting_tickets(organisation=org, before=WEDNESDAY, actor=None)

    event = TicketEvent.objects.get(ticket=tuesday["waiting"][0], action="close_at_closing")
    assert (event.from_status, event.to_status, event.at) == ("waiting", "left", paris(2026, 3, 3, 17, 30))
    assert AuditEvent.objects.filter(action="close_at_closing").count() == 2
    assert TRANSITIONS["close_at_closing"].allowed_from == frozenset({TicketStatus.WAITING})


def test_a_day_without_opening_hours_closes_at_the_end_of_the_day(org, site, reason):
    sunday = actions.issue_ticket(organisation=org, site=site, reason=reason, now=paris(2026, 3, 1, 11), actor=None)
    actions.close_waiting_tickets(organisation=org, before=dt.date(2026, 3, 2), actor=None)
    event = TicketEvent.objects.get(ticket=sunday, action="close_at_closing")
    assert event.at == paris(2026, 3, 1, 23, 59, 59)


def test_todays_queue_and_called_tickets_are_left_alone(org, tuesday):
    assert actions.close_waiting_tickets(organisation=org, before=TUESDAY, actor=None) == 0
    actions.close_waiting_tickets(organisation=org, before=WEDNESDAY, actor=None)
    tuesday["called"].refresh_from_db()
    assert tuesday["called"].status == TicketStatus.CALLED
    assert actions.close_waiting_tickets(organisation=org, before=WEDNESDAY, actor=None) == 0  # idempotent


def test_the_rule_runs_daily_with_the_towns_date(
    org, other_org, tuesday, recomputations, django_capture_on_commit_callbacks
):
    job = DAILY_JOBS.get("reception.close_waiting_tickets")
    with django_capture_on_commit_callbacks(execute=True):
        job(org, WEDNESDAY)
    assert QueueTicket.objects.filter(organisation=org, status=TicketStatus.WAITING).count() == 0
    assert ("ville-test", "reception", [MARCH.start]) in recomputations


@pytest.mark.time_machine(dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC))
def test_an_import_stores_a_past_days_waiting_tickets_as_left(org, tmp_path):
    source = ImportSource.objects.create(
        organisation=org,
        kind=TICKETS,
        name="file",
        label="Logiciel de file d'attente",
        file_format="table",
        columns={"number": "Numéro", "issued_at": "Émission", "status": "État"},
        line_map={"*": "accueil"},
    )
    path = tmp_path / "tickets.csv"
    path.write_text(
        "Numéro,Émission,État\nA001,03/03/2026 16:50:00,en attente\nA002,04/03/2026 09:50:00,en attente\n",
        encoding="utf-8",
    )
    result = import_file(source=source, path=path)
    assert result.run.imported == 2, (result.run.error, result.run.rejections)
    statuses = dict(QueueTicket.objects.filter(organisation=org).values_list("number", "status"))
    assert statuses == {"A001": TicketStatus.LEFT, "A002": TicketStatus.WAITING}
