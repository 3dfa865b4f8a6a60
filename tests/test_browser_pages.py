"""Every page in a real browser: axe finds no accessibility violation, and the keyboard alone
gets through the login form and the main menu."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.models import Role
from tests.samples import sample_values
from tests.urlwalk import all_routes, organisation_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Views that answer GET with something other than an HTML page.
NOT_PAGES = {"logout", "theme_css", "logo", "evidence", "password_reset_confirm"}
PUBLIC_PAGES = ["/connexion/", "/mot-de-passe/oubli/", "/mot-de-passe/envoye/", "/mot-de-passe/termine/"]
TOWN_PUBLIC_PAGES = ["reclamation/", "reclamation/envoyee/", "suivi/", "suivi/?numero=R2026-AAAAAAAA"]

axe = Axe()
# The invitation pages have their own axe test (test_browser_invitations.py); the answer takes POST only.
NOT_PAGES |= {"invitations", "invitation_answer"}


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_every_public_page_has_no_accessibility_violation(live_server, org, page: Page):
    for path in PUBLIC_PAGES + [f"/p/{org.slug}/{path}" for path in TOWN_PUBLIC_PAGES]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


def test_every_organisation_page_has_no_accessibility_violation(live_server, org, make_member, log_in):
    values = sample_values(org)
    page = log_in(make_member(org, Role.ADMIN))
    checked = []
    for route in organisation_routes():
        if route.name in NOT_PAGES:
            continue
        url = live_server.url + route.url(values)
        response = page.request.get(url)
        if response.status == 405 or not response.headers.get("content-type", "").startswith("text/html"):
            continue  # an action taking POST only, or a file (PDF, CSV, JSON)
        assert response.status == 200, route.pattern
        page.goto(url)
        assert_no_axe_violations(page)
        checked.append(route.pattern)
    assert len(checked) >= 2


def test_error_pages_have_no_accessibility_violation(live_server, org, make_member, log_in):
    page = log_in(make_member(org, Role.READER))
    page.goto(live_server.url + "/o/ville-inconnue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_no_axe_violations(page)


def test_a_user_logs_in_and_uses_the_main_menu_with_the_keyboard_alone(live_server, org, make_member, page: Page):
    make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    page.goto(live_server.url + "/connexion/")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    page.keyboard.type("qualite@ville-test.test")
    page.keyboard.press("Tab")
    page.keyboard.type("motdepasse-de-test-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/o/{org.slug}/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    menu = page.get_by_role("navigation", name="Menu principal")
    for _ in range(25):
        page.keyboard.press("Tab")
        if menu.get_by_role("link", name="Journal des modifications").evaluate("e => e === document.activeElement"):
            break
    expect(menu.get_by_role("link", name="Journal des modifications")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused menu link must show a visible focus ring"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des modifications")


def test_every_public_route_is_covered_or_explicitly_not_a_page():
    public_names = {route.name for route in all_routes() if route.access_rule == "public"}
    covered = {"login", "password_reset", "password_reset_done", "password_reset_complete", "home"}
    covered |= {"complaint_form", "complaint_sent", "complaint_tracking"}
    assert public_names - covered - NOT_PAGES == set()
