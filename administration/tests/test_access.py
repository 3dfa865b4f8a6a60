"""Who may open the settings screens: administrators of the town only; others get 403,
people of another town 404, and nothing changes when they try."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.localtime import PARIS
from core.models import AuditEvent, ClosureDay, Membership, OpeningHours, Organisation, Role, Service, Site

TODAY = dt.date(2026, 3, 11)  # every test runs on it, at 10:00 in Paris
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 3, 11, 10, 0, tzinfo=PARIS), tick=False),
]

FUTURE = TODAY + dt.timedelta(days=60)


@pytest.fixture
def town_objects(org, make_member):
    """One object of each kind in `org`, so that every page with an id can be reached."""
    site = Site.objects.get(organisation=org)
    service = Service.objects.get(organisation=org, code="accueil")
    slot = OpeningHours.objects.create(
        organisation=org, site=site, weekday=0, opens_at=dt.time(8, 30), closes_at=dt.time(12)
    )
    closure = ClosureDay.objects.create(organisation=org, date=dt.date(2026, 5, 15), label="Pont de l'Ascension")
    agent = make_member(org, Role.AGENT, email="agent.temoin@ville-test.test")
    membership = Membership.objects.get(organisation=org, user=agent)
    return {"site": site, "service": service, "slot": slot, "closure": closure, "membership": membership}


def pages(objects):
    """(URL name, URL arguments after the slug, a POST body an administrator could send, or
    None for a read-only page)."""
    site, service, membership = objects["site"], objects["service"], objects["membership"]
    return [
        ("settings", [], None),
        (
            "organisation_edit",
            [],
            {"name": "Ville changée", "brand_color": "#000000", "holiday_zone": "57", "ring_cycle_seconds": "6"},
        ),
        ("sites", [], None),
        ("site_add", [], {"name": "Annexe nord", "address": ""}),
        ("site_edit", [site.pk], {"name": "Mairie centrale", "address": ""}),
        ("site_delete", [site.pk], {}),
        ("services", [], None),
        ("service_add", [], {"site": site.pk, "name": "Urbanisme", "code": "urbanisme"}),
        ("service_edit", [service.pk], {"site": site.pk, "name": "Accueil général", "code": "accueil"}),
        ("service_delete", [service.pk], {}),
        ("opening_hours", [], None),
        ("opening_hours_site", [site.pk], {"weekday": "1", "opens_at": "08:30", "closes_at": "12:00"}),
        ("opening_hours_delete", [objects["slot"].pk], {}),
        ("closure_days", [], {"date": "2026-08-14", "label": "Pont du 15 août"}),
        ("closure_day_delete", [objects["closure"].pk], {}),
        ("members", [], None),
        ("member_invite", [], {"email": "nouveau@example.org", "full_name": "Nouvelle Personne", "role": "reader"}),
        ("member_edit", [membership.pk], {"role": "reader", "ends_on": ""}),
        ("member_remove", [membership.pk], {}),
    ]


def state_of(organisation):
    """Everything the settings screens can change, to prove that a refused request changed nothing."""
    organisation.refresh_from_db()
    return (
        organisation.name,
        organisation.brand_color,
        organisation.holiday_zone,
        organisation.ring_cycle_seconds,
        organisation.logo.name,
        list(Site.objects.filter(organisation=organisation).values_list("pk", "name", "address")),
        list(Service.objects.filter(organisation=organisation).values_list("pk", "site", "code", "name")),
        list(OpeningHours.objects.filter(organisation=organisation).values_list("pk", "weekday", "opens_at")),
        list(ClosureDay.objects.filter(organisation=organisation).values_list("pk", "date", "label")),
        list(Membership.objects.filter(organisation=organisation).values_list("pk", "user", "role", "ends_on")),
        AuditEvent.objects.filter(organisation=organisation).count(),
    )


def url(name, organisation, args):
    return reverse(f"administration:{name}", args=[organisation.slug, *args])


def test_an_administrator_opens_every_settings_page(org, town_objects, admin_client_org):
    for name, args, _ in pages(town_objects):
        response = admin_client_org.get(url(name, org, args))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert html.count("<h1") == 1, name
        assert 'aria-label="Fil d&#x27;Ariane"' in html or 'aria-label="Fil d\'Ariane"' in html, name
        assert response.context["nav_section"] == "settings", name
        assert "style=" not in html and "<script" not in html, name


@pytest.mark.parametrize("role", [Role.QUALITY_MANAGER, Role.READER, Role.AGENT, Role.AUDITOR])
def test_members_who_are_not_administrators_get_403_and_change_nothing(org, town_objects, client_as, role):
    client = client_as(org, role)
    before = state_of(org)
    for name, args, body in pages(town_objects):
        assert client.get(url(name, org, args)).status_code == 403, name
        assert client.post(url(name, org, args), body or {}).status_code == (403 if body is not None else 405), name
    assert state_of(org) == before


def test_an_administrator_of_another_town_gets_404_on_every_page_and_changes_nothing(
    org, town_objects, outsider_client
):
    before = state_of(org)
    for name, args, body in pages(town_objects):
        assert outsider_client.get(url(name, org, args)).status_code == 404, name
        assert outsider_client.post(url(name, org, args), body or {}).status_code == 404, name
    assert state_of(org) == before


def test_ids_of_another_town_give_404_even_under_ones_own_town(org, other_org, town_objects, outsider_client):
    before = state_of(org)
    for name, args, body in pages(town_objects):
        if not args:
            continue
        assert outsider_client.get(url(name, other_org, args)).status_code == 404, name
        assert outsider_client.post(url(name, other_org, args), body or {}).status_code == 404, name
    assert state_of(org) == before


def test_an_anonymous_visitor_is_sent_to_the_login_page(org, town_objects):
    for name, args, _ in pages(town_objects):
        response = Client().get(url(name, org, args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("core:login")), name


def test_the_menu_links_to_the_settings_only_for_administrators(org, admin_client_org, manager_client):
    settings_url = reverse("administration:settings", args=[org.slug])
    assert settings_url in admin_client_org.get(reverse("core:audit_trail", args=[org.slug])).content.decode()
    assert settings_url not in manager_client.get(reverse("core:audit_trail", args=[org.slug])).content.decode()


def test_another_town_is_untouched_by_an_administrator_s_changes(org, other_org, admin_client_org):
    before = state_of(other_org)
    admin_client_org.post(
        url("organisation_edit", org, []),
        {"name": "Nouveau nom", "brand_color": "#000000", "holiday_zone": "", "ring_cycle_seconds": "5"},
    )
    admin_client_org.post(url("site_add", org, []), {"name": "Annexe"})
    assert state_of(other_org) == before
    assert Organisation.objects.get(pk=org.pk).name == "Nouveau nom"
