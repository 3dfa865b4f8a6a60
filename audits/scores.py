"""The score of a filled grid, per commitment: the weighted share of its criteria met, the
criteria answered "sans objet" left out (models.CREDIT: "oui" earns the weight, "en partie"
half of it, "non" nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from audits.models import CREDIT, code_order


@dataclass(frozen=True)
class RatedCriterion:
    commitment_code: str
    weight: int
    rating: str


@dataclass(frozen=True)
class Score:
    commitment_code: str
    earned: Decimal
    possible: Decimal

    @property
    def share(self) -> float:
        return float(100 * self.earned / self.possible)


def scores_by_commitment(rated: Iterable[RatedCriterion]) -> list[Score]:
    """One score per commitment with at least one criterion that applies, in code order.
    A commitment whose criteria are all "sans objet" has no score (not 100 %, not 0 %)."""
    earned: dict[str, Decimal] = {}
    possible: dict[str, Decimal] = {}
    for criterion in rated:
        if criterion.rating not in CREDIT:
            continue
        weight = Decimal(criterion.weight)
        earned[criterion.commitment_code] = (
            earned.get(criterion.commitment_code, Decimal(0)) + weight * CREDIT[criterion.rating]
        )
        possible[criterion.commitment_code] = possible.get(criterion.commitment_code, Decimal(0)) + weight
    return [Score(code, earned[code], possible[code]) for code in sorted(possible, key=code_order)]
