"""The town's public contact and legal pages in its settings (parametres/pages-publiques/), and
the contact of each service printed on its acknowledgements of receipt."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.legal_texts import default_accessibility_statement, default_legal_notice
from core.localtime import PARIS
from core.models import AuditEvent, Organisation, Role, Service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False),
]


def url(org, name="public_pages", *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


def filled(org, **overrides):
    """The form as the page shows it, with `overrides` typed in (CRLF line ends, as a browser sends)."""
    data = {
        "contact_address": "Hôtel de ville\r\n1 place de la Mairie\r\n45999 Ville-de-Test",
        "contact_phone": "02 61 91 00 00",
        "contact_email": "mairie@ville-test.fr",
        "website": "https://www.ville-test.fr/",
        "legal_host": "",
        "legal_notice": default_legal_notice(org).replace("\n", "\r\n"),
        "accessibility_status": "non",
        "accessibility_audit_on": "",
        "accessibility_statement": default_accessibility_statement(org).replace("\n", "\r\n"),
    }
    return data | overrides


def test_the_page_starts_the_texts_from_the_defaults_the_town_reads_today(org, admin_client_org):
    form = admin_client_org.get(url(org)).context["form"]
    assert form.initial["legal_notice"] == default_legal_notice(org)
    assert form.initial["accessibility_statement"].startswith("Ville de Test s'engage")


def test_an_administrator_saves_the_contact_every_public_page_then_shows_and_the_untouched_defaults_stay_defaults(
    org, admin_client_org
):
    response = admin_client_org.post(url(org), filled(org))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.contact_address == "Hôtel de ville\n1 place de la Mairie\n45999 Ville-de-Test"
    assert (org.contact_phone, org.contact_email, org.website) == (
        "02 61 91 00 00",
        "mairie@ville-test.fr",
        "https://www.ville-test.fr/",
    )
    # The defaults sent back as shown are not stored: they keep following the town's data.
    assert org.legal_notice == "" and org.accessibility_statement == ""
    [event] = AuditEvent.objects.filter(organisation=org, object_type="core.organisation")
    assert event.after["contact_phone"] == "02 61 91 00 00" and "legal_notice" not in event.after
    footer = Client().get("/p/ville-test/reclamation/").content.decode()
    assert "1 place de la Mairie" in footer and 'href="tel:0261910000"' in footer
    assert "45999 Ville-de-Test" in Client().get("/p/ville-test/mentions-legales/").content.decode()


def test_an_edited_text_is_stored_and_an_emptied_one_goes_back_to_the_default(org, admin_client_org):
    admin_client_org.post(url(org), filled(org, legal_notice="## Éditeur\r\n\r\nLa commune de Test."))
    org.refresh_from_db()
    assert org.legal_notice == "## Éditeur\n\nLa commune de Test."
    assert "La commune de Test." in Client().get("/p/ville-test/mentions-legales/").content.decode()
    form = admin_client_org.get(url(org)).context["form"]
    assert form.initial["legal_notice"] == org.legal_notice  # the town's own text, not the default
    admin_client_org.post(url(org), filled(org, legal_notice=""))
    org.refresh_from_db()
    assert org.legal_notice == ""
    assert "Ces pages sont éditées par" in Client().get("/p/ville-test/mentions-legales/").content.decode()


def test_a_status_other_than_not_compliant_without_an_audit_date_is_refused_and_writes_nothing(org, admin_client_org):
    before = Organisation.objects.filter(pk=org.pk).values().get()
    response = admin_client_org.post(url(org), filled(org, accessibility_status="partiel"))
    assert response.status_code == 400
    assert "résulte d&#x27;un audit de conformité au RGAA : indiquez sa date" in response.content.decode()
    assert Organisation.objects.filter(pk=org.pk).values().get() == before
    future = admin_client_org.post(
        url(org), filled(org, accessibility_status="non", accessibility_audit_on="2027-01-04")
    )
    assert "ne peut pas être dans le futur" in future.content.decode()


def test_bad_contact_values_get_french_messages(org, admin_client_org):
    response = admin_client_org.post(url(org), filled(org, contact_phone="appelez-nous", contact_email="mairie"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez un numéro de téléphone" in page and "contact@ville.fr" in page


@pytest.mark.parametrize("role", [Role.QUALITY_MANAGER, Role.AGENT, Role.READER])
def test_only_an_administrator_changes_the_public_pages(org, client_as, role):
    client = client_as(org, role)
    assert client.get(url(org)).status_code == 403
    assert client.post(url(org), filled(org)).status_code == 403
    assert Organisation.objects.get(pk=org.pk).contact_phone == ""


def test_an_outsider_gets_404(org, outsider_client):
    assert outsider_client.get(url(org)).status_code == 404


def test_the_service_form_saves_the_contact_its_letters_print_and_the_list_says_what_is_missing(org, admin_client_org):
    service = Service.objects.get(organisation=org, code="etat-civil")
    listing = admin_client_org.get(url(org, "services")).content.decode()
    assert "Manque : adresse postale, adresse e-mail, téléphone" in listing
    data = {
        "site": service.site_id,
        "name": "État civil",
        "code": "etat-civil",
        "postal_address": "1 place de la Mairie\r\nBP 12\r\n45999 Ville-de-Test",
        "email": "etat-civil@ville-test.fr",
        "phone": "02 61 91 00 20",
    }
    assert admin_client_org.post(url(org, "service_edit", service.pk), data).status_code == 302
    service.refresh_from_db()
    assert service.postal_lines == ["1 place de la Mairie", "BP 12", "45999 Ville-de-Test"]
    assert service.missing_contact() == []
    [event] = AuditEvent.objects.filter(organisation=org, object_type="core.service", action="update")
    assert event.after["phone"] == "02 61 91 00 20"
    bad = admin_client_org.post(url(org, "service_edit", service.pk), data | {"phone": "zéro deux", "email": "x"})
    assert "Saisissez un numéro de téléphone" in bad.content.decode()
    assert Service.objects.get(pk=service.pk).phone == "02 61 91 00 20"
