"""The daily reminder of complaints: each agent receives the complaints they handle that wait
for an acknowledgement or an answer past or near its due date; the others go to the quality
managers. No name, contact or text of the complainant ever appears, nor another town's items."""

import datetime as dt

import pytest
from django.core.management import call_command

from complaints import actions
from complaints.imports import LABEL as REGISTER
from complaints.models import Channel, ComplaintSettings, Kind
from complaints.reminders import reminders
from complaints.tests.conftest import TODAY
from core.models import Membership, Role, Service

pytestmark = pytest.mark.django_db
D = dt.date
RUN_ON = TODAY.isoformat()  # Friday 27 November 2026; with --days 2, due soon means by Tuesday 1 December
PERSONAL = ("Jeanne", "Usagère", "jeanne@exemple.fr", "0612345678", "Attente au guichet", "quarante minutes")


def listed(mail) -> list[str]:
    """The tracking numbers a reminder lists, in the mail's order."""
    prefix = f"- {REGISTER} "
    return [line.removeprefix(prefix).split(" : ")[0] for line in mail.body.splitlines() if line.startswith(prefix)]


def line_of(mail, reference: str) -> str:
    return next(line for line in mail.body.splitlines() if line.startswith(f"- {REGISTER} {reference} : "))


def test_the_agent_in_charge_receives_acknowledgements_and_answers_due_in_order(
    org, followed, make_member, make_complaint, mailoutbox
):
    agent = make_member(org, Role.AGENT, email="agent@ville-test.test")
    reception = Service.objects.get(organisation=org, code="accueil")
    not_acknowledged = make_complaint(
        received_on=D(2026, 11, 2),
        handled_by=agent,
        service=reception,
        commitment_code="21",
        citizen_phone="0612345678",
    )  # acknowledgement due Wednesday 4 November
    not_answered = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)  # answer due 17 November
    actions.acknowledge(complaint=not_answered, actor=None, seen_version=0, on=D(2026, 11, 3), today=TODAY)
    soon = make_complaint(received_on=D(2026, 11, 26), handled_by=agent, channel=Channel.COUNTER)  # ack due 30/11
    suggestion = make_complaint(received_on=D(2026, 11, 27), handled_by=agent, kind=Kind.SUGGESTION)  # ack 01/12
    letter = make_complaint(received_on=D(2026, 11, 20), handled_by=agent, channel=Channel.LETTER)
    actions.acknowledge(complaint=letter, actor=None, seen_version=0, on=D(2026, 11, 20), today=TODAY)  # answer 11/12

    call_command("send_reminders", "--org", org.slug, "--today", RUN_ON)

    assert [mail.to for mail in mailoutbox] == [["agent@ville-test.test"]]
    mail = mailoutbox[0]
    assert listed(mail) == [
        not_acknowledged.tracking_number,
        not_answered.tracking_number,
        soon.tracking_number,
        suggestion.tracking_number,
    ]
    assert mail.subject == "Ville de Test : 2 dossier(s) en retard, 2 à échéance proche"
    assert line_of(mail, not_acknowledged.tracking_number).endswith(
        " : Réclamation reçue le 02/11/2026 par courriel — Accueil — engagement 21. Traiter systématiquement vos "
        "réclamations — accusé de réception à envoyer, échéance dépassée le 04/11/2026"
    )
    assert line_of(mail, not_answered.tracking_number).endswith(
        " : Réclamation reçue le 02/11/2026 par courriel — réponse à envoyer, échéance dépassée le 17/11/2026"
    )
    assert line_of(mail, soon.tracking_number).endswith(
        " : Réclamation reçue le 26/11/2026 au guichet — accusé de réception à envoyer, "
        "à traiter au plus tard le 30/11/2026"
    )
    assert line_of(mail, suggestion.tracking_number).endswith(
        " : Suggestion reçue le 27/11/2026 par courriel — accusé de réception à envoyer, "
        "à traiter au plus tard le 01/12/2026"
    )
    assert f"http://localhost:8000/o/ville-test/reclamations/{not_acknowledged.pk}/\n" in mail.body
    for text in PERSONAL:
        assert text not in mail.body and text not in mail.subject


def test_answered_closed_and_not_yet_due_complaints_are_not_reminded(org, make_member, make_complaint, mailoutbox):
    agent = make_member(org, Role.AGENT)
    waiting = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)
    answered = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)
    actions.answer(complaint=answered, actor=None, seen_version=0, on=D(2026, 11, 20), today=TODAY)
    closed = make_complaint(received_on=D(2026, 11, 2), handled_by=agent, kind=Kind.SUGGESTION)
    actions.close(complaint=closed, actor=None, seen_version=0, on=D(2026, 11, 3), today=TODAY)
    make_complaint(received_on=D(2026, 11, 27), handled_by=agent)  # acknowledgement due 1 December: not yet
    make_complaint(received_on=D(2026, 11, 27), handled_by=agent, kind=Kind.SUGGESTION)
    call_command("send_reminders", "--org", org.slug, "--today", RUN_ON, "--days", "1")  # due soon: by 30/11
    assert [listed(mail) for mail in mailoutbox] == [[waiting.tracking_number]]


def test_an_answer_awaited_before_a_late_acknowledgement_is_what_the_reminder_names(
    org, make_member, make_complaint, mailoutbox
):
    ComplaintSettings.objects.create(organisation=org, acknowledge_days=30, answer_days=5)
    agent = make_member(org, Role.AGENT)
    complaint = make_complaint(received_on=D(2026, 11, 20), handled_by=agent)  # answer due 27/11, ack 6 January
    call_command("send_reminders", "--org", org.slug, "--today", RUN_ON)
    assert line_of(mailoutbox[0], complaint.tracking_number).endswith(
        "— réponse à envoyer, à traiter au plus tard le 27/11/2026"
    )


def test_complaints_nobody_handles_or_whose_agent_left_go_to_the_quality_managers(
    org, make_member, make_complaint, mailoutbox
):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    agent = make_member(org, Role.AGENT, email="agent@ville-test.test")
    former = make_member(org, Role.AGENT, email="parti@ville-test.test")
    web = make_complaint(received_on=D(2026, 11, 26), channel=Channel.WEB)
    orphan = make_complaint(received_on=D(2026, 11, 2), handled_by=former)
    Membership.objects.filter(user=former).delete()
    mine = make_complaint(received_on=D(2026, 11, 2), handled_by=agent)
    call_command("send_reminders", "--org", org.slug, "--today", RUN_ON)
    by_person = {mail.to[0]: listed(mail) for mail in mailoutbox}
    assert by_person == {
        "agent@ville-test.test": [mine.tracking_number],
        "qualite@ville-test.test": [orphan.tracking_number, web.tracking_number],
    }


def test_another_towns_complaints_never_go_to_this_towns_people(
    org, other_org, make_member, make_complaint, mailoutbox
):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    their_agent = make_member(other_org, Role.AGENT, email="agent@autre-ville.test")
    ours = make_complaint(received_on=D(2026, 11, 2))
    theirs = make_complaint(other_org, received_on=D(2026, 11, 2), handled_by=their_agent)
    call_command("send_reminders", "--today", RUN_ON)  # every town
    by_person = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_person) == {"qualite@ville-test.test", "agent@autre-ville.test"}
    assert listed(by_person["qualite@ville-test.test"]) == [ours.tracking_number]
    assert listed(by_person["agent@autre-ville.test"]) == [theirs.tracking_number]
    assert "/o/autre-ville/" not in by_person["qualite@ville-test.test"].body


def test_the_reminder_reads_the_complaints_in_two_queries(org, make_member, make_complaint, django_assert_num_queries):
    agent = make_member(org, Role.AGENT)
    make_member(org, Role.QUALITY_MANAGER)
    reception = Service.objects.get(organisation=org, code="accueil")
    for day in (2, 3, 4, 5, 6):
        make_complaint(received_on=D(2026, 11, day), handled_by=agent, service=reception)
        make_complaint(received_on=D(2026, 11, day), channel=Channel.WEB)
    with django_assert_num_queries(2):
        pairs = list(reminders(org, TODAY, D(2026, 12, 1)))
    assert len(pairs) == 10
