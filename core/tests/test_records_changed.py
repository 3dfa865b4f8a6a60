"""The one recomputation rule: the indicator engine hears of changed records once the writing
transaction commits, never from a write that is rolled back."""

import datetime as dt

import pytest
from django.db import transaction

from core import registries
from core.registries import records_changed

MARCH, APRIL, MAY = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)

# Real commits and rollbacks: the test is not wrapped in a transaction of its own.
pytestmark = pytest.mark.django_db(transaction=True)


class Refused(Exception):
    pass


def test_outside_a_transaction_the_engine_hears_at_once(org, recomputations):
    records_changed(organisation=org, metric_prefix="reception", months={MARCH})
    assert recomputations == [("ville-test", "reception", [MARCH])]


def test_inside_a_transaction_the_engine_hears_only_after_the_commit_once_per_prefix(org, recomputations):
    with transaction.atomic():
        records_changed(organisation=org, metric_prefix="complaints", months={MARCH})
        records_changed(organisation=org, metric_prefix="complaints", months={APRIL, MARCH})
        records_changed(organisation=org, metric_prefix="telephony", months={MAY})
        assert recomputations == []
    assert recomputations == [("ville-test", "complaints", [MARCH, APRIL]), ("ville-test", "telephony", [MAY])]


def test_a_rolled_back_write_recomputes_nothing(org, recomputations):
    with pytest.raises(Refused), transaction.atomic():
        records_changed(organisation=org, metric_prefix="correspondence", months={MARCH})
        raise Refused
    assert recomputations == []


def test_a_rolled_back_inner_step_drops_its_months_and_keeps_the_others(org, recomputations):
    with transaction.atomic():
        records_changed(organisation=org, metric_prefix="civil_registry", months={MARCH})
        with pytest.raises(Refused), transaction.atomic():
            records_changed(organisation=org, metric_prefix="civil_registry", months={APRIL})
            raise Refused
    assert recomputations == [("ville-test", "civil_registry", [MARCH])]


def test_one_transaction_tells_the_engine_once_per_town_with_every_prefix(org, other_org):
    heard: list[tuple[str, dict[str, list[dt.date]]]] = []

    def listener(organisation, changes):
        heard.append((organisation.slug, {prefix: sorted(months) for prefix, months in changes.items()}))

    registries.CHANGES_LISTENERS.register("one-call", listener)
    try:
        with transaction.atomic():
            records_changed(organisation=org, metric_prefix="correspondence", months={MARCH})
            records_changed(organisation=other_org, metric_prefix="telephony", months={MAY})
            records_changed(organisation=org, metric_prefix="telephony", months={APRIL})
            records_changed(organisation=org, metric_prefix="correspondence", months={APRIL})
    finally:
        registries.CHANGES_LISTENERS.unregister("one-call")
    assert heard == [
        ("ville-test", {"correspondence": [MARCH, APRIL], "telephony": [APRIL]}),
        ("autre-ville", {"telephony": [MAY]}),
    ]


def test_a_block_without_a_savepoint_joins_the_transactions_call_and_goes_with_it(org, recomputations):
    with transaction.atomic():
        records_changed(organisation=org, metric_prefix="correspondence", months={MARCH})
        with transaction.atomic(savepoint=False):
            records_changed(organisation=org, metric_prefix="telephony", months={MAY})
    assert recomputations == [("ville-test", "correspondence", [MARCH]), ("ville-test", "telephony", [MAY])]
    recomputations.clear()
    with pytest.raises(Refused), transaction.atomic():
        records_changed(organisation=org, metric_prefix="correspondence", months={MARCH})
        with transaction.atomic(savepoint=False):
            records_changed(organisation=org, metric_prefix="telephony", months={MAY})
            raise Refused
    assert recomputations == []
