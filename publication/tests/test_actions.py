"""Publishing: only a complete year, only what was previewed, each publication kept frozen
with its licence, and every step in the audit trail."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from commitments.models import IndicatorValue
from core.models import AuditEvent
from core.registries import create_town_defaults
from publication.actions import publish_results, set_licence
from publication.models import Licence, Publication, PublicationError, PublicationSettings
from publication.snapshot import build_snapshot, fingerprint
from publication.tests.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def test_a_new_town_publishes_under_the_licence_ouverte_by_default(org):
    assert PublicationSettings.objects.get(organisation=org).licence == Licence.ETALAB
    create_town_defaults(organisation=org, actor=None)
    assert PublicationSettings.objects.filter(organisation=org).count() == 1


def test_a_publication_freezes_what_it_shows_whatever_is_recomputed_later(town, year_2025, manager):
    publication = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    frozen = build_snapshot(organisation=town, year=2025)
    assert publication.content == frozen and publication.content_sha256 == fingerprint(frozen)
    IndicatorValue.objects.filter(organisation=town, indicator__code="20.2").update(numerator=40, value=40)
    assert build_snapshot(organisation=town, year=2025) != frozen
    publication.refresh_from_db()
    assert publication.content == frozen
    satisfaction = publication.content["services_publics_plus"][2]["results"][0]
    assert satisfaction["numerator"] == 92 and satisfaction["status"] == "met"


def test_a_publication_is_never_changed(town, year_2025, manager):
    publication = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    publication.year = 2024
    with pytest.raises(PublicationError):
        publication.save()


def test_the_validation_is_journaled_with_who_validated(town, year_2025, manager):
    publication = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    event = AuditEvent.objects.get(object_type="publication.publication", object_id=str(publication.pk))
    assert (event.action, event.actor) == ("create", manager)
    assert event.after is not None
    assert event.after["year"] == 2025 and event.after["version"] == 1 and event.after["licence"] == "etalab-2.0"
    assert publication.validated_by == manager and publication.validated_at == NOW


def test_a_year_not_over_is_refused_and_nothing_is_written(town, store, manager):
    store("20.2", "2026", 90, 100)
    with pytest.raises(ValidationError, match="pas terminée"):
        publish_results(organisation=town, year=2026, actor=manager, now=NOW)
    assert not Publication.objects.exists()


def test_figures_changed_since_the_preview_are_not_published(town, year_2025, manager):
    previewed = fingerprint(build_snapshot(organisation=town, year=2025))
    IndicatorValue.objects.filter(organisation=town, indicator__code="20.2").update(numerator=80, value=80)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="ont changé depuis votre aperçu"):
        publish_results(organisation=town, year=2025, actor=manager, now=NOW, previewed=previewed)
    assert not Publication.objects.exists() and AuditEvent.objects.count() == events


def test_a_year_without_any_value_has_nothing_to_publish(town, manager):
    with pytest.raises(ValidationError, match="rien à publier"):
        publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    assert not Publication.objects.exists()


def test_publishing_a_year_again_keeps_the_first_publication_as_it_was(town, year_2025, manager):
    first = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    IndicatorValue.objects.filter(organisation=town, indicator__code="20.2").update(numerator=95, value=95)
    second = publish_results(organisation=town, year=2025, actor=manager, now=NOW + dt.timedelta(days=1))
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.content["services_publics_plus"][2]["results"][0]["numerator"] == 92
    assert second.content["services_publics_plus"][2]["results"][0]["numerator"] == 95


def test_a_new_licence_applies_to_the_next_publications_only(town, year_2025, manager):
    first = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    assert set_licence(organisation=town, licence=Licence.ODBL, actor=manager)
    second = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    first.refresh_from_db()
    assert (first.licence, second.licence) == (Licence.ETALAB, Licence.ODBL)
    event = AuditEvent.objects.filter(object_type="publication.publicationsettings").get()
    assert (event.action, event.before, event.after) == ("update", {"licence": "etalab-2.0"}, {"licence": "ODbL-1.0"})


def test_an_unknown_licence_is_refused(town, manager):
    with pytest.raises(ValidationError):
        set_licence(organisation=town, licence="tous-droits-reserves", actor=manager)
    assert PublicationSettings.objects.get(organisation=town).licence == Licence.ETALAB


def test_the_migration_gives_a_town_created_before_the_app_the_licence_ouverte(org):
    PublicationSettings.objects.filter(organisation=org).delete()
    importlib.import_module("publication.migrations.0002_town_defaults").create_defaults(django_apps, None)
    assert PublicationSettings.objects.get(organisation=org).licence == Licence.ETALAB
