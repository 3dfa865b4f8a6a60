"""Commitments 18 and 19 on a small register counted by hand: acts delivered on time (counter
the same day, other channels by the town's deadline) and the error rate of issued acts."""

import datetime as dt

import pytest

from civil_registry.actions import refuse
from civil_registry.models import ActChannel
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from core.registries import METRICS

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = Period.parse("2026-03")


@pytest.fixture
def register(make_act, make_error):
    """n  channel  received  due     delivered        copies  in March
    1  counter  02/03     02/03   02/03            1       on time
    2  counter  03/03     03/03   04/03            2       late
    3  post     02/03     09/03   09/03            1       on time
    4  web      02/03     09/03   10/03            3       late
    5  COMEDEC  20/03     27/03   pending          1       late (passed)
    6  notary   25/03     01/04   26/03            1       not due in March
    7  post     23/02     02/03   refused 27/02    1       on time

    Errors: found 10/03 attributable, 12/03 not attributable, 31/03 attributable, 02/04 attributable."""
    acts = {
        1: make_act(channel=ActChannel.COUNTER, received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 2)),
        2: make_act(channel=ActChannel.COUNTER, received_on=D(2026, 3, 3), delivered_on=D(2026, 3, 4), copies=2),
        3: make_act(channel=ActChannel.POST, received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 9)),
        4: make_act(channel=ActChannel.WEB, received_on=D(2026, 3, 2), delivered_on=D(2026, 3, 10), copies=3),
        5: make_act(channel=ActChannel.COMEDEC, received_on=D(2026, 3, 20)),
        6: make_act(channel=ActChannel.NOTARY, received_on=D(2026, 3, 25), delivered_on=D(2026, 3, 26)),
        7: make_act(channel=ActChannel.POST, received_on=D(2026, 2, 23)),
    }
    refuse(acts[7], actor=None, seen_version=acts[7].version, on=D(2026, 2, 27))
    errors = {
        1: make_error(found_on=D(2026, 3, 10)),
        2: make_error(found_on=D(2026, 3, 12), attributable=False),
        3: make_error(found_on=D(2026, 3, 31)),
        4: make_error(found_on=D(2026, 4, 2)),
    }
    return acts, errors


def measure(org, key, period=MARCH, service=None, **params):
    compute = METRICS.get(key).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=period, service=service, params=params))


def figures(result):
    return (result.numerator, result.denominator, round(result.value, 2))


def test_acts_on_time_count_the_requests_due_in_the_period_and_a_refusal_answers_too(org, register):
    acts, _ = register
    result = measure(org, "civil_registry.on_time")
    assert figures(result) == (3, 6, 50.0)
    assert set(result.record_ids) == {acts[n].pk for n in (1, 2, 3, 4, 5, 7)}


def test_acts_on_time_by_channel(org, register):
    assert figures(measure(org, "civil_registry.on_time", channels=["counter"])) == (1, 2, 50.0)
    assert figures(measure(org, "civil_registry.on_time", channels=["post", "web", "comedec"])) == (2, 4, 50.0)


def test_the_error_rate_counts_attributable_errors_found_in_the_period_over_acts_issued_in_it(org, register):
    _, errors = register
    result = measure(org, "civil_registry.error_rate")
    assert figures(result) == (2, 5, 40.0)
    assert result.record_ids == (errors[1].pk, errors[3].pk)


def test_the_error_rate_may_count_copies_instead_of_requests(org, register):
    assert figures(measure(org, "civil_registry.error_rate", per_copy=True)) == (2, 8, 25.0)


def test_the_error_rate_of_a_service_counts_its_own_acts_and_errors(org, register, make_act):
    accueil = Service.objects.get(organisation=org, code="accueil")
    make_act(channel=ActChannel.COUNTER, received_on=D(2026, 3, 5), delivered_on=D(2026, 3, 5), service=accueil)
    assert figures(measure(org, "civil_registry.error_rate", service=accueil)) == (0, 1, 0.0)
    civil = Service.objects.get(organisation=org, code="etat-civil")
    assert figures(measure(org, "civil_registry.error_rate", service=civil)) == (2, 5, 40.0)


def test_no_act_issued_means_no_error_rate(org, register):
    assert measure(org, "civil_registry.error_rate", period=Period.parse("2026-05")) is None
