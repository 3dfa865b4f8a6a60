"""Commitments 18 and 19 through the indicator engine: the civil registry's acts and errors
become stored indicator values of the Qualivilles framework (civil_registry + commitments)."""

import datetime as dt

import pytest
from django.core.management import call_command

from civil_registry.models import ActChannel
from civil_registry.tests.conftest import make_act, make_error  # noqa: F401
from commitments.models import IndicatorValue
from core.models import Organisation, Service, Site

pytestmark = pytest.mark.django_db
D = dt.date


def test_commitments_18_and_19_get_their_values_stored_by_the_indicator_engine(make_act, make_error):  # noqa: F811
    call_command(
        "create_organisation", "--slug", "ville-19", "--name", "Ville 19", "--zone", "57", "--admin", "m@v19.test"
    )
    town = Organisation.objects.get(slug="ville-19")
    Service.objects.create(
        organisation=town,
        site=Site.objects.create(organisation=town, name="Mairie"),
        code="etat-civil",
        name="État civil",
    )
    for day in range(2, 6):
        make_act(town, channel=ActChannel.COUNTER, received_on=D(2026, 3, day), delivered_on=D(2026, 3, day))
    make_act(town, channel=ActChannel.POST, received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 20))
    make_error(town, found_on=D(2026, 3, 16))
    call_command("recompute_indicators", "--org", town.slug, "--period", "2026-03")
    stored = IndicatorValue.objects.filter(
        organisation=town, indicator__code__in=["18.1", "19.1"], period_start=D(2026, 3, 1), service__isnull=True
    )
    values = {value.indicator.code: (value.numerator, value.denominator, value.value) for value in stored}
    assert values == {"18.1": (1, 5, 20.0), "19.1": (4, 5, 80.0)}
