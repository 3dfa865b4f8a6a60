"""Every public page of a town (under /p/<town>/) carries the town's name, logo and contact and
the links the law asks for: its legal notice and its accessibility statement with its status;
and the public complaint form offers only the commitments the town shows the public."""

from __future__ import annotations

import pytest
from django.test import Client

from appointments.models import Appointment
from commitments.frameworks import load_framework
from commitments.models import Commitment
from complaints.models import Complaint
from core.models import Organisation
from surveys.models import Campaign
from tests.samples import sample_values
from tests.urlwalk import all_routes

pytestmark = pytest.mark.django_db
PUBLIC_PREFIX = "p/<slug:org_slug>/"


@pytest.fixture
def town(org: Organisation) -> Organisation:
    org.logo = "logos/ville-test.png"  # only its URL is read: the header's image points at it
    org.contact_address = "Hôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test"
    org.contact_phone = "02 61 91 00 00"
    org.contact_email = "mairie@ville-test.fr"
    org.website = "https://www.ville-test.fr/"
    org.save()
    return org


def public_town_routes() -> list:
    return [
        route for route in all_routes() if route.access_rule == "public" and route.pattern.startswith(PUBLIC_PREFIX)
    ]


def test_every_public_page_of_a_town_carries_its_name_logo_contact_and_legal_links(town):
    values = sample_values(town)
    values["code"] = Campaign.objects.get(pk=values["campaign_id"]).code
    values["number"] = Appointment.objects.get(pk=values["appointment_id"]).number
    values["token"] = "jeton-inconnu"  # the page saying the link no longer works
    checked = []
    for route in public_town_routes():
        response = Client().get(route.url(values), follow=True)
        # A citizen's link with a wrong token answers « Ce lien n'est pas valable » (404), in the same layout.
        assert response.status_code == (404 if "token" in route.parameters else 200), route.pattern
        if not response["Content-Type"].startswith("text/html"):
            continue  # the open data files (CSV, JSON) and the posters
        page = response.content.decode()
        for expected in (
            "<span>Ville de Test</span>",
            'src="/theme/ville-test/logo',
            "1 place de la Mairie",
            'href="tel:0261910000"',
            'href="mailto:mairie@ville-test.fr"',
            'href="https://www.ville-test.fr/"',
            '<a href="/p/ville-test/mentions-legales/">Mentions légales</a>',
            '<a href="/p/ville-test/accessibilite/">Accessibilité : non conforme</a>',
        ):
            assert expected in page, f"{route.pattern}: {expected}"
        checked.append(route.name)
    expected_pages = {
        "complaint_form",
        "complaint_tracking",
        "legal_notice",
        "accessibility",
        "kinds",
        "answer",
        "latest",
    }
    assert expected_pages <= set(checked)


def test_the_public_complaint_form_offers_only_the_active_commitments_shown_to_the_public(org):
    load_framework(organisation=org, code="qualivilles")
    Commitment.objects.filter(organisation=org, code="6").update(is_active=False)
    page = Client().get("/p/ville-test/reclamation/").content.decode()
    offered = {code for code in map(str, range(1, 24)) if f'<option value="{code}"' in page}
    assert offered == {str(code) for code in range(1, 22)} - {"6"}  # neither 22 nor 23, internal


@pytest.mark.parametrize("code", ["22", "23", "6", "99"])
def test_an_internal_inactive_or_unknown_commitment_posted_is_refused_and_nothing_saved(org, code):
    load_framework(organisation=org, code="qualivilles")
    Commitment.objects.filter(organisation=org, code="6").update(is_active=False)
    data = {"kind": "reclamation", "commitment_code": code, "subject": "Objet", "description": "Message", "website": ""}
    response = Client().post("/p/ville-test/reclamation/", data)
    assert "Choisissez un engagement dans la liste" in response.content.decode()
    assert not Complaint.objects.exists()
    assert Client().post("/p/ville-test/reclamation/", data | {"commitment_code": "8"}).status_code == 302
    assert Complaint.objects.get().commitment_code == "8"
