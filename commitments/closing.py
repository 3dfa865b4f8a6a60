"""Closing a year (ADR 0025): the quality manager's actions and the closing page's reads.

Closing first recomputes and stores every value of the year (`recompute_periods`, the engine's
own entry point), then writes the `YearClosing` row and the target each indicator has that
day (`ClosedYearTarget`): from then on the indicator engine keeps the year's stored values as
they are (commitments.actions, `_recompute_slots`), their verdicts are read against those
targets (`Indicator.target_in`), and every write path of a record of that year goes through
`core.closing.guard_change`. Reopening is written on the row with its reason; each step is in
the journal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from commitments.actions import recompute_periods
from commitments.models import ClosedYearTarget, Indicator, IndicatorValue
from core.audit import record_event, saved_user, snapshot
from core.closing import closing_of, closings_in_force, corrections_of, last_complete_year
from core.models import ClosedYearChanges, Organisation, User, YearClosing, YearCorrection
from core.periods import Granularity, Period
from core.registries import METRICS

CLOSED = "close_year"
REOPENED = "reopen_year"
MODE_CHANGED = "closed_year_changes"


def year_pairs(organisation: Organisation, year: int) -> list[tuple[Indicator, Period]]:
    """Every period of `year` of each indicator the town follows, in the indicator's own
    granularity (12 months, 4 quarters or the year), as the recomputation takes them."""
    indicators = (
        Indicator.objects.filter(organisation=organisation, is_active=True, commitment__is_active=True)
        .select_related("organisation")
        .prefetch_related("services")
    )
    pairs = []
    for indicator in indicators:
        if indicator.is_planned:
            continue
        period = Period.containing(dt.date(year, 1, 1), Granularity(indicator.granularity))
        while period.start.year == year:
            pairs.append((indicator, period))
            period = Period(period.end, period.granularity)
    return pairs


def _check_closable(organisation: Organisation, year: int) -> None:
    last = last_complete_year(organisation)
    if year > last:
        raise ValidationError(
            f"L'année {year} n'est pas terminée : seule une année close peut être clôturée (la dernière est {last})."
        )
    if closing_of(organisation, year) is not None:
        raise ValidationError(f"L'exercice {year} est déjà clôturé.")


@transaction.atomic
def close_year(
    *, organisation: Organisation, year: int, actor: User | None, now: dt.datetime | None = None
) -> YearClosing:
    """Close `year`: recompute and store its values (so they are final), then freeze them and
    the year's records. Refused in French for a year not over or already closed. `now`, the
    closing's time, is the present unless told (the demo closes its year in January)."""
    _check_closable(organisation, year)
    recompute_periods(organisation, year_pairs(organisation, year), actor=actor)
    frozen = IndicatorValue.objects.for_org(organisation).filter(period_start__year=year).count()
    closing = YearClosing.objects.create(
        organisation=organisation,
        year=year,
        closed_at=now or timezone.now(),
        closed_by=saved_user(actor),
        values_frozen=frozen,
    )
    ClosedYearTarget.objects.bulk_create(
        ClosedYearTarget(
            organisation=organisation,
            closing=closing,
            indicator=indicator,
            comparator=indicator.comparator,
            target_value=indicator.target_value,
        )
        for indicator in Indicator.objects.for_org(organisation)
    )
    record_event(
        organisation=organisation,
        actor=actor,
        instance=closing,
        action=CLOSED,
        after={"exercice": year, "values_frozen": frozen},
    )
    return closing


@transaction.atomic
def reopen_year(*, organisation: Organisation, year: int, actor: User | None, reason: str) -> YearClosing:
    """Reopen a closed year, with the reason the quality manager gives (required): its values
    follow their records again, and its closing row keeps who reopened it, when and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la réouverture."})
    closing = closings_in_force(organisation).select_for_update().filter(year=year).first()
    if closing is None:
        raise ValidationError(f"L'exercice {year} n'est pas clôturé.")
    closing.reopened_at, closing.reopened_by, closing.reopen_reason = timezone.now(), saved_user(actor), reason
    closing.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    record_event(
        organisation=organisation,
        actor=actor,
        instance=closing,
        action=REOPENED,
        after={"exercice": year, "reopen_reason": reason},
    )
    return closing


@transaction.atomic
def set_closed_year_changes(*, organisation: Organisation, actor: User | None, mode: str) -> bool:
    """Choose what happens to a change of a closed year's record: refused, or saved as a dated
    correction. Returns whether it changed."""
    if mode not in ClosedYearChanges.values:
        raise ValidationError({"mode": "Choisissez « refuser » ou « enregistrer comme correction datée »."})
    before = snapshot(organisation, [MODE_CHANGED])
    if organisation.closed_year_changes == mode:
        return False
    organisation.closed_year_changes = mode
    organisation.save(update_fields=[MODE_CHANGED, "updated_at"])
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action="settings",
        before=before,
        after=snapshot(organisation, [MODE_CHANGED]),
    )
    return True


# Reads of the closing page


@dataclass(frozen=True)
class YearRow:
    """A year on the closing page: its closing in force (if closed), its stored values, its
    corrections after closing and whether it may be closed now."""

    year: int
    closing: YearClosing | None
    values: int
    corrections: int
    closable: bool

    @property
    def closed(self) -> bool:
        return self.closing is not None


@dataclass
class ClosingPage:
    rows: list[YearRow]
    history: list[YearClosing] = field(default_factory=list)


def closing_page(organisation: Organisation) -> ClosingPage:
    """Every year with stored values, plus the latest complete one, newest first; and every
    closing ever written (reopened ones too). Four queries."""
    last = last_complete_year(organisation)
    values = dict(
        IndicatorValue.objects.for_org(organisation)
        .values_list("period_start__year")
        .annotate(count=Count("pk"))
        .values_list("period_start__year", "count")
    )
    history = list(
        YearClosing.objects.for_org(organisation).select_related("closed_by", "reopened_by").order_by("-closed_at")
    )
    in_force = {closing.year: closing for closing in history if closing.in_force}
    corrections = Counter(
        dict(
            YearCorrection.objects.for_org(organisation)
            .filter(closing__reopened_at__isnull=True)
            .values_list("year")
            .annotate(count=Count("pk"))
            .values_list("year", "count")
        )
    )
    years = sorted({year for year in values if year <= last} | set(in_force) | {last}, reverse=True)
    rows = [
        YearRow(
            year=year,
            closing=in_force.get(year),
            values=values.get(year, 0),
            corrections=corrections[year],
            closable=year <= last and year not in in_force,
        )
        for year in years
    ]
    return ClosingPage(rows=rows, history=history)


@dataclass
class ClosingPreview:
    """What closing `year` will freeze, for the confirmation page."""

    year: int
    periods: int
    indicators: int
    manual: int
    values: int
    evidence: int


def closing_preview(organisation: Organisation, year: int) -> ClosingPreview:
    """The counts shown before closing: the indicators and periods to recompute, the values
    stored and their evidence files. Three queries."""
    pairs = year_pairs(organisation, year)
    indicators = {indicator.pk: indicator for indicator, _period in pairs}
    stored = IndicatorValue.objects.for_org(organisation).filter(period_start__year=year)
    return ClosingPreview(
        year=year,
        periods=len(pairs),
        indicators=len(indicators),
        manual=sum(1 for indicator in indicators.values() if METRICS.get(indicator.metric_key).is_manual),
        values=stored.count(),
        evidence=stored.exclude(evidence="").count(),
    )


def year_corrections(organisation: Organisation, closing: YearClosing) -> list[YearCorrection]:
    return list(corrections_of(organisation, closing))
