"""The page of the addresses set aside from the e-mail invitations in a real browser: used with
the keyboard alone, axe finds no violation with a refused address nor after a change."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from surveys.models import InvitationRefusal
from tests.conftest import log_in  # noqa: F401 -- the browser session of a member
from tests.test_browser_pages import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_quality_manager_sets_an_address_aside_with_the_keyboard_alone(live_server, org, make_member, log_in):  # noqa: F811
    page = log_in(make_member(org, Role.QUALITY_MANAGER))
    page.goto(f"{live_server.url}/o/{org.slug}/enquetes/")
    page.get_by_role("link", name="adresses écartées à la demande des usagers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresses écartées des invitations")
    assert_no_axe_violations(page)

    first_field = page.get_by_role("region", name="Écarter une adresse").get_by_label("Adresse électronique")
    first_field.focus()
    page.keyboard.type("jeanne.roy")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ce n'est pas une adresse électronique valide")).to_be_visible()
    assert_no_axe_violations(page)  # the refused form, its error tied to the field
    assert not InvitationRefusal.objects.exists()

    first_field.fill("")
    first_field.focus()
    page.keyboard.type("Jeanne.Roy@exemple.fr")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Adresse écartée : elle ne recevra plus d'invitation aux enquêtes.")).to_be_visible()
    expect(page.get_by_text("1 adresse écartée.")).to_be_visible()
    assert_no_axe_violations(page)

    check = page.get_by_role("region", name="Vérifier ou remettre une adresse")
    check.get_by_label("Adresse électronique").focus()
    page.keyboard.type("jeanne.roy@exemple.fr")
    page.keyboard.press("Enter")  # the form's first button: Vérifier
    expect(page.get_by_text("Cette adresse est dans la liste")).to_be_visible()
    assert InvitationRefusal.objects.count() == 1
