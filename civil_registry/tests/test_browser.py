"""The civil registry in a real browser: an agent delivers a pending request in one tap from
the register; every page passes axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from civil_registry.models import ActRequest, ActStatus
from civil_registry.tests.samples import sample_values
from core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_an_agent_registers_a_postal_request_and_delivers_it_in_one_tap(live_server, org, make_member, log_in):
    page = log_in(make_member(org, Role.AGENT))
    page.goto(f"{live_server.url}/o/{org.slug}/etat-civil/nouvelle/")
    assert_no_axe_violations(page)
    page.get_by_label("Type d'acte").select_option(label="mariage")
    page.get_by_label("Canal").select_option(label="courrier")
    page.get_by_label("Délivré tout de suite (au guichet)").uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande d'acte EC-")
    act = ActRequest.objects.get(organisation=org)

    page.goto(f"{live_server.url}/o/{org.slug}/etat-civil/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=f"Délivrer aujourd'hui la demande {act.reference}").click()
    expect(page.get_by_role("status").first).to_contain_text("délivrée")
    act.refresh_from_db()
    assert act.status == ActStatus.DELIVERED


def test_the_civil_registry_pages_pass_axe(live_server, org, make_member, log_in):
    values = sample_values(org)
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    base = f"{live_server.url}/o/{org.slug}/etat-civil"
    for path in (
        "/",
        f"/demandes/{values['act_id']}/",
        f"/demandes/{values['act_id']}/modifier/",
        "/erreurs/",
        "/erreurs/nouvelle/",
        f"/erreurs/{values['error_id']}/",
        f"/erreurs/{values['error_id']}/supprimer/",
        "/import/",
        "/delais/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)
