"""The questionnaire editor in a real browser: the keyboard alone builds a small questionnaire
with a conditional question, a move that would break the condition is refused, and the preview
is answered as a citizen would; axe finds no violation on the pages and their error states."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from core.models import Role
from surveys.models import Question, Questionnaire, Response
from tests.conftest import log_in  # noqa: F401 -- opens a session in the browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
axe = Axe()


def assert_no_axe_violations(page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's accessible text (or label) contains `name`."""
    script = """name => {
        const element = document.activeElement;
        if (!element || element === document.body) return false;
        const labels = element.labels ? Array.from(element.labels).map(label => label.textContent).join(" ") : "";
        return (element.textContent + " " + labels + " " + (element.getAttribute("aria-label") || "")).includes(name);
    }"""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script, name):
            return
    raise AssertionError(f"no focusable element named {name!r} on {page.url}")


def tab_to_field(page: Page, name: str, limit: int = 80) -> None:
    """Press Tab until the form field named `name` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            return
    raise AssertionError(f"no field {name!r} on {page.url}")


def test_the_keyboard_alone_builds_a_questionnaire_and_answers_its_preview(live_server, org, make_member, log_in):  # noqa: F811
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    page.goto(f"{live_server.url}/o/{org.slug}/enquetes/questionnaires/")
    assert_no_axe_violations(page)
    tab_to(page, "Nouveau questionnaire")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questionnaires/nouveau/")
    tab_to_field(page, "title")
    page.keyboard.type("Accueil du samedi")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil du samedi")

    tab_to(page, "Ajouter une question à la section")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/nouvelle/")
    tab_to_field(page, "text")
    page.keyboard.type("Avez-vous appelé la mairie ?")
    tab_to_field(page, "kind")
    page.keyboard.type("oui")  # the select's type-ahead: « oui / non »
    tab_to(page, "Enregistrer la question")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question « Avez-vous appelé la mairie ? » ajoutée.")).to_be_visible()

    tab_to(page, "Ajouter une question à la section")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/nouvelle/")
    tab_to_field(page, "text")
    page.keyboard.type("Étiez-vous satisfait de l'appel ?")
    tab_to_field(page, "condition")
    page.keyboard.press("ArrowDown")  # « Si la réponse est « Oui » », after the first question
    tab_to(page, "Enregistrer la question")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question « Étiez-vous satisfait de l'appel ? » ajoutée.")).to_be_visible()
    asked = Question.objects.get(key="etiez_vous_satisfait_de_l_appel")
    assert asked.shown_after is not None and asked.shown_after.key == "avez_vous_appele_la_mairie"
    assert asked.shown_if == "oui"
    assert_no_axe_violations(page)

    tab_to(page, "Descendre la question « Avez-vous appelé la mairie ? »")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("elle doit venir après elle")
    assert_no_axe_violations(page)

    tab_to(page, "Aperçu comme l'usager le voit")
    page.keyboard.press("Enter")
    page.wait_for_url("**/apercu/")
    expect(page.locator(f"#question-{asked.key}")).to_be_hidden()
    tab_to_field(page, "avez_vous_appele_la_mairie")  # its first answer, « Oui »
    page.keyboard.press("Space")
    expect(page.locator(f"#question-{asked.key}")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # « Très satisfait »
    assert_no_axe_violations(page)
    tab_to(page, "Vérifier mes réponses")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Ces réponses seraient acceptées")).to_be_visible()
    assert not Response.objects.exists()


def test_a_refused_question_form_has_no_accessibility_violation(live_server, org, make_member, log_in):  # noqa: F811
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    page.goto(f"{live_server.url}/o/{org.slug}/enquetes/questionnaires/nouveau/")
    page.locator("#id_title").fill("Accueil")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")
    section = Questionnaire.objects.get().sections.get()
    page.goto(f"{live_server.url}/o/{org.slug}/enquetes/questionnaires/sections/{section.pk}/questions/nouvelle/")
    page.locator("#id_text").fill("Motif de la visite ?")
    page.locator("#id_kind").select_option("single")
    page.locator("#id_key").fill("Motif")
    page.get_by_role("button", name="Enregistrer la question").click()
    expect(page.get_by_role("alert")).to_contain_text("corrigez les champs signalés")
    expect(page.get_by_text("Code « Motif » : de 1 à 40 lettres minuscules")).to_be_visible()
    assert_no_axe_violations(page)
