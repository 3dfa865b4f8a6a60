"""The invitation pages in a real browser: axe finds no accessibility violation on the
invited person's page nor on the inviting page listing a pending invitation."""

import pytest
from playwright.sync_api import expect

from administration.models import Invitation
from core.models import Role
from tests.test_browser_pages import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_invitation_pages_have_no_accessibility_violation(live_server, org, other_org, make_member, log_in):
    neighbour = make_member(other_org, Role.AGENT, email="voisin@autre-ville.test")
    Invitation.objects.create(organisation=org, user=neighbour, email=neighbour.email, role=Role.READER)
    page = log_in(neighbour)
    page.goto(live_server.url + "/invitations/")
    expect(page.get_by_role("button", name="Accepter l'invitation de Ville de Test")).to_be_visible()
    assert_no_axe_violations(page)
    page = log_in(make_member(org, Role.ADMIN))
    page.goto(live_server.url + f"/o/{org.slug}/parametres/membres/inviter/")
    expect(page.get_by_role("heading", name="Invitations en attente")).to_be_visible()
    assert_no_axe_violations(page)
