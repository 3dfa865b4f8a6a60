"""The calendar moves, the figures follow (domain.md; issue 9 item 2): a closure day added or
removed, another holiday zone, Whit Monday worked or not, opening hours changed, a service
moved to another site: calls are judged again, every register's due dates move, and the
stored summaries and indicator values of the periods concerned are recomputed
(administration + telephony + registers + commitments)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from administration import actions as settings_actions
from commitments.frameworks import load_framework
from commitments.models import IndicatorValue
from complaints import actions as complaint_actions
from complaints.models import Channel as ComplaintChannel
from complaints.models import Complaint, Kind
from core.localtime import aware_local, local_stamp
from core.models import AuditEvent, ClosureDay, OpeningHours, Organisation, Service, Site
from correspondence.actions import register_request
from correspondence.models import Channel, WrittenRequest
from telephony.hours import Presence
from telephony.models import Call, CallMonthStat, CallOutcome, PhoneLine

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 27)
MONDAY_20_JULY = D(2026, 7, 20)


@pytest.fixture
def site(org):
    """Monday to Friday, 08:30–12:00 and 13:30–17:30."""
    site = Site.objects.get(organisation=org)
    for weekday in range(5):
        for opens, closes in ((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))):
            OpeningHours.objects.create(organisation=org, site=site, weekday=weekday, opens_at=opens, closes_at=closes)
    return site


@pytest.fixture
def line(org, site):
    service = Service.objects.get(organisation=org, code="accueil")
    return PhoneLine.objects.create(organisation=org, code="standard", name="Standard", service=service)


_keys = iter(range(10**6))


def ring(line: PhoneLine, when: dt.datetime, outcome: str = CallOutcome.ABANDONED) -> Call:
    """A call judged as the import judges it (presented or not) at the local time `when`."""
    started = aware_local(when, line.organisation.time_zone)
    stamp = local_stamp(started, line.organisation.time_zone)
    answered = outcome == CallOutcome.ANSWERED
    return Call.objects.create(
        organisation=line.organisation,
        line=line,
        service=line.service,
        started_at=started,
        answered_at=started + dt.timedelta(seconds=10) if answered else None,
        outcome=outcome,
        wait_seconds=10 if answered else None,
        in_hours=Presence(line.organisation).is_open(line.service_id, when),
        local_date=stamp.local_date,
        local_month=stamp.local_month,
        weekday=stamp.weekday,
        half_hour=stamp.half_hour,
        dedupe_key=f"calendar-{next(_keys)}",
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def presented(line: PhoneLine, day: dt.date) -> int:
    return Call.objects.filter(organisation=line.organisation, local_date=day, in_hours=True).count()


def stored_presented(org: Organisation, month: dt.date) -> int:
    rows = CallMonthStat.objects.filter(organisation=org, month=month, in_hours=True)
    return sum(row.calls for row in rows)


def register_letter(org: Organisation, received_on: dt.date) -> WrittenRequest:
    service = Service.objects.get(organisation=org, code="accueil")
    return register_request(
        organisation=org,
        actor=None,
        channel=Channel.LETTER,
        received_on=received_on,
        service=service,
        subject="Demande de stationnement",
    )


def complaint(org: Organisation, received_on: dt.date) -> Complaint:
    return complaint_actions.register_complaint(
        organisation=org,
        actor=None,
        today=TODAY,
        kind=Kind.COMPLAINT,
        channel=ComplaintChannel.EMAIL,
        received_on=received_on,
        subject="Attente au guichet",
        description="J'ai attendu quarante minutes.",
    )


def refresh(org: Organisation, *months: dt.date) -> None:
    from telephony.actions import refresh_calls

    refresh_calls(organisation=org, months=set(months))


def add_closure(org: Organisation, day: dt.date, label: str = "Fermeture estivale") -> ClosureDay:
    return settings_actions.add_closure_day(organisation=org, actor=None, date=day, label=label)


def update_town(org: Organisation, **values: Any) -> Organisation:
    current: dict[str, Any] = {
        "name": org.name,
        "brand_color": org.brand_color,
        "holiday_zone": org.holiday_zone,
        "ring_cycle_seconds": Decimal(org.ring_cycle_seconds),
        "works_whit_monday": org.works_whit_monday,
    }
    return settings_actions.update_organisation(organisation=org, actor=None, **(current | values))


# --- Closure days ------------------------------------------------------------------------------


def test_a_closure_day_added_takes_the_calls_of_that_day_out_of_the_presented_calls(org, line):
    ring(line, at(MONDAY_20_JULY, 9), CallOutcome.ANSWERED)
    ring(line, at(MONDAY_20_JULY, 14))
    ring(line, at(MONDAY_20_JULY, 19))  # already out of hours
    ring(line, at(D(2026, 7, 21), 10))
    refresh(org, D(2026, 7, 1))
    assert (presented(line, MONDAY_20_JULY), stored_presented(org, D(2026, 7, 1))) == (2, 3)
    add_closure(org, MONDAY_20_JULY)
    assert (presented(line, MONDAY_20_JULY), stored_presented(org, D(2026, 7, 1))) == (0, 1)
    assert presented(line, D(2026, 7, 21)) == 1


def test_removing_the_closure_day_gives_its_calls_back_to_the_opening_hours(org, line):
    closure = add_closure(org, MONDAY_20_JULY)
    ring(line, at(MONDAY_20_JULY, 9))
    ring(line, at(MONDAY_20_JULY, 12, 30))  # lunch break: out of hours either way
    refresh(org, D(2026, 7, 1))
    assert presented(line, MONDAY_20_JULY) == 0
    settings_actions.delete_closure_day(closure=closure, actor=None)
    assert presented(line, MONDAY_20_JULY) == 1
    assert stored_presented(org, D(2026, 7, 1)) == 1


def test_a_call_one_minute_each_side_of_the_opening_hours_is_judged_again_to_the_minute(org, line):
    closure = add_closure(org, MONDAY_20_JULY)
    for hour, minute in ((8, 29), (8, 30), (11, 59), (12, 0), (17, 29), (17, 30)):
        ring(line, at(MONDAY_20_JULY, hour, minute))
    settings_actions.delete_closure_day(closure=closure, actor=None)
    judged = dict(
        Call.objects.filter(organisation=org).values_list("started_at", "in_hours").order_by("started_at")
    ).values()
    assert list(judged) == [False, True, True, False, True, False]


def test_a_closure_day_moves_the_due_dates_of_letters_and_complaints_closed_ones_included(
    org,
    line,
):
    letter = register_letter(org, D(2026, 7, 10))  # 15 working days: due Monday 3 August
    open_complaint = complaint(org, D(2026, 7, 10))  # answer due 27 July
    closed = complaint(org, D(2026, 7, 10))
    closed = complaint_actions.answer(complaint=closed, actor=None, seen_version=0, on=D(2026, 7, 24), today=TODAY)
    closed = complaint_actions.close(
        complaint=closed, actor=None, seen_version=closed.version, on=D(2026, 7, 24), today=TODAY
    )
    assert (letter.due_on, open_complaint.answer_due_on, closed.answer_due_on) == (
        D(2026, 8, 3),
        D(2026, 7, 27),
        D(2026, 7, 27),
    )
    add_closure(org, MONDAY_20_JULY)
    assert WrittenRequest.objects.get(pk=letter.pk).due_on == D(2026, 8, 4)
    assert Complaint.objects.get(pk=open_complaint.pk).answer_due_on == D(2026, 7, 28)
    # Answered on 24 July: on time whichever calendar, but judged on the one the town declares.
    assert Complaint.objects.get(pk=closed.pk).answer_due_on == D(2026, 7, 28)


def test_one_calendar_change_event_says_in_french_what_changed_and_what_followed(org, line):
    ring(line, at(MONDAY_20_JULY, 9))
    register_letter(org, D(2026, 7, 10))
    add_closure(org, MONDAY_20_JULY)
    event = AuditEvent.objects.get(organisation=org, action="calendar_change")
    assert event.after == {
        "calendar_change": "jour de fermeture ajouté (20/07/2026 : Fermeture estivale)",
        "civil_registry": 0,
        "complaints": 0,
        "correspondence": 1,
        "telephony": 1,
    }


def test_the_stored_indicator_values_of_the_month_follow_a_closure_day(org, line, django_capture_on_commit_callbacks):
    load_framework(organisation=org, code="qualivilles")
    ring(line, at(MONDAY_20_JULY, 9), CallOutcome.ANSWERED)
    ring(line, at(D(2026, 7, 21), 9))
    ring(line, at(D(2026, 7, 22), 9))
    refresh(org, D(2026, 7, 1))
    call_command("recompute_indicators", "--org", org.slug, "--period", "2026-07")

    def answer_rate() -> tuple[float | None, float | None]:
        value = IndicatorValue.objects.get(
            organisation=org, indicator__code="16.2", period_start=D(2026, 7, 1), service__isnull=True
        )
        return value.numerator, value.denominator

    assert answer_rate() == (1, 3)
    with django_capture_on_commit_callbacks(execute=True):
        closure = add_closure(org, MONDAY_20_JULY)
    assert answer_rate() == (0, 2)
    with django_capture_on_commit_callbacks(execute=True):
        settings_actions.delete_closure_day(closure=closure, actor=None)
    assert answer_rate() == (1, 3)


# --- Holiday zone and Whit Monday ---------------------------------------------------------------


def test_a_town_moving_to_the_moselle_zone_closes_on_good_friday_and_its_calls_leave_the_figures(
    org,
    line,
):
    good_friday = D(2026, 4, 3)
    ring(line, at(good_friday, 10))
    letter = register_letter(org, D(2026, 4, 1))
    refresh(org, D(2026, 4, 1))
    assert presented(line, good_friday) == 1
    before = letter.due_on
    update_town(org, holiday_zone="57")
    assert presented(line, good_friday) == 0
    assert stored_presented(org, D(2026, 4, 1)) == 0
    assert WrittenRequest.objects.get(pk=letter.pk).due_on == before + dt.timedelta(days=1)
    update_town(org, holiday_zone="")
    assert presented(line, good_friday) == 1


def test_a_town_that_works_on_whit_monday_has_its_calls_presented_that_day(org, line):
    whit_monday = D(2026, 5, 25)
    ring(line, at(whit_monday, 10))
    letter = register_letter(org, D(2026, 5, 22))
    refresh(org, D(2026, 5, 1))
    assert presented(line, whit_monday) == 0
    update_town(org, works_whit_monday=True)
    assert presented(line, whit_monday) == 1
    assert stored_presented(org, D(2026, 5, 1)) == 1
    assert (letter.due_on, WrittenRequest.objects.get(pk=letter.pk).due_on) == (D(2026, 6, 15), D(2026, 6, 12))
    event = AuditEvent.objects.filter(organisation=org, action="calendar_change").get()
    assert (event.after or {})["calendar_change"] == "lundi de Pentecôte travaillé ou non (travaillé)"


# --- Opening hours and sites --------------------------------------------------------------------


def test_a_saturday_slot_added_then_removed_makes_saturday_calls_presented_then_not(org, site, line):
    saturday = D(2026, 7, 25)
    ring(line, at(saturday, 10))
    ring(line, at(saturday, 13))
    refresh(org, D(2026, 7, 1))
    slot = settings_actions.add_opening_hours(
        site=site, actor=None, weekday=5, opens_at=dt.time(9), closes_at=dt.time(12)
    )
    assert presented(line, saturday) == 1
    assert stored_presented(org, D(2026, 7, 1)) == 1
    event = AuditEvent.objects.get(organisation=org, action="calendar_change")
    assert (event.after or {})["calendar_change"] == (
        "horaires d'ouverture changés (ajout : Hôtel de ville, samedi 09:00–12:00)"
    )
    settings_actions.delete_opening_hours(slot=slot, actor=None)
    assert presented(line, saturday) == 0
    assert stored_presented(org, D(2026, 7, 1)) == 0


def test_a_service_moved_to_a_site_with_other_hours_has_its_calls_judged_on_them(org, site, line):
    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    OpeningHours.objects.create(organisation=org, site=annex, weekday=0, opens_at=dt.time(14), closes_at=dt.time(19))
    ring(line, at(MONDAY_20_JULY, 9))  # presented at the town hall, not at the annex
    ring(line, at(MONDAY_20_JULY, 18))  # the other way round
    service = line.service
    settings_actions.update_service(service=service, actor=None, site=annex, code=service.code, name=service.name)
    judged = list(Call.objects.filter(organisation=org).order_by("started_at").values_list("in_hours", flat=True))
    assert judged == [False, True]


def test_a_calendar_change_leaves_another_towns_calls_alone(org, other_org, line):
    service = Service.objects.get(organisation=other_org, code="accueil")
    other_line = PhoneLine.objects.create(organisation=other_org, code="standard", name="Standard", service=service)
    ring(other_line, at(MONDAY_20_JULY, 9))
    add_closure(org, MONDAY_20_JULY)
    assert presented(other_line, MONDAY_20_JULY) == 1


def summary_rows(org: Organisation) -> tuple[list[tuple], list[tuple]]:
    from telephony.models import CallSlotStat

    stat_fields = ("month", "service_id", "line_key", "in_hours", "outcome", "wait_seconds", "calls", "talk_seconds")
    slot_fields = ("month", "service_id", "line_key", "in_hours", "weekday", "half_hour", "calls", "answered")
    return (
        sorted(CallMonthStat.objects.filter(organisation=org).values_list(*stat_fields)),
        sorted(CallSlotStat.objects.filter(organisation=org).values_list(*slot_fields)),
    )


@pytest.mark.parametrize("built_before", [True, False], ids=["rows built", "rows never built"])
def test_the_summary_rows_moved_by_a_calendar_change_are_those_a_rebuild_gives(org, site, line, built_before):
    for day in (MONDAY_20_JULY, D(2026, 7, 21), D(2026, 7, 25)):
        for hour, outcome in ((9, CallOutcome.ANSWERED), (9, CallOutcome.ABANDONED), (10, CallOutcome.ANSWERED)):
            ring(line, at(day, hour), outcome)
    if built_before:
        refresh(org, D(2026, 7, 1))
    add_closure(org, MONDAY_20_JULY)
    settings_actions.add_opening_hours(site=site, actor=None, weekday=5, opens_at=dt.time(9), closes_at=dt.time(12))
    moved = summary_rows(org)
    refresh(org, D(2026, 7, 1))
    assert moved == summary_rows(org)
    assert stored_presented(org, D(2026, 7, 1)) == 6  # Tuesday's three and Saturday's three
