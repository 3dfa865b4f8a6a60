"""Single-row rules of the counter: the transitions table, wait minutes, durations, counts."""

import datetime as dt

from reception.models import TRANSITIONS, QueueTicket, TicketCounts, TicketStatus, duration_label, wait_minute

S = TicketStatus


def test_the_transitions_table_follows_the_ticket_workflow():
    moves = {name: (set(t.allowed_from), t.to_status) for name, t in TRANSITIONS.items()}
    assert moves == {
        "create": (set(), S.WAITING),
        "call": ({S.WAITING}, S.CALLED),
        "recall": ({S.CALLED}, S.CALLED),
        "start": ({S.CALLED}, S.IN_SERVICE),
        "end": ({S.IN_SERVICE}, S.SERVED),
        "leave": ({S.WAITING, S.CALLED}, S.LEFT),
        "redirect": ({S.WAITING, S.CALLED, S.IN_SERVICE}, S.REDIRECTED),
        "close_at_closing": ({S.WAITING}, S.LEFT),  # the daily closing rule
    }


def test_a_finished_ticket_allows_no_move():
    for status in (S.SERVED, S.LEFT, S.REDIRECTED):
        ticket = QueueTicket(status=status)
        assert [name for name in TRANSITIONS if ticket.allows(name)] == []


def test_a_wait_counts_in_started_minutes_so_that_15_minutes_exactly_is_within_15():
    assert [wait_minute(s) for s in (0, 1, 59, 60, 61, 899, 900, 901)] == [0, 1, 1, 1, 2, 15, 15, 16]


def test_durations_read_in_french():
    assert duration_label(None) == "—"
    assert duration_label(45) == "45 s"
    assert duration_label(300) == "5 min"
    assert duration_label(250) == "4 min 10 s"
    assert duration_label(3900) == "1 h 05 min"


def test_the_wait_of_a_waiting_ticket_grows_with_time_and_freezes_once_called():
    issued = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    ticket = QueueTicket(issued_at=issued)
    assert ticket.waiting_seconds(issued + dt.timedelta(minutes=7)) == 420
    ticket.wait_seconds = 300
    assert ticket.waiting_seconds(issued + dt.timedelta(hours=2)) == 300


def test_a_ticket_adds_its_counts_and_a_change_removes_the_old_ones():
    total = TicketCounts()
    waiting = TicketCounts.of(
        status=S.WAITING, called=False, wait_seconds=None, service_seconds=None, weekday=0, half_hour=18
    )
    served = TicketCounts.of(
        status=S.SERVED, called=True, wait_seconds=610, service_seconds=300, weekday=0, half_hour=18
    )
    total.add(waiting)
    total.add(waiting, -1)
    total.add(served)
    assert (total.issued, total.called, total.served, total.service_count, total.service_seconds) == (1, 1, 1, 1, 300)
    assert total.waits == {11: 1} and total.arrivals == {18: 1}


def test_a_ticket_that_left_before_being_called_counts_apart():
    left = TicketCounts.of(
        status=S.LEFT, called=False, wait_seconds=None, service_seconds=None, weekday=2, half_hour=20
    )
    assert (left.issued, left.called, left.left, left.left_uncalled) == (1, 0, 1, 1)
    assert left.waits == {}


def utc(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 3, 10, hour, minute, tzinfo=dt.UTC)


def test_during_the_day_a_tickets_times_imply_where_it_stands():
    issued = utc(8, 0)
    assert QueueTicket(issued_at=issued).status_implied_by_times(day_over=False) == S.WAITING
    called = QueueTicket(issued_at=issued, called_at=utc(8, 5))
    assert called.status_implied_by_times(day_over=False) == S.CALLED
    started = QueueTicket(issued_at=issued, called_at=utc(8, 5), started_at=utc(8, 6))
    assert started.status_implied_by_times(day_over=False) == S.IN_SERVICE
    started.ended_at = utc(8, 15)
    assert started.status_implied_by_times(day_over=False) == S.SERVED


def test_once_the_day_is_over_a_called_ticket_was_served_and_an_uncalled_one_left():
    issued = utc(8, 0)
    assert QueueTicket(issued_at=issued).status_implied_by_times(day_over=True) == S.LEFT
    called = QueueTicket(issued_at=issued, called_at=utc(8, 5))
    assert called.status_implied_by_times(day_over=True) == S.SERVED
    started_only = QueueTicket(issued_at=issued, started_at=utc(8, 6))
    assert started_only.status_implied_by_times(day_over=True) == S.SERVED
