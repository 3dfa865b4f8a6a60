"""Single-row rules of a written request, on unsaved instances."""

import datetime as dt
from typing import Any

from correspondence.models import Status, WrittenRequest

D = dt.date


def request(**fields: Any) -> WrittenRequest:
    return WrittenRequest(received_on=D(2026, 3, 2), **fields)


def test_the_dates_of_a_request_imply_the_last_step_it_reached():
    assert request().status_implied_by_dates() == Status.RECEIVED
    assert request(acknowledged_on=D(2026, 3, 3)).status_implied_by_dates() == Status.ACKNOWLEDGED
    holding = request(acknowledged_on=D(2026, 3, 3), holding_reply_on=D(2026, 3, 20))
    assert holding.status_implied_by_dates() == Status.WAITING
    answered = request(holding_reply_on=D(2026, 3, 20), answered_on=D(2026, 3, 25))
    assert answered.status_implied_by_dates() == Status.ANSWERED
    closed = request(answered_on=D(2026, 3, 25), closed_on=D(2026, 3, 26))
    assert closed.status_implied_by_dates() == Status.CLOSED


def test_the_status_a_request_holds_does_not_change_what_its_dates_imply():
    assert request(status=Status.CLOSED).status_implied_by_dates() == Status.RECEIVED
