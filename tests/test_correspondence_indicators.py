"""Commitment 17 through the indicator engine: written requests answered on time become
stored indicator values of the Qualivilles framework (correspondence + commitments)."""

import datetime as dt

import pytest
from django.core.management import call_command

from commitments.models import IndicatorValue
from core.models import Organisation, Service, Site
from correspondence import actions
from correspondence.models import Channel
from correspondence.tests.conftest import make_request  # noqa: F401

pytestmark = pytest.mark.django_db
D = dt.date


def test_commitment_17_gets_its_values_stored_by_the_indicator_engine(make_request, capsys):  # noqa: F811
    call_command(
        "create_organisation",
        "--slug",
        "ville-17",
        "--name",
        "Ville 17",
        "--zone",
        "metropole",
        "--admin",
        "m@v17.test",
    )
    town = Organisation.objects.get(slug="ville-17")
    site = Site.objects.create(organisation=town, name="Mairie")
    Service.objects.create(organisation=town, site=site, code="accueil", name="Accueil")
    on_time = make_request(town, channel=Channel.LETTER, received_on=D(2026, 2, 16))  # due 09/03
    actions.answer(on_time, actor=None, seen_version=on_time.version, on=D(2026, 3, 9))
    make_request(town, channel=Channel.LETTER, received_on=D(2026, 2, 16))  # never answered: late
    email = make_request(town, channel=Channel.EMAIL, received_on=D(2026, 3, 2))  # due 09/03
    actions.answer(email, actor=None, seen_version=email.version, on=D(2026, 3, 3))
    call_command("recompute_indicators", "--org", town.slug, "--period", "2026-03")
    stored = IndicatorValue.objects.filter(
        organisation=town, indicator__code__in=["17.1", "17.2"], period_start=D(2026, 3, 1), service__isnull=True
    )
    values = {value.indicator.code: (value.numerator, value.denominator, value.value) for value in stored}
    assert values == {"17.1": (1, 2, 50.0), "17.2": (1, 1, 100.0)}
