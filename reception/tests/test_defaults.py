"""A town is created with the usual visit reasons; the counter pages never create them."""

import pytest

from core.models import AuditEvent, Organisation, Service, Site
from core.registries import create_town_defaults
from reception.defaults import create_default_reasons
from reception.models import VisitReason

pytestmark = pytest.mark.django_db


def test_a_new_town_gets_the_usual_reasons_tied_to_the_services_it_has(org, accueil, etat_civil):
    reasons = {r.label: r.service for r in VisitReason.objects.filter(organisation=org)}
    assert len(reasons) == 6
    assert reasons["État civil : acte"] == etat_civil
    assert reasons["Renseignement"] == accueil
    assert reasons["Urbanisme"] is None


def test_a_town_that_has_reasons_of_its_own_gets_none_added(org):
    assert create_default_reasons(org) == 0
    assert VisitReason.objects.filter(organisation=org).count() == 6


def test_the_town_defaults_create_the_reasons_once_and_write_no_audit_event():
    town = Organisation.objects.create(slug="neuve", name="Ville neuve")
    site = Site.objects.create(organisation=town, name="Mairie")
    Service.objects.create(organisation=town, site=site, code="accueil", name="Accueil")
    create_town_defaults(organisation=town, actor=None)
    create_town_defaults(organisation=town, actor=None)
    labels = list(VisitReason.objects.filter(organisation=town).values_list("label", "service__code"))
    assert labels == [
        ("État civil : acte", None),
        ("Carte d'identité / passeport", None),
        ("Inscription scolaire", None),
        ("Urbanisme", None),
        ("Renseignement", "accueil"),
        ("Autre", "accueil"),
    ]
    assert not AuditEvent.objects.filter(organisation=town).exists()
