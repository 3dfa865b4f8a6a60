"""Closing a year (core.closing, commitments.closing, ADR 0025): once 2025 is closed, a change of
a record of 2025 is refused in the town's « refuser » mode and saved as a dated correction in its
« correction » mode, on every register; the year's stored values, evidence and annual review
stay frozen in both modes; recomputations leave them as they are; imports follow the same rule."""

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from appointments.actions import Citizen, apply_step, book
from appointments.models import AppointmentKind, BookingHours
from appointments.models import Channel as AppointmentChannel
from audits.fill import PaperScore, enter_paper_grid
from audits.tests.factories import make_grid_campaign, make_weighted_grid
from civil_registry.actions import deliver, record_error, register_act_request
from civil_registry.models import ActChannel, ActFormat, ActRequest, ActType, ErrorFinder
from commitments.actions import recompute_periods, record_manual_value
from commitments.closing import close_year, reopen_year, set_closed_year_changes, year_pairs
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from complaints.actions import judge, register_complaint
from complaints.models import Channel as ComplaintChannel
from complaints.models import Complaint, Kind
from core.closing import (
    ClosedYearRefused,
    CorrectionReasonRequired,
    closed_years,
    correction_reason,
    guard_change,
    is_closed,
)
from core.models import (
    AuditEvent,
    ClosedYearChanges,
    OpeningHours,
    Organisation,
    Role,
    Service,
    Site,
    YearClosing,
    YearCorrection,
)
from core.periods import Granularity, Period
from core.registries import records_changed
from correspondence.actions import acknowledge, register_request
from correspondence.models import Channel, WrittenRequest
from imports.runs import import_file
from imports.tests.uploads import MASTER, asterisk_source
from improvement.meetings import create_meeting, create_review, update_meeting
from improvement.models import SteeringMeeting
from reception.actions import apply_transition, issue_ticket, log_visit, update_visit
from reception.models import QueueTicket, Visit
from registers.imports import get_importer
from surveys.actions import create_questionnaire_from_template
from surveys.answers import Submission, record_response
from surveys.models import Campaign, Response
from telephony.actions import correct_tallied_call, create_line, tally_call
from telephony.models import Call, CallOutcome
from training.actions import add_agent, record_session, update_session
from training.models import Kind as TrainingKind
from training.models import TrainingSession

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 2, 10)
D = dt.date
REASON = "Courrier mal daté à l'enregistrement"


@pytest.fixture(autouse=True)
def february_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def manager(org, make_member):
    return make_member(org, Role.QUALITY_MANAGER)


def close_2025(org: Organisation, manager) -> YearClosing:
    return close_year(organisation=org, year=2025, actor=manager)


def set_mode(org: Organisation, mode: str) -> None:
    set_closed_year_changes(organisation=org, actor=None, mode=mode)
    org.refresh_from_db()


def refused_then_corrected(org: Organisation, change: Callable[[], Any]) -> YearCorrection:
    """`change` (which reads its records afresh) is refused in « refuser » mode, asks for its
    reason in « correction » mode, then is saved with it: the one correction it kept."""
    set_mode(org, ClosedYearChanges.REFUSE)
    with pytest.raises(ClosedYearRefused) as refused:
        change()
    assert "l'exercice 2025, clôturé le 10/02/2026" in refused.value.messages[0]
    assert not YearCorrection.objects.exists()
    set_mode(org, ClosedYearChanges.CORRECTION)
    with pytest.raises(CorrectionReasonRequired) as asked:
        change()
    assert "Indiquez-en le motif" in asked.value.messages[0]
    with correction_reason(REASON):
        change()
    correction = YearCorrection.objects.get()
    assert (correction.year, correction.reason) == (2025, REASON)
    return correction


def journaled_as_correction(record) -> bool:
    return AuditEvent.objects.filter(
        object_type=record._meta.label_lower, object_id=str(record.pk), action="correct_after_closing"
    ).exists()


# Closing and reopening


def test_only_a_year_over_in_the_towns_own_time_can_be_closed_and_only_once(org, manager):
    with pytest.raises(ValidationError, match="L'année 2026 n'est pas terminée"):
        close_year(organisation=org, year=2026, actor=manager)
    close_2025(org, manager)
    with pytest.raises(ValidationError, match="déjà clôturé"):
        close_2025(org, manager)
    assert closed_years(org) == {2025} and is_closed(org, 2025) and not is_closed(org, 2024)


def test_closing_recomputes_the_years_values_first_then_journals_the_closing(org, manager):
    load_framework(organisation=org, code="qualivilles", actor=None)
    register_request(organisation=org, actor=None, channel=Channel.EMAIL, received_on=D(2025, 3, 2))
    assert year_pairs(org, 2025)
    closing = close_2025(org, manager)
    stored = IndicatorValue.objects.filter(
        indicator__metric_key__startswith="correspondence.", period_start__year=2025, value__isnull=False
    )
    assert stored.exists()  # the unanswered e-mail, late: computed by the closing
    assert closing.values_frozen == IndicatorValue.objects.filter(organisation=org, period_start__year=2025).count()
    event = AuditEvent.objects.get(action="close_year")
    assert (event.actor, event.after) == (manager, {"exercice": 2025, "values_frozen": closing.values_frozen})


def test_reopening_needs_a_reason_keeps_the_closing_row_and_is_journaled(org, manager):
    closing = close_2025(org, manager)
    with pytest.raises(ValidationError, match="motif de la réouverture"):
        reopen_year(organisation=org, year=2025, actor=manager, reason="  ")
    reopen_year(organisation=org, year=2025, actor=manager, reason="Erreur de saisie d'octobre à reprendre")
    closing.refresh_from_db()
    assert closing.reopened_by == manager and not is_closed(org, 2025)
    reopened = AuditEvent.objects.get(action="reopen_year")
    assert reopened.after == {"exercice": 2025, "reopen_reason": "Erreur de saisie d'octobre à reprendre"}
    close_2025(org, manager)  # closed again: a new row, the first kept
    assert YearClosing.objects.filter(organisation=org, year=2025).count() == 2


def test_a_record_of_the_current_year_passes_the_guard_without_a_query(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert guard_change(organisation=org, days=(TODAY, None), actor=None, action="edit") == []


def test_the_day_that_decides_a_records_year_is_read_in_the_towns_time(org, manager):
    """The same instant of New Year's Eve falls in 2025 or 2026 as Paris reads it."""
    close_2025(org, manager)
    new_year_in_paris = dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 January in Paris
    assert guard_change(organisation=org, days=(new_year_in_paris,), actor=None, action="edit") == []
    last_evening_in_paris = dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC)  # 23:30 on 31 December in Paris
    with pytest.raises(ClosedYearRefused):
        guard_change(organisation=org, days=(last_evening_in_paris,), actor=None, action="edit")


# The freeze of the stored values


def test_later_recomputations_never_rewrite_a_closed_years_stored_values(org, manager):
    load_framework(organisation=org, code="qualivilles", actor=None)
    register_request(organisation=org, actor=None, channel=Channel.EMAIL, received_on=D(2025, 3, 2))
    close_2025(org, manager)
    measured = Indicator.objects.filter(metric_key__startswith="correspondence.", values__period_start__year=2025)
    on_time = measured.distinct().first()
    assert on_time is not None
    frozen = {value.pk: (value.value, value.computed_at) for value in on_time.values.filter(period_start__year=2025)}
    march = Period(D(2025, 3, 1), Granularity.MONTH)
    with correction_reason("test"):
        set_mode(org, ClosedYearChanges.CORRECTION)
        register_request(organisation=org, actor=None, channel=Channel.EMAIL, received_on=D(2025, 3, 3))
    records_changed(organisation=org, metric_prefix="correspondence", months={march.start})  # outside a transaction
    recompute_periods(org, [(on_time, march), (on_time, Period(D(2025, 1, 1), Granularity.YEAR))])
    after = {value.pk: (value.value, value.computed_at) for value in on_time.values.filter(period_start__year=2025)}
    assert after == frozen


def test_a_closed_years_manual_values_and_evidence_are_frozen_in_both_modes(org, manager):
    load_framework(organisation=org, code="qualivilles", actor=None)
    indicator = Indicator.objects.filter(organisation=org, metric_key="manual.yes_no").first()
    assert indicator is not None
    period = Period.containing(D(2025, 6, 1), Granularity(indicator.granularity))
    record_manual_value(indicator=indicator, period=period, actor=manager, value=1)
    close_2025(org, manager)
    for mode in ClosedYearChanges.values:
        set_mode(org, mode)
        with correction_reason("essai"), pytest.raises(ClosedYearRefused, match="sont figés"):
            record_manual_value(indicator=indicator, period=period, actor=manager, value=0)
    assert IndicatorValue.objects.get(indicator=indicator, period_start=period.start).value == 1


def test_the_annual_review_of_a_closed_year_is_frozen_in_both_modes(org, manager):
    close_2025(org, manager)
    set_mode(org, ClosedYearChanges.CORRECTION)
    with correction_reason("essai"), pytest.raises(ClosedYearRefused, match="sont figés"):
        create_review(organisation=org, actor=manager, year=2025)


# Every register: refused, or saved as a dated correction


def test_a_written_request_of_a_closed_year(org, manager):
    letter = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=D(2025, 12, 15))
    close_2025(org, manager)

    def change():
        fresh = WrittenRequest.objects.get(pk=letter.pk)
        acknowledge(fresh, actor=manager, seen_version=fresh.version, on=D(2025, 12, 16))

    correction = refused_then_corrected(org, change)
    assert WrittenRequest.objects.get(pk=letter.pk).acknowledged_on == D(2025, 12, 16)
    assert (correction.action, correction.metric_prefix, correction.actor) == ("acknowledge", "correspondence", manager)
    assert correction.changes["after"]["acknowledged_on"] == "2025-12-16"
    assert journaled_as_correction(letter)


def test_registering_a_letter_received_in_a_closed_year(org, manager):
    close_2025(org, manager)
    before = WrittenRequest.objects.count()

    def change():
        register_request(organisation=org, actor=manager, channel=Channel.LETTER, received_on=D(2025, 12, 30))

    refused_then_corrected(org, change)
    assert WrittenRequest.objects.count() == before + 1  # the refused tries wrote nothing


def test_an_act_request_and_an_act_error_of_a_closed_year(org, manager):
    act = register_act_request(
        organisation=org,
        actor=None,
        act_type=ActType.BIRTH,
        act_format=ActFormat.FULL,
        channel=ActChannel.POST,
        copies=1,
        received_on=D(2025, 12, 10),
    )
    close_2025(org, manager)

    def change():
        fresh = ActRequest.objects.get(pk=act.pk)
        deliver(fresh, actor=manager, seen_version=fresh.version, on=D(2025, 12, 12))

    refused_then_corrected(org, change)
    YearCorrection.objects.all().delete()

    def error():
        record_error(
            organisation=org,
            actor=manager,
            act_request=ActRequest.objects.get(pk=act.pk),
            act_type=ActType.BIRTH,
            issued_on=D(2025, 12, 12),
            found_on=D(2026, 2, 2),
            found_by=ErrorFinder.CITIZEN,
            attributable=True,
        )

    assert refused_then_corrected(org, error).action == "create"


def test_a_complaint_of_a_closed_year(org, manager):
    complaint = register_complaint(
        organisation=org,
        actor=manager,
        today=TODAY,
        kind=Kind.COMPLAINT,
        channel=ComplaintChannel.COUNTER,
        received_on=D(2025, 12, 1),
        subject="Attente trop longue",
    )
    close_2025(org, manager)

    def change():
        fresh = Complaint.objects.get(pk=complaint.pk)
        judge(complaint=fresh, actor=manager, seen_version=fresh.version, justified="oui", action_note="")

    refused_then_corrected(org, change)
    assert Complaint.objects.get(pk=complaint.pk).justified == "oui"


def test_a_counter_ticket_and_a_visit_of_a_closed_year(org, manager):
    site = Site.objects.get(organisation=org)
    issued = dt.datetime(2025, 12, 31, 9, 0, tzinfo=PARIS)
    ticket = issue_ticket(organisation=org, site=site, reason=None, now=issued, actor=None)
    visit = log_visit(organisation=org, site=site, reason=None, oriented_to=None, now=issued, actor=None)
    close_2025(org, manager)

    def call():
        fresh = QueueTicket.objects.get(pk=ticket.pk)
        apply_transition(ticket=fresh, transition="call", now=issued + dt.timedelta(minutes=4), actor=manager)

    refused_then_corrected(org, call)
    YearCorrection.objects.all().delete()

    def move():
        fresh = Visit.objects.get(pk=visit.pk)
        update_visit(visit=fresh, actor=manager, site=site, reason=None, oriented_to=None, at=issued.replace(hour=10))

    refused_then_corrected(org, move)


def test_an_appointment_of_a_closed_year(org, manager):
    service = Service.objects.get(organisation=org, code="etat-civil")
    OpeningHours.objects.create(
        organisation=org, site=service.site, weekday=0, opens_at=dt.time(8, 30), closes_at=dt.time(12)
    )
    kind = AppointmentKind.objects.create(organisation=org, service=service, label="Passeport", duration_minutes=20)
    BookingHours.objects.create(organisation=org, kind=kind, weekday=0, starts_at=dt.time(9), ends_at=dt.time(11))
    starts = dt.datetime(2025, 12, 1, 9, 20, tzinfo=PARIS)  # a Monday
    appointment, _token = book(
        kind=kind,
        starts_at=starts,
        citizen=Citizen("Usager", "usager@exemple.test"),
        channel=AppointmentChannel.PHONE,
        actor=None,
        now=starts - dt.timedelta(days=3),
    )
    close_2025(org, manager)

    def arrive():
        apply_step(appointment=appointment, step="check_in", actor=manager, now=starts - dt.timedelta(minutes=5))

    assert refused_then_corrected(org, arrive).metric_prefix == "appointments"


def test_a_tallied_call_of_a_closed_year(org, manager):
    service = Service.objects.get(organisation=org, code="accueil")
    line = create_line(organisation=org, actor=None, code="accueil", name="Accueil", service=service)
    rang = dt.datetime(2025, 12, 10, 9, 0, tzinfo=PARIS)
    call = tally_call(organisation=org, line=line, outcome=CallOutcome.ANSWERED, rings=2, now=rang, actor=None)
    close_2025(org, manager)

    def change():
        fresh = Call.objects.get(pk=call.pk)
        correct_tallied_call(
            call=fresh,
            outcome=CallOutcome.ANSWERED,
            rings=4,
            started_at=rang,
            seen_version=fresh.version,
            actor=manager,
        )

    refused_then_corrected(org, change)


def test_a_training_session_of_a_closed_year(org, manager):
    agent = add_agent(
        organisation=org, actor=None, today=TODAY, full_name="Agent", front_line=True, arrived_on=D(2024, 1, 1)
    )
    values: dict[str, Any] = {
        "kind": TrainingKind.TRAINING,
        "topic": "Accueil",
        "trainer": "Organisme",
        "commitments": [],
    }
    session = record_session(
        organisation=org, actor=None, today=TODAY, attendees=[agent], held_on=D(2025, 11, 4), **values
    )
    close_2025(org, manager)

    def change():
        fresh = TrainingSession.objects.get(pk=session.pk)
        update_session(session=fresh, actor=manager, today=TODAY, attendees=[agent], held_on=D(2025, 11, 5), **values)

    refused_then_corrected(org, change)
    assert TrainingSession.objects.get(pk=session.pk).held_on == D(2025, 11, 5)


def test_a_paper_grid_of_a_closed_year(org, manager):
    grid = make_weighted_grid(org, [("1", 2)], kind="visit")
    campaign = make_grid_campaign(grid, starts_on=D(2025, 11, 1), ends_on=D(2025, 12, 31))
    close_2025(org, manager)
    scan = SimpleUploadedFile("grille.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")

    def enter():
        enter_paper_grid(
            campaign=campaign,
            checked_on=D(2025, 12, 5),
            scan=scan,
            scores=[PaperScore("1", "1. Signalétique", Decimal(1), Decimal(2))],
            site=None,
            service=None,
            actor=manager,
            now=dt.datetime(2026, 2, 10, 10, tzinfo=PARIS),
            today=TODAY,
        )

    assert refused_then_corrected(org, enter).action == "enter_paper_grid"


def test_a_paper_survey_response_of_a_closed_year(org, manager):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=D(2025, 11, 1))
    campaign = Campaign.objects.create(
        organisation=org,
        questionnaire=questionnaire,
        title="Enquête de décembre",
        opens_on=D(2025, 12, 1),
        closes_on=D(2025, 12, 20),
        on_paper=True,
        code="DEC25ABC",
    )
    close_2025(org, manager)

    def answer():
        submission = Submission("paper", D(2025, 12, 5), choices={"globale": ["satisfait"]})
        record_response(campaign=campaign, submission=submission)

    refused_then_corrected(org, answer)
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_a_steering_meeting_of_a_closed_year(org, manager):
    meeting = create_meeting(organisation=org, actor=None, held_on=D(2025, 12, 12), title="Comité", held=True)
    close_2025(org, manager)

    def change():
        fresh = SteeringMeeting.objects.get(pk=meeting.pk)
        update_meeting(meeting=fresh, actor=manager, seen_version=fresh.version, minutes="Relevé de décisions")

    refused_then_corrected(org, change)


def test_the_daily_closing_of_the_queue_leaves_a_closed_years_tickets_as_closed(org, manager):
    from reception.actions import close_yesterdays_queue

    site = Site.objects.get(organisation=org)
    issue_ticket(organisation=org, site=site, reason=None, now=dt.datetime(2025, 12, 31, 9, tzinfo=PARIS), actor=None)
    close_2025(org, manager)
    assert close_yesterdays_queue(org, TODAY) == 0  # no refusal stops the town's daily run


# Imports


REGISTER = "Canal;Date de réception\nCourrier;15/12/2025\nCourrier;05/01/2026\n".encode()


def import_register(org, manager):
    return get_importer("requests").importer(
        organisation=org, binary=io.BytesIO(REGISTER), filename="registre.csv", actor=manager, all_or_nothing=False
    )


def test_a_register_file_with_a_line_of_a_closed_year(org, manager):
    close_2025(org, manager)
    report = import_register(org, manager)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.rejections[0].line == 2 and "l'exercice 2025, clôturé le 10/02/2026" in report.rejections[0].message
    WrittenRequest.objects.all().delete()
    set_mode(org, ClosedYearChanges.CORRECTION)
    report = import_register(org, manager)
    assert (report.imported, report.rejected) == (2, 0)
    correction = YearCorrection.objects.get()
    assert (correction.rows, correction.actor, correction.metric_prefix) == (1, manager, "correspondence")
    assert "registre.csv" in correction.reason


def test_a_call_log_with_calls_of_a_closed_year(org, manager, tmp_path, settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False
    source = asterisk_source(org)
    path = tmp_path / "Master.csv"
    path.write_bytes(MASTER.replace(b"2026-03-02", b"2025-12-02"))
    close_2025(org, manager)
    run = import_file(source=source, path=path, actor=manager).run
    assert (run.imported, run.rejected) == (0, 3)
    assert any("2 ligne(s) du 02/12/2025 au 02/12/2025 refusée(s)" in item["reason"] for item in run.rejections)
    set_mode(org, ClosedYearChanges.CORRECTION)
    run = import_file(source=source, path=path, actor=manager, reread=True).run
    assert (run.imported, Call.objects.count()) == (2, 2)
    correction = YearCorrection.objects.get()
    assert (correction.rows, correction.object_id, correction.metric_prefix) == (2, str(run.pk), "telephony")


def test_a_calendar_change_leaves_a_closed_years_records_as_they_were_closed(org, manager):
    from administration.actions import add_closure_day

    closed = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=D(2025, 12, 1))
    still_open = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=D(2026, 1, 5))
    due = {letter.pk: letter.due_on for letter in (closed, still_open)}
    close_2025(org, manager)
    add_closure_day(organisation=org, actor=manager, date=D(2025, 12, 10), label="Fermeture exceptionnelle")
    add_closure_day(organisation=org, actor=manager, date=D(2026, 1, 12), label="Fermeture exceptionnelle")
    assert WrittenRequest.objects.get(pk=closed.pk).due_on == due[closed.pk]
    assert WrittenRequest.objects.get(pk=still_open.pk).due_on == due[still_open.pk] + dt.timedelta(days=1)
