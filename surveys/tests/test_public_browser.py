"""The public questionnaire in a real browser, on a desk and on a phone: axe finds no
violation, the keyboard alone answers it, a conditional question appears with its condition."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from surveys.models import AnswerCount, Response

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Europe/Paris"))),
]
axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url} ({width} px)\n{results.generate_report()}"


def address(live_server, campaign, name: str = "answer") -> str:
    return live_server.url + reverse(f"surveys_public:{name}", args=[campaign.organisation.slug, campaign.code])


def test_the_questionnaire_thanks_and_closed_pages_have_no_accessibility_violation(live_server, campaign, page):
    page.goto(address(live_server, campaign))
    assert_no_axe_violations(page)
    page.goto(address(live_server, campaign, "thanks"))
    assert_no_axe_violations(page)
    campaign.on_web = False
    campaign.save()
    page.goto(address(live_server, campaign))
    assert_no_axe_violations(page)


def test_the_keyboard_alone_answers_and_the_phone_question_appears_after_yes(
    live_server, campaign, page: Page, time_machine
):
    page.goto(address(live_server, campaign))
    phone = page.locator("#question-telephone")
    expect(phone).to_be_hidden()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    while page.evaluate("document.activeElement.name") != "signaletique":
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # from "Très satisfait" to "Satisfait"
    while page.evaluate("document.activeElement.name") != "telephone_utilise":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "Oui"
    expect(phone).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "telephone"
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.name") != "globale":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    time_machine.shift(dt.timedelta(minutes=2))
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci !")
    assert Response.objects.filter(campaign=campaign).count() == 1
    given = AnswerCount.objects.filter(campaign=campaign, dimension="channel").exclude(code="")
    assert set(given.values_list("question__key", "code")) == {
        ("signaletique", "satisfait"),
        ("telephone_utilise", "oui"),
        ("telephone", "tres_satisfait"),
        ("globale", "tres_satisfait"),
    }
