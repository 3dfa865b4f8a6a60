"""The counter in a real browser: an agent issues, calls and serves a ticket; every page passes axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.models import Role
from reception.actions import issue_ticket
from reception.models import QueueTicket, TicketStatus
from reception.tests.samples import sample_values
from tests.urlwalk import organisation_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def queue_card(page: Page, title: str):
    return page.locator("#etat-file .card").filter(has_text=title).locator("strong")


def test_a_visitor_takes_a_ticket_on_the_tablet_and_an_agent_calls_starts_and_ends_it(
    live_server, org, make_member, log_in, reason, kiosk_page
):
    tablet = kiosk_page(org, screens=("ticket",))
    tablet.goto(f"{live_server.url}/borne/{org.slug}/")
    tablet.get_by_role("button", name="Renseignement").click()
    expect(tablet.get_by_role("status")).to_contain_text("001")
    expect(tablet.get_by_role("status")).to_contain_text("Personne n'attend avant vous.")

    page = log_in(make_member(org, Role.AGENT))
    base = f"{live_server.url}/o/{org.slug}/accueil"

    page.goto(f"{base}/guichet/")
    expect(queue_card(page, "En attente")).to_have_text("1")
    page.get_by_role("button", name="Appeler le suivant").click()
    expect(page.get_by_role("heading", name="Ticket 001 : appelé")).to_be_visible()
    expect(queue_card(page, "En attente")).to_have_text("0")

    start = page.get_by_role("button", name="Commencer le ticket 001")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ticket 001 : en cours")).to_be_visible()
    page.get_by_role("button", name="Terminer le ticket 001").click()
    expect(page.get_by_text("Ticket 001 : servi.")).to_be_visible()
    ticket = QueueTicket.objects.get(organisation=org)
    assert ticket.status == TicketStatus.SERVED and ticket.started_at and ticket.ended_at

    # A ticket issued on the kiosk shows up on the desk without a reload (htmx polling).
    issue_ticket(organisation=org, site=ticket.site, reason=reason, now=timezone.now(), actor=None)
    expect(queue_card(page, "En attente")).to_have_text("1", timeout=12_000)


def test_the_desk_works_with_the_keyboard_alone(live_server, org, make_member, log_in, reason, site):
    issue_ticket(organisation=org, site=site, reason=reason, now=timezone.now(), actor=None)
    page = log_in(make_member(org, Role.AGENT))
    page.goto(f"{live_server.url}/o/{org.slug}/accueil/guichet/")
    call = page.get_by_role("button", name="Appeler le suivant")
    for _ in range(40):
        page.keyboard.press("Tab")
        if call.evaluate("e => e === document.activeElement"):
            break
    expect(call).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ticket 001 : appelé")).to_be_visible()


def test_every_counter_page_has_no_accessibility_violation(live_server, org, make_member, log_in, reason, kiosk_page):
    values = {"org_slug": org.slug, **sample_values(org)}
    page = log_in(make_member(org, Role.ADMIN))
    checked = 0
    for route in organisation_routes():
        if "/accueil/" not in route.pattern:
            continue
        page.goto(live_server.url + route.url(values))
        assert_no_axe_violations(page)
        checked += 1
    assert checked >= 15
    # The states the walk does not reach: a number just issued on the tablet, a current ticket
    # on the desk.
    tablet = kiosk_page(org)
    tablet.goto(f"{live_server.url}/borne/{org.slug}/ticket/")
    assert_no_axe_violations(tablet)
    tablet.get_by_role("button", name="Renseignement").click()
    expect(tablet.get_by_role("status")).to_contain_text("001")
    assert_no_axe_violations(tablet)
    page.goto(f"{live_server.url}/o/{org.slug}/accueil/guichet/")
    page.get_by_role("button", name="Appeler le suivant").click()
    expect(page.get_by_role("button", name="Commencer le ticket 001")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/o/{org.slug}/accueil/?periode=2026-03")
    assert_no_axe_violations(page)


def test_a_priority_ticket_from_the_tablet_comes_first_at_the_desk_and_every_state_passes_axe(
    live_server, org, make_member, log_in, reason, site, kiosk_page
):
    issue_ticket(organisation=org, site=site, reason=reason, now=timezone.now(), actor=None)  # 001, ordinary
    tablet = kiosk_page(org, screens=("ticket",))
    tablet.goto(f"{live_server.url}/borne/{org.slug}/")
    tablet.get_by_role("link", name="Ticket prioritaire").click()
    expect(tablet.get_by_role("heading", name="Ticket prioritaire : touchez le motif de votre visite")).to_be_visible()
    assert_no_axe_violations(tablet)
    tablet.get_by_role("button", name="Renseignement").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Votre numéro prioritaire")
    expect(tablet.get_by_role("status")).to_contain_text("Personne n'attend avant vous.")
    assert_no_axe_violations(tablet)

    page = log_in(make_member(org, Role.AGENT))
    page.goto(f"{live_server.url}/o/{org.slug}/accueil/guichet/")
    page.get_by_label("Votre guichet").fill("3")
    page.get_by_role("button", name="Changer de file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guichet 3 — Hôtel de ville")
    rows = page.locator("table.stack tbody tr th")
    expect(rows).to_have_text(["002 Prioritaire", "001"])
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Appeler le suivant").click()
    expect(page.get_by_role("heading", name="Ticket 002 : appelé au guichet 3 Prioritaire")).to_be_visible()
    assert QueueTicket.objects.get(number="002").counter == "3"

    page.get_by_label("Motif").select_option(label="Urbanisme")
    page.get_by_label("Ticket prioritaire (mobilité réduite, handicap, grossesse…)").check()  # never by default
    page.get_by_role("button", name="Émettre le ticket").click()
    expect(page.get_by_text("Ticket prioritaire 003 émis")).to_be_visible()
    expect(page.get_by_label("Votre guichet")).to_have_value("3")  # back to the same desk
    assert_no_axe_violations(page)
