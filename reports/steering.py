"""The steering committee's documents as tagged PDFs (PDF/UA): the meeting pack (what happened
since the previous meeting held), the minutes, and the annual review. Figures come from
reports.steering_figures (stored values and aggregate queries); no personal data of citizens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from commitments.models import Indicator
from core.models import User
from core.workdays import french_date
from documents.pdf import render_pdf
from improvement.meeting_queries import DecisionRow, Span, decision_rows, pack_span
from improvement.models import AnnualReview, ReviewStatus, SteeringMeeting
from reports.documents import quiet_svg_styles
from reports.steering_figures import (
    MONTH_ABBREVIATIONS,
    ActionFigures,
    ComplaintFigures,
    IndicatorTrend,
    YearResult,
    action_figures,
    complaint_figures,
    complaints_by_month_chart,
    indicator_trends,
    year_results,
)


@dataclass
class CommitmentGroup:
    """The rows of one commitment, in the document's order."""

    code: str
    title: str
    rows: list[Any]


def by_commitment(rows: list[Any]) -> list[CommitmentGroup]:
    groups: dict[int, CommitmentGroup] = {}
    for row in rows:
        indicator: Indicator = row.indicator
        commitment = indicator.commitment
        groups.setdefault(commitment.pk, CommitmentGroup(commitment.code, commitment.title, [])).rows.append(row)
    return list(groups.values())


@dataclass
class MeetingPack:
    meeting: SteeringMeeting
    span: Span
    as_of: dt.date
    trends: list[IndicatorTrend]
    complaints: ComplaintFigures
    actions: ActionFigures

    @property
    def groups(self) -> list[CommitmentGroup]:
        return by_commitment(self.trends)

    @property
    def surveys(self) -> list[IndicatorTrend]:
        return [trend for trend in self.trends if trend.is_survey and trend.measured]

    @property
    def measured(self) -> list[IndicatorTrend]:
        return [trend for trend in self.trends if trend.measured]

    @property
    def missed(self) -> list[IndicatorTrend]:
        return [trend for trend in self.measured if trend.met < trend.measured]

    @property
    def span_label(self) -> str:
        last_day = self.as_of - dt.timedelta(days=1)
        return f"du {french_date(self.span.start)} au {french_date(last_day)}"


def meeting_pack(*, meeting: SteeringMeeting) -> MeetingPack:
    """The pack's figures: the complete periods ending since the previous meeting held (or in
    the 12 months before the first), up to the meeting's day or today if sooner."""
    organisation = meeting.organisation
    span = pack_span(meeting)
    as_of = min(meeting.held_on, organisation.today())
    return MeetingPack(
        meeting=meeting,
        span=span,
        as_of=as_of,
        trends=indicator_trends(organisation, since=span.start, until=as_of),
        complaints=complaint_figures(organisation, start=span.start, end=as_of),
        actions=action_figures(organisation, start=span.start, end=as_of, as_of=as_of),
    )


def meeting_pack_pdf(*, meeting: SteeringMeeting) -> bytes:
    pack = meeting_pack(meeting=meeting)
    with quiet_svg_styles():
        return render_pdf("reports/pdf/meeting_pack.html", {"org": meeting.organisation, "pack": pack})


def minutes_pdf(*, meeting: SteeringMeeting) -> bytes:
    rows: list[DecisionRow] = decision_rows(meeting)
    context = {
        "org": meeting.organisation,
        "meeting": meeting,
        "attendees": [line for line in meeting.attendees.splitlines() if line.strip()],
        "decisions": rows,
    }
    return render_pdf("reports/pdf/meeting_minutes.html", context)


@dataclass
class ReviewDocument:
    review: AnnualReview
    today: dt.date
    results: list[YearResult]
    complaints: ComplaintFigures
    previous_complaints: ComplaintFigures
    actions: ActionFigures
    validated_by: User | None = None  # the person validating it now: the frozen file says so

    @property
    def year(self) -> int:
        return self.review.year

    @property
    def state_label(self) -> str:
        """ "validée le 12/01/2027 par Paule Pilote", or "brouillon, non validé"."""
        review = self.review
        if review.status == ReviewStatus.VALIDATED and review.validated_at is not None:
            day, person = timezone.localtime(review.validated_at).date(), review.validated_by
        elif self.validated_by is not None:
            day, person = self.today, self.validated_by
        else:
            return "brouillon, non validé"
        who = f" par {person.full_name or person.email}" if person is not None else ""
        return f"validée le {day:%d/%m/%Y}{who}"

    @property
    def groups(self) -> list[CommitmentGroup]:
        return by_commitment(self.results)

    @property
    def surveys(self) -> list[YearResult]:
        return [result for result in self.results if result.is_survey and result.measured]

    @property
    def counts(self) -> dict[str, int]:
        statuses = [result.status.value for result in self.results]
        return {status: statuses.count(status) for status in ("met", "not_met", "no_data", "in_progress")}

    @property
    def complaints_chart(self) -> str:
        return complaints_by_month_chart(self.complaints, self.previous_complaints, year=self.year)

    @property
    def month_labels(self) -> list[str]:
        return list(MONTH_ABBREVIATIONS)

    @property
    def monthly_table(self) -> list[tuple[int, list[int], int]]:
        rows = []
        for year, figures in ((self.year - 1, self.previous_complaints), (self.year, self.complaints)):
            counts = [figures.by_month.get(dt.date(year, month, 1), 0) for month in range(1, 13)]
            rows.append((year, counts, sum(counts)))
        return rows

    @property
    def is_complete(self) -> bool:
        return self.today >= dt.date(self.year + 1, 1, 1)


def review_document(
    *, review: AnnualReview, validated_by: User | None = None, today: dt.date | None = None
) -> ReviewDocument:
    """The review as of `today` (the town's today unless told: the demo validates in January)."""
    organisation = review.organisation
    today = today or organisation.today()
    start, end = dt.date(review.year, 1, 1), dt.date(review.year + 1, 1, 1)
    as_of = min(end, today)
    return ReviewDocument(
        review=review,
        today=today,
        results=year_results(organisation, year=review.year, today=today),
        complaints=complaint_figures(organisation, start=start, end=end),
        previous_complaints=complaint_figures(organisation, start=dt.date(review.year - 1, 1, 1), end=start),
        actions=action_figures(organisation, start=start, end=end, as_of=as_of),
        validated_by=validated_by,
    )


def annual_review_pdf(*, review: AnnualReview, validated_by: User | None = None, today: dt.date | None = None) -> bytes:
    """The review as a PDF: a draft, or, with `validated_by`, the file to freeze as validated
    today by that person (improvement.meetings.validate_review stores it)."""
    document = review_document(review=review, validated_by=validated_by, today=today)
    with quiet_svg_styles():
        return render_pdf("reports/pdf/annual_review.html", {"org": review.organisation, "doc": document})


def review_filename(review: AnnualReview) -> str:
    state = "" if review.status == "validated" else "-brouillon"
    return f"bilan-annuel-{review.year}-v{review.number}{state}.pdf"


def pack_filename(meeting: SteeringMeeting) -> str:
    return f"dossier-copil-{meeting.held_on.isoformat()}.pdf"


def minutes_filename(meeting: SteeringMeeting) -> str:
    return f"compte-rendu-copil-{meeting.held_on.isoformat()}.pdf"
