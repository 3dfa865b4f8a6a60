"""The public complaint form and tracking page: no account, CSRF, rate limit, honeypot,
and never any personal data on the tracking page."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from complaints import actions
from complaints.models import Channel, Complaint, Status
from complaints.public_views import FORM_LIMIT
from complaints.tests.conftest import TODAY
from core.workdays import french_date

pytestmark = pytest.mark.django_db

FORM = "/p/ville-test/reclamation/"
SENT = "/p/ville-test/reclamation/envoyee/"
TRACKING = "/p/ville-test/suivi/"


def filled(**overrides):
    return {
        "kind": "reclamation",
        "commitment_code": "",
        "subject": "Attente au guichet",
        "description": "J'ai attendu 45 minutes & personne ne m'a orienté.",
        "citizen_name": "Jeanne D'Arc-Usagère",
        "citizen_email": "jeanne@exemple.fr",
        "citizen_phone": "06 12 34 56 78",
        "website": "",
    } | overrides


def test_the_form_page_is_public_french_and_carries_a_csrf_token_and_a_hidden_honeypot(org):
    response = Client().get(FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html and "csrfmiddlewaretoken" in html
    assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "Menu principal" not in html  # no back-office menu
    assert "3 ans après la clôture de votre demande" in html  # the retention notice


def test_the_form_states_its_legal_basis_and_asks_for_no_consent(org):
    page = Client().get(FORM).content.decode()
    assert "mission de service public" in page and "point e du règlement général sur la protection" in page
    assert 'type="checkbox"' not in page and "J&#x27;accepte" not in page
    assert 'href="/p/ville-test/mentions-legales/"' in page


def test_the_form_offers_only_the_commitments_shown_to_the_public(internal):
    page = Client().get(FORM).content.decode()
    assert 'value="8"' in page and "Traiter systématiquement" not in page and 'value="21"' not in page


def test_an_internal_commitment_posted_anyway_is_refused_in_french_and_nothing_is_saved(internal):
    response = Client().post(FORM, filled(commitment_code="21"))
    assert response.status_code == 200
    assert "Choisissez un engagement dans la liste" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_acknowledgement_email_gives_the_town_halls_contact(followed, django_capture_on_commit_callbacks):
    followed.contact_address = "Hôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test"
    followed.contact_phone = "02 61 91 00 00"
    followed.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(FORM, filled())
    body = mail.outbox[0].body
    complaint = Complaint.objects.get()
    assert f"a bien reçu le {french_date(complaint.received_on)} votre réclamation" in body
    assert (
        "Ville de Test\nHôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test\nTéléphone : 02 61 91 00 00" in body
    )


def test_an_unknown_town_gives_404_on_every_public_page(org):
    for path in (
        "/p/ville-inconnue/reclamation/",
        "/p/ville-inconnue/reclamation/envoyee/",
        "/p/ville-inconnue/suivi/",
    ):
        assert Client().get(path).status_code == 404


def test_a_citizen_files_a_complaint_gets_a_tracking_number_and_an_acknowledgement_email(
    followed, django_capture_on_commit_callbacks
):
    org = followed
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, filled(commitment_code="8"), follow=True)
    complaint = Complaint.objects.get(organisation=org)
    assert complaint.tracking_number in response.content.decode()
    assert response.redirect_chain[-1][0] == SENT
    assert complaint.channel == Channel.WEB and complaint.commitment_code == "8"
    assert complaint.status == Status.ACKNOWLEDGED and complaint.acknowledged_on == complaint.received_on
    assert complaint.citizen_name == "Jeanne D'Arc-Usagère"
    message = mail.outbox[0]
    assert message.to == ["jeanne@exemple.fr"]
    assert complaint.tracking_number in message.subject and complaint.tracking_number in message.body
    # Plain text: no HTML escaping of the citizen's words.
    assert "Jeanne D'Arc-Usagère" in message.body and "&#x27;" not in message.body and "&amp;" not in message.body
    assert f"/p/ville-test/suivi/?numero={complaint.tracking_number}" in message.body


def test_without_an_email_no_message_is_sent_and_the_complaint_waits_for_an_acknowledgement(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(FORM, filled(citizen_email=""))
    complaint = Complaint.objects.get(organisation=org)
    assert mail.outbox == [] and complaint.status == Status.RECEIVED


def test_a_post_without_csrf_token_is_refused_with_403_and_nothing_is_saved(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post(FORM, filled())
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_a_post_with_the_csrf_token_goes_through(org):
    client = Client(enforce_csrf_checks=True)
    client.get(FORM)
    token = client.cookies["csrftoken"].value
    response = client.post(FORM, filled(csrfmiddlewaretoken=token))
    assert response.status_code == 302 and Complaint.objects.count() == 1


def test_the_sixth_complaint_within_an_hour_from_one_address_gets_429_in_french_and_is_not_saved(org):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(FORM_LIMIT):
        assert client.post(FORM, filled()).status_code == 302
    response = client.post(FORM, filled(subject="Une de trop"))
    assert response.status_code == 429
    assert "Trop de messages" in response.content.decode()
    assert Complaint.objects.count() == FORM_LIMIT
    assert not Complaint.objects.filter(subject="Une de trop").exists()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="192.0.2.11").post(FORM, filled()).status_code == 302


def test_a_filled_honeypot_is_thanked_and_saves_nothing_nor_sends_mail(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(FORM, filled(website="http://spam.example"), follow=True)
    assert response.status_code == 200 and "bien été envoyé" in response.content.decode()
    assert not Complaint.objects.exists() and mail.outbox == []


def test_missing_fields_get_french_messages_tied_to_their_fields_and_nothing_is_saved(org):
    response = Client().post(FORM, filled(subject="", description="", citizen_email="pas-une-adresse"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez l&#x27;objet de votre message." in html
    assert "Écrivez votre message." in html
    assert "nom@exemple.fr" in html
    assert 'id="id_subject_error"' in html and 'aria-invalid="true"' in html
    assert not Complaint.objects.exists()


def test_the_confirmation_page_without_a_submission_says_so(org):
    response = Client().get(SENT)
    assert response.status_code == 200 and "Aucun message envoyé" in response.content.decode()


def test_tracking_shows_status_and_dates_but_no_personal_data_nor_the_answer(org, make_complaint):
    complaint = make_complaint(
        subject="Objet confidentiel",
        description="Texte confidentiel",
        citizen_name="Jeanne Usagère",
        citizen_email="jeanne@exemple.fr",
        citizen_phone="0612345678",
        received_on=dt.date(2026, 3, 2),
    )
    actions.answer(
        complaint=complaint,
        actor=None,
        seen_version=complaint.version,
        on=dt.date(2026, 3, 6),
        today=TODAY,
        text="Réponse confidentielle",
    )
    response = Client().get(TRACKING, {"numero": complaint.tracking_number.lower()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "répondue" in html and "lundi 2 mars 2026" in html and "vendredi 6 mars 2026" in html
    for secret in ("confidentiel", "Jeanne", "jeanne@", "0612345678", "Attente"):
        assert secret not in html


def test_an_unknown_tracking_number_is_answered_in_french(org, other_org, make_complaint):
    elsewhere = make_complaint(organisation=other_org)
    response = Client().get(TRACKING, {"numero": elsewhere.tracking_number})
    assert "Aucune réclamation ni suggestion ne porte ce numéro" in response.content.decode()


def test_tracking_lookups_are_rate_limited_against_enumeration(org):
    from complaints.public_views import TRACKING_LIMIT

    client = Client(REMOTE_ADDR="192.0.2.20")
    for _ in range(TRACKING_LIMIT):
        assert client.get(TRACKING, {"numero": "R2026-AAAAAAAA"}).status_code == 200
    response = client.get(TRACKING, {"numero": "R2026-BBBBBBBB"})
    assert response.status_code == 429 and "Trop de recherches" in response.content.decode()
    assert client.get(TRACKING).status_code == 200  # the empty form is never limited


def test_acknowledgements_to_one_address_are_throttled_and_the_citizen_is_told(org, django_capture_on_commit_callbacks):
    from complaints.public_views import EMAIL_LIMIT

    for number in range(EMAIL_LIMIT + 1):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")  # each from its own connection
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORM, filled(subject=f"Objet {number}"), follow=True)
        assert response.status_code == 200
    assert len(mail.outbox) == EMAIL_LIMIT
    assert Complaint.objects.count() == EMAIL_LIMIT + 1  # the complaint itself is filed
    assert "aucun nouvel accusé de réception" in response.content.decode()
    assert "vient de vous être envoyé" not in response.content.decode()
