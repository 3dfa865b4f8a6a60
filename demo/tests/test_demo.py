"""The demo towns: what `make run` shows a newcomer, and the proof that two towns never mix."""

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.testing import log_in_verified
from commitments.models import Commitment, IndicatorValue
from core.models import Membership, Organisation, Role
from demo.generator import TOWNS, build_demo, people_of
from tests.samples import existing_values
from tests.urlwalk import organisation_routes

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end (as Django's
    TestCase.setUpTestData does); each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield {town.slug: town for town in build_demo(today=TODAY)}
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test here reads the database."""


def test_the_demo_builds_two_towns_in_their_holiday_zones(demo):
    assert demo["ville-demo"].holiday_zone == ""
    assert demo["ville-demo-est"].holiday_zone == "57"


def test_each_demo_town_follows_the_23_commitments_with_a_year_of_manual_values(demo):
    # the typed indicators left since issue 13 are quarterly (16.3) or yearly: the monthly
    # leaflet check (4.1) is read from the grids
    for town in demo.values():
        assert Commitment.objects.filter(organisation=town).count() == 23
        quarters = IndicatorValue.objects.filter(organisation=town, granularity="quarter", source="manual")
        assert quarters.values("period_start").distinct().count() == 4
        assert max(quarters.values_list("period_start", flat=True)) == dt.date(2026, 7, 1)


def test_each_demo_town_has_a_member_of_every_role(demo):
    for town in demo.values():
        roles = set(Membership.objects.filter(organisation=town).values_list("role", flat=True))
        assert roles == set(Role.values)
        assert Membership.objects.filter(organisation=town, role=Role.AGENT).count() == 6


def test_each_demo_town_has_its_hall_tablet_paired_for_the_ticket_and_the_survey(demo):
    from core.models import KioskDevice, KioskState

    for town in demo.values():
        tablet = KioskDevice.objects.get(organisation=town)
        assert (tablet.name, tablet.site.name, tablet.screens) == (
            "Tablette du hall",
            "Hôtel de ville",
            ["ticket", "enquete"],
        )
        assert (
            tablet.paired_at is not None
            and tablet.state(tablet.paired_at) == KioskState.PAIRED
            and tablet.last_seen_on == dt.date(2026, 11, 27)
        )


def test_the_same_seed_gives_the_same_people():
    first = people_of(TOWNS[0], random.Random(7))
    assert first == people_of(TOWNS[0], random.Random(7))
    assert first != people_of(TOWNS[0], random.Random(8))


def test_load_demo_if_empty_leaves_an_existing_database_alone(demo, capsys):
    call_command("load_demo", "--if-empty")
    assert "déjà" in capsys.readouterr().out
    assert Organisation.objects.count() == 2


def test_a_user_of_the_second_town_gets_404_on_every_url_of_the_first(demo):
    first = existing_values(demo["ville-demo"])
    client = Client()
    log_in_verified(client, Membership.objects.get(organisation__slug="ville-demo-est", role=Role.ADMIN).user)
    for route in organisation_routes():
        url = route.url(first)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
        if len(route.parameters) > 1:
            inside_own_town = route.url(first | {"org_slug": "ville-demo-est"})
            assert client.get(inside_own_town).status_code == 404, inside_own_town


def test_no_page_of_the_second_town_shows_anything_of_the_first(demo):
    second = existing_values(demo["ville-demo-est"])
    first_town = demo["ville-demo"]
    first_names = [first_town.name, "@ville-demo.example"]
    second_people = set(
        Membership.objects.filter(organisation=demo["ville-demo-est"]).values_list("user__full_name", flat=True)
    )
    first_people = Membership.objects.filter(organisation=first_town).values_list("user__full_name", flat=True)
    first_names += [name for name in first_people if name not in second_people]  # a homonym is no leak
    client = Client()
    log_in_verified(client, Membership.objects.get(organisation__slug="ville-demo-est", role=Role.ADMIN).user)
    for route in organisation_routes():
        if route.name == "evidence":
            continue
        page = client.get(route.url(second))
        if page.status_code == 405 or not page["Content-Type"].startswith("text/html"):
            continue  # an action taking POST only, or a file (PDF, CSV)
        assert page.status_code == 200, route.pattern
        text = page.content.decode()
        leaked = [name for name in first_names if name in text]
        assert leaked == [], f"{route.pattern} shows {leaked}"


def test_the_steps_of_a_demo_complaint_are_recorded_in_their_order(demo):
    from complaints.models import Complaint, ComplaintTransition

    for complaint in Complaint.objects.filter(organisation=demo["ville-demo"]).order_by("pk")[:200]:
        steps = list(ComplaintTransition.objects.filter(complaint=complaint).order_by("at", "pk"))
        assert [step.from_status for step in steps[1:]] == [step.to_status for step in steps[:-1]], complaint
