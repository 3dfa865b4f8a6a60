"""A kiosk tablet in Chromium: paired with the code a quality manager asked for, it goes back
to its start screen by itself (60 s without a touch, a warning first; 10 s after a thank-you
screen; by the refresh in <noscript> without JavaScript), and its pages pass axe."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.models import KioskDevice, Role
from reception.models import QueueTicket
from surveys.actions import create_questionnaire_from_template
from surveys.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe = Axe()
TODAY = dt.datetime.now(ZoneInfo("Europe/Paris")).date()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def campaign(org):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=TODAY)
    return Campaign.objects.create(
        organisation=org,
        questionnaire=questionnaire,
        title="Enquête du moment",
        opens_on=TODAY - dt.timedelta(days=1),
        closes_on=TODAY + dt.timedelta(days=10),
        on_kiosk=True,
        code="BORNE234",
    )


def test_a_quality_manager_pairs_a_tablet_which_then_shows_its_ticket_screen(
    live_server, org, make_member, log_in, browser
):
    back_office = log_in(make_member(org, Role.QUALITY_MANAGER))
    back_office.goto(f"{live_server.url}/o/{org.slug}/parametres/bornes/")
    back_office.get_by_label("Nom de la borne").fill("Tablette du hall")
    expect(back_office.get_by_label("Donner mon avis")).not_to_be_checked()
    back_office.get_by_label("Prendre un ticket").check()
    back_office.get_by_role("button", name="Appairer une borne").click()
    code = back_office.locator(".pairing-code").inner_text()
    assert_no_axe_violations(back_office)

    tablet = browser.new_context().new_page()
    tablet.goto(f"{live_server.url}/borne/?ville={org.slug}")
    expect(tablet.get_by_label("Identifiant de la ville")).to_have_value(org.slug)
    assert_no_axe_violations(tablet)
    tablet.get_by_label("Code d'appairage").fill("ZZZZZZZZ")
    tablet.get_by_role("button", name="Appairer la borne").click()
    expect(tablet.get_by_text("inconnu, déjà utilisé ou expiré")).to_be_visible()
    assert_no_axe_violations(tablet)
    tablet.get_by_label("Code d'appairage").fill(code.lower())
    tablet.get_by_role("button", name="Appairer la borne").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Prendre un ticket — Hôtel de ville")
    assert tablet.url == f"{live_server.url}/borne/{org.slug}/ticket/"
    cookie = next(c for c in tablet.context.cookies() if c["name"] == "qualipilote_borne")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/borne/"
    assert KioskDevice.objects.get().paired_at is not None
    tablet.context.close()


def test_the_ticket_screen_returns_home_10_seconds_after_the_number_with_the_survey_invitation(
    live_server, org, kiosk_page, campaign
):
    tablet = kiosk_page(org)
    tablet.clock.install()
    tablet.goto(f"{live_server.url}/borne/{org.slug}/")
    tablet.get_by_role("button", name="Renseignement").click()
    expect(tablet.get_by_role("status")).to_contain_text("001")
    expect(tablet.get_by_role("link", name="Donner mon avis")).to_be_visible()
    assert_no_axe_violations(tablet)
    tablet.clock.run_for(9_000)
    assert "?ticket=" in tablet.url
    tablet.clock.run_for(1_500)
    tablet.wait_for_url(f"{live_server.url}/borne/{org.slug}/ticket/")
    expect(tablet.get_by_role("heading", name="Touchez le motif de votre visite")).to_be_visible()
    assert QueueTicket.objects.count() == 1


def test_the_questionnaire_warns_then_returns_home_after_60_seconds_without_a_touch(
    live_server, org, kiosk_page, campaign
):
    tablet = kiosk_page(org, screens=("enquete",))
    tablet.clock.install()
    tablet.goto(f"{live_server.url}/borne/{org.slug}/enquete/")
    assert_no_axe_violations(tablet)
    warning = tablet.get_by_role("alert")
    tablet.get_by_text("Très satisfait").first.click()
    tablet.clock.run_for(30_000)
    tablet.get_by_text("Satisfait", exact=True).first.click()  # a touch: the minute starts again
    tablet.clock.run_for(39_000)
    expect(warning).to_be_hidden()
    tablet.clock.run_for(2_000)
    expect(warning).to_contain_text("la borne revient bientôt à l'accueil")
    assert_no_axe_violations(tablet)
    assert tablet.url.endswith("/enquete/")
    tablet.clock.run_for(20_000)
    tablet.wait_for_load_state()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(campaign.questionnaire.title)
    expect(tablet.locator("input:checked")).to_have_count(0)  # the previous visitor's answers are gone


def test_the_thanks_screen_returns_home_after_10_seconds(live_server, org, kiosk_page, campaign):
    tablet = kiosk_page(org, screens=("enquete",))
    tablet.clock.install()
    tablet.goto(f"{live_server.url}/borne/{org.slug}/enquete/merci/")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Merci !")
    assert_no_axe_violations(tablet)
    tablet.clock.run_for(10_500)
    tablet.wait_for_url(f"{live_server.url}/borne/{org.slug}/enquete/")


def test_without_javascript_the_thanks_screen_returns_home_by_its_refresh(
    live_server, org, kiosk_page, settings, campaign
):
    settings.KIOSK_DONE_SECONDS = 1  # the refresh waits for real
    tablet = kiosk_page(org, screens=("enquete",), javascript=False)
    tablet.goto(f"{live_server.url}/borne/{org.slug}/enquete/merci/")
    tablet.wait_for_url(f"{live_server.url}/borne/{org.slug}/enquete/", timeout=5_000)


def test_the_no_campaign_screen_has_no_accessibility_violation(live_server, org, kiosk_page):
    tablet = kiosk_page(org, screens=("enquete",))
    tablet.goto(f"{live_server.url}/borne/{org.slug}/")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Aucune enquête en cours")
    assert_no_axe_violations(tablet)
