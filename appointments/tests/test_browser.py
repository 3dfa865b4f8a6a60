"""Appointments in a real browser: the citizen checks in at the kiosk with their number, the
agent sees the wait since arrival grow on the day's list without reloading (Playwright's clock),
books, moves and cancels; axe finds no violation on each page."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from appointments.actions import apply_step
from appointments.models import Appointment, AppointmentStatus
from core.models import Role

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 23, 9, 30, tzinfo=PARIS)  # a Monday morning
SHOTS = os.environ.get("APPOINTMENT_SCREENSHOTS", "")  # a folder: the pages' screenshots, to look at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]

axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def at(hour, minute=0):
    return dt.datetime(2026, 3, 23, hour, minute, tzinfo=PARIS)


def test_the_citizen_checks_in_at_the_kiosk_with_the_last_digits_of_their_number(
    live_server, org, kiosk_page, identity_card, booked
):
    appointment = booked(9, 40, "Alice Martin")
    tablet = kiosk_page(org, screens=("ticket", "rendez-vous"))
    tablet.goto(f"{live_server.url}/borne/{org.slug}/rendez-vous/")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("J'ai un rendez-vous")
    expect(tablet.get_by_label("Numéro de votre rendez-vous")).to_be_focused()
    assert_no_axe_violations(tablet)
    shot(tablet, "kiosk")

    tablet.get_by_label("Numéro de votre rendez-vous").fill("4242")
    tablet.get_by_role("button", name="Signaler mon arrivée").click()
    expect(tablet.get_by_role("alert")).to_contain_text("Nous ne trouvons pas de rendez-vous aujourd'hui ici")
    assert_no_axe_violations(tablet)
    shot(tablet, "kiosk-wrong-number")

    tablet.get_by_label("Numéro de votre rendez-vous").fill(str(int(appointment.number[-5:])))
    tablet.get_by_label("Numéro de votre rendez-vous").press("Enter")
    expect(tablet.get_by_role("status")).to_contain_text("Votre arrivée est enregistrée, vous serez appelé(e).")
    expect(tablet.locator("main")).not_to_contain_text("Alice")
    assert_no_axe_violations(tablet)
    shot(tablet, "kiosk-done")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


def test_the_wait_since_arrival_grows_on_the_day_list_without_a_reload(
    live_server, org, make_member, log_in, identity_card, booked
):
    waiting = booked(9, 20, "Alice Martin")
    apply_step(appointment=waiting, step="check_in", actor=None, now=at(9, 25))
    booked(9, 40, "Bruno Petit")
    page = log_in(make_member(org, Role.AGENT))
    page.clock.install()
    page.goto(f"{live_server.url}/o/{org.slug}/rendez-vous/")
    wait = page.locator("[data-waiting-since]")
    expect(wait).to_have_text("5 min")
    page.clock.run_for(3 * 60_000)
    expect(wait).to_have_text("8 min")
    assert_no_axe_violations(page)
    shot(page, "day-list")

    page.get_by_role("button", name=f"Commencer : rendez-vous {waiting.number}").click()
    expect(page.get_by_text(f"Rendez-vous {waiting.number} : rendez-vous commencé.")).to_be_visible()
    expect(page.locator("[data-waiting-since]")).to_have_count(0)
    waiting.refresh_from_db()
    assert waiting.status == AppointmentStatus.STARTED


def test_an_arrival_noted_at_the_kiosk_shows_on_the_open_day_list_within_30_seconds(
    live_server, org, make_member, log_in, identity_card, booked
):
    arriving = booked(9, 40, "Bruno Petit")
    page = log_in(make_member(org, Role.AGENT))
    page.clock.install()
    page.goto(f"{live_server.url}/o/{org.slug}/rendez-vous/")
    expect(page.locator("[data-waiting-since]")).to_have_count(0)
    apply_step(appointment=arriving, step="check_in", actor=None, now=at(9, 29))
    page.clock.run_for(31_000)
    expect(page.locator("#liste-du-jour [data-waiting-since]")).to_have_text("1 min")
    expect(page.get_by_role("button", name=f"Commencer : rendez-vous {arriving.number}")).to_be_visible()
    assert_no_axe_violations(page)


def test_without_javascript_the_day_list_gives_the_wait_when_the_page_was_made(
    live_server, org, make_member, browser, identity_card, booked
):
    from django.conf import settings
    from django.test import Client

    from accounts.testing import log_in_verified

    waiting = booked(9, 20, "Alice Martin")
    apply_step(appointment=waiting, step="check_in", actor=None, now=at(9, 18))
    client = log_in_verified(Client(), make_member(org, Role.AGENT))
    context = browser.new_context(java_script_enabled=False)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/o/{org.slug}/rendez-vous/")
    expect(page.locator("[data-waiting-since]")).to_have_text("12 min")
    expect(page.get_by_text("En attente depuis 09:18")).to_be_visible()
    context.close()


def test_an_agent_books_moves_and_cancels_and_each_page_passes_axe(
    live_server, org, make_member, log_in, identity_card, booked
):
    done = booked(9, 0, "Claire Durand")
    apply_step(appointment=done, step="start", actor=None, now=at(9, 2))
    page = log_in(make_member(org, Role.AGENT))
    page.goto(f"{live_server.url}/o/{org.slug}/rendez-vous/prendre/")
    assert_no_axe_violations(page)
    page.locator("#id_type").select_option(label="Carte d'identité ou passeport (État civil)")
    page.locator("#id_jour").fill("2026-03-24")
    page.get_by_role("button", name="Voir les créneaux libres").click()
    page.get_by_label("10:20").check()
    page.get_by_label("Nom de l'usager").fill("David Laurent")
    page.get_by_label("Au guichet").check()
    assert_no_axe_violations(page)
    shot(page, "book")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rendez-vous RDV-2026-")
    assert_no_axe_violations(page)
    shot(page, "detail")
    appointment = Appointment.objects.get(citizen_name="David Laurent")
    assert appointment.scheduled_at == dt.datetime(2026, 3, 24, 10, 20, tzinfo=PARIS)

    page.get_by_role("link", name="Déplacer").click()
    assert_no_axe_violations(page)
    page.get_by_label("11:00").check()
    shot(page, "move")
    page.get_by_role("button", name="Déplacer sur ce créneau").click()
    expect(page.get_by_text(f"Rendez-vous {appointment.number} déplacé.")).to_be_visible()

    page.get_by_role("link", name="Annuler le rendez-vous").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.get_by_text("annulé : son créneau est libre.")).to_be_visible()
    assert_no_axe_violations(page)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED

    page.goto(f"{live_server.url}/o/{org.slug}/rendez-vous/liste/?periode=2026-03")
    assert_no_axe_violations(page)
    shot(page, "drill-down")
