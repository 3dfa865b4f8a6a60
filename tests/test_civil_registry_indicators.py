"""Commitments 18 and 19 through the indicator engine: the civil registry's acts and errors
become stored indicator values of the Qualivilles framework (civil_registry + commitments)."""

import datetime as dt

import pytest
from django.core.management import call_command

from civil_registry.actions import delete_error, update_error
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
    counter = [
        make_act(town, channel=ActChannel.COUNTER, received_on=D(2026, 3, day), delivered_on=D(2026, 3, day))
        for day in range(2, 6)
    ]
    make_act(town, channel=ActChannel.POST, received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 20))
    make_error(town, act_request=counter[0], issued_on=D(2026, 3, 2), found_on=D(2026, 3, 16))
    call_command("recompute_indicators", "--org", town.slug, "--period", "2026-03")
    stored = IndicatorValue.objects.filter(
        organisation=town, indicator__code__in=["18.1", "19.1"], period_start=D(2026, 3, 1), service__isnull=True
    )
    values = {value.indicator.code: (value.numerator, value.denominator, value.value) for value in stored}
    assert values == {"18.1": (1, 5, 20.0), "19.1": (4, 5, 80.0)}


def _town_with_a_march_of_acts(make_act):  # noqa: F811
    call_command(
        "create_organisation", "--slug", "ville-18", "--name", "Ville 18", "--zone", "57", "--admin", "m@v18.test"
    )
    town = Organisation.objects.get(slug="ville-18")
    Service.objects.create(
        organisation=town,
        site=Site.objects.create(organisation=town, name="Mairie"),
        code="etat-civil",
        name="État civil",
    )
    acts = [
        make_act(town, channel=ActChannel.COUNTER, received_on=D(2026, 3, day), delivered_on=D(2026, 3, day))
        for day in (2, 3, 4, 5)
    ]
    call_command("recompute_indicators", "--org", town.slug, "--period", "2026-03")
    return town, acts


def _stored_18(town):
    value = IndicatorValue.objects.get(
        organisation=town, indicator__code="18.1", period_start=D(2026, 3, 1), service__isnull=True
    )
    return (value.numerator, value.denominator, value.value)


def test_an_error_found_months_later_raises_the_stored_rate_of_the_month_the_act_was_issued(
    make_act,  # noqa: F811
    make_error,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    town, acts = _town_with_a_march_of_acts(make_act)
    assert _stored_18(town) == (0, 4, 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        error = make_error(
            town, act_request=acts[0], act_type=acts[0].act_type, issued_on=D(2026, 3, 2), found_on=D(2026, 6, 15)
        )
    assert _stored_18(town) == (1, 4, 25.0)
    with django_capture_on_commit_callbacks(execute=True):
        update_error(error, actor=None, seen_version=error.version, attributable=False)
    assert _stored_18(town) == (0, 4, 0.0)


def test_an_error_moved_to_another_act_recomputes_both_months_of_issue(
    make_act,  # noqa: F811
    make_error,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    town, acts = _town_with_a_march_of_acts(make_act)
    april = make_act(town, channel=ActChannel.COUNTER, received_on=D(2026, 4, 7), delivered_on=D(2026, 4, 7))
    call_command("recompute_indicators", "--org", town.slug, "--period", "2026-04")
    with django_capture_on_commit_callbacks(execute=True):
        error = make_error(
            town, act_request=april, act_type=april.act_type, issued_on=april.delivered_on, found_on=D(2026, 6, 15)
        )
    april_value = IndicatorValue.objects.filter(
        organisation=town, indicator__code="18.1", period_start=D(2026, 4, 1), service__isnull=True
    )
    assert april_value.get().numerator == 1
    with django_capture_on_commit_callbacks(execute=True):
        update_error(error, actor=None, seen_version=error.version, act_request=acts[1], issued_on=D(2026, 3, 3))
    assert _stored_18(town) == (1, 4, 25.0)
    assert april_value.get().numerator == 0


def test_deleting_an_error_recorded_by_mistake_lowers_the_stored_rate_of_the_month_of_issue(
    make_act,  # noqa: F811
    make_error,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    town, acts = _town_with_a_march_of_acts(make_act)
    with django_capture_on_commit_callbacks(execute=True):
        error = make_error(
            town, act_request=acts[2], act_type=acts[2].act_type, issued_on=D(2026, 3, 4), found_on=D(2026, 7, 1)
        )
    assert _stored_18(town) == (1, 4, 25.0)
    with django_capture_on_commit_callbacks(execute=True):
        delete_error(error=error, actor=None)
    assert _stored_18(town) == (0, 4, 0.0)
