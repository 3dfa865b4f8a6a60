"""The survey page in Chromium: choosing days, lines and agents, then downloading the PDF."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_a_reader_chooses_the_survey_week_and_downloads_its_pdf(live_server, org, survey_calls, make_member, log_in):
    page = log_in(make_member(org, Role.READER))
    page.goto(f"{live_server.url}/o/{org.slug}/rapports/")
    page.get_by_role("link", name="Enquête d'affluence téléphonique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête d'affluence téléphonique")

    page.get_by_label("Du").fill("2026-03-09")
    page.get_by_label("Au (inclus)").fill("2026-03-16")
    page.get_by_label("Accueil", exact=True).check()
    page.get_by_label("Agents présents sur la ligne Accueil").fill("2")
    page.get_by_role("button", name="Afficher les chiffres").click()

    table = page.get_by_role("table", name="Appels présentés, taux de décroché")
    expect(table.get_by_role("row", name="Accueil")).to_contain_text("80,0")
    expect(table).not_to_contain_text("État civil")
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport PDF").click()
    assert download.value.suggested_filename == "enquete-telephonique-2026-03-09.pdf"


def test_a_bad_span_is_explained_next_to_the_field(live_server, org, lines, make_member, log_in):
    page = log_in(make_member(org, Role.READER))
    page.goto(f"{live_server.url}/o/{org.slug}/rapports/enquete-telephonique/?du=2026-03-31&au=2026-03-01")
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_text("La date de fin doit suivre la date de début.")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le rapport PDF")).to_have_count(0)
    assert_no_axe_violations(page)
