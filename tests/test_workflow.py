"""The one workflow engine (core.workflow) as each record type uses it: the step allowed
from the record's status, the status read from the table (or from the rule declared for
it), the French refusal. On unsaved instances: the engine decides before it writes."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from civil_registry.actions import WORKFLOW as ACTS
from civil_registry.models import ActRequest, ActStatus
from complaints.models import Complaint, Kind
from complaints.models import Status as ComplaintStatus
from complaints.workflow import WORKFLOW as COMPLAINTS
from core.workflow import Transition, Workflow
from correspondence.actions import WORKFLOW as REQUESTS
from correspondence.models import RequestEvent, Status, WrittenRequest
from reception.actions import WORKFLOW as TICKETS
from reception.actions import TransitionRefused
from reception.models import QueueTicket, TicketStatus

D = dt.date
WORKFLOWS: dict[str, tuple[Workflow[Any], Callable[[str], Any]]] = {
    "requests": (REQUESTS, lambda status: WrittenRequest(status=status, received_on=D(2026, 3, 2))),
    "acts": (ACTS, lambda status: ActRequest(status=status, received_on=D(2026, 3, 2))),
    "complaints": (COMPLAINTS, lambda status: Complaint(status=status, kind=Kind.COMPLAINT, received_on=D(2026, 3, 2))),
    "tickets": (TICKETS, lambda status: QueueTicket(status=status, number="007")),
}


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_step_leads_from_the_statuses_it_allows_to_the_status_its_table_gives(name):
    workflow, record_in = WORKFLOWS[name]
    for action, transition in workflow.transitions.items():
        for status in transition.allowed_from:
            record = record_in(status)
            assert workflow.allows(record, action), (action, status)
            if action in workflow.computed:
                continue
            expected = status if transition.to_status is None else transition.to_status
            assert workflow.target(record, action) == expected, (action, status)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_a_step_from_a_status_it_does_not_allow_is_refused_in_french_before_anything_is_written(name):
    workflow, record_in = WORKFLOWS[name]
    statuses = set(workflow.statuses.values)
    for action, transition in workflow.transitions.items():
        if not transition.allowed_from:
            continue  # registration, import: not a step of an existing record
        for status in statuses - transition.allowed_from:
            record = record_in(status)
            assert not workflow.allows(record, action)
            with pytest.raises(ValidationError) as refused:
                workflow.step(record, action, actor=None, changes={}, seen_version=0)
            assert "impossible" in " ".join(refused.value.messages).lower()
            assert getattr(record, "status") == status and record.pk is None  # noqa: B009


def test_a_step_cannot_write_the_status_by_hand():
    with pytest.raises(ValueError):
        COMPLAINTS.step(
            Complaint(status=ComplaintStatus.RECEIVED, kind=Kind.COMPLAINT),
            "close",
            actor=None,
            changes={"status": "closed"},
        )


def test_the_refusals_keep_each_registers_wording():
    received = WrittenRequest(status=Status.RECEIVED)
    assert REQUESTS.refusal_message(received, "close") == "Étape « clôture » impossible : la demande est « reçue »."
    complaint = Complaint(status=ComplaintStatus.RECEIVED, kind=Kind.COMPLAINT)
    assert COMPLAINTS.refusal_message(complaint, "close") == (
        "Action « Clore » impossible : la réclamation est « reçue »."
    )
    served = QueueTicket(status=TicketStatus.SERVED, number="007")
    with pytest.raises(TransitionRefused) as refused:
        TICKETS.check(served, "call")
    assert refused.value.messages == ["Le ticket 007 est « servi » : impossible de l'appeler."]


def test_reopening_a_request_returns_to_the_status_its_remaining_dates_imply():
    request = WrittenRequest(
        status=Status.CLOSED,
        received_on=D(2026, 3, 2),
        acknowledged_on=D(2026, 3, 3),
        holding_reply_on=D(2026, 3, 20),
    )
    assert REQUESTS.target(request, "reopen") == Status.WAITING
    request.holding_reply_on = None
    assert REQUESTS.target(request, "reopen") == Status.ACKNOWLEDGED


def test_reopening_a_complaint_returns_to_the_last_step_reached():
    complaint = Complaint(status=ComplaintStatus.CLOSED, kind=Kind.COMPLAINT, received_on=D(2026, 3, 2))
    assert COMPLAINTS.target(complaint, "reopen") == ComplaintStatus.RECEIVED
    complaint.answered_on = D(2026, 3, 9)
    assert COMPLAINTS.target(complaint, "reopen") == ComplaintStatus.ANSWERED


def test_a_suggestion_may_be_closed_once_received_and_a_complaint_only_once_answered():
    suggestion = Complaint(status=ComplaintStatus.RECEIVED, kind=Kind.SUGGESTION)
    complaint = Complaint(status=ComplaintStatus.RECEIVED, kind=Kind.COMPLAINT)
    assert COMPLAINTS.allows(suggestion, "close") and not COMPLAINTS.allows(complaint, "close")


def test_an_anonymised_complaint_allows_no_step():
    closed = Complaint(status=ComplaintStatus.CLOSED, kind=Kind.COMPLAINT, anonymised_at=timezone.now())
    assert COMPLAINTS.allowed_steps(closed) == []


def test_an_act_request_delivered_or_refused_may_go_back_to_pending():
    assert ACTS.target(ActRequest(status=ActStatus.REFUSED), "reopen") == ActStatus.PENDING


def test_a_step_cannot_have_both_a_target_in_the_table_and_a_computed_one():
    table = {"close": Transition("clôture", frozenset({"answered"}), "closed")}
    with pytest.raises(ValueError):
        Workflow(
            transitions=table,
            event_model=RequestEvent,
            statuses=Status,
            audit_fields=[],
            metric_prefix="correspondence",
            refusal="",
            computed={"close": WrittenRequest.status_implied_by_dates},
        )


def test_a_log_row_records_the_step_and_the_status_reached():
    request = WrittenRequest(status=Status.ACKNOWLEDGED, organisation_id=1)
    row = RequestEvent.of(request, action="acknowledge", from_status=Status.RECEIVED, on=D(2026, 3, 3))
    assert (row.action, row.from_status, row.to_status, row.on) == (
        "acknowledge",
        "received",
        "acknowledged",
        D(2026, 3, 3),
    )
    assert row.actor is None
