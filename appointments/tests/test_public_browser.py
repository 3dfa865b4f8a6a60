"""The public booking in a real browser, on a desk and on a 390 px phone: axe finds no
violation on any of its pages, and the keyboard alone books a slot."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, ViewportSize, expect

from appointments.actions import Citizen, book
from appointments.emails import manage_path
from appointments.models import Appointment, Channel
from tests.conftest import browser_type_launch_args  # noqa: F401 -- Debian's Chromium

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 5, 11, 7, 50, tzinfo=PARIS)  # Monday (the clock ticks); 14 May is Ascension Day
PHONE: ViewportSize = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW)]
axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    for width in (1280, PHONE["width"]):
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url} ({width} px)\n{results.generate_report()}"


def test_every_booking_page_has_no_accessibility_violation(live_server, identity_card, page: Page):
    appointment, token = book(
        kind=identity_card,
        starts_at=dt.datetime(2026, 5, 12, 9, tzinfo=PARIS),
        citizen=Citizen("Léa Martin", "lea@exemple.fr"),
        channel=Channel.ONLINE,
        actor=None,
        now=NOW,
    )
    base = f"{live_server.url}/p/ville-test/rendez-vous/"
    link = live_server.url + manage_path(appointment, token)
    for address in (
        base,
        f"{base}{identity_card.pk}/",
        f"{base}{identity_card.pk}/?debut=2026-05-18",
        f"{base}confirmation/",
        link,
        f"{link}annuler/",
        f"{base}gerer/{appointment.number}/mauvais-jeton/",
    ):
        page.goto(address)
        assert_no_axe_violations(page)
    page.goto(f"{base}{identity_card.pk}/")
    page.get_by_role("button", name="Réserver ce rendez-vous").click()  # nothing chosen: the errors shown
    expect(page.get_by_text("Choisissez un créneau dans la liste.")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_keyboard_alone_books_a_slot_on_a_phone(live_server, identity_card, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/p/ville-test/rendez-vous/{identity_card.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    while page.evaluate("document.activeElement.name") != "creneau":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Monday 11 May, 10:00 (two hours' notice)
    page.keyboard.press("ArrowRight")  # 10:20
    while page.evaluate("document.activeElement.name") != "citizen_name":  # past the link to later slots
        page.keyboard.press("Tab")
    page.keyboard.type("Léa Martin")
    page.keyboard.press("Tab")
    page.keyboard.type("lea@exemple.fr")
    page.keyboard.press("Tab")
    page.keyboard.type("06 12 34 56 78")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre rendez-vous est confirmé")
    appointment = Appointment.objects.get()
    assert appointment.scheduled_at == dt.datetime(2026, 5, 11, 10, 20, tzinfo=PARIS)
    assert appointment.citizen_phone == "06 12 34 56 78"
    expect(page.get_by_text(appointment.number).first).to_be_visible()
