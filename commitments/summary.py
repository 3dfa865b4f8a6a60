"""The reader's one screen: each followed commitment's status for the last complete period
(the worst of its indicators'), its trend, and the count of commitments met and missed.

Stored values only (no record, no person): four queries whatever the size of the town."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from commitments.models import STATUS_LABELS, Commitment, Framework, Indicator, Status
from commitments.queries import Summary, chosen_site, sites_with_values
from commitments.trends import Trend, indicator_trends, worst_status
from core.models import Organisation, Site


@dataclass(frozen=True)
class CommitmentStatus:
    """A commitment judged by its followed indicators on their last complete period. Measures
    a future module will compute (planned) do not count while others are measured."""

    commitment: Commitment
    trends: list[Trend]

    @cached_property
    def measured(self) -> list[Trend]:
        return [trend for trend in self.trends if not trend.indicator.is_planned]

    @cached_property
    def status(self) -> Status:
        return worst_status([trend.status for trend in self.measured])

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @cached_property
    def deciding(self) -> Trend | None:
        """The indicator that gives the commitment its status (the first, when several)."""
        return next((trend for trend in self.measured if trend.status == self.status), None)

    @property
    def others(self) -> list[Trend]:
        return [trend for trend in self.trends if trend is not self.deciding]


@dataclass
class FrameworkStatus:
    framework: Framework
    commitments: list[CommitmentStatus] = field(default_factory=list)


@dataclass
class SummaryPage:
    frameworks: list[FrameworkStatus]
    counts: Summary
    missed_only: bool
    sites: list[Site]
    site: Site | None


def _counts(statuses: list[CommitmentStatus]) -> Summary:
    counts = Counter(status.status for status in statuses)
    return Summary(met=counts[Status.MET], not_met=counts[Status.NOT_MET], no_data=counts[Status.NO_DATA])


def commitments_summary(
    *, organisation: Organisation, today: dt.date, missed_only: bool = False, site_code: str | None = None
) -> SummaryPage:
    """Every followed commitment with its status and trend, of the whole town or of a site;
    with `missed_only`, only those whose target was missed. The counts cover them all."""
    sites = sites_with_values(organisation)
    site = chosen_site(sites, site_code)
    commitments = list(
        Commitment.objects.for_org(organisation)
        .filter(is_active=True)
        .select_related("framework")
        .order_by("framework__name", "position", "code")
    )
    indicators = list(
        Indicator.objects.for_org(organisation)
        .filter(is_active=True, commitment__in=commitments)
        .order_by("commitment", "position", "code")
    )
    trends = indicator_trends(indicators, organisation=organisation, today=today, site=site)
    by_commitment: dict[int, list[Trend]] = {commitment.pk: [] for commitment in commitments}
    for indicator in indicators:
        by_commitment[indicator.commitment_id].append(trends[indicator.pk])
    statuses = [CommitmentStatus(commitment, by_commitment[commitment.pk]) for commitment in commitments]
    frameworks: dict[int, FrameworkStatus] = {}
    for status in statuses:
        if not missed_only or status.status == Status.NOT_MET:
            group = frameworks.setdefault(status.commitment.framework_id, FrameworkStatus(status.commitment.framework))
            group.commitments.append(status)
    return SummaryPage(list(frameworks.values()), _counts(statuses), missed_only, sites, site)
