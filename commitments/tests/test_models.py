from decimal import Decimal

import pytest

from commitments.models import Indicator, IndicatorValue, Status, format_measure
from core.periods import Granularity, Period


def indicator(comparator=">=", target="90", unit="%", metric_key="manual.score"):
    return Indicator(comparator=comparator, target_value=Decimal(target), unit=unit, metric_key=metric_key)


def test_a_value_at_the_target_meets_an_at_least_target():
    assert indicator().status_for(90.0) == Status.MET


def test_a_value_under_an_at_least_target_does_not_meet_it():
    assert indicator().status_for(89.9) == Status.NOT_MET


def test_an_error_rate_meets_an_at_most_target_when_below_it():
    rate = indicator(comparator="<=", target="0.5")
    assert rate.status_for(0.25) == Status.MET
    assert rate.status_for(0.51) == Status.NOT_MET


def test_a_yes_no_indicator_is_met_only_by_yes():
    yes_no = indicator(comparator="==", target="1", unit="oui/non", metric_key="manual.yes_no")
    assert yes_no.status_for(1.0) == Status.MET
    assert yes_no.status_for(0.0) == Status.NOT_MET


def test_no_value_means_no_data():
    assert indicator().status_for(None) == Status.NO_DATA


@pytest.mark.parametrize(
    ("comparator", "target", "unit", "label"),
    [
        (">=", "90", "%", "≥\u00a090\u00a0%"),
        ("<=", "0.5", "%", "≤\u00a00,5\u00a0%"),
        ("==", "1", "oui/non", "=\u00a0oui"),
        (">=", "1", "nombre", "≥\u00a01"),
        ("<=", "10", "min", "≤\u00a010\u00a0min"),
    ],
)
def test_targets_read_as_a_french_reader_writes_them(comparator, target, unit, label):
    assert indicator(comparator=comparator, target=target, unit=unit).target_label == label


def test_values_are_written_with_a_decimal_comma_and_no_trailing_zeros():
    assert format_measure(92.5, "%") == "92,5\u00a0%"
    assert format_measure(100.0, "%") == "100\u00a0%"
    assert format_measure(2 / 3 * 100, "%") == "66,67\u00a0%"
    assert format_measure(None, "%") == "—"
    assert format_measure(0.0, "oui/non") == "non"


def test_a_metric_not_registered_yet_is_planned_and_takes_no_manual_value():
    planned = indicator(metric_key="test.module_a_venir")
    assert planned.is_planned
    assert not planned.takes_manual_values


def test_a_manual_metric_takes_manual_values():
    assert indicator(metric_key="manual.share").takes_manual_values
    assert not indicator(metric_key="manual.share").is_planned


def test_a_value_knows_its_period():
    value = IndicatorValue(granularity=Granularity.QUARTER, period_start=Period.parse("2026-Q2").start)
    assert value.period.key == "2026-Q2"
    assert value.period.label == "2ᵉ trimestre 2026"
