"""The nearest-rank percentile on cases computed by hand: rank = ⌈p × n / 100⌉, from 1."""

import pytest

from core.stats import nearest_rank

TEN = {value: 1 for value in range(10, 101, 10)}  # 10, 20, …, 100


def test_no_value_has_no_percentile():
    assert nearest_rank({}, 50) is None
    assert nearest_rank({5: 0}, 50) is None


def test_a_single_value_is_every_percentile():
    assert [nearest_rank({7: 1}, percent) for percent in (0, 1, 50, 90, 100)] == [7, 7, 7, 7, 7]


def test_the_median_of_ten_values_is_the_fifth():
    # ⌈50 × 10 / 100⌉ = 5 → 50 (no averaging of the 5th and 6th values).
    assert nearest_rank(TEN, 50) == 50


def test_the_90th_percentile_of_ten_values_is_the_ninth():
    # ⌈90 × 10 / 100⌉ = 9 → 90; ⌈91 × 10 / 100⌉ = ⌈9.1⌉ = 10 → 100.
    assert nearest_rank(TEN, 90) == 90
    assert nearest_rank(TEN, 91) == 100


def test_the_rank_rounds_up_never_to_the_nearest():
    # n = 7: ⌈3.5⌉ = 4 → the 4th value; ⌈6.3⌉ = 7 → the largest.
    seven = {value: 1 for value in (1, 2, 3, 4, 5, 6, 7)}
    assert nearest_rank(seven, 50) == 4
    assert nearest_rank(seven, 90) == 7


def test_tied_values_count_once_per_occurrence():
    # 2 2 2 5 5 9: median rank 3 → 2, rank 4 (p = 51, ⌈3.06⌉) → 5, 90th rank ⌈5.4⌉ = 6 → 9.
    ties = {5: 2, 2: 3, 9: 1}
    assert nearest_rank(ties, 50) == 2
    assert nearest_rank(ties, 51) == 5
    assert nearest_rank(ties, 90) == 9


def test_the_0th_percentile_is_the_smallest_and_the_100th_the_largest():
    assert nearest_rank({3: 4, 8: 1, 1: 2}, 0) == 1
    assert nearest_rank({3: 4, 8: 1, 1: 2}, 100) == 8


def test_large_counts_round_exactly():
    # 50 × 10**17 / 100 is exact in integers; a float would drift on such a product.
    assert nearest_rank({1: 10**17 // 2, 2: 10**17 // 2}, 50) == 1
    assert nearest_rank({1: 10**17 // 2 - 1, 2: 10**17 // 2 + 1}, 50) == 2


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_percent_outside_0_to_100_is_refused(percent):
    with pytest.raises(ValueError):
        nearest_rank({1: 1}, percent)
