"""Act requests: due dates by channel in each zone's calendar, delivery and refusal, the
audit trail, two agents at once, and the errors register."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from civil_registry import actions
from civil_registry.models import ActChannel, ActDeadlineRule, ActRequest, ActRequestEvent, ActStatus
from core.concurrency import ConcurrentEditError
from core.models import AuditEvent, ClosureDay, Role
from core.registries import CalendarChange, calendar_changed

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_counter_request_is_due_the_same_day_and_other_channels_five_working_days_later(make_act):
    assert make_act(channel=ActChannel.COUNTER, received_on=D(2026, 7, 11)).due_on == D(2026, 7, 11)
    for channel in (ActChannel.POST, ActChannel.WEB, ActChannel.COMEDEC, ActChannel.NOTARY):
        assert make_act(channel=channel, received_on=D(2026, 7, 10)).due_on == D(2026, 7, 20)


def test_in_moselle_good_friday_and_easter_monday_are_skipped(other_org, make_act):
    assert make_act(other_org, received_on=D(2026, 4, 1)).due_on == D(2026, 4, 10)
    assert make_act(received_on=D(2026, 4, 1)).due_on == D(2026, 4, 9)


def test_a_town_may_count_business_days_for_a_channel(org, make_act):
    actions.save_deadlines(organisation=org, actor=None, rules={ActChannel.POST: (2, True)})
    assert make_act(received_on=D(2026, 7, 10)).due_on == D(2026, 7, 13)  # Saturday 11, Monday 13


def test_a_new_deadline_moves_pending_requests_only(org, make_act):
    pending = make_act(received_on=D(2026, 7, 10))
    delivered = make_act(received_on=D(2026, 7, 10), delivered_on=D(2026, 7, 15))
    actions.save_deadlines(organisation=org, actor=None, rules={ActChannel.POST: (3, False)})
    pending.refresh_from_db()
    delivered.refresh_from_db()
    assert (pending.deadline_days, pending.due_on) == (3, D(2026, 7, 16))
    assert (delivered.deadline_days, delivered.due_on) == (5, D(2026, 7, 20))
    assert ActDeadlineRule.objects.get(organisation=org, channel=ActChannel.POST).days == 3


def test_a_closure_day_moves_the_due_dates_through_the_shared_calendar_hook(org, make_act):
    act = make_act(received_on=D(2026, 7, 10))
    ClosureDay.objects.create(organisation=org, date=D(2026, 7, 15), label="Pont")
    change = CalendarChange(kind="closure_added", days=frozenset({D(2026, 7, 15)}))
    moved = calendar_changed(organisation=org, actor=None, change=change)
    assert moved["civil_registry"] == 1
    act.refresh_from_db()
    assert act.due_on == D(2026, 7, 21)


def test_delivery_refusal_and_reopening_follow_the_workflow_with_a_log_row_each(make_act):
    act = make_act()
    actions.deliver(act, actor=None, seen_version=act.version, on=D(2026, 3, 4))
    with pytest.raises(ValidationError, match="Impossible"):
        actions.refuse(act, actor=None, seen_version=act.version, on=D(2026, 3, 4))
    actions.reopen(act, actor=None, seen_version=act.version)
    actions.refuse(act, actor=None, seen_version=act.version, on=D(2026, 3, 5))
    act.refresh_from_db()
    assert (act.status, act.delivered_on) == (ActStatus.REFUSED, D(2026, 3, 5))
    steps = list(ActRequestEvent.objects.filter(act_request=act).values_list("action", flat=True))
    assert steps == ["register", "deliver", "reopen", "refuse"]


def test_a_delivery_before_the_receipt_is_refused(make_act):
    act = make_act(received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        actions.deliver(act, actor=None, seen_version=act.version, on=D(2026, 3, 1))
    assert ActRequest.objects.get(pk=act.pk).status == ActStatus.PENDING


def test_a_second_agent_delivering_a_stale_request_is_refused_with_the_name_of_who_changed_it(
    org, make_member, make_act
):
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    act = make_act()
    stale = ActRequest.objects.get(pk=act.pk)
    actions.update_act_request(act, actor=first, seen_version=0, copies=3)
    with pytest.raises(ConcurrentEditError, match="premiere@ville-test"):
        actions.deliver(stale, actor=None, seen_version=0, on=D(2026, 3, 3))
    act.refresh_from_db()
    assert (act.copies, act.status) == (3, ActStatus.PENDING)


def test_the_audit_trail_records_each_change_with_before_and_after(org, make_act):
    act = make_act()
    actions.deliver(act, actor=None, seen_version=act.version, on=D(2026, 3, 4))
    event = AuditEvent.objects.filter(organisation=org, object_type="civil_registry.actrequest").first()
    assert event is not None
    assert (event.action, event.before, event.after) == (
        "deliver",
        {"delivered_on": None, "status": "pending"},
        {"delivered_on": "2026-03-04", "status": "delivered"},
    )


def test_an_error_takes_the_service_of_its_request_and_cannot_be_found_before_the_act_was_issued(make_act, make_error):
    act = make_act(delivered_on=D(2026, 3, 2))
    error = make_error(act_request=act, issued_on=D(2026, 3, 2), service=None)
    assert error.service == act.service and error.reference.startswith("ERR-2026-")
    with pytest.raises(ValidationError):
        make_error(issued_on=D(2026, 3, 10), found_on=D(2026, 3, 9))


def test_correcting_an_error_from_a_stale_page_is_refused(org, make_member, make_error):
    error = make_error()
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    actions.update_error(error, actor=first, seen_version=0, corrected_on=D(2026, 3, 12))
    with pytest.raises(ConcurrentEditError, match="premiere@ville-test"):
        actions.update_error(error, actor=None, seen_version=0, corrected_on=D(2026, 3, 20))
    error.refresh_from_db()
    assert error.corrected_on == D(2026, 3, 12)
