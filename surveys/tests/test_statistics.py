"""The survey figures against published values and known cases."""

import pytest

from surveys.statistics import Satisfaction, change_between, publishable, wilson_interval


@pytest.mark.parametrize(
    ("successes", "total", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I,
        # method 3 (Wilson score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_the_wilson_interval_gives_newcombes_published_values(successes, total, low, high):
    interval = wilson_interval(successes, total)
    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_a_full_score_keeps_its_interval_below_one_hundred_percent_and_no_answer_has_none():
    interval = wilson_interval(20, 20)
    assert interval is not None and interval.high == 1.0 and 0.83 < interval.low < 0.84
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="impossible"):
        wilson_interval(5, 4)


def test_satisfaction_leaves_no_opinion_out_of_the_share_and_the_net_figure():
    answers = Satisfaction(satisfied=45, dissatisfied=5, no_opinion=50)
    assert answers.answers == 50
    assert answers.share == 0.9
    assert answers.net == pytest.approx(0.8)
    assert not answers.is_small
    assert Satisfaction(satisfied=20, dissatisfied=9).is_small  # 29 answers: a warning
    assert Satisfaction(satisfied=0, dissatisfied=0, no_opinion=12).share is None


def test_a_change_of_fifteen_points_on_a_hundred_answers_each_is_significant():
    # 45 % then 60 %: pooled 52.5 %, standard error 7.06 points, z = 2.12 > 1.96.
    change = change_between(Satisfaction(45, 55), Satisfaction(60, 40))
    assert change is not None
    assert change.points == pytest.approx(15.0)
    assert change.z == pytest.approx(2.1239, abs=1e-4)
    assert change.significant


def test_the_same_change_on_twenty_answers_each_is_not_significant():
    change = change_between(Satisfaction(9, 11), Satisfaction(12, 8))
    assert change is not None and change.points == pytest.approx(15.0)
    assert not change.significant  # z = 0.95


def test_no_change_is_computed_without_answers_on_both_sides_and_equal_shares_are_not_significant():
    assert change_between(Satisfaction(0, 0, 4), Satisfaction(10, 0)) is None
    same = change_between(Satisfaction(50, 0), Satisfaction(80, 0))  # 100 % both times
    assert same is not None and same.points == 0 and not same.significant


def test_cells_of_fewer_than_five_answers_are_not_published():
    assert not publishable(4) and publishable(5)
