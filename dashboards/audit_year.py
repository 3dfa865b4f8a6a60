"""The auditor's view: the year under audit, commitment by commitment (module order), each
indicator with its definition, target, the year's result and verdict, its stored values of each
period of the year with their verdicts, and the evidence one click away: the records behind a
value (`Metric.records_url`), a typed value's evidence file, the filled grids of the commitment
and their campaign PDFs, the survey campaigns that measure it, its improvement actions and the
auditor's notes; for the whole year, the steering meetings and their PDFs, the annual review,
the survey campaigns and the corrections made after the closing (core.closing, ADR 0025).

Stored values and records' counts only: no citizen's name, contact or free text is read, so
the page is the same for every role (docs/audit-view.md). A fixed number of queries, whatever
the number of commitments, values, grids or actions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from audits.models import AssessmentStatus, CommitmentScore, GridKind
from commitments.models import STATUS_LABELS, Commitment, Indicator, IndicatorValue, Module, Status, ValueSource
from commitments.queries import corrections_by_prefix, records_url
from commitments.targets import read_in_year
from commitments.years import YearCounts, year_counts
from core.closing import closing_of
from core.models import Organisation, YearClosing
from core.periods import Granularity, Period
from core.registries import METRICS
from improvement.audit_notes import year_under_audit, years_under_audit
from improvement.models import AnnualReview, AuditNote, ImprovementAction, ReviewStatus, SteeringMeeting
from improvement.note_queries import notes_by_commitment
from surveys.models import Campaign, Question


def periods_of_year(year: int, granularity: Granularity) -> list[Period]:
    """The 12 months, 4 quarters or the year itself of `year`, in order."""
    period = Period.containing(dt.date(year, 1, 1), granularity)
    periods = []
    while period.start.year == year:
        periods.append(period)
        period = Period(period.end, granularity)
    return periods


@dataclass(frozen=True)
class PeriodValue:
    """A period of the year, its stored value of the whole town (None when none is stored),
    its verdict (only once the period is complete) and where its evidence is."""

    period: Period
    value: IndicatorValue | None
    status: Status
    records_url: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def evidence(self) -> bool:
        return self.value is not None and bool(self.value.evidence)


@dataclass(frozen=True)
class IndicatorYear:
    indicator: Indicator
    periods: list[PeriodValue]
    year: YearCounts
    status: Status
    corrections: int  # changes made after the closing to the records of the indicator's app

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def stored(self) -> bool:
        """Whether any period of the year has a stored value (even an empty one)."""
        return any(row.value is not None for row in self.periods)

    @property
    def measured(self) -> list[PeriodValue]:
        return [row for row in self.periods if row.value is not None and row.value.value is not None]

    @property
    def met(self) -> int:
        return sum(row.status == Status.MET for row in self.measured)

    @property
    def definition(self) -> str:
        """What the metric measures, as its module declares it."""
        if self.indicator.is_planned:
            return ""
        metric = METRICS.get(self.indicator.metric_key)
        return metric.description or metric.label

    @property
    def sample_size(self) -> int:
        return sum(row.value.sample_size for row in self.measured if row.value is not None)


@dataclass(frozen=True)
class GridCampaign:
    """A check campaign whose submitted grids of the year scored the commitment: its results PDF."""

    campaign_id: int
    title: str
    kind: str
    grids: int

    @property
    def kind_label(self) -> str:
        return GridKind(self.kind).label


@dataclass
class CommitmentYear:
    commitment: Commitment
    indicators: list[IndicatorYear] = field(default_factory=list)
    grid_campaigns: list[GridCampaign] = field(default_factory=list)
    surveys: list[Campaign] = field(default_factory=list)
    actions: list[ImprovementAction] = field(default_factory=list)
    notes: list[AuditNote] = field(default_factory=list)

    @property
    def grids(self) -> int:
        return sum(campaign.grids for campaign in self.grid_campaigns)

    @property
    def has_evidence(self) -> bool:
        return bool(self.grid_campaigns or self.surveys or self.actions)


@dataclass
class ModuleYear:
    module: Module
    commitments: list[CommitmentYear] = field(default_factory=list)


@dataclass
class AuditYear:
    year: int
    years: list[int]  # the years the auditor may pick, the latest first
    closing: YearClosing | None
    modules: list[ModuleYear]
    meetings: list[SteeringMeeting]
    reviews: list[AnnualReview]
    surveys: list[Campaign]
    corrections: int
    notes: int
    pack_url: str = ""

    @property
    def closed(self) -> bool:
        return self.closing is not None

    @property
    def period(self) -> Period:
        return Period(dt.date(self.year, 1, 1), Granularity.YEAR)

    @property
    def review(self) -> AnnualReview | None:
        """The version an auditor reads: the validated one, else the latest draft."""
        validated = [review for review in self.reviews if review.status == ReviewStatus.VALIDATED]
        return next(iter(validated or self.reviews), None)


def chosen_year(organisation: Organisation, asked: str | None) -> tuple[int, list[int]]:
    """The year asked (`?annee=`) when it is under audit, else the year an auditor lands on;
    with the years they may pick."""
    years = years_under_audit(organisation)
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked), years
    return year_under_audit(organisation), years


def evidence_pack_url(organisation: Organisation, closing: YearClosing | None) -> str:
    """The evidence packs' page (the `evidence` app builds a pack for a closed year only)."""
    return reverse("evidence:packs", args=[organisation.slug]) if closing is not None else ""


def _year_status(
    indicator: Indicator, year: int, counts: YearCounts, rows: list[PeriodValue], today: dt.date
) -> Status:
    """The year's verdict: its value against the target; for a measure whose periods do not add
    up (a median, a delay), met when every period measured met it. None before the year is over."""
    period = Period(dt.date(year, 1, 1), Granularity.YEAR)
    if counts.value is not None:
        return indicator.status_on(counts.value, period=period, today=today)
    measured = [row for row in rows if row.value is not None and row.value.value is not None]
    if indicator.is_planned or not measured:
        return Status.NO_DATA
    if not period.is_complete(today):
        return Status.IN_PROGRESS
    return Status.MET if all(row.status == Status.MET for row in measured) else Status.NOT_MET


def _indicator_years(
    organisation: Organisation, indicators: list[Indicator], year: int, today: dt.date, corrections: dict[str, int]
) -> list[IndicatorYear]:
    """Each indicator's periods of the year with their stored values (whole town). One query."""
    stored: dict[tuple[int, dt.date], IndicatorValue] = {}
    by_id = {indicator.pk: indicator for indicator in indicators}
    values = IndicatorValue.objects.for_org(organisation).filter(
        indicator__in=list(by_id), period_start__year=year, service__isnull=True, site__isnull=True
    )
    for value in values.select_related("entered_by"):
        indicator = by_id[value.indicator_id]
        if value.granularity == indicator.granularity:
            value.indicator = indicator  # the indicator already read: no query per value
            stored[(indicator.pk, value.period_start)] = value
    rows = []
    for indicator in indicators:
        periods = []
        for period in periods_of_year(year, Granularity(indicator.granularity)):
            value = stored.get((indicator.pk, period.start))
            status = indicator.status_on(value.value if value else None, period=period, today=today)
            link = records_url(indicator, value) if value is not None and value.source == ValueSource.COMPUTED else ""
            periods.append(PeriodValue(period, value, status, link))
        measured = [row.value for row in periods if row.value is not None and row.value.value is not None]
        counts = year_counts(indicator, measured)  # type: ignore[arg-type]
        prefix = indicator.metric_key.split(".")[0]
        rows.append(
            IndicatorYear(
                indicator,
                periods,
                counts,
                _year_status(indicator, year, counts, periods, today),
                corrections.get(prefix, 0),
            )
        )
    return rows


def _grid_campaigns(organisation: Organisation, year: int) -> dict[str, list[GridCampaign]]:
    """The campaigns whose grids checked in `year` scored each commitment (by its code), with
    how many grids. One query."""
    rows = (
        CommitmentScore.objects.filter(
            organisation=organisation,
            assessment__status=AssessmentStatus.SUBMITTED,
            assessment__checked_on__year=year,
        )
        .values_list(
            "commitment_code",
            "assessment__campaign_id",
            "assessment__campaign__title",
            "assessment__campaign__grid__kind",
            "assessment__campaign__starts_on",
        )
        .annotate(grids=Count("assessment", distinct=True))
        .order_by("commitment_code", "assessment__campaign__starts_on", "assessment__campaign_id")
    )
    found: dict[str, list[GridCampaign]] = defaultdict(list)
    for code, campaign_id, title, kind, _starts_on, grids in rows:
        found[code].append(GridCampaign(campaign_id, title, kind, grids))
    return found


def _surveys(organisation: Organisation, year: int) -> tuple[list[Campaign], dict[str, list[Campaign]]]:
    """The survey campaigns whose results belong to `year` (closed in it), and those measuring
    each commitment (a question naming its code). Two queries."""
    campaigns = list(Campaign.objects.for_org(organisation).filter(closes_on__year=year).order_by("closes_on", "pk"))
    questions = Question.objects.filter(
        organisation=organisation, questionnaire__in={campaign.questionnaire_id for campaign in campaigns}
    ).exclude(commitment_code="")
    codes: dict[int, set[str]] = defaultdict(set)
    for questionnaire_id, code in questions.values_list("questionnaire_id", "commitment_code"):
        codes[questionnaire_id].add(code)
    measuring: dict[str, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        for code in sorted(codes[campaign.questionnaire_id]):
            measuring[code].append(campaign)
    return campaigns, measuring


def _codes(commitment: Commitment) -> list[str]:
    """The codes operational records name the commitment by: its own, or prefixed by its framework."""
    return [commitment.code, f"{commitment.framework.code}:{commitment.code}"]


def audit_year(*, organisation: Organisation, today: dt.date, asked: str | None = None) -> AuditYear:
    """The auditor's view of the year asked (or of the year under audit). A fixed number of
    queries (about fifteen), whatever the number of commitments, values, grids or actions."""
    year, years = chosen_year(organisation, asked)
    closing = closing_of(organisation, year)
    corrections = (
        {
            prefix: count
            for (corrected, prefix), count in corrections_by_prefix(organisation).items()
            if corrected == year
        }
        if closing is not None
        else {}
    )
    commitments = list(
        Commitment.objects.for_org(organisation)
        .filter(is_active=True)
        .select_related("module", "framework")
        .order_by("framework__name", "module__number", "position", "code")
    )
    indicators = read_in_year(
        list(
            Indicator.objects.for_org(organisation)
            .filter(commitment__in=commitments, is_active=True)
            .select_related("organisation")
            .prefetch_related("services")
            .order_by("commitment", "position", "code")
        ),
        year,
    )
    rows = {commitment.pk: CommitmentYear(commitment) for commitment in commitments}
    for indicator_year in _indicator_years(organisation, indicators, year, today, corrections):
        rows[indicator_year.indicator.commitment_id].indicators.append(indicator_year)
    grids = _grid_campaigns(organisation, year)
    surveys, measuring = _surveys(organisation, year)
    actions = ImprovementAction.objects.for_org(organisation).filter(commitment__in=commitments)
    for action in actions.order_by("created_at", "pk"):
        rows[action.commitment_id].actions.append(action)  # type: ignore[index]
    notes = notes_by_commitment(organisation, year)
    modules: dict[int, ModuleYear] = {}
    for commitment in commitments:
        row = rows[commitment.pk]
        for code in _codes(commitment):
            row.grid_campaigns += grids.get(code, [])
            row.surveys += [campaign for campaign in measuring.get(code, []) if campaign not in row.surveys]
        row.notes = notes.get(commitment.pk, [])
        modules.setdefault(commitment.module_id, ModuleYear(commitment.module)).commitments.append(row)
    return AuditYear(
        year=year,
        years=years,
        closing=closing,
        modules=list(modules.values()),
        meetings=list(
            SteeringMeeting.objects.for_org(organisation).filter(held_on__year=year).order_by("held_on", "pk")
        ),
        reviews=list(AnnualReview.objects.for_org(organisation).filter(year=year).order_by("-number")),
        surveys=surveys,
        corrections=sum(corrections.values()),
        notes=sum(len(found) for found in notes.values()),
        pack_url=evidence_pack_url(organisation, closing),
    )
