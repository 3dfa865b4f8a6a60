"""The public pages in a real browser: the form with the keyboard alone, and axe finds no
accessibility violation on the form, the confirmation, the tracking page and the back office."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from complaints.tests.samples import sample_values
from core.models import Role
from tests.urlwalk import organisation_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_citizen_files_a_complaint_with_the_keyboard_alone_and_reads_the_tracking_number(
    live_server, org, page: Page
):
    page.goto(f"{live_server.url}/p/{org.slug}/reclamation/")
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_kind_0"
    page.keyboard.press("ArrowDown")  # a suggestion, then back: arrows move within the radio group
    assert focused_id(page) == "id_kind_1"
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("une réclamation")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_commitment_code"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_subject"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field must show a visible focus ring"
    page.keyboard.type("Attente au guichet")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_description"
    page.keyboard.type("Quarante minutes d'attente lundi matin.")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_citizen_name"
    page.keyboard.type("Jeanne Usagère")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_citizen_email"
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_citizen_phone"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="mentions légales", exact=True)).to_be_focused()  # the honeypot is skipped
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer")).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/p/{org.slug}/reclamation/envoyee/")
    complaint = Complaint.objects.get(organisation=org)
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre message a bien été envoyé")
    expect(page.locator(".tracking-number")).to_have_text(complaint.tracking_number)
    assert complaint.citizen_name == "Jeanne Usagère" and complaint.subject == "Attente au guichet"
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Suivre ma demande").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(complaint.tracking_number)
    expect(page.locator("main")).not_to_contain_text("Jeanne")
    assert_no_axe_violations(page)


def test_errors_on_the_public_form_have_no_accessibility_violation(live_server, org, page: Page):
    page.goto(f"{live_server.url}/p/{org.slug}/reclamation/")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#id_subject_error")).to_contain_text("Indiquez l'objet")
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/p/{org.slug}/suivi/?numero=R2026-INCONNU")
    expect(page.locator("#id_numero_error")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_public_form_fits_a_phone_screen(live_server, org, page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/p/{org.slug}/reclamation/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(page)


def test_every_complaint_back_office_page_has_no_accessibility_violation(live_server, org, make_member, log_in):
    values = sample_values(org) | {"org_slug": org.slug}
    page = log_in(make_member(org, Role.ADMIN))
    checked = 0
    for route in organisation_routes():
        if not route.pattern.startswith("o/<slug:org_slug>/reclamations/"):
            continue
        url = live_server.url + route.url(values)
        response = page.request.get(url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        assert response.status == 200, route.pattern
        page.goto(url)
        assert_no_axe_violations(page)
        checked += 1
    assert checked >= 11
