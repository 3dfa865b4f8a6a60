"""The figures of a satisfaction survey, as domain.md defines them, on counts only (no Django):

- satisfaction share = (very satisfied + satisfied) ÷ the answers other than "no opinion";
  net satisfaction = that share − the dissatisfied share (not very + not at all satisfied);
- a 95 % Wilson score interval around a share (Newcombe 1998, method 3: it stays inside
  0–100 % and is honest on small samples, where the textbook p ± 1.96·√(p(1−p)/n) is not);
- a warning below SMALL_SAMPLE answers, and cells of fewer than PUBLISHED_MINIMUM answers hidden
  in anything published;
- whether a share changed significantly between two campaigns: the two-sided test of two
  proportions with the pooled variance, at the 5 % level.

A yes/no question is read the same way: "oui" satisfied, "non" dissatisfied."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the normal quantile of 97.5 %: a two-sided 95 % interval or test
SMALL_SAMPLE = 30  # fewer answers than this: the page and the report warn
PUBLISHED_MINIMUM = 5  # fewer answers than this in a cell: hidden in published results


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, total: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval of successes ÷ total, as fractions; None without answers."""
    if total <= 0:
        return None
    if not 0 <= successes <= total:
        raise ValueError(f"{successes} succès sur {total} réponses : impossible")
    share = successes / total
    spread = z * z / total
    centre = (share + spread / 2) / (1 + spread)
    half_width = z * math.sqrt(share * (1 - share) / total + spread / (4 * total)) / (1 + spread)
    return Interval(max(0.0, centre - half_width), min(1.0, centre + half_width))


@dataclass(frozen=True)
class Satisfaction:
    """A question's answers on the satisfaction scale (or yes/no), counted."""

    satisfied: int  # very satisfied + satisfied (or "oui")
    dissatisfied: int  # not very + not at all satisfied (or "non")
    no_opinion: int = 0

    @property
    def answers(self) -> int:
        """The denominator: every answer but "no opinion"."""
        return self.satisfied + self.dissatisfied

    @property
    def share(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None

    @property
    def net(self) -> float | None:
        return (self.satisfied - self.dissatisfied) / self.answers if self.answers else None

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.satisfied, self.answers)

    @property
    def is_small(self) -> bool:
        return self.answers < SMALL_SAMPLE


@dataclass(frozen=True)
class Change:
    """A share's change from one campaign to the next, in points, and whether it is
    significant (the two-proportion z test, two-sided, 5 %)."""

    points: float
    z: float | None

    @property
    def significant(self) -> bool:
        return self.z is not None and abs(self.z) > Z_95


def change_between(before: Satisfaction, after: Satisfaction) -> Change | None:
    """None when either campaign has no answer to compare."""
    if before.share is None or after.share is None:
        return None
    pooled = (before.satisfied + after.satisfied) / (before.answers + after.answers)
    error = math.sqrt(pooled * (1 - pooled) * (1 / before.answers + 1 / after.answers))
    z = (after.share - before.share) / error if error else None
    return Change(points=100 * (after.share - before.share), z=z)


def publishable(count: int) -> bool:
    """Whether a cell of `count` answers may be shown in published results."""
    return count >= PUBLISHED_MINIMUM
