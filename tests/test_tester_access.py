"""A tester (an outside person who fills the mystery grids given to them, issue 13) reaches
only the pages declared `org_view(Capability.FILL_GRIDS)`, until their end date: every other
page of the town answers 404, as to an outsider, and so does every page after that date."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.testing import log_in_verified
from core.access import Capability, can, may_open
from core.localtime import PARIS
from core.models import AuditEvent, Membership, Role
from core.registries import LANDING_PAGES, landing_page
from tests.samples import sample_values
from tests.urlwalk import organisation_routes

TODAY = dt.date(2026, 3, 11)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS), tick=False),
]
GRIDS = "/o/ville-test/grilles-essai/"


@pytest.fixture
def tester(org, make_member):
    user = make_member(org, Role.TESTER, email="mystere@cabinet.example")
    Membership.objects.filter(user=user).update(ends_on=TODAY + dt.timedelta(days=30))
    return user


@pytest.fixture
def tester_client(tester):
    return log_in_verified(Client(), tester)


def membership_of(user):
    return Membership.objects.select_related("organisation").get(user=user)


@contextmanager
def audits_landing(page: Any) -> Iterator[None]:
    """The audits app's landing page (« Mes grilles » for a tester) replaced by `page` (None:
    no page offered) for the time of a test, then given back."""
    offered = LANDING_PAGES.get("audits")
    LANDING_PAGES.unregister("audits")
    if page is not None:
        LANDING_PAGES.register("audits", page)
    try:
        yield
    finally:
        LANDING_PAGES.unregister("audits")
        LANDING_PAGES.register("audits", offered)


@pytest.fixture
def grids_landing():
    """The test page as the landing page the audits app offers a tester."""
    with audits_landing(lambda membership: GRIDS if membership.role == Role.TESTER else None):
        yield


@pytest.fixture
def no_landing():
    with audits_landing(None):
        yield


def test_a_tester_fills_grids_and_nothing_else():
    tester = Membership(role=Role.TESTER)
    assert [capability for capability in Capability if can(tester, capability)] == [Capability.FILL_GRIDS]
    for role in (Role.ADMIN, Role.QUALITY_MANAGER, Role.AGENT):
        assert can(Membership(role=role), Capability.FILL_GRIDS), role
    for role in (Role.READER, Role.AUDITOR):
        assert not can(Membership(role=role), Capability.FILL_GRIDS), role


def test_a_tester_gets_404_on_every_page_of_their_own_town_and_changes_nothing(org, tester_client):
    values = sample_values(org)
    events_before = AuditEvent.objects.count()
    routes = organisation_routes()
    assert len(routes) > 100
    for route in routes:
        if getattr(route.view, "read_capability", None) == Capability.FILL_GRIDS:
            continue  # the grid pages: their own rule (the assessor's grids only), audits/tests/test_fill_views.py
        url = route.url(values)
        assert tester_client.get(url).status_code == 404, url
        assert tester_client.post(url, {}).status_code == 404, url
    assert AuditEvent.objects.count() == events_before


@pytest.mark.urls("tests.fill_grids_urls")
def test_a_tester_opens_a_page_declared_for_filling_grids_with_a_menu_of_their_grids_alone(
    org, tester_client, grids_landing
):
    response = tester_client.get(GRIDS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Grilles d'essai</h1>" in page
    assert f'<a href="{GRIDS}" aria-current="page">Mes grilles</a>' in page
    for elsewhere in ("Tableau de bord", "Engagements", "Réclamations", "Journal des modifications", "Paramètres"):
        assert elsewhere not in page
    assert reverse("dashboards:home", args=[org.slug]) not in page
    assert tester_client.post(GRIDS).status_code == 200


@pytest.mark.urls("tests.fill_grids_urls")
def test_staff_who_fill_grids_open_the_page_and_readers_and_auditors_get_403(org, client_as):
    for role in (Role.ADMIN, Role.QUALITY_MANAGER, Role.AGENT):
        assert client_as(org, role).get(GRIDS).status_code == 200, role
    for role in (Role.READER, Role.AUDITOR):
        assert client_as(org, role).get(GRIDS).status_code == 403, role


@pytest.mark.urls("tests.fill_grids_urls")
def test_after_the_end_date_the_tester_gets_404_even_on_the_grids(org, tester, tester_client):
    assert tester_client.get(GRIDS).status_code == 200
    Membership.objects.filter(user=tester).update(ends_on=TODAY - dt.timedelta(days=1))
    assert tester_client.get(GRIDS).status_code == 404
    assert tester_client.post(GRIDS).status_code == 404


@pytest.mark.urls("tests.fill_grids_urls")
def test_the_tester_of_another_town_gets_404_on_the_grids(org, other_org, make_member):
    stranger = make_member(other_org, Role.TESTER)
    assert log_in_verified(Client(), stranger).get(GRIDS).status_code == 404


@pytest.mark.urls("tests.fill_grids_urls")
def test_a_tester_lands_on_their_grids_after_logging_in(org, tester, tester_client, grids_landing):
    assert landing_page(membership_of(tester)) == GRIDS
    assert tester_client.get(reverse("core:home"))["Location"] == GRIDS


@pytest.mark.urls("tests.fill_grids_urls")
def test_staff_keep_their_landing_pages_when_an_app_offers_one_to_testers(org, make_member, grids_landing):
    agent = membership_of(make_member(org, Role.AGENT))
    reader = membership_of(make_member(org, Role.READER))
    assert landing_page(agent) == reverse("dashboards:home", args=[org.slug])
    assert landing_page(reader) == reverse("commitments:summary", args=[org.slug])


def test_a_tester_with_no_landing_page_offered_gets_a_plain_french_page(org, tester, tester_client, no_landing):
    """No app offers a tester a page (no audits app): the pages offered to staff answer 404,
    so the tester is sent to none of them but told so in French."""
    assert landing_page(membership_of(tester)) is None
    response = tester_client.get(reverse("core:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ville de Test — testeur : aucune page de cette ville ne vous est ouverte pour l'instant." in page
    assert f'href="/o/{org.slug}/' not in page


def test_may_open_follows_the_access_rule_of_the_page(org, tester, make_member):
    membership = membership_of(tester)
    summary = reverse("commitments:summary", args=[org.slug])
    assert not may_open(membership, summary)
    assert may_open(membership, reverse("accounts:account"))
    reader = membership_of(make_member(org, Role.READER))
    assert may_open(reader, summary)
    assert not may_open(reader, reverse("administration:settings", args=[org.slug]))
    assert not may_open(reader, summary.replace(org.slug, "autre-ville"))
    assert not may_open(reader, "/pas-une-page/")
