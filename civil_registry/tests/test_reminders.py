"""The daily reminder of act requests: the quality managers receive the requests still to
deliver that are overdue or due soon, with the act's type, format, channel and service only,
and never another town's."""

import datetime as dt

import pytest
from django.core.management import call_command

from civil_registry import actions
from civil_registry.models import ActChannel, ActFormat, ActType
from civil_registry.reminders import REGISTER, reminders
from core.models import Membership, Role

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = "2026-07-15"  # a Wednesday; 14 July is a holiday


def listed(mail) -> list[str]:
    """The references of the act requests a reminder lists, in the mail's order."""
    prefix = f"- {REGISTER} "
    return [line.removeprefix(prefix).split(" : ")[0] for line in mail.body.splitlines() if line.startswith(prefix)]


def test_the_quality_managers_receive_the_overdue_then_the_due_soon_requests(org, make_member, make_act, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    overdue = make_act(received_on=D(2026, 7, 1))  # post: due Wednesday 8 July
    soon = make_act(received_on=D(2026, 7, 10), act_type=ActType.DEATH, act_format=ActFormat.MULTILINGUAL)  # 20/07
    counter = make_act(channel=ActChannel.COUNTER, received_on=D(2026, 7, 15))  # due today: not late yet
    make_act(received_on=D(2026, 7, 15))  # due 22 July: after the 3 working days
    call_command("send_reminders", "--org", org.slug, "--today", TODAY, "--days", "3")
    assert [mail.to for mail in mailoutbox] == [["qualite@ville-test.test"]]
    mail = mailoutbox[0]
    assert listed(mail) == [overdue.reference, counter.reference, soon.reference]
    assert mail.subject == "Ville de Test : 1 dossier(s) en retard, 2 à échéance proche"
    assert mail.body.index(overdue.reference) < mail.body.index("Échéance proche") < mail.body.index(soon.reference)
    assert (
        f"- {REGISTER} {soon.reference} : Acte de décès (extrait plurilingue) demandé le 10/07/2026 "
        "par courrier — État civil, à traiter au plus tard le 20/07/2026"
    ) in mail.body
    assert (
        f"- {REGISTER} {counter.reference} : Acte de naissance (copie intégrale) demandé le 15/07/2026 "
        "au guichet — État civil, à traiter au plus tard le 15/07/2026"
    ) in mail.body
    assert (
        f"échéance dépassée le 08/07/2026\n  http://localhost:8000/o/ville-test/etat-civil/demandes/{overdue.pk}/\n"
    ) in mail.body


def test_delivered_and_refused_requests_are_not_reminded(org, make_member, make_act, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER)
    pending = make_act(received_on=D(2026, 7, 1))
    delivered = make_act(received_on=D(2026, 7, 1))
    actions.deliver(delivered, actor=None, seen_version=delivered.version, on=D(2026, 7, 13))
    refused = make_act(received_on=D(2026, 7, 1))
    actions.refuse(refused, actor=None, seen_version=refused.version, on=D(2026, 7, 2))
    make_act(received_on=D(2026, 7, 1), delivered_on=D(2026, 7, 1))  # delivered at registration
    call_command("send_reminders", "--org", org.slug, "--today", TODAY)
    assert [listed(mail) for mail in mailoutbox] == [[pending.reference]]


def test_a_request_put_back_to_deliver_is_reminded_again(org, make_member, make_act, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER)
    act = make_act(received_on=D(2026, 7, 1))
    act = actions.deliver(act, actor=None, seen_version=act.version, on=D(2026, 7, 2))
    actions.reopen(act, actor=None, seen_version=act.version)
    call_command("send_reminders", "--org", org.slug, "--today", TODAY)
    assert [listed(mail) for mail in mailoutbox] == [[act.reference]]


def test_another_towns_requests_never_go_to_this_towns_people(org, other_org, make_member, make_act, mailoutbox):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    make_member(other_org, Role.QUALITY_MANAGER, email="qualite@autre-ville.test")
    ours = make_act(received_on=D(2026, 7, 1))
    theirs = make_act(other_org, received_on=D(2026, 7, 1))
    call_command("send_reminders", "--today", TODAY)  # every town
    by_person = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_person) == {"qualite@ville-test.test", "qualite@autre-ville.test"}
    assert listed(by_person["qualite@ville-test.test"]) == [ours.reference]
    assert listed(by_person["qualite@autre-ville.test"]) == [theirs.reference]
    assert "/o/autre-ville/" not in by_person["qualite@ville-test.test"].body
    assert "/o/ville-test/" not in by_person["qualite@autre-ville.test"].body


def test_nobody_but_the_quality_managers_of_the_town_receives_them(org, make_member, make_act, mailoutbox):
    for role in (Role.ADMIN, Role.AGENT, Role.READER, Role.AUDITOR):
        make_member(org, role)
    former = make_member(org, Role.QUALITY_MANAGER)
    Membership.objects.filter(user=former).update(ends_on=D(2026, 7, 14))
    make_act(received_on=D(2026, 7, 1))
    call_command("send_reminders", "--org", org.slug, "--today", TODAY)
    assert mailoutbox == []


def test_the_reminder_reads_the_requests_in_two_queries(org, make_member, make_act, django_assert_num_queries):
    for email in ("un@ville-test.test", "deux@ville-test.test"):
        make_member(org, Role.QUALITY_MANAGER, email=email)
    for day in range(1, 8):
        make_act(received_on=D(2026, 7, day))
    with django_assert_num_queries(2):
        pairs = list(reminders(org, D(2026, 7, 15), D(2026, 7, 20)))
    assert len(pairs) == 14
