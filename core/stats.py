"""Descriptive statistics the domains share for their indicators.

Percentiles use the nearest-rank definition (the one the indicators' documentation states):
the p-th percentile of n values sorted in increasing order is the value of rank ⌈p × n / 100⌉,
ranks counted from 1, and at least rank 1. It is always one of the values observed, never an
interpolation, so a median wait of 14 minutes is a wait that someone actually had."""

from __future__ import annotations

from collections.abc import Mapping


def nearest_rank(histogram: Mapping[int, int], percent: int) -> int | None:
    """The nearest-rank `percent`-th percentile of values given as {value: count}; None when
    there is no value. `percent` is a whole number from 0 to 100."""
    if not 0 <= percent <= 100:
        raise ValueError(f"A percentile is between 0 and 100, not {percent}.")
    total = sum(histogram.values())
    if total == 0:
        return None
    # ⌈p × n / 100⌉ in integers: no float rounding on large counts.
    rank = max(1, -(-percent * total // 100))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the counts add up to the total")
