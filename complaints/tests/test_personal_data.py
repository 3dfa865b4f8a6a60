"""Citizens' names, contacts and complaint texts are for those who handle complaints (issue
10, item 8): a reader's or an auditor's search does not match what they cannot see, and their
export has no personal column."""

import pytest
from django.urls import reverse

from core.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_the_search_does_not_match_a_name_or_a_subject_the_member_cannot_see(org, client_as, make_complaint, role):
    complaint = make_complaint()
    client = client_as(org, role)
    home = reverse("complaints:home", args=[org.slug])
    for text in ("Usagère", "guichet"):
        assert complaint.tracking_number not in client.get(home, {"q": text}).content.decode()
    page = client.get(home, {"q": complaint.tracking_number}).content.decode()
    assert complaint.tracking_number in page and "Numéro de suivi, objet ou nom." not in page


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_the_detail_and_the_export_hide_the_citizen(org, client_as, make_complaint, role):
    complaint = make_complaint()
    client = client_as(org, role)
    page = client.get(reverse("complaints:detail", args=[org.slug, complaint.pk])).content.decode()
    export = client.get(reverse("complaints:export", args=[org.slug]), {"format": "csv"})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    for text in (page, content.decode("utf-8-sig")):
        assert not any(value in text for value in ("Jeanne Usagère", "jeanne@exemple.fr", "Attente au guichet"))


def test_an_agent_finds_a_complaint_by_the_citizen_name(org, client_as, make_complaint):
    complaint = make_complaint()
    page = client_as(org, Role.AGENT).get(reverse("complaints:home", args=[org.slug]), {"q": "Usagère"})
    assert complaint.tracking_number in page.content.decode()
