"""Registering complaints, their deadlines, the workflow and its log, edits and settings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from complaints import actions
from complaints.models import (
    TRACKING_ALPHABET,
    Channel,
    Complaint,
    ComplaintSettings,
    ComplaintTransition,
    Justified,
    Kind,
    Status,
)
from complaints.tests.conftest import TODAY
from core.audit import history_of
from core.concurrency import ConcurrentEditError
from core.models import ClosureDay, Role

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_letter_received_friday_10_july_2026_is_acknowledged_by_15_july_and_answered_by_3_august(make_complaint):
    complaint = make_complaint(channel=Channel.LETTER, received_on=D(2026, 7, 10))
    # 14 July is a public holiday: day 1 is Monday 13, day 2 Wednesday 15.
    assert complaint.acknowledge_due_on == D(2026, 7, 15)
    assert complaint.answer_due_on == D(2026, 8, 3)


def test_an_email_complaint_is_answered_within_10_working_days_and_closure_days_do_not_count(org, make_complaint):
    ClosureDay.objects.create(organisation=org, date=D(2026, 7, 17), label="Pont")
    complaint = make_complaint(channel=Channel.EMAIL, received_on=D(2026, 7, 10))
    # 13, 15, 16, 20, 21, 22, 23, 24, 27, 28 (14 July and the closure on 17 July skipped).
    assert complaint.answer_due_on == D(2026, 7, 28)


def test_a_suggestion_has_an_acknowledgement_due_date_but_no_answer_deadline(make_complaint):
    suggestion = make_complaint(kind=Kind.SUGGESTION, received_on=D(2026, 7, 10))
    assert suggestion.acknowledge_due_on == D(2026, 7, 15)
    assert suggestion.answer_due_on is None


def test_tracking_numbers_carry_the_year_and_eight_unambiguous_characters_and_differ(make_complaint):
    numbers = {make_complaint().tracking_number for _ in range(20)}
    assert len(numbers) == 20
    for number in numbers:
        prefix, code = number.split("-")
        assert prefix == "R2026" and len(code) == 8 and set(code) <= set(TRACKING_ALPHABET)
        assert not set(code) & set("IO01")


def test_registering_logs_the_received_status_and_an_audit_event_without_personal_text(make_complaint):
    complaint = make_complaint(description="Mon voisin M. Secret m'a bousculé.", citizen_name="Jeanne Usagère")
    transition = ComplaintTransition.objects.get(complaint=complaint)
    assert (transition.from_status, transition.to_status, transition.on) == ("", Status.RECEIVED, D(2026, 3, 2))
    event = history_of(complaint).get()
    text = str(event.after) + event.object_repr
    assert "Secret" not in text and "Jeanne" not in text and "Attente" not in text
    assert event.after is not None and event.after["tracking_number"] == complaint.tracking_number


def test_a_receipt_date_in_the_future_is_refused_in_french(make_complaint):
    with pytest.raises(ValidationError) as error:
        make_complaint(received_on=TODAY + dt.timedelta(days=1))
    assert "futur" in str(error.value)
    assert not Complaint.objects.exists()


def test_a_commitment_the_town_does_not_follow_is_refused_and_a_followed_one_keeps_its_label(followed, make_complaint):
    with pytest.raises(ValidationError) as error:
        make_complaint(commitment_code="22")
    assert "n'est pas suivi" in str(error.value)
    complaint = make_complaint(commitment_code="21")
    assert complaint.commitment_label == "21. Traiter systématiquement vos réclamations"


def test_the_workflow_moves_received_acknowledged_answered_closed_with_a_log_row_each(org, make_member, make_complaint):
    agent = make_member(org, Role.AGENT)
    complaint = make_complaint(received_on=D(2026, 3, 2))
    actions.acknowledge(complaint=complaint, actor=agent, seen_version=complaint.version, on=D(2026, 3, 3), today=TODAY)
    actions.answer(
        complaint=complaint,
        actor=agent,
        seen_version=complaint.version,
        on=D(2026, 3, 10),
        today=TODAY,
        text="Nous avons ajouté un agent le lundi.",
        justified=Justified.YES,
    )
    actions.close(complaint=complaint, actor=agent, seen_version=complaint.version, on=D(2026, 3, 12), today=TODAY)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.justified == Justified.YES
    steps = list(ComplaintTransition.objects.filter(complaint=complaint).values_list("from_status", "to_status"))
    assert steps == [
        ("", Status.RECEIVED),
        (Status.RECEIVED, Status.ACKNOWLEDGED),
        (Status.ACKNOWLEDGED, Status.ANSWERED),
        (Status.ANSWERED, Status.CLOSED),
    ]
    assert [event.action for event in history_of(complaint).order_by("at", "id")] == [
        "create",
        "acknowledge",
        "answer",
        "close",
    ]
    answer_event = history_of(complaint).get(action="answer")
    assert "agent le lundi" not in str(answer_event.after)


def test_an_answer_without_acknowledgement_acknowledges_the_same_day(make_complaint):
    complaint = make_complaint()
    actions.answer(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 3), today=TODAY)
    assert complaint.acknowledged_on == D(2026, 3, 3) and complaint.status == Status.ANSWERED


def test_a_step_the_status_does_not_allow_is_refused_and_writes_nothing(make_complaint):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as error:
        actions.close(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 3), today=TODAY)
    assert "impossible" in str(error.value)
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED and complaint.closed_on is None


def test_a_suggestion_can_be_closed_without_an_answer(make_complaint):
    suggestion = make_complaint(kind=Kind.SUGGESTION)
    actions.close(complaint=suggestion, actor=None, seen_version=suggestion.version, on=D(2026, 3, 5), today=TODAY)
    assert suggestion.status == Status.CLOSED


def test_an_answer_dated_before_the_receipt_is_refused_in_french(make_complaint):
    complaint = make_complaint(received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        actions.answer(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 1), today=TODAY)
    assert "précéder la réception" in str(error.value)


def test_reopening_goes_back_to_the_last_step_reached(make_complaint):
    complaint = make_complaint()
    actions.answer(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 3), today=TODAY)
    actions.close(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 4), today=TODAY)
    actions.reopen(complaint=complaint, actor=None, seen_version=complaint.version, today=TODAY)
    assert complaint.status == Status.ANSWERED and complaint.closed_on is None
    last = ComplaintTransition.objects.filter(complaint=complaint).last()
    assert last is not None
    assert (last.action, last.from_status, last.to_status, last.on) == ("reopen", "closed", "answered", TODAY)
    assert [event.action for event in history_of(complaint)][:1] == ["reopen"]


def test_a_stale_edit_is_refused_naming_who_changed_the_record_and_nothing_is_overwritten(
    org, make_member, make_complaint
):
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    second = make_member(org, Role.AGENT, email="second@ville-test.test")
    complaint = make_complaint()
    opened_version = complaint.version
    mine = Complaint.objects.get(pk=complaint.pk)
    theirs = Complaint.objects.get(pk=complaint.pk)
    actions.update_complaint(
        complaint=theirs, actor=first, seen_version=opened_version, today=TODAY, subject="Objet corrigé par la première"
    )
    with pytest.raises(ConcurrentEditError) as error:
        actions.update_complaint(
            complaint=mine, actor=second, seen_version=opened_version, today=TODAY, subject="Objet du second"
        )
    assert "premiere@ville-test.test" in str(error.value)
    complaint.refresh_from_db()
    assert complaint.subject == "Objet corrigé par la première"
    assert history_of(complaint).filter(actor=second).count() == 0


def test_a_stale_workflow_step_is_refused_too(make_complaint):
    complaint = make_complaint()
    stale = Complaint.objects.get(pk=complaint.pk)
    actions.acknowledge(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 3, 3), today=TODAY)
    with pytest.raises(ConcurrentEditError):
        actions.answer(complaint=stale, actor=None, seen_version=stale.version, on=D(2026, 3, 4), today=TODAY)
    assert ComplaintTransition.objects.filter(complaint=complaint, to_status=Status.ANSWERED).count() == 0


def test_an_edit_records_which_texts_changed_but_not_what_they_say(make_complaint):
    complaint = make_complaint()
    actions.update_complaint(
        complaint=complaint,
        actor=None,
        seen_version=complaint.version,
        today=TODAY,
        description="Nouveau texte très personnel",
        channel=Channel.LETTER,
    )
    event = history_of(complaint).filter(action="update").get()
    assert event.after is not None and event.after["channel"] == Channel.LETTER
    assert event.after[actions.TEXT_CHANGED_KEY] == ["description"]
    assert "personnel" not in str(event.after) + str(event.before)


def test_changing_the_channel_to_letter_moves_the_answer_due_date(make_complaint):
    complaint = make_complaint(channel=Channel.EMAIL, received_on=D(2026, 7, 10))
    actions.update_complaint(
        complaint=complaint, actor=None, seen_version=complaint.version, today=TODAY, channel=Channel.LETTER
    )
    complaint.refresh_from_db()
    assert complaint.answer_due_on == D(2026, 8, 3)


def test_an_edit_cannot_add_a_step_the_workflow_did_not_reach(make_complaint):
    complaint = make_complaint()
    with pytest.raises(ValidationError) as error:
        actions.update_complaint(
            complaint=complaint, actor=None, seen_version=complaint.version, today=TODAY, answered_on=D(2026, 3, 5)
        )
    assert "Répondre" in str(error.value)


def test_changing_the_deadlines_recomputes_every_due_date(org, make_complaint):
    complaint = make_complaint(channel=Channel.EMAIL, received_on=D(2026, 7, 10))
    actions.update_settings(organisation=org, actor=None, acknowledge_days=1, answer_days=5)
    complaint.refresh_from_db()
    assert complaint.acknowledge_due_on == D(2026, 7, 13)
    assert complaint.answer_due_on == D(2026, 7, 20)
    assert ComplaintSettings.objects.get(organisation=org).answer_days == 5


def test_business_days_count_saturdays(org, make_complaint):
    actions.update_settings(organisation=org, actor=None, acknowledge_business_days=True)
    complaint = make_complaint(received_on=D(2026, 7, 10))
    # Saturday 11 July is day 1, Monday 13 July day 2.
    assert complaint.acknowledge_due_on == D(2026, 7, 13)


def test_each_change_tells_the_indicator_engine_the_months_of_receipt_and_of_both_due_dates(
    make_complaint, recomputations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(channel=Channel.LETTER, received_on=D(2026, 7, 24))  # answer due 14 August
        actions.answer(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 8, 3), today=TODAY)
    assert recomputations == [("ville-test", "complaints", [D(2026, 7, 1), D(2026, 8, 1)])] * 2
