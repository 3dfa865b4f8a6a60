"""The results of a check campaign (a tagged PDF): the campaign, its grid and period, how many
grids were submitted, the score of each commitment pooled over them (Σ points earned ÷ Σ
points possible, paper grids included), the criteria missed (« non », « en partie ») with
their comments, and the photos taken, scaled down and embedded.

Grids rate the service, not the agents: the report names no assessor and no agent. A fixed
number of queries whatever the number of grids."""

from __future__ import annotations

import base64
import datetime as dt
import io
import warnings
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from PIL import Image

from audits.models import (
    FINDINGS,
    AssessmentSource,
    AssessmentStatus,
    CheckCampaign,
    CommitmentScore,
    CriterionAnswer,
    Rating,
    code_order,
)
from core.models import Organisation, Service, Site
from core.registries import commitment_choices
from documents.pdf import kept_pdf
from reports.survey_report import logo_uri

PHOTO_SIDE = 600  # pixels of the longer side once scaled: sharp enough at 60 mm wide
LISTED_PHOTOS = 60  # beyond, the report says how many more the town keeps


@dataclass(frozen=True)
class PooledScore:
    code: str
    label: str
    earned: Decimal
    possible: Decimal
    grids: int

    @property
    def share(self) -> float:
        return float(100 * self.earned / self.possible)


@dataclass(frozen=True)
class Photo:
    uri: str  # a data: URI (the PDF renderer reads no other address)
    alt: str


@dataclass(frozen=True)
class Finding:
    """One grid's « non » or « en partie » to a criterion: when and where, never who."""

    checked_on: dt.date | None
    place: str
    rating: str
    comment: str
    photo: Photo | None


@dataclass
class MissedCriterion:
    question: str
    expected: str
    commitment: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def noes(self) -> int:
        return sum(1 for finding in self.findings if finding.rating == Rating.NO.label)

    @property
    def partlies(self) -> int:
        return len(self.findings) - self.noes


@dataclass(frozen=True)
class AuditReport:
    organisation: Organisation
    campaign: CheckCampaign
    today: dt.date
    submitted: int
    on_paper: int
    to_fill: int
    scores: list[PooledScore]
    missed: list[MissedCriterion]
    photos_left_out: int
    logo: str

    @property
    def photo_count(self) -> int:
        return sum(1 for criterion in self.missed for finding in criterion.findings if finding.photo)


def place_of(site: Site | None, service: Service | None) -> str:
    return " — ".join(part.name for part in (site, service) if part is not None) or "toute la mairie"


def pooled_scores(campaign: CheckCampaign, labels: dict[str, str]) -> list[PooledScore]:
    """Each commitment's points summed over the campaign's submitted grids (one query)."""
    rows = (
        CommitmentScore.objects.filter(
            organisation_id=campaign.organisation_id,
            assessment__campaign=campaign,
            assessment__status=AssessmentStatus.SUBMITTED,
        )
        .values("commitment_code")
        .annotate(earned=Sum("earned"), possible=Sum("possible"), grids=Count("assessment_id"))
        .order_by()
    )
    scores = [
        PooledScore(
            row["commitment_code"],
            labels.get(row["commitment_code"], f"Engagement {row['commitment_code']}"),
            row["earned"],
            row["possible"],
            row["grids"],
        )
        for row in rows
    ]
    return sorted(scores, key=lambda score: code_order(score.code))


def scaled_photo(answer: CriterionAnswer) -> Photo | None:
    """The answer's photo as a JPEG of at most PHOTO_SIDE pixels, or None if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with answer.photo.open("rb") as stored, Image.open(stored) as image:
                image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    day = f", contrôle du {answer.assessment.checked_on:%d/%m/%Y}" if answer.assessment.checked_on else ""
    alt = f"Photo jointe au critère « {answer.criterion.question} »{day}"
    return Photo(f"data:image/jpeg;base64,{base64.b64encode(buffer.getvalue()).decode()}", alt)


def missed_criteria(campaign: CheckCampaign, labels: dict[str, str]) -> tuple[list[MissedCriterion], int]:
    """The criteria answered « non » or « en partie » in a submitted grid, in the grid's
    order, each with its findings (one query, then the photos read from storage); and how
    many photos were left out past LISTED_PHOTOS."""
    answers = (
        CriterionAnswer.objects.filter(
            organisation_id=campaign.organisation_id,
            assessment__campaign=campaign,
            assessment__status=AssessmentStatus.SUBMITTED,
            rating__in=FINDINGS,
        )
        .select_related("criterion", "assessment__site", "assessment__service")
        .order_by("criterion__position", "criterion_id", "assessment__checked_on", "pk")
    )
    missed: dict[int, MissedCriterion] = {}
    photos = left_out = 0
    for answer in answers:
        criterion = answer.criterion
        entry = missed.setdefault(
            criterion.pk,
            MissedCriterion(
                criterion.question,
                criterion.expected,
                labels.get(criterion.commitment_code, f"Engagement {criterion.commitment_code}"),
            ),
        )
        photo = None
        if answer.photo:
            if photos < LISTED_PHOTOS:
                photo = scaled_photo(answer)
                photos += photo is not None
            else:
                left_out += 1
        place = place_of(answer.assessment.site, answer.assessment.service)
        rating = str(answer.get_rating_display())
        entry.findings.append(Finding(answer.assessment.checked_on, place, rating, answer.comment, photo))
    return list(missed.values()), left_out


def _counts(campaign: CheckCampaign) -> dict[str, int]:
    submitted = Q(status=AssessmentStatus.SUBMITTED)
    return campaign.assessments.aggregate(
        submitted=Count("pk", filter=submitted),
        on_paper=Count("pk", filter=submitted & Q(source=AssessmentSource.PAPER)),
        to_fill=Count("pk", filter=Q(status=AssessmentStatus.ASSIGNED)),
    )


def audit_report(campaign: CheckCampaign) -> AuditReport:
    organisation = campaign.organisation
    labels = dict(commitment_choices(organisation))
    missed, left_out = missed_criteria(campaign, labels)
    return AuditReport(
        organisation=organisation,
        campaign=campaign,
        today=organisation.today(),
        scores=pooled_scores(campaign, labels),
        missed=missed,
        photos_left_out=left_out,
        logo=logo_uri(organisation),
        **_counts(campaign),
    )


def report_filename(campaign: CheckCampaign) -> str:
    return f"resultats-controle-{campaign.starts_on:%Y-%m}-{campaign.pk}.pdf"


def audit_results_pdf(campaign: CheckCampaign) -> bytes:
    """The tagged (PDF/UA) results of the campaign, in French, on A4, kept until what it shows changes."""
    report = audit_report(campaign)
    return kept_pdf("reports/pdf/audit_results.html", {"org": report.organisation, "report": report})
