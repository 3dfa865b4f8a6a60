"""A town's defaults come with the town: every app gives a new town the same defaults, and the
data migrations gave the towns that existed before exactly those."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps

from civil_registry.models import ActDeadlineRule
from commitments.actions import create_organisation
from core.models import Organisation, Service, Site
from core.registries import create_town_defaults
from correspondence.models import AcknowledgementTemplate, Category, DeadlineRule
from reception.models import VisitReason

pytestmark = pytest.mark.django_db

MIGRATIONS = [
    ("reception.migrations.0005_default_visit_reasons", "create_default_reasons"),
    ("correspondence.migrations.0004_town_defaults", "create_defaults"),
    ("civil_registry.migrations.0004_default_act_rules", "create_rules"),
]


def town(slug: str) -> Organisation:
    """A town with a site and two services, and nothing else."""
    organisation = Organisation.objects.create(slug=slug, name=slug)
    site = Site.objects.create(organisation=organisation, name="Mairie")
    Service.objects.create(organisation=organisation, site=site, code="accueil", name="Accueil")
    Service.objects.create(organisation=organisation, site=site, code="etat-civil", name="État civil")
    return organisation


def defaults_of(organisation: Organisation) -> dict[str, Any]:
    return {
        "reasons": sorted(
            VisitReason.objects.filter(organisation=organisation).values_list(
                "label", "service__code", "position", "is_active"
            )
        ),
        "rules": sorted(
            DeadlineRule.objects.filter(organisation=organisation).values_list(
                "channel", "category__code", "days", "business_days", "holding_reply_counts"
            )
        ),
        "categories": sorted(Category.objects.filter(organisation=organisation).values_list("code", "name")),
        "letter": list(
            AcknowledgementTemplate.objects.filter(organisation=organisation).values_list("title", "body", "signature")
        ),
        "act_rules": sorted(
            ActDeadlineRule.objects.filter(organisation=organisation).values_list("channel", "days", "business_days")
        ),
    }


def test_a_town_without_defaults_has_none():
    assert all(not rows for rows in defaults_of(town("vide")).values())


def test_the_migrations_give_an_existing_town_the_defaults_of_a_new_town():
    new = town("neuve")
    create_town_defaults(organisation=new, actor=None)
    existing = town("ancienne")
    for module, function in MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)
    expected = defaults_of(new)
    assert all(expected.values())
    assert defaults_of(existing) == expected


def test_the_migrations_leave_a_town_that_has_its_defaults_as_it_is(org):
    before = defaults_of(org)
    for module, function in MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)
    assert defaults_of(org) == before


def test_opening_a_town_with_the_command_action_creates_its_defaults(settings):
    organisation = create_organisation(
        slug="ouverte",
        name="Ville ouverte",
        holiday_zone="",
        framework_code="qualivilles",
        admin_email="admin@ouverte.test",
        base_url="https://qualipilote.example",
    )
    defaults = defaults_of(organisation)
    assert len(defaults["reasons"]) == 6 and len(defaults["act_rules"]) == 5 and len(defaults["letter"]) == 1
