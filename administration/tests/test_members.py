"""The town's members: list and search, invitation by e-mail, role and end date, removal,
and the rule that a town always keeps an administrator."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import log_in_verified
from core.localtime import PARIS
from core.models import AuditEvent, Membership, Role, User

TODAY = dt.date(2026, 3, 11)  # a Wednesday; every test runs on it, at 10:00 in Paris
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS), tick=False),
]
NEXT_MONTH = TODAY + dt.timedelta(days=30)


def url(name, org, *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


def membership_of(org, user):
    return Membership.objects.get(organisation=org, user=user)


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ADMIN, email="admin@ville-test.test")


@pytest.fixture
def admin_client(admin):
    client = Client()
    log_in_verified(client, admin)
    return client


@pytest.fixture
def agent(org, make_member):
    return make_member(org, Role.AGENT, email="camille.agent@ville-test.test")


# --- List and search -------------------------------------------------------------------


def test_the_member_list_shows_name_e_mail_role_and_end_date(org, admin_client, agent, make_member):
    auditor = make_member(org, Role.AUDITOR, email="auditeur@afnor.test")
    html = admin_client.get(url("members", org)).content.decode()
    assert "camille.agent@ville-test.test" in html and "Agent" in html
    assert "auditeur@afnor.test" in html and "31/12/2099" in html
    assert str(auditor) in html
    assert "(vous)" in html


def test_the_member_list_searches_by_name_or_e_mail(org, admin_client, agent, make_member):
    make_member(org, Role.READER, email="dominique@ville-test.test")
    by_email = admin_client.get(url("members", org), {"q": "CAMILLE"}).content.decode()
    assert "camille.agent@ville-test.test" in by_email and "dominique@" not in by_email
    by_name = admin_client.get(url("members", org), {"q": "reader Ville"}).content.decode()
    assert "dominique@ville-test.test" in by_name and "camille.agent@" not in by_name
    nobody = admin_client.get(url("members", org), {"q": "personne"}).content.decode()
    assert "Aucun membre ne correspond à cette recherche." in nobody


def test_the_member_list_is_paginated_and_keeps_the_search(org, admin_client):
    for number in range(30):
        user = User.objects.create_user(f"agent{number:02}@ville-test.test", full_name=f"Agent {number:02}")
        Membership.objects.create(organisation=org, user=user, role=Role.AGENT)
    first = admin_client.get(url("members", org), {"q": "agent"})
    assert len(first.context["page"]) == 25
    assert "Page 1 sur 2" in first.content.decode() and "q=agent&amp;page=2" in first.content.decode()
    second = admin_client.get(url("members", org), {"q": "agent", "page": 2})
    assert len(second.context["page"]) == 5


def test_the_member_list_runs_the_same_queries_whatever_the_number_of_members(org, admin_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url("members", org)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(20):
        user = User.objects.create_user(f"m{number}@ville-test.test")
        Membership.objects.create(organisation=org, user=user, role=Role.READER)
    assert queries() == few
    assert few <= 6  # +1: the verified second factor (accounts, ADR 0015)


def test_the_member_list_shows_only_the_town_s_members(org, other_org, admin_client, make_member):
    make_member(other_org, Role.AGENT, email="voisin@autre-ville.test")
    assert "voisin@autre-ville.test" not in admin_client.get(url("members", org)).content.decode()


# --- Invitation ------------------------------------------------------------------------


def invite(client, org, **changes):
    body = {"email": "nouvelle@example.org", "full_name": "Claude Nouvelle", "role": "reader", "ends_on": ""}
    return client.post(url("member_invite", org), body | changes)


def test_an_invitation_sends_one_e_mail_whose_link_sets_a_password_that_opens_the_town(
    org, admin, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, org, email="Nouvelle@Example.org", role="quality_manager")
    assert response.status_code == 302 and response["Location"] == url("members", org)

    membership = Membership.objects.get(organisation=org, user__email="nouvelle@example.org")
    assert membership.role == Role.QUALITY_MANAGER and membership.user.full_name == "Claude Nouvelle"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"] and "Ville de Test" in message.subject
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", str(message.body))
    assert link, message.body

    newcomer = Client()
    set_password_page = newcomer.get(link.group(1), follow=True)
    assert "Choisir un mot de passe" in set_password_page.content.decode()
    form_url = set_password_page.redirect_chain[-1][0]
    done = newcomer.post(
        form_url, {"new_password1": "Un-mot-de-passe-solide-42", "new_password2": "Un-mot-de-passe-solide-42"}
    )
    assert done.status_code == 302

    visitor = Client()
    login = visitor.post(
        reverse("core:login"), {"username": "nouvelle@example.org", "password": "Un-mot-de-passe-solide-42"}
    )
    assert login.status_code == 302
    # A quality manager activates the second factor first (accounts, ADR 0015).
    first_page = visitor.get(reverse("core:audit_trail", args=[org.slug]))
    assert first_page.status_code == 302 and first_page["Location"].startswith(reverse("accounts:enrol"))

    event = AuditEvent.objects.get(organisation=org, action="invite")
    assert event.actor == admin and event.after == {
        "user": membership.user_id,
        "role": "quality_manager",
        "ends_on": None,
        "email": "nouvelle@example.org",
    }
    assert (
        "Une invitation a été envoyée à nouvelle@example.org." in admin_client.get(url("members", org)).content.decode()
    )


def test_inviting_someone_who_already_has_an_account_elsewhere_keeps_their_account(
    org, other_org, admin_client, make_member
):
    neighbour = make_member(other_org, Role.ADMIN, email="voisin@autre-ville.test")
    invite(admin_client, org, email="voisin@autre-ville.test", role="reader")
    assert not Membership.objects.filter(organisation=org, user=neighbour).exists()  # until they accept
    assert membership_of(other_org, neighbour).role == Role.ADMIN
    assert User.objects.filter(email="voisin@autre-ville.test").count() == 1


def refused_invitation(client, org, **changes):
    users, memberships, events = User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()
    response = invite(client, org, **changes)
    assert response.status_code == 200
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == (
        users,
        memberships,
        events,
    )
    assert mail.outbox == []
    return response.content.decode()


def test_an_auditor_without_an_end_date_is_refused(org, admin_client):
    html = refused_invitation(admin_client, org, role="auditor", ends_on="")
    assert "Un auditeur n&#x27;a accès que pour une durée limitée : indiquez une date de fin d&#x27;accès." in html


@pytest.mark.parametrize("ends_on", [TODAY, TODAY - dt.timedelta(days=1)])
def test_an_end_date_that_is_not_in_the_future_is_refused(org, admin_client, ends_on):
    html = refused_invitation(admin_client, org, role="auditor", ends_on=ends_on.isoformat())
    assert "La date de fin d&#x27;accès doit être postérieure à aujourd&#x27;hui" in html


def test_an_auditor_with_a_future_end_date_is_invited(org, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, org, role="auditor", ends_on=NEXT_MONTH.isoformat())
    membership = Membership.objects.get(organisation=org, user__email="nouvelle@example.org")
    assert (membership.role, membership.ends_on) == (Role.AUDITOR, NEXT_MONTH)
    assert NEXT_MONTH.strftime("%d/%m/%Y") in mail.outbox[0].body


def test_a_tester_without_an_end_date_is_refused_in_french(org, admin_client):
    html = refused_invitation(admin_client, org, role="tester", ends_on="")
    assert "Un testeur n&#x27;a accès que pour une durée limitée : indiquez une date de fin d&#x27;accès." in html


def test_the_invitation_form_offers_the_tester_role_and_explains_it(org, admin_client):
    html = admin_client.get(url("member_invite", org)).content.decode()
    assert '<option value="tester">testeur</option>' in html
    assert (
        "Testeur : personne extérieure qui remplit les grilles de visite, d&#x27;appel ou de courrier mystère "
        "qui lui sont confiées, jusqu&#x27;à la date de fin" in html
    )


def test_a_tester_with_a_future_end_date_is_invited_and_told_until_when(
    org, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, org, email="mystere@cabinet.example", role="tester", ends_on=NEXT_MONTH.isoformat())
    membership = Membership.objects.get(organisation=org, user__email="mystere@cabinet.example")
    assert (membership.role, membership.ends_on) == (Role.TESTER, NEXT_MONTH)
    assert "« testeur »" in mail.outbox[0].body and NEXT_MONTH.strftime("%d/%m/%Y") in mail.outbox[0].body
    assert AuditEvent.objects.get(organisation=org, action="invite").after == {
        "user": membership.user_id,
        "role": "tester",
        "ends_on": NEXT_MONTH.isoformat(),
        "email": "mystere@cabinet.example",
    }


def test_a_tester_cannot_be_kept_without_an_end_date_by_the_database(org, agent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(organisation=org, user=agent).update(role=Role.TESTER, ends_on=None)


def test_inviting_an_e_mail_that_already_has_access_to_the_town_is_refused(org, admin_client, agent):
    html = refused_invitation(admin_client, org, email="CAMILLE.agent@ville-test.test")
    assert "Cette personne a déjà un accès à votre ville" in html


def test_an_invalid_e_mail_is_refused_in_french(org, admin_client):
    assert "Saisissez une adresse e-mail valide." in refused_invitation(admin_client, org, email="pas-une-adresse")


# --- Role and end date -----------------------------------------------------------------


def test_an_administrator_changes_a_member_s_role_and_end_date(org, admin_client, agent):
    membership = membership_of(org, agent)
    response = admin_client.post(
        url("member_edit", org, membership.pk), {"role": "auditor", "ends_on": NEXT_MONTH.isoformat()}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.ends_on) == (Role.AUDITOR, NEXT_MONTH)
    [event] = AuditEvent.objects.filter(organisation=org, object_type="core.membership")
    assert event.action == "update"
    assert event.before == {"role": "agent", "ends_on": None}
    assert event.after == {"role": "auditor", "ends_on": NEXT_MONTH.isoformat()}


@pytest.mark.parametrize(("role", "who"), [("auditor", "Un auditeur"), ("tester", "Un testeur")])
def test_making_a_member_an_auditor_or_a_tester_without_an_end_date_is_refused(org, admin_client, agent, role, who):
    membership = membership_of(org, agent)
    response = admin_client.post(url("member_edit", org, membership.pk), {"role": role, "ends_on": ""})
    assert f"{who} n&#x27;a accès que pour une durée limitée : indiquez une date de fin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.AGENT
    assert not AuditEvent.objects.exists()


def test_a_past_end_date_already_recorded_does_not_block_a_role_change(org, admin_client, agent):
    membership = membership_of(org, agent)
    Membership.objects.filter(pk=membership.pk).update(ends_on=TODAY - dt.timedelta(days=3))
    response = admin_client.post(
        url("member_edit", org, membership.pk),
        {"role": "reader", "ends_on": (TODAY - dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.READER


# --- Removal ---------------------------------------------------------------------------


def test_removing_a_member_asks_for_confirmation_and_keeps_their_account(org, admin_client, agent):
    membership = membership_of(org, agent)
    page = admin_client.get(url("member_remove", org, membership.pk)).content.decode()
    assert "Son compte n'est pas supprimé" in page and "Retirer l'accès</button>" in page
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = admin_client.post(url("member_remove", org, membership.pk))
    assert response["Location"] == url("members", org)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=agent.pk).exists()
    [event] = AuditEvent.objects.filter(organisation=org)
    assert event.action == "delete"
    assert event.before == {"user": agent.pk, "role": "agent", "ends_on": None, "email": agent.email}

    removed = Client()
    log_in_verified(removed, agent)
    assert removed.get(reverse("core:audit_trail", args=[org.slug])).status_code == 404


# --- The last administrator ------------------------------------------------------------


def test_the_last_administrator_cannot_demote_themself(org, admin, admin_client):
    membership = membership_of(org, admin)
    response = admin_client.post(url("member_edit", org, membership.pk), {"role": "reader", "ends_on": ""})
    assert response.status_code == 200
    assert "est le dernier administrateur de la ville" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert not AuditEvent.objects.exists()


def test_the_last_administrator_cannot_give_themself_an_end_date(org, admin, admin_client):
    membership = membership_of(org, admin)
    response = admin_client.post(
        url("member_edit", org, membership.pk), {"role": "admin", "ends_on": NEXT_MONTH.isoformat()}
    )
    assert "est le dernier administrateur de la ville" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_the_last_administrator_cannot_remove_themself(org, admin, admin_client):
    membership = membership_of(org, admin)
    page = admin_client.get(url("member_remove", org, membership.pk)).content.decode()
    assert "est le dernier administrateur de la ville" in page and "Retirer l'accès</button>" not in page
    response = admin_client.post(url("member_remove", org, membership.pk), follow=True)
    assert "est le dernier administrateur de la ville" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.exists()


def test_an_administrator_may_step_down_when_another_administrator_remains(org, admin, admin_client, make_member):
    make_member(org, Role.ADMIN, email="maire@ville-test.test")
    membership = membership_of(org, admin)
    response = admin_client.post(url("member_edit", org, membership.pk), {"role": "reader", "ends_on": ""})
    assert response["Location"] == reverse("core:home")
    membership.refresh_from_db()
    assert membership.role == Role.READER
    assert admin_client.get(url("members", org)).status_code == 403


def test_an_administrator_may_leave_the_town_when_another_administrator_remains(org, admin, admin_client, make_member):
    make_member(org, Role.ADMIN, email="maire@ville-test.test")
    membership = membership_of(org, admin)
    response = admin_client.post(url("member_remove", org, membership.pk))
    assert response["Location"] == reverse("core:home")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=admin.pk).exists()


def test_an_administrator_with_an_end_date_does_not_count_as_the_lasting_one(org, admin, admin_client, make_member):
    temporary = make_member(org, Role.ADMIN, email="interim@ville-test.test")
    Membership.objects.filter(user=temporary).update(ends_on=NEXT_MONTH)
    membership = membership_of(org, admin)
    response = admin_client.post(url("member_edit", org, membership.pk), {"role": "reader", "ends_on": ""})
    assert "est le dernier administrateur de la ville" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
