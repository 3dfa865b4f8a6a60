"""The waiting room's TV in Chromium: a new call shows up without reloading the page (the
script polls the board every 5 s: Playwright's clock), marked « Nouvel appel » for 10 s,
announced to screen readers and rung when the sound is on; the blink stays off for those who
reduce motion; without JavaScript the page reloads itself; axe finds nothing, at a TV's
1920 × 1080 and a phone's 390 px."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.models import Site
from reception.actions import apply_transition, issue_ticket
from reception.models import VisitReason

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe = Axe()
# Counts the notes played: the sound itself cannot be heard by a test.
COUNT_NOTES = """
window.notesPlayed = 0;
const RealContext = window.AudioContext;
window.AudioContext = class extends RealContext {
  createOscillator() { window.notesPlayed += 1; return super.createOscillator(); }
};
"""


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def call(org, number: int, counter: str):
    """Issue a ticket now and call it at `counter`; the day's tickets are numbered 001, 002…"""
    site = Site.objects.get(organisation=org)
    reason = VisitReason.objects.get(organisation=org, label="Renseignement")
    ticket = issue_ticket(organisation=org, site=site, reason=reason, now=timezone.now(), actor=None)
    assert ticket.number == f"{number:03d}"
    return apply_transition(ticket=ticket, transition="call", now=timezone.now(), actor=None, counter=counter)


def open_tv(live_server, org, kiosk_page, *, width: int = 1920, height: int = 1080) -> Page:
    tv = kiosk_page(org, screens=("salle-attente",))
    tv.set_viewport_size({"width": width, "height": height})
    tv.clock.install()
    tv.goto(f"{live_server.url}/borne/{org.slug}/")  # a TV paired for this screen alone starts on it
    tv.wait_for_url(f"{live_server.url}/borne/{org.slug}/salle-attente/")
    return tv


def test_a_new_call_appears_without_reloading_marked_for_10_seconds_and_announced(live_server, org, kiosk_page):
    call(org, 1, "2")
    tv = open_tv(live_server, org, kiosk_page)
    latest = tv.locator("[data-part=latest]")
    expect(latest.locator(".wr-call__number")).to_have_text("001")
    expect(latest.locator(".wr-call__counter")).to_have_text("2")
    expect(latest).not_to_have_class("wr-latest wr-latest--new")  # the first board is no news
    assert_no_axe_violations(tv)
    tv.evaluate("window.sameDocument = true")

    call(org, 2, "3")
    tv.clock.run_for(5_000)
    expect(tv.locator("[data-part=latest] .wr-call__number")).to_have_text("002")
    latest = tv.locator("[data-part=latest]")
    expect(latest).to_have_class("wr-latest wr-latest--new")
    expect(latest.get_by_text("Nouvel appel")).to_be_visible()
    expect(tv.locator("#annonce")).to_have_text("Numéro 002, guichet 3")
    expect(tv.locator("[data-part=earlier] tbody th")).to_have_text(["001"])
    expect(tv.locator("[data-part=earlier] tbody td")).to_have_text(["2"])
    assert tv.evaluate("window.sameDocument") is True  # swapped in, not reloaded
    assert_no_axe_violations(tv)

    tv.clock.run_for(5_000)  # the next answer changes nothing: the mark stays
    expect(latest).to_have_class("wr-latest wr-latest--new")
    tv.clock.run_for(5_500)
    expect(tv.locator("[data-part=latest]")).to_have_class("wr-latest")
    expect(tv.get_by_text("Nouvel appel")).to_be_hidden()


def test_the_sound_rings_only_once_switched_on_and_the_choice_is_remembered(live_server, org, kiosk_page):
    call(org, 1, "2")
    tv = kiosk_page(org, screens=("salle-attente",))
    tv.add_init_script(COUNT_NOTES)
    tv.clock.install()
    tv.goto(f"{live_server.url}/borne/{org.slug}/salle-attente/")
    toggle = tv.get_by_role("button", name="Signal sonore à chaque appel")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    call(org, 2, "2")
    tv.clock.run_for(5_000)
    expect(tv.locator("[data-part=latest] .wr-call__number")).to_have_text("002")
    assert tv.evaluate("window.notesPlayed") == 0  # off by default: the sound is never needed

    toggle.click()  # a gesture: browsers allow sound after one
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_contain_text("(activé)")
    played = tv.evaluate("window.notesPlayed")  # the click plays the chime once, as a check
    call(org, 3, "4")
    tv.clock.run_for(5_000)
    expect(tv.locator("[data-part=latest] .wr-call__number")).to_have_text("003")
    assert tv.evaluate("window.notesPlayed") == played + 2  # two notes

    tv.reload()
    expect(tv.get_by_role("button", name="Signal sonore à chaque appel")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize(("motion", "animation"), [("no-preference", "wr-pulse"), ("reduce", "none")])
def test_the_new_call_blinks_only_for_those_who_do_not_reduce_motion(live_server, org, kiosk_page, motion, animation):
    call(org, 1, "2")
    tv = open_tv(live_server, org, kiosk_page)
    tv.emulate_media(reduced_motion=motion)
    call(org, 2, "2")
    tv.clock.run_for(5_000)
    latest = tv.locator("[data-part=latest]")
    expect(latest).to_have_class("wr-latest wr-latest--new")
    assert latest.evaluate("element => getComputedStyle(element).animationName") == animation
    expect(latest.get_by_text("Nouvel appel")).to_be_visible()  # the steady cue, in both cases


def test_without_javascript_the_screen_reloads_itself(live_server, org, kiosk_page, monkeypatch):
    monkeypatch.setattr("reception.waiting_room_views.RELOAD_SECONDS", 1)  # the refresh waits for real
    call(org, 1, "2")
    tv = kiosk_page(org, screens=("salle-attente",), javascript=False)
    tv.goto(f"{live_server.url}/borne/{org.slug}/salle-attente/")
    expect(tv.locator(".wr-call__number")).to_have_text("001")
    expect(tv.get_by_role("button", name="Signal sonore à chaque appel")).to_be_hidden()  # no script, no sound
    call(org, 2, "5")
    expect(tv.locator(".wr-call__number")).to_have_text("002", timeout=5_000)


def test_the_screen_with_calls_and_waits_passes_axe_on_a_phone(live_server, org, kiosk_page):
    site = Site.objects.get(organisation=org)
    reason = VisitReason.objects.get(organisation=org, label="Renseignement")
    for rank in range(4):  # served in 6 min each at counters 1 and 2: 6 min × 1 waiting ÷ 2 counters
        ticket = call(org, rank + 1, str(rank % 2 + 1))
        apply_transition(ticket=ticket, transition="start", now=timezone.now(), actor=None)
        apply_transition(ticket=ticket, transition="end", now=timezone.now() + dt.timedelta(minutes=6), actor=None)
    issue_ticket(organisation=org, site=site, reason=reason, now=timezone.now(), actor=None, priority=True)
    tv = open_tv(live_server, org, kiosk_page, width=390, height=844)
    expect(tv.get_by_role("row", name="Accueil 1 moins de 5 min")).to_be_visible()
    assert_no_axe_violations(tv)
    assert tv.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
