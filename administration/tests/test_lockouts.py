"""The administrator's page of login lockouts: the town's members locked out now, per address
or account-wide, and a button that lifts one, journaled."""

import pytest
from django.urls import reverse

from core.models import AuditEvent, Role
from core.tests.test_lockout import QUALITE, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


def fail(username, address, times):
    for _ in range(times):
        log_in(address, username=username, password="faux")


def can_log_in(address, username=QUALITE):
    return log_in(address, username=username) == 302


def page(org):
    return reverse("administration:lockouts", args=[org.slug])


def test_the_page_lists_the_members_locked_out_and_nobody_from_another_town(
    org, other_org, qualite, make_member, admin_client_org
):
    make_member(other_org, Role.AGENT, email="agent@autre-ville.test")
    fail(QUALITE, "203.0.113.7", 5)
    fail("agent@autre-ville.test", "203.0.113.8", 5)
    fail(QUALITE, "203.0.113.9", 2)  # not locked from there
    html = admin_client_org.get(page(org)).content.decode()
    assert "Connexions bloquées" in html and QUALITE in html and "203.0.113.7" in html
    assert "203.0.113.9" not in html and "agent@autre-ville.test" not in html and "203.0.113.8" not in html


def test_an_account_locked_from_every_address_shows_once_as_such(org, qualite, admin_client_org):
    for number in range(30):
        fail(QUALITE, f"203.0.113.{number}", 1)
    html = admin_client_org.get(page(org)).content.decode()
    assert "Tous les postes" in html


def test_lifting_a_lockout_lets_her_in_again_and_is_journaled_with_the_administrator(org, qualite, admin_client_org):
    fail(QUALITE, "203.0.113.7", 5)
    assert not can_log_in("203.0.113.7")
    membership = qualite.memberships.get()
    response = admin_client_org.post(page(org), {"membre": membership.pk, "adresse": "203.0.113.7"}, follow=True)
    assert "peut de nouveau se connecter" in response.content.decode()
    assert can_log_in("203.0.113.7")
    unlock = AuditEvent.objects.get(organisation=org, action="unlock")
    assert unlock.actor is not None and unlock.actor.memberships.get().role == Role.ADMIN
    assert unlock.after == {"client_address": "203.0.113.7"}


def test_lifting_an_account_wide_lockout_lets_her_in_from_anywhere(org, qualite, admin_client_org):
    for number in range(30):
        fail(QUALITE, f"203.0.113.{number}", 1)
    assert not can_log_in("192.0.2.10")
    admin_client_org.post(page(org), {"membre": qualite.memberships.get().pk, "adresse": ""})
    assert can_log_in("192.0.2.10")


def test_an_outsider_gets_404_and_a_quality_manager_403_and_nothing_is_lifted(
    org, qualite, outsider_client, manager_client
):
    fail(QUALITE, "203.0.113.7", 5)
    data = {"membre": qualite.memberships.get().pk, "adresse": "203.0.113.7"}
    assert outsider_client.get(page(org)).status_code == 404
    assert outsider_client.post(page(org), data).status_code == 404
    assert manager_client.post(page(org), data).status_code == 403
    assert not can_log_in("203.0.113.7")


def test_a_member_of_another_town_cannot_be_unlocked_from_here(org, other_org, make_member, admin_client_org):
    stranger = make_member(other_org, Role.AGENT, email="agent@autre-ville.test")
    fail("agent@autre-ville.test", "203.0.113.8", 5)
    data = {"membre": stranger.memberships.get().pk, "adresse": "203.0.113.8"}
    assert admin_client_org.post(page(org), data).status_code == 404
    assert not can_log_in("203.0.113.8", username="agent@autre-ville.test")


def test_a_forged_form_gets_a_french_message_and_lifts_nothing(org, qualite, admin_client_org):
    fail(QUALITE, "203.0.113.7", 5)
    response = admin_client_org.post(page(org), {"membre": "abc", "adresse": "pas-une-adresse"}, follow=True)
    assert "Ce blocage n&#x27;existe pas ou plus." in response.content.decode()
    assert not can_log_in("203.0.113.7")


def test_the_page_runs_the_same_queries_for_one_lockout_or_ten(org, make_member, admin_client_org, page_queries):
    make_member(org, Role.AGENT, email="agent0@ville-test.test")
    fail("agent0@ville-test.test", "203.0.113.1", 5)
    few = page_queries(admin_client_org, page(org))
    for number in range(1, 10):
        make_member(org, Role.AGENT, email=f"agent{number}@ville-test.test")
        fail(f"agent{number}@ville-test.test", "203.0.113.1", 5)
    assert page_queries(admin_client_org, page(org)) == few
