"""The due dates of complaints (closed ones too) follow the town's calendar: a closure day added or
removed moves them, and the indicators of the months touched are recomputed."""

import datetime as dt

import pytest
from django.urls import reverse

from complaints import actions
from complaints.models import Complaint
from core.models import AuditEvent, ClosureDay
from core.registries import CalendarChange, calendar_changed

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 11, 27)


def add_closure(admin_client_org, org, day: str) -> None:
    response = admin_client_org.post(
        reverse("administration:closure_days", args=[org.slug]) + "?annee=2026",
        {"date": day, "label": "Fermeture estivale"},
    )
    assert response.status_code == 302


def test_a_closure_day_added_in_the_settings_moves_an_open_complaints_answer_due_date(
    org, admin_client_org, make_complaint
):
    # Received on Friday 10 July; Tuesday 14 July is a public holiday.
    complaint = make_complaint(received_on=D(2026, 7, 10))
    assert (complaint.acknowledge_due_on, complaint.answer_due_on) == (D(2026, 7, 15), D(2026, 7, 27))
    add_closure(admin_client_org, org, "2026-07-20")
    complaint.refresh_from_db()
    assert (complaint.acknowledge_due_on, complaint.answer_due_on) == (D(2026, 7, 15), D(2026, 7, 28))


def test_a_closure_day_before_the_acknowledgement_is_due_moves_both_due_dates(org, admin_client_org, make_complaint):
    complaint = make_complaint(received_on=D(2026, 7, 10))
    add_closure(admin_client_org, org, "2026-07-13")
    complaint.refresh_from_db()
    assert (complaint.acknowledge_due_on, complaint.answer_due_on) == (D(2026, 7, 16), D(2026, 7, 28))


def test_removing_the_closure_day_moves_the_due_date_back(org, admin_client_org, make_complaint):
    add_closure(admin_client_org, org, "2026-07-20")
    complaint = make_complaint(received_on=D(2026, 7, 10))
    assert complaint.answer_due_on == D(2026, 7, 28)
    closure = ClosureDay.objects.get(organisation=org)
    admin_client_org.post(reverse("administration:closure_day_delete", args=[org.slug, closure.pk]))
    assert Complaint.objects.get(pk=complaint.pk).answer_due_on == D(2026, 7, 27)


@pytest.mark.django_db(transaction=True)  # real commits: the indicators hear once the change commits
def test_a_calendar_change_tells_the_indicators_the_months_of_the_due_dates_moved_and_audits_once(
    org, make_complaint, recomputations
):
    june = make_complaint(received_on=D(2026, 6, 25))  # answer due 9 July: a July closure day moves nothing
    july = make_complaint(received_on=D(2026, 7, 24))  # answer due 7 August
    assert (june.answer_due_on, july.answer_due_on) == (D(2026, 7, 9), D(2026, 8, 7))
    ClosureDay.objects.create(organisation=org, date=D(2026, 7, 31), label="Pont")
    recomputations.clear()  # the registrations above
    moved = calendar_changed(organisation=org, actor=None, change=closure_added(D(2026, 7, 31)))
    assert moved["complaints"] == 1
    july.refresh_from_db()
    june.refresh_from_db()
    assert july.answer_due_on == D(2026, 8, 10) and july.version == 1
    assert june.version == 0
    # The months of the moved complaint's due dates (acknowledgement due 28 July, answer
    # 7 then 10 August); nothing of June's.
    assert ("ville-test", "complaints", [D(2026, 7, 1), D(2026, 8, 1)]) in recomputations
    event = AuditEvent.objects.get(organisation=org, action="calendar_change")
    assert (event.after or {})["complaints"] == 1


def test_a_closed_complaint_follows_the_calendar_too_so_its_month_is_judged_on_the_calendar_declared(
    org, make_complaint
):
    complaint = make_complaint(received_on=D(2026, 7, 10))
    complaint = actions.answer(complaint=complaint, actor=None, seen_version=0, on=D(2026, 7, 28), today=TODAY)
    complaint = actions.close(
        complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 7, 28), today=TODAY
    )
    assert complaint.answer_due_on == D(2026, 7, 27)  # answered a day late
    ClosureDay.objects.create(organisation=org, date=D(2026, 7, 20), label="Fermeture estivale")
    assert calendar_changed(organisation=org, actor=None, change=closure_added(D(2026, 7, 20)))["complaints"] == 1
    assert Complaint.objects.get(pk=complaint.pk).answer_due_on == D(2026, 7, 28)  # on time after all


def closure_added(day: dt.date) -> CalendarChange:
    return CalendarChange(kind="closure_added", days=frozenset({day}))
