"""Written requests in a real browser: an agent registers a letter and sees its due date
appear before saving, then again after; the pages pass axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.models import Role
from correspondence.models import WrittenRequest
from correspondence.tests.samples import sample_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_an_agent_registers_a_letter_and_sees_its_due_date_before_saving(live_server, org, make_member, log_in):
    page = log_in(make_member(org, Role.AGENT))
    page.goto(f"{live_server.url}/o/{org.slug}/courriers/nouvelle/")
    preview = page.locator("#due-preview")
    expect(preview).to_contain_text("Échéance :")
    assert_no_axe_violations(page)

    page.get_by_label("Reçue le").fill("2026-07-10")
    page.get_by_label("Reçue le").dispatch_event("change")
    expect(preview).to_contain_text("Échéance : lundi 3 août 2026")
    expect(preview).to_contain_text("15 jours ouvrés")

    page.get_by_label("Canal").select_option(label="courriel")
    expect(preview).to_contain_text("Échéance : lundi 20 juillet 2026")
    expect(preview).to_contain_text("5 jours ouvrés")
    assert not WrittenRequest.objects.filter(organisation=org).exists()

    page.get_by_label("Canal").select_option(label="courrier")
    expect(preview).to_contain_text("lundi 3 août 2026")
    page.get_by_label("Objet").fill("Demande de place de stationnement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Courrier")
    expect(page.locator(".lead")).to_contain_text("lundi 3 août 2026")
    assert WrittenRequest.objects.get(organisation=org).subject == "Demande de place de stationnement"
    assert_no_axe_violations(page)


def test_the_register_settings_and_letter_template_pages_pass_axe(live_server, org, make_member, log_in):
    values = sample_values(org)
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    base = f"{live_server.url}/o/{org.slug}/courriers"
    for path in (
        "/",
        f"/{values['request_id']}/",
        f"/{values['request_id']}/modifier/",
        "/import/",
        "/parametres/",
        "/parametres/accuse-de-reception/",
    ):
        page.goto(base + path)
        assert_no_axe_violations(page)
