"""Every view of the URL configuration, including future ones, obeys the access rules."""

import pytest
from django.test import Client

from core.access import Capability
from core.models import AuditEvent, Role
from tests.samples import sample_values
from tests.urlwalk import all_routes, kiosk_routes, organisation_routes

pytestmark = pytest.mark.django_db


def test_every_view_declares_whether_it_is_public_or_scoped_to_an_organisation_or_a_kiosk():
    rules = ("public", "organisation", "kiosk")
    undeclared = [route.pattern for route in all_routes() if route.access_rule not in rules]
    assert undeclared == []


def test_every_organisation_view_takes_the_organisation_slug_first():
    assert all(route.parameters[:1] == ["org_slug"] for route in organisation_routes())


def test_every_kiosk_screen_lives_under_borne_and_takes_the_organisation_slug_only():
    routes = kiosk_routes()
    assert len(routes) >= 4
    assert all(
        route.pattern.startswith("borne/<slug:org_slug>/") and route.parameters == ["org_slug"] for route in routes
    )


def test_every_kiosk_screen_sends_a_browser_without_a_paired_tablet_to_the_pairing_page(org, client_as):
    for client in (Client(), client_as(org, Role.ADMIN)):  # an agent's session is no tablet
        for route in kiosk_routes():
            response = client.get(route.url({"org_slug": org.slug}))
            assert response.status_code == 302 and response["Location"] == f"/borne/?ville={org.slug}", route.pattern


def test_a_tablet_of_another_town_gets_404_on_every_kiosk_screen_and_changes_nothing(org, other_org, kiosk_client):
    tablet = kiosk_client(other_org)
    events_before = AuditEvent.objects.count()
    for route in kiosk_routes():
        url = route.url({"org_slug": org.slug})
        assert tablet.get(url).status_code == 404, url
        assert tablet.post(url, {}).status_code == 404, url
    assert AuditEvent.objects.count() == events_before


def test_an_outsider_gets_404_on_every_url_of_another_town(org, other_org, client_as):
    values = sample_values(org)
    outsider = client_as(other_org, Role.ADMIN)
    events_before = AuditEvent.objects.count()
    for route in organisation_routes():
        url = route.url(values)
        assert outsider.get(url).status_code == 404, url
        assert outsider.post(url, {}).status_code == 404, url
    assert AuditEvent.objects.count() == events_before


def test_another_towns_object_ids_give_404_inside_your_own_town(org, other_org, client_as):
    victim_objects = sample_values(org)
    sample_values(other_org)
    outsider = client_as(other_org, Role.ADMIN)
    for route in organisation_routes():
        if len(route.parameters) == 1:
            continue
        url = route.url(victim_objects | {"org_slug": other_org.slug})
        assert outsider.get(url).status_code == 404, url
        # A read-only view refuses POST before any lookup: 405 says nothing of the object.
        assert outsider.post(url, {}).status_code in (404, 405), url


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_or_auditor_can_post_nowhere(org, client_as, role):
    """Nowhere but, for the auditor, the form of an audit note (Capability.NOTE_AUDIT): posted
    empty, it comes back with its errors and writes nothing."""
    values = sample_values(org)
    reader = client_as(org, role)
    events_before = AuditEvent.objects.count()
    for route in organisation_routes():
        url = route.url(values)
        if role == Role.AUDITOR and getattr(route.view, "write_capability", None) == Capability.NOTE_AUDIT:
            assert reader.post(url, {}).status_code == 200, url
            continue
        assert reader.post(url, {}).status_code in (403, 405), url
    assert AuditEvent.objects.count() == events_before


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_organisation_url(org):
    values = sample_values(org)
    for route in organisation_routes():
        response = Client().get(route.url(values))
        assert response.status_code == 302 and "/connexion/" in response["Location"], route.pattern
