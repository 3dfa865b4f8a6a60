"""What a closed year's evidence pack holds, read from the apps below (a fixed number of queries
per part, whatever the size of the town): the commitments with their indicators and every stored
value of the year, the check campaigns, survey campaigns, steering meetings, the validated annual
review, the year's improvement actions, corrections after closing and journal.

An indicator's year is the annual review's (`reports.steering_figures.YearResult`, built on
`commitments.years.year_counts`): the pack and the review say the same thing."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from audits.models import Assessment, AssessmentStatus, CheckCampaign, Criterion
from commitments.models import STATUS_LABELS, Commitment, Indicator, IndicatorValue
from commitments.targets import read_in_year
from commitments.years import year_counts
from core.audit import journal_events
from core.closing import corrections_of
from core.localtime import aware_local
from core.metrics import Metric
from core.models import AuditEvent, Organisation, YearClosing, YearCorrection
from core.periods import Granularity, Period
from core.registries import METRICS
from evidence.archive import PackFile, safe_name
from improvement.models import AnnualReview, ImprovementAction, ReviewStatus, SteeringMeeting
from reports.steering_figures import Point, YearResult
from surveys.models import Campaign

TOWN = "toute la ville"


@dataclass
class IndicatorPart:
    """An indicator of the year: its stored values (every period, service and site) and what the
    pack holds for it (the CSV of the records behind its figures, its evidence files)."""

    indicator: Indicator
    result: YearResult
    values: list[IndicatorValue]
    records: PackFile | None = None
    records_note: str = ""
    evidence: list[PackFile] = field(default_factory=list)
    evidence_of: dict[int, PackFile] = field(default_factory=dict)  # by stored value

    @property
    def metric(self) -> Metric | None:
        key = self.indicator.metric_key
        return METRICS.get(key) if key in METRICS else None

    @property
    def definition(self) -> str:
        metric = self.metric
        if metric is None:
            return "Mesure prévue, sans valeur calculée."
        return metric.description or metric.label

    @property
    def metric_text(self) -> str:
        metric = self.metric
        label = metric.label if metric is not None else "mesure non disponible"
        return f"{label} ({self.indicator.metric_key})"

    @property
    def parameters(self) -> str:
        """The declared parameters in French, then the filters as stored ("channels : letter")."""
        declared = {param.name for param, _value in self.indicator.settings}
        filters = [
            f"{key} : {_plain(value)}"
            for key, value in sorted(self.indicator.params.items())
            if key not in declared and value not in (None, "", [])
        ]
        return " ; ".join(part for part in [self.indicator.settings_text, *filters] if part)

    @property
    def counts(self) -> tuple[float | None, float | None]:
        """The year's numerator and denominator, when its periods add up."""
        year = year_counts(self.indicator, [point.value for point in self.result.points if point.number is not None])
        return year.numerator, year.denominator

    @property
    def town_points(self) -> list[Point]:
        return self.result.points


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass
class CommitmentPart:
    commitment: Commitment
    folder: str
    indicators: list[IndicatorPart]
    checks: list[CheckPart] = field(default_factory=list)
    table: PackFile | None = None  # indicateurs.csv

    @property
    def files(self) -> list[PackFile]:
        """Every file the commitment's section links to, its own folder's first."""
        found = [self.table] if self.table else []
        for part in self.indicators:
            if part.records is not None and part.records not in found:
                found.append(part.records)
            found.extend(part.evidence)
        return found


@dataclass
class CheckPart:
    """A check campaign of the year (grids submitted with a check day in it): its results PDF
    and the scanned paper grids, and the commitments its criteria check."""

    campaign: CheckCampaign
    codes: set[str]
    scans: list[Assessment]
    results: PackFile | None = None
    scan_files: list[PackFile] = field(default_factory=list)


@dataclass
class MeetingPart:
    meeting: SteeringMeeting
    pack: PackFile | None = None
    minutes: PackFile | None = None


@dataclass
class SurveyPart:
    campaign: Campaign
    results: PackFile | None = None


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _values_of_year(organisation: Organisation, year: int) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.for_org(organisation).filter(period_start__year=year)


def commitment_parts(organisation: Organisation, year: int) -> list[CommitmentPart]:
    """The commitments followed, or holding stored values of the year, each with its indicators
    (followed, or with values) and every stored value of the year. Four queries."""
    stored = _values_of_year(organisation, year)
    measured = set(stored.order_by().values_list("indicator_id", flat=True).distinct())
    indicators = read_in_year(
        list(
            Indicator.objects.for_org(organisation)
            .filter(Q(is_active=True, commitment__is_active=True) | Q(pk__in=measured))
            .select_related("commitment__framework", "commitment__module")
            .order_by("commitment__framework__name", "commitment__position", "commitment__code", "position", "code")
        ),
        year,
    )
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in stored.select_related("service", "site").order_by("period_start", "granularity", "site", "service"):
        values[value.indicator_id].append(value)
    several = len({indicator.commitment.framework_id for indicator in indicators}) > 1
    parts: dict[int, CommitmentPart] = {}
    for indicator in indicators:
        commitment = indicator.commitment
        if commitment.pk not in parts:
            code = safe_name(commitment.code, str(commitment.pk))
            framework = f"{safe_name(commitment.framework.code)}-" if several else ""
            parts[commitment.pk] = CommitmentPart(commitment, f"engagement-{framework}{code}", [])
        mine = values.get(indicator.pk, [])
        for value in mine:
            value.indicator = indicator  # read once: no query per value
        points = [
            Point(value.period, value)
            for value in mine
            if value.service_id is None and value.site_id is None and value.granularity == indicator.granularity
        ]
        result = YearResult(indicator, points=points, previous_points=[], complete=True)
        parts[commitment.pk].indicators.append(IndicatorPart(indicator, result, mine))
    return list(parts.values())


def check_parts(organisation: Organisation, year: int) -> list[CheckPart]:
    """The check campaigns with a grid submitted with a check day in the year. Three queries."""
    start, end = year_bounds(year)
    submitted = Assessment.objects.for_org(organisation).filter(
        status=AssessmentStatus.SUBMITTED, checked_on__gte=start, checked_on__lt=end
    )
    campaigns = list(
        CheckCampaign.objects.for_org(organisation)
        .filter(pk__in=submitted.values("campaign"))
        .select_related("grid", "organisation")
        .order_by("starts_on", "pk")
    )
    codes: dict[int, set[str]] = defaultdict(set)
    criteria = Criterion.objects.for_org(organisation).filter(grid__in=[campaign.grid_id for campaign in campaigns])
    for grid_id, code in criteria.order_by().values_list("grid_id", "commitment_code").distinct():
        codes[grid_id].add(code)
    scans: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in submitted.exclude(scan="").order_by("checked_on", "pk"):
        scans[assessment.campaign_id].append(assessment)
    return [CheckPart(campaign, codes[campaign.grid_id], scans[campaign.pk]) for campaign in campaigns]


def checks_of(commitment: Commitment, checks: list[CheckPart]) -> list[CheckPart]:
    """The campaigns whose criteria check the commitment (named by its code, or by its
    framework's code and its own when the town follows several frameworks)."""
    names = {commitment.code, f"{commitment.framework.code}:{commitment.code}"}
    return [check for check in checks if check.codes & names]


def survey_parts(organisation: Organisation, year: int) -> list[SurveyPart]:
    """The survey campaigns closing in the year (a campaign counts in the year it closes)."""
    start, end = year_bounds(year)
    campaigns = Campaign.objects.for_org(organisation).filter(closes_on__gte=start, closes_on__lt=end)
    return [SurveyPart(campaign) for campaign in campaigns.select_related("organisation").order_by("closes_on", "pk")]


def meeting_parts(organisation: Organisation, year: int) -> list[MeetingPart]:
    start, end = year_bounds(year)
    meetings = SteeringMeeting.objects.for_org(organisation).filter(held_on__gte=start, held_on__lt=end)
    return [MeetingPart(meeting) for meeting in meetings.select_related("organisation").order_by("held_on", "pk")]


def validated_review(organisation: Organisation, year: int) -> AnnualReview | None:
    """The year's annual review as validated (its latest validated version), if any."""
    reviews = AnnualReview.objects.for_org(organisation).filter(year=year, status=ReviewStatus.VALIDATED)
    return reviews.order_by("-number").first()


def year_actions(organisation: Organisation, year: int) -> QuerySet[ImprovementAction]:
    """The improvement actions opened, due, carried out or checked in the year."""
    start, end = year_bounds(year)
    zone = organisation.time_zone
    opened = Q(
        created_at__gte=aware_local(dt.datetime.combine(start, dt.time.min), zone),
        created_at__lt=aware_local(dt.datetime.combine(end, dt.time.min), zone),
    )
    dated = Q(due_on__gte=start, due_on__lt=end) | Q(done_on__gte=start, done_on__lt=end)
    checked = Q(checked_on__gte=start, checked_on__lt=end)
    return (
        ImprovementAction.objects.for_org(organisation)
        .filter(opened | dated | checked)
        .select_related("owner", "commitment")
        .order_by("number", "pk")
    )


def year_corrections(organisation: Organisation, closing: YearClosing) -> QuerySet[YearCorrection]:
    return corrections_of(organisation, closing).order_by("at", "pk")


def year_journal(organisation: Organisation, closing: YearClosing) -> QuerySet[AuditEvent]:
    """The journal from the year's first day (the town's time) to its closing included, oldest
    first: the year's own events and those written after it about its records (December's
    letters answered in January, its last imports), up to the closing itself."""
    start, _end = year_bounds(closing.year)
    events = journal_events(organisation, first_day=start).filter(at__lte=closing.closed_at)
    return events.order_by("at", "pk")


def year_periods(indicator: Indicator, year: int) -> list[Period]:
    """The periods of `year` in the indicator's granularity (12 months, 4 quarters or the year)."""
    granularity = Granularity(indicator.granularity)
    period = Period.containing(dt.date(year, 1, 1), granularity)
    periods = []
    while period.start.year == year:
        periods.append(period)
        period = Period(period.end, granularity)
    return periods


def scope_label(value: IndicatorValue) -> str:
    if value.service is not None:
        return f"service {value.service.name}"
    if value.site is not None:
        return f"site {value.site.name}"
    return TOWN


def verdict(value: IndicatorValue) -> str:
    """A closed year's periods are complete: every value has its verdict."""
    indicator: Indicator = value.indicator
    if indicator.is_planned:
        return STATUS_LABELS[indicator.status_for(None)]
    return STATUS_LABELS[indicator.status_for(value.value)]
