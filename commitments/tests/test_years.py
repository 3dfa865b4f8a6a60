"""An indicator's year from its values of the year (commitments.years), on unsaved values."""

from commitments.models import Indicator, IndicatorValue
from commitments.years import year_counts


def value(numerator, denominator, shown=None):
    share = None if shown is None and denominator is None else (shown or 100 * numerator / denominator)
    return IndicatorValue(numerator=numerator, denominator=denominator, value=share)


def test_monthly_shares_add_up_as_the_sum_of_numerators_over_the_sum_of_denominators():
    indicator = Indicator(granularity="month", unit="%")
    year = year_counts(indicator, [value(9, 10), value(1, 10), value(80, 80)])
    assert (year.numerator, year.denominator) == (90, 100) and year.value == 90


def test_a_yearly_indicator_keeps_its_one_value():
    indicator = Indicator(granularity="year", unit="%")
    assert year_counts(indicator, [value(3, 4)]).value == 75


def test_a_median_or_a_value_that_is_not_its_share_does_not_add_up():
    assert year_counts(Indicator(granularity="month", unit="min"), [value(1, 2, shown=7)]).value is None
    assert year_counts(Indicator(granularity="month", unit="%"), [value(1, 2, shown=60)]).value is None
    assert year_counts(Indicator(granularity="month", unit="%"), []).value is None
