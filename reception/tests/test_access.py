"""The project-wide access rules, walked over the counter's own URLs (the walk in tests/
covers every app at once; this one keeps the counter checked on its own)."""

import pytest
from django.test import Client

from core.models import AuditEvent, Role
from reception.tests.samples import sample_values
from tests.urlwalk import organisation_routes

pytestmark = pytest.mark.django_db


def reception_routes():
    return [route for route in organisation_routes() if "/accueil/" in route.pattern]


@pytest.fixture
def values(org):
    return {"org_slug": org.slug, **sample_values(org)}


def test_the_counter_has_its_pages_under_the_accueil_prefix():
    names = {route.name for route in reception_routes()}
    assert {"home", "desk", "desk_status", "tickets", "ticket_detail", "ticket_call", "visits"} <= names


def test_an_outsider_gets_404_on_every_counter_url_and_changes_nothing(org, other_org, client_as, values):
    outsider = client_as(other_org, Role.ADMIN)
    events = AuditEvent.objects.count()
    for route in reception_routes():
        address = route.url(values)
        assert outsider.get(address).status_code == 404, address
        assert outsider.post(address, {}).status_code == 404, address
        inside_own_town = route.url(values | {"org_slug": other_org.slug})
        if len(route.parameters) > 1:
            assert outsider.get(inside_own_town).status_code == 404, inside_own_town
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_or_auditor_can_post_nowhere_on_the_counter(org, client_as, values, role):
    reader = client_as(org, role)
    events = AuditEvent.objects.count()
    for route in reception_routes():
        assert reader.post(route.url(values), {}).status_code in (403, 405), route.pattern
    assert AuditEvent.objects.count() == events


def test_every_counter_page_answers_an_administrator_with_a_page(org, client_as, values):
    admin = client_as(org, Role.ADMIN)
    for route in reception_routes():
        response = admin.get(route.url(values))
        assert response.status_code == 200, route.pattern
        assert response.content.decode().count("<h1") == 1, route.pattern


def test_anonymous_visitors_are_sent_to_the_login_page(org, values):
    for route in reception_routes():
        response = Client().get(route.url(values))
        assert response.status_code == 302 and "/connexion/" in response["Location"], route.pattern
