"""Requesters' names, contacts and subjects are for those who handle the requests (issue 10,
item 8): readers and auditors see the request's dates and figures, not the person, in the
detail page, the acknowledgement letter, the exports and the search."""

import pytest
import tablib
from django.urls import reverse

from core.models import Role

pytestmark = pytest.mark.django_db
PERSONAL = ("Jeanne Usagère", "jeanne@exemple.fr", "Demande de stationnement")
WITHOUT_PERSONAL_DATA = [Role.READER, Role.AUDITOR]


def url(org, name, *args):
    return reverse(f"correspondence:{name}", args=[org.slug, *args])


@pytest.mark.parametrize("role", WITHOUT_PERSONAL_DATA)
def test_the_detail_page_hides_the_requester_and_the_subject(org, client_as, make_request, role):
    written = make_request()
    page = client_as(org, role).get(url(org, "detail", written.pk)).content.decode()
    assert written.display_reference in page
    assert not any(value in page for value in PERSONAL)
    assert "accuse-de-reception.pdf" not in page


@pytest.mark.parametrize("role", WITHOUT_PERSONAL_DATA)
def test_the_acknowledgement_letter_is_refused(org, client_as, make_request, role):
    written = make_request()
    assert client_as(org, role).get(url(org, "acknowledgement_pdf", written.pk)).status_code == 403


@pytest.mark.parametrize("role", WITHOUT_PERSONAL_DATA)
@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
def test_the_export_has_no_personal_column(org, client_as, make_request, role, kind):
    make_request()
    response = client_as(org, role).get(url(org, "export"), {"format": kind})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "csv":
        dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv", delimiter=";")
    else:
        dataset = tablib.Dataset().load(content, format=kind)
    assert {"Objet", "Demandeur", "Coordonnées"}.isdisjoint(dataset.headers)
    assert "Référence" in dataset.headers
    assert not any(value in str(row) for row in dataset for value in PERSONAL)


@pytest.mark.parametrize("role", WITHOUT_PERSONAL_DATA)
def test_the_search_does_not_match_names_or_subjects(org, client_as, make_request, role):
    written = make_request()
    client = client_as(org, role)
    for text in ("Usagère", "stationnement"):
        assert written.display_reference not in client.get(url(org, "home"), {"q": text}).content.decode()
    assert written.display_reference in client.get(url(org, "home"), {"q": written.reference}).content.decode()


def test_an_agent_sees_searches_and_exports_the_requester(org, client_as, make_request, contacted):
    written = make_request()
    agent = client_as(org, Role.AGENT)
    assert all(value in agent.get(url(org, "detail", written.pk)).content.decode() for value in PERSONAL)
    assert written.display_reference in agent.get(url(org, "home"), {"q": "Usagère"}).content.decode()
    response = agent.get(url(org, "export"), {"format": "csv"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "Jeanne Usagère" in content.decode("utf-8-sig")
    assert agent.get(url(org, "acknowledgement_pdf", written.pk)).status_code == 200
