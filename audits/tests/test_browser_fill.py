"""Filling a grid on a phone (390 px wide) with the keyboard alone, in a real browser: each
answer is saved as soon as it is given, an answer given offline waits on the device and
leaves when the connection returns, a reload shows every answer kept, and the grid is
submitted. axe finds no violation on the page at that width."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from audits.models import AssessmentStatus, CommitmentScore, CriterionAnswer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=ZoneInfo("Europe/Paris"))),
]
PHONE = {"width": 390, "height": 844}
axe = Axe()


def status_of(page: Page, criterion):
    return page.locator(f"#critere-{criterion.pk} [data-status]")


def tab_to(page: Page, locator, presses: int = 60) -> None:
    for _ in range(presses):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def test_a_grid_is_filled_on_a_phone_with_the_keyboard_alone_kept_offline_and_submitted(
    live_server, org, assessment, assessor, criteria, log_in
):
    page = log_in(assessor)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("audits:fill", args=[org.slug, assessment.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing to scroll sideways
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    for label in page.locator(".rating").all():
        box = label.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44

    # From the skip link to the date, then the first criterion's answers.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Date du contrôle"))
    tab_to(page, page.get_by_role("radio", name="Oui").first, presses=5)  # past the date's day, month and year
    page.keyboard.press("Space")  # criterion 1: oui
    expect(status_of(page, criteria[0])).to_have_text("Enregistré")

    page.keyboard.press("Tab")  # "Commentaire ou photo"
    page.keyboard.press("Tab")  # criterion 2
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # criterion 2: non
    expect(status_of(page, criteria[1])).to_have_text("Enregistré")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # opens "Commentaire ou photo"
    page.keyboard.press("Tab")
    page.keyboard.type("Horaires d'été encore affichés")
    page.keyboard.press("Tab")  # leaving the comment sends it
    expect(status_of(page, criteria[1])).to_have_text("Enregistré")

    # Criterion 3 answered without a connection: kept on the device, sent when it returns.
    page.context.set_offline(True)
    tab_to(page, page.locator(f"#critere-{criteria[2].pk} input[value=yes]"))
    page.keyboard.press("Space")
    expect(status_of(page, criteria[2])).to_contain_text("Pas encore envoyé")
    assert not CriterionAnswer.objects.filter(criterion=criteria[2]).exists()
    page.context.set_offline(False)
    expect(status_of(page, criteria[2])).to_have_text("Enregistré")

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # criterion 4
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # criterion 4: sans objet
    expect(status_of(page, criteria[3])).to_have_text("Enregistré")

    page.reload()
    for criterion, value in zip(criteria, ["yes", "no", "yes", "na"], strict=True):
        expect(page.locator(f"#critere-{criterion.pk} input[value={value}]")).to_be_checked()
        expect(status_of(page, criterion)).to_have_text("Enregistré")
    expect(page.locator(f"#critere-{criteria[1].pk} textarea")).to_have_value("Horaires d'été encore affichés")
    expect(page.get_by_text("4 critères répondus sur 4.")).to_be_visible()

    submit = page.get_by_role("button", name="Remettre la grille")
    page.keyboard.press("Tab")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    my_grids = reverse("audits:my_grids", args=[org.slug])
    page.wait_for_url(lambda url: my_grids in url)  # the skip link's #contenu may follow
    expect(page.get_by_text("est remise. Merci !")).to_be_visible()
    expect(page.get_by_text("Aucune grille à remplir pour le moment.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert CommitmentScore.objects.filter(assessment=assessment).count() == 2
    assert CriterionAnswer.objects.get(criterion=criteria[1]).comment == "Horaires d'été encore affichés"
