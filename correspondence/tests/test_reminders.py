"""The daily reminder: each agent receives their overdue and due-soon requests, without any
personal data; unassigned requests go to the quality managers."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from core.models import Membership, Role
from correspondence import actions
from correspondence.models import Channel

pytestmark = pytest.mark.django_db
TODAY = "2026-07-15"  # a Wednesday


def test_each_agent_receives_their_overdue_then_due_soon_requests(org, make_member, make_request, mailoutbox):
    agent = make_member(org, Role.AGENT, email="agent@ville-test.test")
    overdue = make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 1), assigned_to=agent)  # due 08/07
    soon = make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 10), assigned_to=agent)  # due 20/07
    make_request(channel=Channel.LETTER, received_on=dt.date(2026, 7, 10), assigned_to=agent)  # due 03/08: later
    answered = make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 1), assigned_to=agent)
    actions.answer(answered, actor=None, seen_version=answered.version, on=dt.date(2026, 7, 2))
    call_command("send_reminders", "--org", org.slug, "--today", TODAY, "--days", "3")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["agent@ville-test.test"]
    assert mail.subject == "Ville de Test : 1 dossier(s) en retard, 1 à échéance proche"
    assert mail.body.index(overdue.reference) < mail.body.index("Échéance proche") < mail.body.index(soon.reference)
    assert f"/o/ville-test/courriers/{overdue.pk}/" in mail.body
    assert "Jeanne" not in mail.body and "stationnement" not in mail.body


def test_requests_nobody_handles_go_to_the_quality_managers(org, make_member, make_request, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 1))
    call_command("send_reminders", "--org", org.slug, "--today", TODAY)
    assert [mail.to for mail in mailoutbox] == [["qualite@ville-test.test"]]


def test_a_request_whose_agent_has_left_goes_to_the_quality_managers(org, make_member, make_request, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    agent = make_member(org, Role.AGENT, email="parti@ville-test.test")
    make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 1), assigned_to=agent)
    Membership.objects.filter(user=agent).update(ends_on=dt.date(2026, 7, 14))
    call_command("send_reminders", "--org", org.slug, "--today", TODAY)
    assert [mail.to for mail in mailoutbox] == [["qualite@ville-test.test"]]


def test_a_dry_run_lists_without_sending(org, make_member, make_request, mailoutbox, capsys):
    agent = make_member(org, Role.AGENT, email="agent@ville-test.test")
    make_request(channel=Channel.EMAIL, received_on=dt.date(2026, 7, 1), assigned_to=agent)
    call_command("send_reminders", "--today", TODAY, "--dry-run")
    out = capsys.readouterr().out
    assert "agent@ville-test.test : 1 dossier(s)" in out and "1 e-mail(s) de rappel à envoyer" in out
    assert mailoutbox == []


def test_a_bad_date_or_an_unknown_town_is_refused_in_french(org):
    with pytest.raises(CommandError, match="Date « 15/07/2026 » invalide"):
        call_command("send_reminders", "--today", "15/07/2026")
    with pytest.raises(CommandError, match="Organisation « nulle-part » inconnue"):
        call_command("send_reminders", "--org", "nulle-part")
