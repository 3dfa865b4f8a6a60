"""Inviting someone who already has an account (issue 10, item 8): they join only when they
accept, logged in; the inviting page says the same whether or not the address has an
account, and never shows their name."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from administration.models import Invitation
from core.localtime import PARIS
from core.models import AuditEvent, Membership, Role, User

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS), tick=False),
]
NEIGHBOUR = "agent@autre-ville.test"  # an agent of the other town, named "agent Autre Ville"
NAME = "agent Autre Ville"


@pytest.fixture
def admin_client(org, client_as):
    return client_as(org, Role.ADMIN)


@pytest.fixture
def neighbour_client(other_org, client_as):
    return client_as(other_org, Role.AGENT)


@pytest.fixture
def neighbour(neighbour_client):
    return User.objects.get(email=NEIGHBOUR)


def invite(client, org, email, capture):
    body = {"email": email, "full_name": "", "role": "reader", "ends_on": ""}
    with capture(execute=True):
        response = client.post(reverse("administration:member_invite", args=[org.slug]), body, follow=True)
    return response.content.decode()


def test_the_inviting_page_says_the_same_whether_or_not_the_address_has_an_account(
    org, admin_client, neighbour, django_capture_on_commit_callbacks
):
    known = invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    unknown = invite(admin_client, org, "personne@nulle-part.test", django_capture_on_commit_callbacks)
    assert f"Une invitation a été envoyée à {NEIGHBOUR}." in known
    assert "Une invitation a été envoyée à personne@nulle-part.test." in unknown
    assert NAME not in known
    assert not Membership.objects.filter(organisation=org, user=neighbour).exists()
    assert Invitation.objects.get(organisation=org).user == neighbour
    event = AuditEvent.objects.get(organisation=org, action="invite", after__email=NEIGHBOUR)
    assert NAME not in str(event.after)
    sent = next(message for message in mail.outbox if message.to == [NEIGHBOUR])
    assert "/invitations/" in sent.body and "mot-de-passe" not in sent.body


def test_inviting_the_same_address_again_gets_one_message_for_a_member_or_a_pending_invitation(
    org, admin_client, neighbour, make_member, django_capture_on_commit_callbacks
):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    again = invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    member = invite(admin_client, org, "agent@ville-test.test", django_capture_on_commit_callbacks)
    message = "Cette personne a déjà un accès à votre ville ou une invitation en attente"
    assert message in again.replace("&#x27;", "'") and message in member.replace("&#x27;", "'")
    assert Invitation.objects.filter(organisation=org).count() == 1


def test_the_invited_person_accepts_when_logged_in_and_joins_the_town(
    org, admin_client, neighbour, neighbour_client, client, django_capture_on_commit_callbacks
):
    invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    invite_page = admin_client.get(reverse("administration:member_invite", args=[org.slug])).content.decode()
    assert "Invitations en attente" in invite_page and NEIGHBOUR in invite_page and NAME not in invite_page
    members_page = admin_client.get(reverse("administration:members", args=[org.slug])).content.decode()
    assert NEIGHBOUR not in members_page and NAME not in members_page

    assert client.get(reverse("administration:invitations")).status_code == 302  # to the login page
    visitor = neighbour_client
    page = visitor.get(reverse("administration:invitations")).content.decode()
    assert "Ville de Test" in page and "Accepter" in page
    invitation = Invitation.objects.get(organisation=org)
    response = visitor.post(reverse("administration:invitation_answer", args=[invitation.pk]), {"answer": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(organisation=org, user=neighbour).role == Role.READER
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(organisation=org, action="accept_invitation", actor=neighbour).count() == 1
    assert visitor.get(reverse("core:audit_trail", args=[org.slug])).status_code == 200


def test_a_refused_invitation_gives_no_access(
    org, admin_client, neighbour, neighbour_client, django_capture_on_commit_callbacks
):
    invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    visitor = neighbour_client
    invitation = Invitation.objects.get(organisation=org)
    visitor.post(reverse("administration:invitation_answer", args=[invitation.pk]), {"answer": "decline"})
    assert not Membership.objects.filter(organisation=org, user=neighbour).exists()
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(organisation=org, action="decline_invitation").count() == 1
    assert visitor.get(reverse("core:audit_trail", args=[org.slug])).status_code == 404


def test_someone_else_cannot_answer_an_invitation_nor_answer_with_get(
    org, admin_client, neighbour, neighbour_client, client_as, django_capture_on_commit_callbacks
):
    invite(admin_client, org, NEIGHBOUR, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(organisation=org)
    intruder = client_as(org, Role.AGENT)
    answer = reverse("administration:invitation_answer", args=[invitation.pk])
    assert intruder.post(answer, {"answer": "accept"}).status_code == 404
    assert "Aucune invitation en attente." in intruder.get(reverse("administration:invitations")).content.decode()
    assert neighbour_client.get(answer).status_code == 405
    assert Invitation.objects.filter(pk=invitation.pk).exists()
