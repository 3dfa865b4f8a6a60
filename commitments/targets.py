"""The targets a value is judged against: an indicator's own, or for a closed year the one it
had on the closing day (`ClosedYearTarget`, written by commitments.closing; ADR 0025).

`Indicator.target_in(year)` reads them; the pages and documents that judge many values read the
closed years' targets of all their indicators at once (`attach_closed_targets`), and those of
one year (evidence pack, auditor's view, published results) read copies of the indicators
carrying that year's targets (`read_in_year`), so that their verdicts and target labels are
those of the closing."""

from __future__ import annotations

from decimal import Decimal

from commitments.models import TARGET_FIELDS, ClosedYearTarget, Indicator


def attach_closed_targets(indicators: list[Indicator]) -> list[Indicator]:
    """Give the indicators of a page (of one town) the targets of its closed years in one
    query, rather than one query each when a verdict of a closed year is read (`Indicator.target_in`)."""
    if all("closed_targets" in indicator.__dict__ for indicator in indicators):
        return indicators  # read already (or no indicator)
    frozen: dict[int, dict[int, tuple[str, Decimal]]] = {indicator.pk: {} for indicator in indicators}
    targets = ClosedYearTarget.objects.filter(
        organisation_id=indicators[0].organisation_id, closing__reopened_at__isnull=True
    )
    for indicator_id, year, comparator, target in targets.values_list("indicator_id", *TARGET_FIELDS):
        if indicator_id in frozen:
            frozen[indicator_id][year] = (comparator, target)
    for indicator in indicators:
        indicator.__dict__["closed_targets"] = frozen[indicator.pk]  # Indicator.closed_targets, read
    return indicators


def read_in_year(indicators: list[Indicator], year: int) -> list[Indicator]:
    """The indicators as `year`'s documents read them (evidence pack, auditor's view, published
    results): copies judged against, and showing, the targets of the year's closing if it is
    closed. One query."""
    return [indicator.in_year(year) for indicator in attach_closed_targets(indicators)]
