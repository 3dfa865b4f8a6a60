"""Single-row rules of a complaint, on unsaved instances."""

import datetime as dt

from complaints.models import TRANSITIONS, Complaint, Kind, PastStep, Status

D = dt.date


def complaint(**fields) -> Complaint:
    return Complaint(kind=Kind.COMPLAINT, received_on=D(2026, 3, 2), **fields)


def test_the_dates_of_a_complaint_imply_the_last_step_it_reached():
    assert complaint().status_implied_by_dates() == Status.RECEIVED
    assert complaint(acknowledged_on=D(2026, 3, 3)).status_implied_by_dates() == Status.ACKNOWLEDGED
    answered = complaint(acknowledged_on=D(2026, 3, 3), answered_on=D(2026, 3, 9))
    assert answered.status_implied_by_dates() == Status.ANSWERED
    closed = complaint(acknowledged_on=D(2026, 3, 3), answered_on=D(2026, 3, 9), closed_on=D(2026, 3, 10))
    assert closed.status_implied_by_dates() == Status.CLOSED


def test_a_suggestion_closed_without_an_answer_is_closed():
    suggestion = Complaint(kind=Kind.SUGGESTION, received_on=D(2026, 3, 2), closed_on=D(2026, 3, 20))
    assert suggestion.status_implied_by_dates() == Status.CLOSED


def test_the_history_a_complaints_dates_record_follows_the_transitions_table():
    closed = complaint(acknowledged_on=D(2026, 3, 3), answered_on=D(2026, 3, 9), closed_on=D(2026, 3, 10))
    assert closed.dated_history("import") == [
        PastStep("import", D(2026, 3, 2), "", Status.RECEIVED),
        PastStep("acknowledge", D(2026, 3, 3), Status.RECEIVED, Status.ACKNOWLEDGED),
        PastStep("answer", D(2026, 3, 9), Status.ACKNOWLEDGED, Status.ANSWERED),
        PastStep("close", D(2026, 3, 10), Status.ANSWERED, Status.CLOSED),
    ]
    for step in closed.dated_history("create")[1:]:
        assert step.to_status == TRANSITIONS[step.action].to_status


def test_a_suggestion_closed_after_its_acknowledgement_goes_from_acknowledged_to_closed():
    suggestion = Complaint(
        kind=Kind.SUGGESTION, received_on=D(2026, 3, 2), acknowledged_on=D(2026, 3, 2), closed_on=D(2026, 3, 20)
    )
    assert [(step.action, step.from_status, step.to_status) for step in suggestion.dated_history("create")] == [
        ("create", "", Status.RECEIVED),
        ("acknowledge", Status.RECEIVED, Status.ACKNOWLEDGED),
        ("close", Status.ACKNOWLEDGED, Status.CLOSED),
    ]
