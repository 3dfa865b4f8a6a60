"""What a quality manager does on the first day, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from commitments.frameworks import load_framework
from commitments.models import IndicatorValue
from commitments.tests.conftest import keep_typed
from core.models import AuditEvent, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def manager_page(live_server, org, make_member, log_in) -> Page:
    load_framework(organisation=org, code="qualivilles")
    keep_typed(org)  # 2.1 typed with its evidence, as before the grids (issue 13)
    page = log_in(make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test"))
    page.goto(f"{live_server.url}/o/{org.slug}/")
    return page


def indicator_row(page: Page, code: str):
    return page.get_by_role("row").filter(has_text=code).first


def test_a_manual_value_with_its_evidence_turns_the_status_to_not_met(manager_page: Page, tmp_path):
    page = manager_page
    expect(indicator_row(page, "2.1 Score")).to_contain_text("Pas de donnée")
    page.get_by_role("link", name="2. Offrir des locaux accessibles").click()
    page.get_by_role("link", name="Saisir une valeur").first.click()
    page.get_by_label("Score (%)").fill("80")
    page.get_by_label("Commentaire").fill("Grille du 12 mars : sanitaires hors service")
    evidence = tmp_path / "grille-locaux.pdf"
    evidence.write_bytes(SMALL_PDF)
    page.get_by_label("Pièce justificative").set_input_files(str(evidence))
    page.get_by_role("button", name="Enregistrer la valeur").click()

    expect(page.get_by_role("status")).to_be_visible()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Engagements").click()
    expect(indicator_row(page, "2.1 Score")).to_contain_text("Non atteint")
    expect(indicator_row(page, "2.1 Score")).to_contain_text("80")
    value = IndicatorValue.objects.get(indicator__code="2.1")
    assert value.comment.startswith("Grille du 12 mars") and value.evidence


def test_a_wrong_file_is_refused_in_french_and_nothing_is_saved(manager_page: Page, tmp_path):
    page = manager_page
    page.get_by_role("link", name="2. Offrir des locaux accessibles").click()
    page.get_by_role("link", name="Saisir une valeur").first.click()
    page.get_by_label("Score (%)").fill("95")
    fake = tmp_path / "grille.pdf"
    fake.write_text("ceci n'est pas un PDF")
    page.get_by_label("Pièce justificative").set_input_files(str(fake))
    page.get_by_role("button", name="Enregistrer la valeur").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".errorlist")).to_contain_text("PDF")
    assert not IndicatorValue.objects.exists()


def test_a_changed_wording_appears_in_the_history_with_who_and_when(manager_page: Page):
    page = manager_page
    page.get_by_role("link", name="9. Respecter les rendez-vous").click()
    page.get_by_role("link", name="Modifier l'engagement").click()
    page.get_by_label("Libellé de l'engagement").fill("Respecter les rendez-vous pris en ligne")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Respecter les rendez-vous pris en ligne")
    history = page.get_by_role("table").filter(has_text="Respecter les rendez-vous pris en ligne").last
    manager = User.objects.get(email="qualite@ville-test.test")
    expect(history).to_contain_text(manager.full_name)  # people by name, not by e-mail
    expect(history).to_contain_text("Modification")
    expect(history).to_contain_text("Respecter les rendez-vous")
    assert AuditEvent.objects.filter(object_type="commitments.commitment", action="update").count() == 1


def test_an_administrator_gets_a_low_contrast_colour_explained_then_the_theme_follows(
    live_server, org, make_member, log_in
):
    page = log_in(make_member(org, Role.ADMIN))
    page.goto(f"{live_server.url}/o/{org.slug}/parametres/ville/")
    page.get_by_label("Couleur principale (valeur hexadécimale)").fill("#ffcc00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".errorlist")).to_contain_text("4.5:1")
    org.refresh_from_db()
    assert org.brand_color == "#1f4e79"

    page.get_by_label("Couleur principale (valeur hexadécimale)").fill("#7a1f3d")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_be_visible()
    # The theme's stylesheet may still be loading when the message shows: wait for the colour.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(122, 31, 61)")
