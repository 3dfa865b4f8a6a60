"""A complaint received by post, at the counter or on the phone is acknowledged by a letter
(PDF) with the facts the e-mail acknowledgement of a web complaint gives; the citizen's postal
address is personal data, as their name: for those who handle complaints only, and erased with
the rest when the complaint is anonymised."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from complaints.actions import anonymise_closed, update_complaint
from complaints.models import Channel, Complaint
from core.models import Role, Service
from core.workdays import french_date

pytestmark = pytest.mark.django_db
ADDRESS = "12 rue des Lilas\n45999 Ville-de-Test"


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "accuse.pdf"
    path.write_bytes(content)
    return " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def letter_url(org, complaint: Complaint) -> str:
    return reverse("complaints:acknowledgement_pdf", args=[org.slug, complaint.pk])


@pytest.fixture
def by_post(org, make_complaint) -> Complaint:
    service = Service.objects.get(organisation=org, code="accueil")
    service.postal_address = "1 place de la Mairie\n45999 Ville-de-Test"
    service.email, service.phone = "accueil@ville-test.fr", "02 61 91 00 10"
    service.save()
    return make_complaint(
        channel=Channel.LETTER, received_on=dt.date(2026, 3, 2), service=service, citizen_email="",
        citizen_address=ADDRESS,
    )  # fmt: skip


def test_an_agent_prints_the_acknowledgement_letter_of_a_complaint_received_by_post(org, client_as, by_post, tmp_path):
    agent = client_as(org, Role.AGENT)
    page = agent.get(reverse("complaints:detail", args=[org.slug, by_post.pk])).content.decode()
    assert letter_url(org, by_post) in page and "12 rue des Lilas<br>45999 Ville-de-Test" in page

    response = agent.get(letter_url(org, by_post))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for mention in (
        "Jeanne Usagère 12 rue des Lilas 45999 Ville-de-Test",  # the recipient's block
        "Accueil 1 place de la Mairie 45999 Ville-de-Test",  # the service in charge and its contact
        "Téléphone : 02 61 91 00 10",
        "a bien reçu le lundi 2 mars 2026 votre réclamation : « Attente au guichet »",  # (spaces unbroken)
        f"numéro de suivi {by_post.tracking_number}",
        f"au plus tard le {french_date(by_post.answer_due_on)}",  # the answer's due day
        f"/p/{org.slug}/suivi/",  # where to follow it
    ):
        assert mention in text, mention


def test_without_a_postal_address_the_letter_is_not_offered_and_its_address_says_what_is_missing(
    org, client_as, by_post
):
    by_post.citizen_address = ""
    by_post.save()
    agent = client_as(org, Role.AGENT)
    page = agent.get(reverse("complaints:detail", args=[org.slug, by_post.pk])).content.decode()
    assert letter_url(org, by_post) not in page
    assert "demande le nom et l&#x27;adresse postale de l&#x27;usager" in page
    response = agent.get(letter_url(org, by_post), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/{by_post.pk}/")
    assert "demande le nom et l&#x27;adresse postale" in response.content.decode()


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_member_who_does_not_see_personal_data_gets_neither_the_letter_nor_the_address(org, client_as, by_post, role):
    client = client_as(org, role)
    assert client.get(letter_url(org, by_post)).status_code == 403
    page = client.get(reverse("complaints:detail", args=[org.slug, by_post.pk])).content.decode()
    export = client.get(reverse("complaints:export", args=[org.slug]), {"format": "csv"})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    for text in (page, content.decode("utf-8-sig")):
        assert "rue des Lilas" not in text and letter_url(org, by_post) not in text


def test_the_address_is_edited_as_the_other_contacts_and_erased_by_the_anonymisation(org, by_post):
    update_complaint(
        complaint=by_post, actor=None, seen_version=by_post.version, today=dt.date(2026, 11, 27),
        citizen_address="  3 impasse des Roses\n45999 Ville-de-Test  ",
    )  # fmt: skip
    by_post.refresh_from_db()
    assert by_post.citizen_address == "3 impasse des Roses\n45999 Ville-de-Test"
    Complaint.objects.filter(pk=by_post.pk).update(status="closed", closed_on=dt.date(2020, 1, 2))
    assert anonymise_closed(org, dt.date(2023, 1, 1), None) == 1
    by_post.refresh_from_db()
    assert by_post.citizen_address == "" and by_post.citizen_name == ""
