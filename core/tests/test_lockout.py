"""Login lockout on an e-mail and an address together, a slower limit per account from any
address, and the logins in the journal of each of the person's towns."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from core.models import AuditEvent, Membership, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]
QUALITE = "qualite@ville-test.test"
HOME = "192.0.2.10"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, QUALIPILOTE_ACCOUNT_FAILURE_LIMIT=30):
        yield


@pytest.fixture
def qualite(org, make_member):
    return make_member(org, Role.QUALITY_MANAGER, email=QUALITE)


def log_in(address, username=QUALITE, password=PASSWORD, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    return client.post(reverse("core:login"), {"username": username, "password": password}).status_code


def test_five_failures_from_other_addresses_do_not_lock_her_out_from_her_own(qualite):
    for number in range(5):
        assert log_in(f"203.0.113.{number}", password="faux") == 200
    statuses = [log_in("203.0.113.99", password="faux") for _ in range(5)]
    assert statuses == [200] * 4 + [429]  # that address is locked out at its fifth failure
    assert log_in(HOME) == 302


def test_five_failures_from_one_address_lock_that_address_for_that_account_only(qualite, make_member, org):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    for _ in range(5):
        log_in("203.0.113.7", password="faux")
    assert log_in("203.0.113.7") == 429
    assert log_in("203.0.113.7", username="agent@ville-test.test") == 302
    assert log_in(HOME) == 302


def test_the_letters_case_of_the_email_does_not_make_a_new_counter(qualite):
    spellings = ["QUALITE@ville-test.test", "Qualite@Ville-Test.test", QUALITE, " qualite@VILLE-test.test", QUALITE]
    for username in spellings:
        log_in("203.0.113.7", username=username, password="faux")
    assert log_in("203.0.113.7") == 429


def test_thirty_failures_from_many_addresses_lock_the_account_everywhere(qualite):
    statuses = [log_in(f"203.0.113.{number}", password="faux") for number in range(30)]
    assert statuses == [200] * 29 + [429]
    assert log_in(HOME) == 429


@override_settings(QUALIPILOTE_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_failures_of_strangers_lock_neither_qualite_nor_each_other(qualite):
    for number in range(5):
        log_in("127.0.0.1", username=f"inconnu{number}@exemple.fr", password="faux", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert log_in("127.0.0.1", HTTP_X_FORWARDED_FOR=HOME) == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_logins_failures_and_lockouts_are_in_the_journal_of_each_of_her_towns(qualite, other_org):
    Membership.objects.create(organisation=other_org, user=qualite, role=Role.READER)
    assert log_in(HOME) == 302
    for _ in range(5):
        log_in("203.0.113.7", password="faux")
    log_in("203.0.113.7", password="faux")  # refused unheard: not counted again
    for town in (qualite.memberships.get(role=Role.QUALITY_MANAGER).organisation, other_org):
        events = AuditEvent.objects.filter(organisation=town, object_type="core.user", object_id=str(qualite.pk))
        actions = list(events.order_by("id").values_list("action", flat=True))
        assert actions == ["login"] + ["login_failed"] * 5 + ["lockout"]
        lockout = events.get(action="lockout")
        assert lockout.after == {"client_address": "203.0.113.7", "failures": 5}
        assert lockout.actor is None and events.get(action="login").actor == qualite


def test_failures_for_an_unknown_email_write_no_town_journal(qualite):
    for _ in range(5):
        log_in("203.0.113.7", username="inconnu@exemple.fr", password="faux")
    assert not AuditEvent.objects.filter(action__in=["login_failed", "lockout"]).exists()
