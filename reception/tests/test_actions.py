"""Tickets, visits and reasons change only through the actions, each change audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent, Service, Site
from imports.models import ImportSource
from reception.actions import (
    after_tickets_written,
    apply_transition,
    call_next,
    create_reason,
    delete_visit,
    issue_ticket,
    log_visit,
    refresh_ticket_summaries,
    set_reason_active,
    touched_months,
    update_visit,
)
from reception.models import QueueTicket, TicketEvent, TicketMonthSummary, TicketStatus

from .conftest import paris

pytestmark = pytest.mark.django_db

NINE = paris(2026, 3, 10, 9, 0)


def issue(org, site, reason=None, at=NINE, actor=None):
    return issue_ticket(organisation=org, site=site, reason=reason, now=at, actor=actor)


def move(ticket, name, at, actor=None, **extra):
    return apply_transition(ticket=ticket, transition=name, now=at, actor=actor, **extra)


def events_of(ticket):
    return list(
        AuditEvent.objects.filter(object_type="reception.queueticket", object_id=str(ticket.pk))
        .order_by("pk")
        .values_list("action", "before", "after")
    )


# Numbering


def test_tickets_are_numbered_per_site_and_day_from_001(org, site):
    other_site = Site.objects.create(organisation=org, name="Mairie annexe")
    numbers = [issue(org, site).number, issue(org, site).number, issue(org, other_site).number]
    assert numbers == ["001", "002", "001"]
    assert issue(org, site, at=paris(2026, 3, 11, 8, 30)).number == "001"


def test_two_tickets_issued_at_the_same_instant_get_different_numbers(org, site, reason):
    first, second = issue(org, site, reason), issue(org, site, reason)
    assert first.issued_at == second.issued_at
    assert {first.number, second.number} == {"001", "002"}


def test_a_number_taken_meanwhile_by_another_kiosk_makes_the_ticket_take_the_next_one(org, site):
    """Between counting today's tickets and saving, another kiosk saved "002": the database
    refuses the duplicate and the ticket takes "003" instead of failing."""
    issue(org, site)
    QueueTicket.objects.create(
        organisation=org,
        site=site,
        number="002",
        issued_at=NINE,
        local_date=dt.date(2026, 3, 10),
        local_month=dt.date(2026, 3, 1),
        weekday=1,
        half_hour=18,
        dedupe_key="borne-concurrente:002",
    )
    QueueTicket.objects.filter(number="001").delete()  # so that the count says "002" is free
    assert issue(org, site).number == "003"


def test_imported_tickets_do_not_hold_the_numbers_of_the_kiosk(org, site):
    source = ImportSource.objects.create(organisation=org, kind="tickets", name="file", label="File d'attente")
    QueueTicket.objects.create(
        organisation=org,
        site=site,
        number="001",
        issued_at=NINE,
        local_date=dt.date(2026, 3, 10),
        local_month=dt.date(2026, 3, 1),
        weekday=1,
        half_hour=18,
        source=source,
        dedupe_key="import:1",
    )
    assert issue(org, site).number == "001"


def test_a_ticket_stores_the_local_day_month_weekday_and_half_hour_of_its_issue(org, site):
    # 22:40 UTC on 31 March is 00:40 on Wednesday 1 April in Paris (summer time).
    ticket = issue(org, site, at=dt.datetime(2026, 3, 31, 22, 40, tzinfo=dt.UTC))
    assert (ticket.local_date, ticket.local_month) == (dt.date(2026, 4, 1), dt.date(2026, 4, 1))
    assert (ticket.weekday, ticket.half_hour) == (2, 1)


def test_a_ticket_takes_the_service_of_its_reason_and_its_issue_is_audited(org, site, reason, accueil, agent):
    ticket = issue(org, site, reason, actor=agent)
    assert ticket.service == accueil and ticket.status == TicketStatus.WAITING
    [(action, before, after)] = events_of(ticket)
    assert action == "create" and before is None
    assert after["number"] == "001" and after["status"] == "waiting" and after["reason"] == reason.pk


# Transitions


def test_calling_stores_the_wait_from_issue_to_call_and_the_agent(org, site, agent):
    ticket = issue(org, site)
    called = move(ticket, "call", paris(2026, 3, 10, 9, 12, 30), agent)
    assert called.status == TicketStatus.CALLED
    assert called.wait_seconds == 750 and called.agent == agent
    action, before, after = events_of(ticket)[-1]
    assert action == "call"
    assert before["status"] == "waiting" and after["status"] == "called"
    assert after["wait_seconds"] == 750 and after["called_at"] == "2026-03-10T09:12:30+01:00"


def test_a_served_ticket_goes_through_call_start_and_end_and_each_step_is_logged(org, site, agent):
    ticket = issue(org, site)
    move(ticket, "call", paris(2026, 3, 10, 9, 5), agent)
    move(ticket, "start", paris(2026, 3, 10, 9, 6), agent)
    served = move(ticket, "end", paris(2026, 3, 10, 9, 14, 30), agent)
    assert served.status == TicketStatus.SERVED
    assert served.wait_seconds == 300 and served.service_seconds == 510
    assert [event[0] for event in events_of(ticket)] == ["create", "call", "start", "end"]
    assert [(e[1]["status"], e[2]["status"]) for e in events_of(ticket)[1:]] == [
        ("waiting", "called"),
        ("called", "in_service"),
        ("in_service", "served"),
    ]


def test_each_step_of_a_ticket_writes_a_log_row_at_the_time_it_was_made(org, site, agent):
    ticket = issue(org, site, actor=agent)
    move(ticket, "call", paris(2026, 3, 10, 9, 5), agent)
    move(ticket, "leave", paris(2026, 3, 10, 9, 8), agent)
    rows = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", "from_status", "to_status", "at"))
    assert rows == [
        ("create", "", "waiting", NINE),
        ("call", "waiting", "called", paris(2026, 3, 10, 9, 5)),
        ("leave", "called", "left", paris(2026, 3, 10, 9, 8)),
    ]
    assert TicketEvent.objects.filter(ticket=ticket, actor=agent).count() == 3


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ([], "end", "Le ticket 001 est « en attente » : impossible de terminer son service."),
        ([], "start", "Le ticket 001 est « en attente » : impossible de commencer son service."),
        ([], "recall", "Le ticket 001 est « en attente » : impossible de le rappeler."),
        (["call", "start", "end"], "call", "Le ticket 001 est « servi » : impossible de l'appeler."),
        (["call", "start"], "leave", "Le ticket 001 est « en cours » : impossible de le marquer parti."),
        (["leave"], "redirect", "Le ticket 001 est « parti sans être servi » : impossible de le réorienter."),
    ],
)
def test_a_move_the_table_does_not_allow_is_refused_in_french_and_writes_nothing(
    org, site, accueil, steps, refused, message
):
    ticket = issue(org, site)
    for step in steps:
        ticket = move(ticket, step, paris(2026, 3, 10, 9, 10))
    events, state = len(events_of(ticket)), QueueTicket.objects.values().get(pk=ticket.pk)
    with pytest.raises(ValidationError) as refusal:
        move(ticket, refused, paris(2026, 3, 10, 9, 20), redirected_to=accueil)
    assert refusal.value.messages == [message]
    assert len(events_of(ticket)) == events and QueueTicket.objects.values().get(pk=ticket.pk) == state


def test_a_ticket_that_leaves_the_queue_is_never_called(org, site):
    ticket = move(issue(org, site), "leave", paris(2026, 3, 10, 9, 40))
    assert ticket.status == TicketStatus.LEFT and ticket.called_at is None and ticket.wait_seconds is None


def test_a_recall_keeps_the_first_call_and_its_wait(org, site):
    ticket = move(issue(org, site), "call", paris(2026, 3, 10, 9, 4))
    recalled = move(ticket, "recall", paris(2026, 3, 10, 9, 7))
    assert recalled.status == TicketStatus.CALLED and recalled.recall_count == 1
    assert recalled.wait_seconds == 240
    assert events_of(ticket)[-1][0] == "recall"


def test_a_redirection_names_the_service_and_ends_a_service_under_way(org, site, etat_civil):
    ticket = issue(org, site)
    with pytest.raises(ValidationError) as refusal:
        move(ticket, "redirect", paris(2026, 3, 10, 9, 1))
    assert refusal.value.message_dict == {
        "redirected_to": ["Choisissez le service vers lequel la personne est réorientée."]
    }
    move(ticket, "call", paris(2026, 3, 10, 9, 2))
    move(ticket, "start", paris(2026, 3, 10, 9, 3))
    redirected = move(ticket, "redirect", paris(2026, 3, 10, 9, 5), redirected_to=etat_civil)
    assert redirected.status == TicketStatus.REDIRECTED and redirected.redirected_to == etat_civil
    assert redirected.service_seconds == 120


def test_two_agents_tapping_on_the_same_ticket_call_it_once(org, site, agent, make_member):
    ticket = issue(org, site)
    first_view, second_view = QueueTicket.objects.get(pk=ticket.pk), QueueTicket.objects.get(pk=ticket.pk)
    move(first_view, "call", paris(2026, 3, 10, 9, 3), agent)
    with pytest.raises(ValidationError, match="est « appelé » : impossible de l'appeler"):
        move(second_view, "call", paris(2026, 3, 10, 9, 3), make_member(org, "agent", "second@ville-test.test"))
    assert QueueTicket.objects.get(pk=ticket.pk).agent == agent


def test_calling_the_next_ticket_takes_the_oldest_of_today_in_the_chosen_queue(
    org, site, reason, act_reason, etat_civil
):
    issue(org, site, at=paris(2026, 3, 9, 16, 0))  # forgotten yesterday: not in today's queue
    first_act = issue(org, site, act_reason, at=paris(2026, 3, 10, 9, 0))
    first = issue(org, site, reason, at=paris(2026, 3, 10, 8, 55))
    now = paris(2026, 3, 10, 9, 10)
    assert call_next(organisation=org, site=site, service=None, now=now, actor=None) == first
    assert call_next(organisation=org, site=site, service=etat_civil, now=now, actor=None) == first_act
    with pytest.raises(ValidationError) as refusal:
        call_next(organisation=org, site=site, service=None, now=now, actor=None)
    assert refusal.value.messages == ["Personne n'attend : aucun ticket à appeler."]


# Summaries and indicators


def summary_rows(org):
    fields = ["local_month", "site_id", "service_id", "issued", "called", "served", "left", "left_uncalled"]
    fields += ["redirected", "service_count", "service_seconds", "wait_minutes", "arrivals"]
    return sorted(TicketMonthSummary.objects.filter(organisation=org).values_list(*fields), key=repr)


def test_the_monthly_summary_kept_at_each_change_equals_one_rebuilt_from_the_tickets(
    org, site, reason, act_reason, accueil
):
    a = issue(org, site, reason, at=paris(2026, 3, 10, 9, 0))
    b = issue(org, site, act_reason, at=paris(2026, 3, 10, 9, 1))
    c = issue(org, site, None, at=paris(2026, 3, 31, 23, 50))
    issue(org, site, reason, at=paris(2026, 4, 2, 10, 0))
    move(a, "call", paris(2026, 3, 10, 9, 16))
    move(a, "start", paris(2026, 3, 10, 9, 17))
    move(a, "end", paris(2026, 3, 10, 9, 27))
    move(b, "call", paris(2026, 3, 10, 9, 3))
    move(b, "recall", paris(2026, 3, 10, 9, 4))
    move(b, "leave", paris(2026, 3, 10, 9, 6))
    move(c, "redirect", paris(2026, 3, 31, 23, 55), redirected_to=accueil)
    kept = summary_rows(org)
    march = TicketMonthSummary.objects.get(organisation=org, local_month=dt.date(2026, 3, 1), service=accueil)
    assert (march.issued, march.called, march.served, march.service_seconds) == (1, 1, 1, 600)
    assert march.wait_minutes == {"16": 1}
    assert refresh_ticket_summaries(organisation=org, months={dt.date(2026, 3, 1), dt.date(2026, 4, 1)}) == 4
    assert summary_rows(org) == kept


def test_tickets_written_in_bulk_get_their_summaries_from_one_call(org, site, accueil):
    QueueTicket.objects.bulk_create(
        QueueTicket(
            organisation=org,
            site=site,
            service=accueil,
            number=str(index),
            status=TicketStatus.SERVED,
            issued_at=NINE,
            called_at=NINE + dt.timedelta(minutes=index),
            wait_seconds=60 * index,
            local_date=dt.date(2026, 3, 10),
            local_month=dt.date(2026, 3, 1),
            weekday=1,
            half_hour=18,
            dedupe_key=f"import:{index}",
        )
        for index in range(1, 4)
    )
    assert not TicketMonthSummary.objects.exists()
    after_tickets_written(organisation=org, months=touched_months([dt.date(2026, 3, 10)], org.time_zone))
    row = TicketMonthSummary.objects.get(organisation=org)
    assert (row.issued, row.called, row.wait_minutes) == (3, 3, {"1": 1, "2": 1, "3": 1})


def test_touched_months_are_the_local_months_of_days_and_moments():
    moments = [dt.date(2026, 3, 10), dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), dt.date(2026, 3, 1)]
    assert touched_months(moments, ZoneInfo("Europe/Paris")) == {dt.date(2026, 3, 1), dt.date(2026, 4, 1)}


def test_a_call_asks_for_the_indicators_of_its_month_once_committed(
    org, site, reason, recomputations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = issue(org, site, reason, at=paris(2026, 3, 10, 9, 0))
        move(ticket, "call", paris(2026, 3, 10, 9, 20))
    assert recomputations == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert recomputations == [("ville-test", "reception", [dt.date(2026, 3, 1)])] * 2


def test_starting_or_ending_a_service_changes_no_indicator_and_asks_for_nothing(
    org, site, recomputations, django_capture_on_commit_callbacks
):
    ticket = move(issue(org, site), "call", paris(2026, 3, 10, 9, 5))
    with django_capture_on_commit_callbacks(execute=True):
        move(ticket, "start", paris(2026, 3, 10, 9, 6))
        move(ticket, "end", paris(2026, 3, 10, 9, 9))
        move(issue(org, site, at=paris(2026, 4, 1, 9)), "leave", paris(2026, 4, 1, 9, 30))
    assert recomputations == [("ville-test", "reception", [dt.date(2026, 4, 1)])] * 2


# Visits


def test_a_visit_is_logged_with_its_local_stamps_corrected_and_deleted_with_the_trail(
    org, site, reason, act_reason, etat_civil, agent
):
    visit = log_visit(organisation=org, site=site, reason=reason, oriented_to=None, now=NINE, actor=agent)
    assert (visit.local_date, visit.weekday, visit.half_hour, visit.agent) == (dt.date(2026, 3, 10), 1, 18, agent)
    update_visit(
        visit=visit, actor=agent, site=site, reason=act_reason, oriented_to=etat_civil, at=paris(2026, 3, 10, 14, 5)
    )
    visit.refresh_from_db()
    assert (visit.reason, visit.oriented_to, visit.half_hour) == (act_reason, etat_civil, 28)
    visit_id = visit.pk
    delete_visit(visit=visit, actor=agent)
    trail = AuditEvent.objects.filter(object_type="reception.visit", object_id=str(visit_id)).order_by("pk")
    assert [event.action for event in trail] == ["create", "correction", "delete"]
    correction = trail[1]
    assert correction.before["reason"] == reason.pk and correction.after["reason"] == act_reason.pk
    assert set(correction.after) == {"reason", "oriented_to", "at"}


def test_a_visit_cannot_name_a_service_of_another_town(org, other_org, site, reason):
    foreign = Service.objects.get(organisation=other_org)
    with pytest.raises(ValidationError):
        log_visit(organisation=org, site=site, reason=reason, oriented_to=foreign, now=NINE, actor=None)


# Reasons


def test_a_reason_label_is_unique_in_a_town_whatever_its_case(org, reason):
    with pytest.raises(ValidationError) as refusal:
        create_reason(organisation=org, actor=None, label="renseignement ")
    assert refusal.value.message_dict == {"label": ["Le motif « renseignement » existe déjà."]}


def test_a_withdrawn_reason_is_kept_and_audited(org, reason):
    set_reason_active(reason=reason, actor=None, active=False)
    reason.refresh_from_db()
    assert reason.is_active is False
    event = AuditEvent.objects.filter(object_type="reception.visitreason", object_id=str(reason.pk)).latest("pk")
    assert event.before == {"is_active": True} and event.after == {"is_active": False}
