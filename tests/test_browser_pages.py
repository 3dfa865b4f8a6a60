"""Every page in a real browser: axe finds no accessibility violation, and the keyboard alone
gets through the login form and the main menu."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import signing
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.second_factor import ENROLMENT_SALT
from core.models import Role
from tests.samples import sample_values
from tests.urlwalk import all_routes, kiosk_routes, organisation_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Views that answer GET with something other than an HTML page.
NOT_PAGES = {"logout", "theme_css", "logo", "evidence", "password_reset_confirm"}
# Account actions taking POST only (their answers are checked in the account pages' test).
NOT_PAGES |= {"recovery_codes", "end_session", "end_other_sessions"}
# Not HTML either: the monitors' JSON health page and security.txt (issue 10 item 9).
NOT_PAGES |= {"health", "security_txt"}
PUBLIC_PAGES = ["/connexion/", "/mot-de-passe/oubli/", "/mot-de-passe/envoye/", "/mot-de-passe/termine/", "/borne/"]
TOWN_PUBLIC_PAGES = ["reclamation/", "reclamation/envoyee/", "suivi/", "suivi/?numero=R2026-AAAAAAAA"]
TOWN_PUBLIC_PAGES += ["mentions-legales/", "accessibilite/"]  # the legal pages every public page links to

axe = Axe()
# The invitation pages have their own axe test (test_browser_invitations.py); the answer takes POST only.
NOT_PAGES |= {"invitations", "invitation_answer"}
# The published results' open data files and their schema (CSV, JSON: publication.public_urls).
NOT_PAGES |= {"data_csv", "data_json", "year_data_csv", "year_data_json", "version_data_csv", "version_data_json"}
NOT_PAGES |= {"schema"}


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_every_public_page_has_no_accessibility_violation(live_server, org, page: Page):
    for path in PUBLIC_PAGES + [f"/p/{org.slug}/{path}" for path in TOWN_PUBLIC_PAGES]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


def walk_organisation_pages(live_server, org, make_member, log_in, half: int) -> None:
    """Every other organisation page, from the first (`half` 0) or the second (1), through axe, as
    an administrator. The walk of 160 pages (100 s) is cut in two halves in two files, this one
    and test_browser_organisation_pages.py, so that `--dist loadfile` can give them to both
    workers; each route falls in exactly one half."""
    values = sample_values(org)
    page = log_in(make_member(org, Role.ADMIN))
    checked = []
    for route in organisation_routes()[half::2]:
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


def test_the_first_half_of_the_organisation_pages_has_no_accessibility_violation(live_server, org, make_member, log_in):
    walk_organisation_pages(live_server, org, make_member, log_in, half=0)


def test_every_kiosk_screen_of_a_paired_tablet_has_no_accessibility_violation(live_server, org, kiosk_page):
    tablet = kiosk_page(org)
    checked = []
    for route in kiosk_routes():
        response = tablet.goto(live_server.url + route.url({"org_slug": org.slug}))
        assert response is not None and response.status == 200, route.pattern
        assert_no_axe_violations(tablet)
        checked.append(route.pattern)
    assert len(checked) >= 4


def test_error_pages_have_no_accessibility_violation(live_server, org, make_member, log_in):
    page = log_in(make_member(org, Role.READER))
    page.goto(live_server.url + "/o/ville-inconnue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_no_axe_violations(page)


def test_the_bad_request_page_has_no_accessibility_violation(live_server, page: Page):
    response = page.request.get(live_server.url + "/connexion/", headers={"Host": "pirate.example"})
    assert response.status == 400
    page.set_content(response.text())
    expect(page.get_by_role("heading", level=1)).to_have_text("Requête refusée")
    assert_no_axe_violations(page)


def test_a_user_logs_in_and_uses_the_main_menu_with_the_keyboard_alone(live_server, org, make_member, page: Page):
    manager = make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")
    device = TOTPDevice.objects.create(user=manager, name="application", confirmed=True)
    page.goto(live_server.url + "/connexion/")
    expect(page.get_by_label("Adresse e-mail")).to_be_focused()
    page.keyboard.type("qualite@ville-test.test")
    page.keyboard.press("Tab")
    page.keyboard.type("motdepasse-de-test-2026")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/double-authentification/verifier/**")
    expect(page.get_by_label("Code de l'application ou code de secours")).to_be_focused()
    page.keyboard.type(f"{TOTP(device.bin_key).token():06d}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/o/{org.slug}/tableau-de-bord/")  # the quality manager lands on the to-do home

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    menu = page.get_by_role("navigation", name="Menu principal")
    for _ in range(40):
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
    covered |= {"account", "enrol", "verify", "sessions"}
    covered |= {"complaint_form", "complaint_sent", "complaint_tracking"}
    covered |= {"answer", "thanks"}  # a survey's questionnaire: surveys/tests/test_public_browser.py
    covered |= {"pair"}  # a kiosk tablet's pairing page: below and tests/test_browser_kiosk.py
    covered |= {"kinds", "book", "booked", "manage", "cancel", "move"}  # appointments/tests/test_public_browser.py
    covered |= {"latest", "year", "version"}  # the published results: publication/tests/test_public_browser.py
    covered |= {"legal_notice", "accessibility"}  # TOWN_PUBLIC_PAGES, also on a phone below
    assert public_names - covered - NOT_PAGES == set()


def test_every_account_page_has_no_accessibility_violation(live_server, org, make_member, log_in):
    agent = make_member(org, Role.AGENT)
    page = log_in(agent)
    for path in ("/compte/", "/compte/sessions/", "/compte/double-authentification/activer/"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
    signed = page.locator("input[name=secret]").get_attribute("value") or ""
    key = signing.loads(signed, salt=ENROLMENT_SALT)["key"]
    page.get_by_label("Code à six chiffres affiché par l'application").fill(f"{TOTP(bytes.fromhex(key)).token():06d}")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    assert_no_axe_violations(page)

    # A new session with the password only: the verification page.
    client = Client()
    client.force_login(agent)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/compte/")
    page.wait_for_url("**/compte/double-authentification/verifier/**")
    assert_no_axe_violations(page)


def test_the_lockouts_page_showing_a_lockout_has_no_accessibility_violation(live_server, org, make_member, log_in):
    from axes.models import AccessAttempt
    from django.conf import settings

    locked = make_member(org, Role.AGENT, email="bloque@ville-test.test")
    AccessAttempt.objects.create(
        username=locked.email, ip_address="203.0.113.7", user_agent="", get_data="", post_data="",
        http_accept="", path_info="/connexion/", failures_since_start=settings.AXES_FAILURE_LIMIT,
    )  # fmt: skip
    page = log_in(make_member(org, Role.ADMIN))
    page.goto(f"{live_server.url}/o/{org.slug}/parametres/connexions-bloquees/")
    expect(page.get_by_role("button", name=f"Débloquer {locked} depuis 203.0.113.7")).to_be_visible()
    assert_no_axe_violations(page)


def test_every_town_public_page_on_a_390_px_phone_has_no_accessibility_violation_nor_sideways_scroll(
    live_server, org, page: Page
):
    """The footer at its fullest: the town's address, phone, e-mail and website beside the legal links."""
    org.contact_address = "Hôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test"
    org.contact_phone = "02 61 91 00 00"
    org.contact_email = "mairie-et-services-a-la-population@ville-de-test-sur-loire.fr"
    org.website = "https://www.ville-de-test-sur-loire.fr/"
    org.save()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in [f"/p/{org.slug}/{path}" for path in TOWN_PUBLIC_PAGES]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        expect(page.get_by_role("navigation", name="Informations légales")).to_be_visible()
        assert_no_axe_violations(page)


def test_the_closing_pages_of_a_year_closed_and_corrected_have_no_accessibility_violation(
    live_server, org, make_member, log_in
):
    """Last year closed in « correction » mode (ADR 0025): the confirmation of closing the year
    before, the refused step asking its reason on the letter's page, then the letter's notice,
    the commitment page's mark and the year's corrections."""
    import datetime as dt

    from commitments.closing import close_year
    from commitments.frameworks import load_framework
    from commitments.models import Indicator
    from core.models import ClosedYearChanges, YearClosing
    from correspondence.actions import register_request
    from correspondence.models import Channel

    load_framework(organisation=org, code="qualivilles", actor=None)
    last = org.today().year - 1
    letter = register_request(organisation=org, actor=None, channel=Channel.LETTER, received_on=dt.date(last, 11, 3))
    closing = close_year(organisation=org, year=last, actor=None)
    org.closed_year_changes = ClosedYearChanges.CORRECTION
    org.save()
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    town = f"{live_server.url}/o/{org.slug}"

    page.goto(f"{town}/exercices/cloturer/?annee={last - 1}")
    expect(page.get_by_role("heading", name="Ce qui sera figé")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{town}/courriers/{letter.pk}/")
    card = page.locator("form.card", has=page.get_by_role("heading", name="Accuser réception"))
    card.locator("input[type=date]").fill(f"{last}-11-04")
    card.get_by_role("button", name="Enregistrer l'accusé").click()
    reason = page.get_by_label("Motif de la correction après clôture")
    expect(reason).to_be_visible()
    assert_no_axe_violations(page)
    reason.fill("Accusé envoyé mais pas saisi")
    page.locator("form.card", has=reason).get_by_role("button", name="Enregistrer l'accusé").click()
    expect(page.get_by_text(f"Modifié après la clôture de l'exercice {last}")).to_be_visible()
    assert_no_axe_violations(page)

    indicator = Indicator.objects.filter(organisation=org, metric_key__startswith="correspondence.").first()
    assert indicator is not None and YearClosing.objects.filter(pk=closing.pk).exists()
    page.goto(f"{town}/engagements/{indicator.commitment_id}/")
    expect(page.get_by_role("link", name="1 correction après clôture").first).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{town}/exercices/{closing.pk}/corrections/")
    expect(page.get_by_role("cell", name="Accusé envoyé mais pas saisi")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_evidence_pack_pages_in_each_state_and_the_packs_own_index_have_no_accessibility_violation(
    live_server, org, make_member, log_in, settings
):
    """The list with a closed year to build, a build running (its progress bar), failed, ready;
    then the index.html of a real pack, as the auditor opens it from the ZIP."""
    import io
    import zipfile

    from commitments.closing import close_year
    from evidence.actions import run_build, start_build
    from evidence.models import PackStatus

    manager = make_member(org, Role.QUALITY_MANAGER)
    close_year(organisation=org, year=org.today().year - 1, actor=manager)
    page = log_in(manager)
    base = f"{live_server.url}/o/{org.slug}/dossier-de-preuves/"
    page.goto(base)
    expect(page.get_by_role("button", name=f"Construire le dossier {org.today().year - 1}")).to_be_visible()
    assert_no_axe_violations(page)
    pack = start_build(organisation=org, year=org.today().year - 1, actor=manager)
    pack.step, pack.steps, pack.step_label = 2, 30, "Engagement 2 : indicateurs, enregistrements et justificatifs"
    pack.save()
    page.goto(f"{base}{pack.pk}/")
    expect(page.get_by_label("Progression")).to_be_visible()
    assert_no_axe_violations(page)
    pack.status, pack.error = PackStatus.FAILED, "Erreur de test."
    pack.save()
    page.goto(f"{base}{pack.pk}/")
    assert_no_axe_violations(page)
    ready = run_build(start_build(organisation=org, year=org.today().year - 1, actor=manager))
    page.goto(f"{base}{ready.pk}/")
    expect(page.get_by_role("link", name=f"Télécharger le dossier {ready.year}")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(base)
    assert_no_axe_violations(page)
    with ready.file.open("rb") as stored:
        index = zipfile.ZipFile(io.BytesIO(stored.read())).read("index.html").decode()
    page.set_content(index)
    assert_no_axe_violations(page)
