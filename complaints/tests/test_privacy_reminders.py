"""Anonymisation after the retention period, and the daily reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from complaints import actions
from complaints.metrics import METRICS
from complaints.models import Channel, Complaint, Justified
from complaints.tests.conftest import TODAY
from core.audit import history_of
from core.concurrency import ConcurrentEditError
from core.metrics import MetricQuery
from core.models import AuditEvent, Role
from core.periods import Period
from registers.reminders import reminders_by_person

pytestmark = pytest.mark.django_db
D = dt.date


def closed(make_complaint, received_on, **fields):
    complaint = make_complaint(received_on=received_on, **fields)
    on = received_on + dt.timedelta(days=3)
    actions.answer(
        complaint=complaint,
        actor=None,
        seen_version=complaint.version,
        on=on,
        today=TODAY,
        text="Réponse",
        justified="oui",
    )
    actions.close(complaint=complaint, actor=None, seen_version=complaint.version, on=on, today=TODAY)
    return complaint


def all_measures(org, period):
    return {metric.key: metric.compute(MetricQuery(org, period)) for metric in METRICS if metric.compute is not None}


def test_anonymise_erases_personal_data_of_complaints_closed_long_ago_and_keeps_the_statistics(org, make_complaint):
    old = closed(make_complaint, D(2022, 3, 1), citizen_name="Jeanne", citizen_phone="0612", channel=Channel.LETTER)
    actions.judge(
        complaint=old, actor=None, seen_version=old.version, justified=Justified.YES, action_note="Signalétique"
    )
    recent = closed(make_complaint, D(2025, 3, 2), citizen_name="Paul")
    still_open = make_complaint(received_on=D(2022, 3, 3), citizen_name="Luc")
    before = {period: all_measures(org, Period.parse(period)) for period in ("2022", "2022-03", "2025")}

    count = actions.anonymise_closed(org, D(2023, 11, 27), None)

    assert count == 1
    old.refresh_from_db()
    assert (old.citizen_name, old.citizen_email, old.citizen_phone, old.description, old.answer) == ("",) * 5
    assert old.subject == actions.ERASED and old.anonymised_at is not None
    assert (old.received_on, old.channel, old.justified, old.status) == (D(2022, 3, 1), "courrier", "oui", "closed")
    assert old.action_note == "Signalétique"
    assert Complaint.objects.get(pk=recent.pk).citizen_name == "Paul"
    assert Complaint.objects.get(pk=still_open.pk).citizen_name == "Luc"
    assert {period: all_measures(org, Period.parse(period)) for period in before} == before
    event = AuditEvent.objects.get(action=actions.ANONYMISED)
    assert event.after is not None and event.after["réclamations anonymisées"] == 1
    assert actions.anonymise_closed(org, D(2023, 11, 27), None) == 0  # nothing left: no second event
    assert AuditEvent.objects.filter(action=actions.ANONYMISED).count() == 1


def test_an_anonymised_complaint_can_no_longer_be_edited_and_an_open_form_is_stale(org, make_complaint):
    old = closed(make_complaint, D(2021, 3, 1))
    seen = old.version
    actions.anonymise_closed(org, D(2023, 1, 1), None)
    with pytest.raises(ConcurrentEditError):
        actions.reopen(complaint=old, actor=None, seen_version=seen, today=TODAY)
    old.refresh_from_db()
    assert actions.allowed_transitions(old) == []


def test_the_anonymise_command_uses_the_town_retention_period(org, make_complaint, capsys):
    org.retention_years = 1
    org.save()
    old = closed(make_complaint, D(2024, 1, 8))
    call_command("anonymise", "--org", org.slug)
    assert "Réclamations et suggestions : 1 enregistrement(s) anonymisé(s)" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.is_anonymised
    assert history_of(old).filter(action="answer").exists()


def test_reminders_go_to_the_agent_in_charge_and_unassigned_ones_to_the_quality_managers(
    org, make_member, make_complaint
):
    agent = make_member(org, Role.AGENT)
    manager = make_member(org, Role.QUALITY_MANAGER)
    mine = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)  # acknowledgement due 4 November
    web = make_complaint(received_on=D(2026, 11, 26), channel=Channel.WEB)  # acknowledgement due 30 November
    answered = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)
    actions.answer(complaint=answered, actor=None, seen_version=0, on=D(2026, 11, 3), today=TODAY)
    grouped = reminders_by_person(org, TODAY, D(2026, 12, 1))
    assert [item.reference for item in grouped[agent]] == [mine.tracking_number]
    assert [item.reference for item in grouped[manager]] == [web.tracking_number]
    item = grouped[agent][0]
    assert item.due_on == D(2026, 11, 4) and "accusé de réception à envoyer" in item.label
    assert "Jeanne" not in item.label and "Attente" not in item.label
    assert item.path == f"/o/{org.slug}/reclamations/{mine.pk}/"


def test_send_reminders_emails_the_complaints(org, make_member, make_complaint):
    agent = make_member(org, Role.AGENT)
    make_complaint(received_on=D(2026, 11, 2), handled_by=agent)
    call_command("send_reminders", "--org", org.slug, "--today", "2026-11-27")
    assert mail.outbox[0].to == [agent.email]
    assert "Réclamations et suggestions" in mail.outbox[0].body and "04/11/2026" in mail.outbox[0].body
