"""A town's legal notice and accessibility statement (/p/<town>/mentions-legales/ and
/p/<town>/accessibilite/): a default written from the town's data while it has written none,
its own text once it has, plain text turned into headings, lists and paragraphs; and what a
service's contact lacks for an acknowledgement of receipt."""

import datetime as dt
import html

import pytest
from django.test import Client

from core.models import AccessibilityStatus, Organisation, Service
from core.periods import same_day_months_later
from core.service_contact import acknowledging_lines, missing_contact_message
from core.text import rich_blocks

LEGAL = "/p/ville-test/mentions-legales/"
ACCESSIBILITY = "/p/ville-test/accessibilite/"


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def reachable(org: Organisation) -> Organisation:
    org.contact_address = "Hôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test"
    org.contact_phone = "02 61 91 00 00"
    org.contact_email = "mairie@ville-test.fr"
    org.save()
    return org


@pytest.mark.django_db
def test_the_default_legal_notice_names_the_town_its_contact_the_legal_basis_and_the_retention(reachable):
    text = page(LEGAL)
    assert "<h1>Mentions légales</h1>" in text and "<h2>Éditeur</h2>" in text
    for mention in (
        "Ces pages sont éditées par Ville de Test.",
        "45999 Ville-de-Test",
        "Téléphone : 02 61 91 00 00",
        "mission de service public",
        "point e du règlement général sur la protection des données",
        "effacées 3 ans après la clôture",
        'délégué à la protection des données : <a href="mailto:mairie@ville-test.fr">',
    ):
        assert mention in text, mention
    assert '<a href="https://www.cnil.fr/"' in text  # the address made a link


@pytest.mark.django_db
def test_the_default_follows_the_town_data_since_nothing_is_stored(reachable):
    reachable.retention_years = 5
    reachable.legal_host = "Hébergeur Exemple, 1 rue du Serveur, 00000 Exemple, 01 99 00 00 01"
    reachable.save()
    text = page(LEGAL)
    assert "effacées 5 ans après la clôture" in text and "Hébergeur Exemple, 1 rue du Serveur" in text
    assert Organisation.objects.get(pk=reachable.pk).legal_notice == ""


@pytest.mark.django_db
def test_the_default_accessibility_statement_gives_the_status_the_contact_and_the_defenseur_des_droits(reachable):
    text = page(ACCESSIBILITY)
    assert "<h1>Déclaration d'accessibilité</h1>" in text
    assert "sont non conformes avec le référentiel général d'amélioration de l'accessibilité (RGAA)" in text
    assert "Aucun audit de conformité n'a encore été réalisé." in text
    assert '<li>par courriel : <a href="mailto:mairie@ville-test.fr">mairie@ville-test.fr</a></li>' in text
    assert "<li>par téléphone : 02 61 91 00 00</li>" in text
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in text
    assert '<a href="https://formulaire.defenseurdesdroits.fr/"' in text


@pytest.mark.django_db
def test_an_audited_status_is_stated_with_the_date_of_the_audit(reachable):
    reachable.accessibility_status = AccessibilityStatus.PARTIAL
    reachable.accessibility_audit_on = dt.date(2026, 10, 5)
    reachable.save()
    text = page(ACCESSIBILITY)
    assert "sont partiellement conformes" in text and "réalisé le lundi 5 octobre 2026" in text
    assert "Accessibilité : partiellement conforme" in text  # the footer's link says it too


@pytest.mark.django_db
def test_the_towns_own_texts_replace_the_defaults_escaped_with_their_headings_and_lists(org):
    org.legal_notice = "## Éditeur\n\nMairie de Test <script>alert(1)</script>\n\n- un\n- deux"
    org.accessibility_statement = "Notre propre déclaration."
    org.save()
    text = Client().get(LEGAL).content.decode()
    assert "<h2>Éditeur</h2>" in text and "<ul><li>un</li><li>deux</li></ul>" in text
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "Ces pages sont éditées par" not in text
    assert "Notre propre déclaration." in page(ACCESSIBILITY) and "Défenseur" not in page(ACCESSIBILITY)


@pytest.mark.django_db
def test_an_unknown_town_has_no_legal_pages(org):
    for path in ("/p/ville-inconnue/mentions-legales/", "/p/ville-inconnue/accessibilite/"):
        assert Client().get(path).status_code == 404


def test_plain_text_becomes_headings_lists_and_paragraphs_with_line_breaks():
    blocks = rich_blocks("## Titre\r\n\r\nLigne un\nLigne deux\n\n- a\n  - b\n\n\n## Pas un titre\nsuite")
    assert [block.kind for block in blocks] == ["heading", "paragraph", "list", "paragraph"]
    assert blocks[1].lines == ["Ligne un", "Ligne deux"] and blocks[2].lines == ["a", "b"]


def test_two_months_after_a_day_is_the_same_day_or_the_last_of_a_shorter_month():
    assert same_day_months_later(dt.date(2026, 7, 10), 2) == dt.date(2026, 9, 10)
    assert same_day_months_later(dt.date(2026, 12, 31), 2) == dt.date(2027, 2, 28)
    assert same_day_months_later(dt.date(2027, 12, 30), 2) == dt.date(2028, 2, 29)


def test_a_service_lacking_part_of_its_contact_is_told_what_it_lacks():
    service = Service(name="État civil", postal_address="1 place de la Mairie", email="", phone=" ")
    assert service.missing_contact() == ["adresse e-mail", "téléphone"]
    message = missing_contact_message(service)
    assert message is not None and "il manque au service « État civil » son adresse e-mail et son téléphone" in message
    service.email, service.phone = "etat-civil@ville.fr", "02 61 91 00 20"
    assert missing_contact_message(service) is None
    assert "aucun service" in (missing_contact_message(None) or "")


def test_an_acknowledgement_without_an_agent_gives_the_service_when_complete_otherwise_the_town():
    town = Organisation(name="Ville de Test", contact_address="1 place\n45999 Test", contact_email="m@test.fr")
    service = Service(name="Accueil", postal_address="Accueil\n1 place", email="a@test.fr", phone="")
    assert acknowledging_lines(town, service) == ["Ville de Test", "1 place", "45999 Test", "Courriel : m@test.fr"]
    service.phone = "02 61 91 00 10"
    assert acknowledging_lines(town, service)[:2] == ["Ville de Test", "Accueil"]
    assert "Téléphone : 02 61 91 00 10" in acknowledging_lines(town, service)
