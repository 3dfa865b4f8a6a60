"""An indicator's year from its values of the year (one scope): the yearly value itself; for
monthly or quarterly shares, the sum of the numerators over the sum of the denominators. A
median or a delay does not add up: the year has no single value then. Read by the annual
review and the published results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from commitments.models import Indicator
from core.periods import Granularity

PERCENT = "%"


class Counted(Protocol):
    @property
    def value(self) -> float | None: ...
    @property
    def numerator(self) -> float | None: ...
    @property
    def denominator(self) -> float | None: ...


@dataclass(frozen=True)
class YearCounts:
    value: float | None  # None: the periods' values do not add up
    numerator: float | None
    denominator: float | None


NOT_ADDED_UP = YearCounts(None, None, None)


def is_share(counted: Counted) -> bool:
    """Whether the value is its numerator over its denominator, as a percentage."""
    if counted.numerator is None or not counted.denominator or counted.value is None:
        return False
    return abs(100 * counted.numerator / counted.denominator - counted.value) <= 0.01


def year_counts(indicator: Indicator, measured: Sequence[Counted]) -> YearCounts:
    """The year of `measured` (the values of the year that were measured, in period order)."""
    if not measured:
        return NOT_ADDED_UP
    if indicator.granularity == Granularity.YEAR:
        last = measured[-1]
        return YearCounts(last.value, last.numerator, last.denominator)
    if indicator.unit != PERCENT or not all(is_share(counted) for counted in measured):
        return NOT_ADDED_UP
    numerator = sum(counted.numerator or 0 for counted in measured)
    denominator = sum(counted.denominator or 0 for counted in measured)
    return YearCounts(100 * numerator / denominator, numerator, denominator)
