"""Commitments 18 and 19 on a small register counted by hand: acts delivered on time (counter
the same day, other channels by the town's deadline) and the error rate of issued acts."""

import datetime as dt

import pytest

from civil_registry.actions import refuse
from civil_registry.models import ActChannel, ActType
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from core.registries import METRICS

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = Period.parse("2026-03")


def issued_act(make_act, day, channel=ActChannel.POST, **fields):
    """An act request issued on `day` (a counter request delivered on receipt, else delivered later)."""
    if channel == ActChannel.COUNTER:
        return make_act(channel=channel, received_on=day, delivered_on=day, **fields)
    return make_act(channel=channel, received_on=day - dt.timedelta(days=1), delivered_on=day, **fields)


def error_on(make_error, act, found_on, **fields):
    return make_error(act_request=act, act_type=act.act_type, issued_on=act.delivered_on, found_on=found_on, **fields)


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

    Errors (the rate counts the acts ISSUED in March found wrong through the service's fault):
    1  on act 2, found 10/03, attributable
    2  on act 3, found 12/03, not attributable
    3  on act 2, found 31/03, attributable (a second error on the same act)
    4  on act 4, found 02/04, attributable (found after March: counts for March)
    5  without its request, act issued 20/03, found 25/03, attributable (one act of its own)
    6  without its request, act issued 27/02, found 05/03, attributable (February's)"""
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
        1: error_on(make_error, acts[2], D(2026, 3, 10)),
        2: error_on(make_error, acts[3], D(2026, 3, 12), attributable=False),
        3: error_on(make_error, acts[2], D(2026, 3, 31)),
        4: error_on(make_error, acts[4], D(2026, 4, 2)),
        5: make_error(issued_on=D(2026, 3, 20), found_on=D(2026, 3, 25)),
        6: make_error(issued_on=D(2026, 2, 27), found_on=D(2026, 3, 5)),
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


def test_the_error_rate_counts_the_acts_issued_in_the_period_found_wrong_through_the_service_s_fault(org, register):
    acts, _ = register
    result = measure(org, "civil_registry.error_rate")
    assert figures(result) == (3, 5, 60.0)
    assert result.record_ids == (acts[2].pk, acts[4].pk)
    # February issued no act (n 7 was refused): its error has no rate to enter.
    assert measure(org, "civil_registry.error_rate", period=Period.parse("2026-02")) is None


def test_the_error_rate_may_count_copies_instead_of_requests(org, register):
    assert figures(measure(org, "civil_registry.error_rate", per_copy=True)) == (6, 8, 75.0)


def test_an_error_without_its_request_has_no_channel_and_a_channel_filter_leaves_it_out(org, register):
    assert figures(measure(org, "civil_registry.error_rate", channels=["counter"])) == (1, 2, 50.0)
    assert figures(measure(org, "civil_registry.error_rate", channels=["web", "notary"])) == (1, 2, 50.0)
    assert figures(measure(org, "civil_registry.error_rate", act_types=["birth"])) == (3, 5, 60.0)
    assert measure(org, "civil_registry.error_rate", act_types=["death"]) is None


def test_the_error_rate_of_a_service_counts_its_own_acts_and_errors(org, register, make_act):
    accueil = Service.objects.get(organisation=org, code="accueil")
    make_act(channel=ActChannel.COUNTER, received_on=D(2026, 3, 5), delivered_on=D(2026, 3, 5), service=accueil)
    assert figures(measure(org, "civil_registry.error_rate", service=accueil)) == (0, 1, 0.0)
    civil = Service.objects.get(organisation=org, code="etat-civil")
    assert figures(measure(org, "civil_registry.error_rate", service=civil)) == (3, 5, 60.0)


def test_no_act_issued_means_no_error_rate(org, register):
    assert measure(org, "civil_registry.error_rate", period=Period.parse("2026-05")) is None


# Issue 9, item 5: the error rate counts the acts ISSUED in the period found wrong through the
# service's fault, whenever the error is found, each act once (domain.md, "Civil registry").


def test_one_act_with_two_errors_found_the_next_month_counts_once_in_the_month_of_its_issue(org, make_act, make_error):
    march = [issued_act(make_act, D(2026, 3, day)) for day in (3, 4, 5, 6)]
    april = issued_act(make_act, D(2026, 4, 7))
    error_on(make_error, march[0], D(2026, 4, 8))
    error_on(make_error, march[0], D(2026, 4, 9))
    result = measure(org, "civil_registry.error_rate")
    assert figures(result) == (1, 4, 25.0)
    assert result.record_ids == (march[0].pk,)
    assert figures(measure(org, "civil_registry.error_rate", period=Period.parse("2026-04"))) == (0, 1, 0.0)
    assert april.pk not in result.record_ids


def test_an_error_found_in_a_month_without_issued_acts_counts_for_the_month_of_the_issue(org, make_act, make_error):
    act = issued_act(make_act, D(2026, 3, 10))
    issued_act(make_act, D(2026, 3, 11))
    error_on(make_error, act, D(2026, 5, 4))
    assert figures(measure(org, "civil_registry.error_rate")) == (1, 2, 50.0)
    assert measure(org, "civil_registry.error_rate", period=Period.parse("2026-05")) is None
    assert figures(measure(org, "civil_registry.error_rate", period=Period.parse("2026-Q1"))) == (1, 2, 50.0)


def test_a_channel_or_act_type_filter_applies_to_both_counts(org, make_act, make_error):
    counter = issued_act(make_act, D(2026, 3, 10), channel=ActChannel.COUNTER)
    issued_act(make_act, D(2026, 3, 11))
    issued_act(make_act, D(2026, 3, 12), act_type=ActType.DEATH)
    error_on(make_error, counter, D(2026, 3, 20))
    assert figures(measure(org, "civil_registry.error_rate", channels=["post"])) == (0, 2, 0.0)
    assert figures(measure(org, "civil_registry.error_rate", channels=["counter"])) == (1, 1, 100.0)
    assert figures(measure(org, "civil_registry.error_rate", act_types=["death"])) == (0, 1, 0.0)
    assert figures(measure(org, "civil_registry.error_rate", act_types=["birth"])) == (1, 2, 50.0)
