"""The results report of a satisfaction survey campaign (a tagged PDF the town publishes): the
cover with the town, the method (dates, channels, number of answers), the results question by
question (a chart with its data table), the commitments the survey measures with the values of
the campaign's period, the comparison with the previous campaign, and published comments.

Read from the stored counts (surveys.results), the stored indicator values and the published
comments only: a fixed number of queries whatever the number of answers. Being published,
the report hides every count of fewer than 5 answers (statistics.publishable), and it gives a
verdict on an indicator only once its period is complete: a campaign is measured in the
period of its closing day (surveys.metrics), so a campaign closing in a year not yet over
shows its commitments *en cours*."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from django.db.models import Count, Max, Min
from django.utils.safestring import SafeString

from commitments.models import STATUS_LABELS, Indicator, IndicatorValue, Status, format_measure
from core.models import Organisation
from core.periods import Granularity, Period
from documents.pdf import kept_pdf
from reports.documents import quiet_svg_styles
from reports.survey_charts import answer_bars
from surveys.metrics import SATISFACTION
from surveys.models import Campaign, Channel, Comment, Moderation, QuestionKind
from surveys.results import CampaignResults, QuestionResult, campaign_results
from surveys.statistics import Satisfaction, publishable

SURVEY_METRIC_PREFIX = "surveys."
LISTED_COMMENTS = 40
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


@dataclass(frozen=True)
class ChannelCount:
    label: str
    count: int

    @property
    def shown(self) -> bool:
        return publishable(self.count)


@dataclass(frozen=True)
class Cell:
    """One answer of a question's distribution as published: a count of 1 to 4 is hidden (a
    zero tells nothing of anyone, and is shown)."""

    code: str
    label: str
    count: int
    share: float | None

    @property
    def shown(self) -> bool:
        return self.count == 0 or publishable(self.count)


@dataclass(frozen=True)
class ReportQuestion:
    result: QuestionResult
    section: str
    cells: list[Cell]

    @property
    def question_text(self) -> str:
        return self.result.question.text

    @property
    def key(self) -> str:
        return self.result.question.key

    @property
    def satisfaction(self) -> Satisfaction | None:
        return self.result.satisfaction

    @property
    def routes(self) -> bool:
        return self.result.question.routes

    @property
    def is_multiple(self) -> bool:
        return self.result.question.kind == QuestionKind.MULTIPLE

    @property
    def chart(self) -> SafeString:
        bars = [(cell.code, cell.label, cell.share if cell.shown else None) for cell in self.cells]
        title = f"Répartition des réponses à la question « {self.question_text} »"
        return answer_bars(bars, title=title, judged=self.satisfaction is not None)

    @property
    def satisfaction_shown(self) -> bool:
        """A share is published on 5 answers or more (other than "no opinion")."""
        return self.satisfaction is not None and publishable(self.satisfaction.answers)

    @property
    def compared(self) -> bool:
        """Whether the comparison with the previous campaign is published: both sides on 5 answers or more."""
        before = self.result.before
        shown = self.satisfaction_shown and before is not None and publishable(before.answers)
        return self.result.change is not None and shown


@dataclass(frozen=True)
class CommitmentLine:
    """A survey indicator with its stored value for the period of the campaign's closing day."""

    indicator: Indicator
    period: Period
    value: IndicatorValue | None
    status: Status
    campaign_share: float | None  # this campaign's own share of the question, when published

    @property
    def value_text(self) -> str:
        if self.value is None or self.value.value is None:
            return "—"
        if self.indicator.metric_key == SATISFACTION and not publishable(self.value.sample_size):
            return "moins de 5 réponses"
        return format_measure(self.value.value, self.indicator.unit)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Method:
    channels: list[ChannelCount]
    first_answer: dt.date | None
    last_answer: dt.date | None


@dataclass(frozen=True)
class SurveyReport:
    organisation: Organisation
    campaign: Campaign
    today: dt.date
    results: CampaignResults
    method: Method
    questions: list[ReportQuestion]
    commitments: list[CommitmentLine]
    comments: list[str]  # published texts only
    comment_total: int
    logo: str  # a data: URI, or empty

    @property
    def is_closed(self) -> bool:
        return self.campaign.is_closed(self.today)

    @property
    def period(self) -> Period:
        """The year of the closing day, in which the survey indicators measure the campaign."""
        return Period.containing(self.campaign.closes_on, Granularity.YEAR)

    @property
    def period_complete(self) -> bool:
        return all(line.period.is_complete(self.today) for line in self.commitments)

    @property
    def judged(self) -> list[ReportQuestion]:
        return [question for question in self.questions if question.satisfaction is not None]

    @property
    def comparisons(self) -> list[ReportQuestion]:
        return [question for question in self.questions if question.compared]

    @property
    def met(self) -> list[CommitmentLine]:
        return [line for line in self.commitments if line.status == Status.MET]

    @property
    def missed(self) -> list[CommitmentLine]:
        return [line for line in self.commitments if line.status == Status.NOT_MET]

    @property
    def without_value(self) -> list[CommitmentLine]:
        return [line for line in self.commitments if line.status == Status.NO_DATA]

    @property
    def sections(self) -> list[tuple[str, list[ReportQuestion]]]:
        grouped: list[tuple[str, list[ReportQuestion]]] = []
        for question in self.questions:
            if not grouped or grouped[-1][0] != question.section:
                grouped.append((question.section, []))
            grouped[-1][1].append(question)
        return grouped


def _method(campaign: Campaign) -> Method:
    """Responses by channel and the first and last day of an answer: one query on the
    responses of the campaign, which the day index narrows."""
    rows = (
        campaign.responses.order_by()
        .values("channel")
        .annotate(count=Count("pk"), first=Min("answered_on"), last=Max("answered_on"))
    )
    counted = {row["channel"]: row for row in rows}
    channels = [
        ChannelCount(str(Channel(code).label), counted[code]["count"]) for code in Channel.values if code in counted
    ]
    firsts = [row["first"] for row in counted.values()]
    lasts = [row["last"] for row in counted.values()]
    return Method(channels, min(firsts, default=None), max(lasts, default=None))


def _question(result: QuestionResult) -> ReportQuestion:
    cells = [Cell(choice.code, choice.label, choice.count, choice.share) for choice in result.choices]
    return ReportQuestion(result=result, section=result.question.section.title, cells=cells)


def _survey_indicators(organisation: Organisation) -> list[Indicator]:
    return list(
        Indicator.objects.for_org(organisation)
        .filter(is_active=True, commitment__is_active=True, metric_key__startswith=SURVEY_METRIC_PREFIX)
        .select_related("commitment__framework")
        .order_by("commitment__framework__name", "commitment__position", "commitment__code", "position", "code")
    )


def commitment_lines(campaign: Campaign, questions: list[ReportQuestion], *, today: dt.date) -> list[CommitmentLine]:
    """Each survey indicator's town-wide value of the period holding the campaign's closing
    day, judged only when that period is complete (two queries)."""
    indicators = _survey_indicators(campaign.organisation)
    periods = {
        indicator.pk: Period.containing(campaign.closes_on, Granularity(indicator.granularity))
        for indicator in indicators
    }
    stored = IndicatorValue.objects.for_org(campaign.organisation).filter(
        indicator_id__in=list(periods),
        service__isnull=True,
        site__isnull=True,
        period_start__in={period.start for period in periods.values()},
    )
    values = {
        value.indicator_id: value
        for value in stored
        if value.granularity == periods[value.indicator_id].granularity
        and value.period_start == periods[value.indicator_id].start
    }
    shares = {
        question.key: question.satisfaction.share
        for question in questions
        if question.satisfaction is not None and question.satisfaction_shown
    }
    lines = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        number = value.value if value is not None else None
        status = indicator.status_on(number, period=periods[indicator.pk], today=today)
        share = shares.get(str(indicator.params.get("question", ""))) if indicator.metric_key == SATISFACTION else None
        lines.append(CommitmentLine(indicator, periods[indicator.pk], value, status, share))
    return lines


def published_comments(campaign: Campaign) -> tuple[list[str], int]:
    """The latest published comments, by their moderated text only (the text as written is
    never read here), and how many are published in all."""
    published = Comment.objects.filter(
        organisation_id=campaign.organisation_id, response__campaign=campaign, moderation=Moderation.PUBLISHED
    ).exclude(published_text="")
    latest = published.order_by("-response__answered_on", "-pk").values_list("published_text", flat=True)
    return list(latest[:LISTED_COMMENTS]), published.count()


def logo_uri(organisation: Organisation) -> str:
    """The town's logo as a data: URI (the PDF renderer reads no other address), or ""."""
    if not organisation.logo:
        return ""
    kind = LOGO_TYPES.get(PurePath(organisation.logo.name).suffix.lower())
    if kind is None:
        return ""
    with organisation.logo.open("rb") as image:
        return f"data:{kind};base64,{base64.b64encode(image.read()).decode()}"


def survey_report(campaign: Campaign) -> SurveyReport:
    organisation = campaign.organisation
    today = organisation.today()
    results = campaign_results(campaign)
    questions = [_question(result) for result in results.questions]
    comments, comment_total = published_comments(campaign)
    return SurveyReport(
        organisation=organisation,
        campaign=campaign,
        today=today,
        results=results,
        method=_method(campaign),
        questions=questions,
        commitments=commitment_lines(campaign, questions, today=today),
        comments=comments,
        comment_total=comment_total,
        logo=logo_uri(organisation),
    )


def report_filename(campaign: Campaign) -> str:
    return f"resultats-enquete-{campaign.opens_on:%Y-%m}-{campaign.pk}.pdf"


def survey_results_pdf(campaign: Campaign) -> bytes:
    """The tagged (PDF/UA) results report, in French, on A4, kept until what it shows changes."""
    report = survey_report(campaign)
    with quiet_svg_styles():
        return kept_pdf("reports/pdf/survey_results.html", {"org": report.organisation, "report": report})
