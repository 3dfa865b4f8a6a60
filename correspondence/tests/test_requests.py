"""Registering written requests: due dates from the town's rules and calendar, the workflow,
the audit trail without personal data, and two agents editing at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.concurrency import ConcurrentEditError
from core.models import AuditEvent, ClosureDay, Organisation, Role
from core.registries import CalendarChange
from correspondence import actions
from correspondence.models import Category, Channel, DeadlineRule, RequestEvent, Status, WrittenRequest
from correspondence.rules import preview_due_date

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_letter_of_friday_10_july_2026_is_due_monday_3_august_and_an_email_five_working_days_later(make_request):
    letter = make_request(channel=Channel.LETTER, received_on=D(2026, 7, 10))
    email = make_request(channel=Channel.EMAIL, received_on=D(2026, 7, 10))
    assert (letter.deadline_days, letter.due_on) == (15, D(2026, 8, 3))
    assert (email.deadline_days, email.due_on) == (5, D(2026, 7, 20))  # 14 July skipped


def test_a_rule_for_a_category_wins_over_the_rule_of_its_channel_and_may_count_business_days(org, make_request):
    make_request()  # creates the default rules and categories
    urbanisme = Category.objects.get(organisation=org, code="urbanisme")
    DeadlineRule.objects.create(
        organisation=org, channel=Channel.LETTER, category=urbanisme, days=3, business_days=True
    )
    request = make_request(received_on=D(2026, 7, 10), category_code="urbanisme")
    assert request.due_on == D(2026, 7, 15)  # Saturday 11, Monday 13, (14 July), Wednesday 15
    assert make_request(received_on=D(2026, 7, 10), category_code="voirie").due_on == D(2026, 8, 3)


def test_the_due_date_preview_matches_the_saved_due_date(org, make_request):
    saved = make_request(channel=Channel.WEB, received_on=D(2026, 12, 22))
    preview = preview_due_date(org, channel=Channel.WEB, category_id=None, received_on=D(2026, 12, 22))
    assert preview.due_on == saved.due_on == D(2026, 12, 30)
    assert preview.deadline.label == "5 jours ouvrés"


def test_in_moselle_26_december_and_good_friday_are_skipped(other_org, make_request):
    request = make_request(other_org, channel=Channel.EMAIL, received_on=D(2025, 12, 22))
    assert request.due_on == D(2025, 12, 31)  # 25 and 26 December off
    metropolitan = make_request(channel=Channel.EMAIL, received_on=D(2025, 12, 22))
    assert metropolitan.due_on == D(2025, 12, 30)


def test_a_closure_day_added_before_the_due_date_moves_it(org, make_request):
    request = make_request(received_on=D(2026, 7, 10))
    later = make_request(received_on=D(2026, 8, 10))
    ClosureDay.objects.create(organisation=org, date=D(2026, 7, 20), label="Fermeture exceptionnelle")
    change = CalendarChange(kind="closure_added", days=frozenset({D(2026, 7, 20)}))
    assert actions.follow_calendar_change(org, change) == 1
    request.refresh_from_db()
    later.refresh_from_db()
    assert request.due_on == D(2026, 8, 4)
    assert later.due_on == D(2026, 8, 31)  # after the closure day: unchanged


def test_a_rule_change_moves_open_requests_and_leaves_answered_ones_with_the_deadline_announced(org, make_request):
    open_request = make_request(received_on=D(2026, 7, 10))
    answered = make_request(received_on=D(2026, 7, 10))
    actions.answer(answered, actor=None, seen_version=answered.version, on=D(2026, 7, 20))
    rule = DeadlineRule.objects.get(organisation=org, channel=Channel.LETTER, category=None)
    actions.save_rule(
        organisation=org,
        actor=None,
        rule=rule,
        channel=Channel.LETTER,
        category=None,
        days=10,
        business_days=False,
        holding_reply_counts=False,
    )
    open_request.refresh_from_db()
    answered.refresh_from_db()
    assert (open_request.deadline_days, open_request.due_on) == (10, D(2026, 7, 27))
    assert (answered.deadline_days, answered.due_on) == (15, D(2026, 8, 3))


def test_the_workflow_runs_acknowledge_holding_reply_answer_close_with_a_log_row_each(make_request):
    request = make_request(received_on=D(2026, 7, 10))
    actions.acknowledge(request, actor=None, seen_version=request.version, on=D(2026, 7, 10))
    actions.send_holding_reply(
        request, actor=None, seen_version=request.version, on=D(2026, 7, 20), promised_on=D(2026, 8, 10)
    )
    actions.answer(request, actor=None, seen_version=request.version, on=D(2026, 8, 7))
    actions.close(request, actor=None, seen_version=request.version, on=D(2026, 8, 7))
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    steps = list(RequestEvent.objects.filter(request=request).values_list("action", "to_status"))
    assert steps == [
        ("register", "received"),
        ("acknowledge", "acknowledged"),
        ("holding_reply", "waiting"),
        ("answer", "answered"),
        ("close", "closed"),
    ]


def test_a_step_out_of_order_is_refused_in_french_and_writes_nothing(make_request):
    request = make_request()
    with pytest.raises(ValidationError, match="Étape « clôture » impossible"):
        actions.close(request, actor=None, seen_version=request.version, on=D(2026, 3, 3))
    request.refresh_from_db()
    assert request.status == Status.RECEIVED and request.closed_on is None


def test_an_answer_before_the_receipt_is_refused(make_request):
    request = make_request(received_on=D(2026, 3, 2))
    with pytest.raises(ValidationError):
        actions.answer(request, actor=None, seen_version=request.version, on=D(2026, 3, 1))
    assert WrittenRequest.objects.get(pk=request.pk).answered_on is None


def test_reopening_an_answer_recorded_by_mistake_goes_back_to_the_last_open_step(make_request):
    request = make_request()
    actions.acknowledge(request, actor=None, seen_version=request.version, on=D(2026, 3, 3))
    actions.answer(request, actor=None, seen_version=request.version, on=D(2026, 3, 4))
    actions.reopen(request, actor=None, seen_version=request.version)
    request.refresh_from_db()
    assert (request.status, request.answered_on, request.acknowledged_on) == ("acknowledged", None, D(2026, 3, 3))


def test_the_audit_trail_keeps_dates_and_outcome_but_no_name_contact_or_subject(org, make_request):
    request = make_request(subject="Mon voisin Dupont", requester_name="Jeanne Usagère")
    actions.update_request(request, actor=None, seen_version=request.version, requester_name="Jeanne Martin")
    actions.answer(request, actor=None, seen_version=request.version, on=D(2026, 3, 5))
    events = AuditEvent.objects.filter(organisation=org, object_type="correspondence.writtenrequest")
    assert events.count() == 3
    written = " ".join(f"{event.object_repr} {event.before} {event.after}" for event in events)
    for personal in ("Dupont", "Jeanne", "Martin", "jeanne@exemple.fr"):
        assert personal not in written
    assert "2026-03-05" in written


def test_a_second_agent_saving_a_stale_request_is_refused_with_the_name_of_who_changed_it(
    org: Organisation, make_member, make_request
):
    first = make_member(org, Role.AGENT, email="premiere@ville-test.test")
    second = make_member(org, Role.AGENT, email="second@ville-test.test")
    request = make_request()
    opened_version = request.version
    actions.answer(request, actor=first, seen_version=opened_version, on=D(2026, 3, 4))
    stale = WrittenRequest.objects.get(pk=request.pk)
    stale.version = opened_version
    with pytest.raises(ConcurrentEditError, match="premiere@ville-test") as error:
        actions.update_request(stale, actor=second, seen_version=opened_version, subject="Écrasé ?")
    assert "Rien n'a été enregistré" in str(error.value)
    request.refresh_from_db()
    assert request.subject == "Demande de stationnement"
    assert request.answered_on == D(2026, 3, 4)


def test_a_reference_an_imported_register_already_uses_is_not_given_twice(make_request):
    first = make_request()
    assert first.reference == f"{first.received_on.year}-00001"
    taken = f"{first.received_on.year}-00002"  # the next number, held by a reference written before
    WrittenRequest.objects.filter(pk=first.pk).update(reference=taken)
    second = make_request()
    assert second.reference == f"QP-{taken}"
    assert WrittenRequest.objects.get(pk=second.pk).reference == f"QP-{taken}"
