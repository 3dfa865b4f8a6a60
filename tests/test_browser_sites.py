"""The site selector in a real browser (issue 9, item 10): a town with an annex reads its
commitments and its telephone survey per site with the keyboard alone, and axe finds no
violation on the pages of a site."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from commitments.actions import recompute_all_services
from commitments.frameworks import load_framework
from commitments.models import Indicator
from core.models import Role
from tests.sites import MARCH, two_sites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNEX = "mairie-annexe-du-port"
SCREENSHOTS = os.environ.get("QUALIPILOTE_SCREENSHOTS", "")  # a folder to keep screenshots in, for a look

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def keep_screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def tab_to(page: Page, locator, presses: int = 60) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if locator.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError("the keyboard never reached the element")


@pytest.fixture
def town(org):
    load_framework(organisation=org, code="qualivilles", actor=None)
    two_sites(org)
    recompute_all_services(indicator=Indicator.objects.get(organisation=org, code="16.2"), period=MARCH)
    return org


def test_a_reader_chooses_a_site_on_the_overview_with_the_keyboard(live_server, town, make_member, log_in):
    page = log_in(make_member(town, Role.READER))
    page.goto(live_server.url + reverse("commitments:overview", args=[town.slug]))
    assert_no_axe_violations(page)
    site = page.get_by_label("Site", exact=True)
    tab_to(page, site)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # Toute la ville → Hôtel de ville → Mairie annexe du Port
    expect(site).to_have_value(ANNEX)
    tab_to(page, page.get_by_role("button", name="Filtrer"))  # past the status filter
    page.keyboard.press("Enter")
    page.wait_for_url(f"**site={ANNEX}*")
    expect(page.get_by_text("Résultats du site Mairie annexe du Port")).to_be_visible()
    expect(page.get_by_label("Site", exact=True)).to_have_value(ANNEX)
    assert_no_axe_violations(page)
    keep_screenshot(page, "overview-site")


def test_the_commitment_page_and_the_survey_of_a_site_have_no_violation(live_server, town, make_member, log_in):
    page = log_in(make_member(town, Role.QUALITY_MANAGER))
    commitment = Indicator.objects.get(organisation=town, code="16.2").commitment_id
    page.goto(
        live_server.url + reverse("commitments:commitment_detail", args=[town.slug, commitment]) + f"?site={ANNEX}"
    )
    expect(page.get_by_text("Résultats du site Mairie annexe du Port")).to_be_visible()
    assert_no_axe_violations(page)
    keep_screenshot(page, "commitment-site")
    survey = reverse("reports:telephony_survey", args=[town.slug])
    page.goto(live_server.url + survey + f"?du=2026-03-01&au=2026-03-31&site={ANNEX}")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("site Mairie annexe du Port")
    assert_no_axe_violations(page)
    keep_screenshot(page, "survey-site")
