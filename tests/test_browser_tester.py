"""A tester's pages in Chromium: the list of their towns when no app offers them a page, a
page declared for filling grids with its menu of one link, and the 404 of any other page:
axe finds no violation on any of them, and the keyboard reaches the one menu link."""

import pytest
from playwright.sync_api import Page, expect

from core.models import Role
from tests.test_browser_pages import assert_no_axe_violations
from tests.test_tester_access import grids_landing, no_landing  # noqa: F401 -- the audits' landing set aside

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GRIDS = "/o/ville-test/grilles-essai/"


@pytest.fixture
def tester_page(org, make_member, log_in) -> Page:
    return log_in(make_member(org, Role.TESTER))


@pytest.mark.usefixtures("no_landing")
def test_a_tester_offered_no_page_sees_the_list_of_their_towns_in_plain_french(live_server, tester_page):
    tester_page.goto(live_server.url + "/")
    expect(tester_page.get_by_role("heading", level=1)).to_have_text("Mes organisations")
    expect(tester_page.get_by_text("aucune page de cette ville ne vous est ouverte")).to_be_visible()
    assert_no_axe_violations(tester_page)
    tester_page.goto(live_server.url + "/o/ville-test/")
    expect(tester_page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_no_axe_violations(tester_page)


@pytest.mark.urls("tests.fill_grids_urls")
@pytest.mark.usefixtures("grids_landing")
def test_a_tester_lands_on_the_grids_whose_menu_holds_one_link_reached_by_the_keyboard(live_server, tester_page):
    tester_page.goto(live_server.url + "/")
    assert tester_page.url == live_server.url + GRIDS
    menu = tester_page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link")).to_have_count(1)
    expect(menu.get_by_role("link", name="Mes grilles")).to_have_attribute("aria-current", "page")
    assert_no_axe_violations(tester_page)
    for _ in range(8):
        tester_page.keyboard.press("Tab")
        if tester_page.evaluate("document.activeElement.textContent") == "Mes grilles":
            break
    else:
        pytest.fail("The keyboard never reached the menu link.")
