"""Filling a grid: an answer saved as soon as it is given, the date of the check, the grid
submitted (its scores per commitment stored, then final), and a paper grid typed in by the
quality manager with its scan as evidence.

Each state change is keyword-only, atomic and writes its audit event. A submitted grid is
final for everyone: every change first re-reads the assessment inside its transaction and
refuses with `GridAlreadySubmitted` (the pages answer 409)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F

from audits.models import (
    Assessment,
    AssessmentSource,
    AssessmentStatus,
    CheckCampaign,
    CommitmentScore,
    Criterion,
    CriterionAnswer,
    Rating,
)
from audits.scores import RatedCriterion, Score, scores_by_commitment
from core.audit import record_event, snapshot
from core.closing import guard_record
from core.models import Service, Site, User
from core.registries import records_changed

# The metrics of the audits app (audits.metrics, "audits.*") read the stored scores by the day of the check.
METRIC_PREFIX = "audits"


class GridAlreadySubmitted(Exception):
    """The grid was submitted: nobody can change it any more. The message is French."""

    def __init__(self, assessment: Assessment) -> None:
        day = f" le {assessment.checked_on:%d/%m/%Y}" if assessment.checked_on else ""
        super().__init__(f"Cette grille a déjà été remise{day} : elle ne peut plus être modifiée.")


def _open_assessment(assessment: Assessment) -> Assessment:
    """The assessment as stored now, locked where the database can (PostgreSQL; SQLite's
    immediate transactions already write one at a time), refused once submitted."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status != AssessmentStatus.ASSIGNED:
        raise GridAlreadySubmitted(current)
    return current


def _check_criterion(assessment: Assessment, criterion: Criterion) -> None:
    if criterion.grid_id != assessment.campaign.grid_id or criterion.organisation_id != assessment.organisation_id:
        raise ValidationError({"criterion": "Ce critère n'appartient pas à cette grille."})


def _answer_record(answer: CriterionAnswer) -> dict[str, str | None]:
    """The answer as the journal shows it (keys labelled in core.journal.VALUE_LABELS)."""
    return {
        "criterion": answer.criterion.question,
        "rating": str(Rating(answer.rating).label),
        "comment": answer.comment,
        "photo": answer.photo.name or None,
    }


@transaction.atomic
def save_answer(
    *,
    assessment: Assessment,
    criterion: Criterion,
    rating: str,
    comment: str = "",
    photo: UploadedFile | None = None,
    actor: User,
) -> CriterionAnswer:
    """Save (or change) the answer to one criterion. A new photo replaces the one kept; no
    photo keeps it. The event names the criterion, never an agent."""
    _open_assessment(assessment)
    _check_criterion(assessment, criterion)
    if rating not in Rating.values:
        raise ValidationError({"rating": "Choisissez oui, en partie, non ou sans objet."})
    answer = CriterionAnswer.objects.filter(assessment=assessment, criterion=criterion).first()
    before = _answer_record(answer) if answer else None
    if answer is None:
        answer = CriterionAnswer(organisation_id=assessment.organisation_id, assessment=assessment, criterion=criterion)
    answer.rating = rating
    answer.comment = comment.strip()
    replaced_photo = answer.photo.name if photo is not None else ""
    if photo is not None:
        answer.photo = photo  # type: ignore[assignment]
    answer.save()
    if replaced_photo:  # the file of the photo replaced goes once the new one is kept
        storage = answer.photo.storage
        transaction.on_commit(lambda: storage.delete(replaced_photo))
    after = _answer_record(answer)
    if after != before:  # each event holds the whole answer as given, the criterion named
        record_event(
            organisation=assessment.organisation,
            actor=actor,
            instance=assessment,
            action="answer_criterion",
            after=after,
        )
    return answer


@transaction.atomic
def set_check_date(*, assessment: Assessment, checked_on: dt.date, actor: User, today: dt.date) -> None:
    """Keep the day the check was made, typed on the page before the grid is submitted."""
    current = _open_assessment(assessment)
    _check_date(checked_on, today=today)
    if current.checked_on == checked_on:
        return
    Assessment.objects.filter(pk=current.pk).update(checked_on=checked_on, version=F("version") + 1)
    record_event(
        organisation=current.organisation,
        actor=actor,
        instance=current,
        action="date_check",
        before={"checked_on": current.checked_on and current.checked_on.isoformat()},
        after={"checked_on": checked_on.isoformat()},
    )
    assessment.checked_on = checked_on


def _check_date(checked_on: dt.date, *, today: dt.date) -> None:
    if checked_on > today:
        raise ValidationError({"checked_on": "La date du contrôle ne peut pas être postérieure à aujourd'hui."})


def unanswered_criteria(assessment: Assessment) -> list[Criterion]:
    """The criteria of the grid that have no answer yet, in the grid's order."""
    answered = CriterionAnswer.objects.filter(assessment=assessment).values("criterion_id")
    return list(
        Criterion.objects.filter(grid_id=assessment.campaign.grid_id)
        .exclude(pk__in=answered)
        .order_by("position", "pk")
    )


class GridIncomplete(Exception):
    """A grid submitted with criteria left unanswered: `missing` names them, in order."""

    def __init__(self, missing: Sequence[Criterion]) -> None:
        self.missing = list(missing)
        count = len(self.missing)
        lead = "Un critère n'a pas de réponse" if count == 1 else f"{count} critères n'ont pas de réponse"
        named = "; ".join(f"« {criterion.question} »" for criterion in self.missing)
        super().__init__(
            f"{lead} : {named}. Répondez-y (« sans objet » s'il ne s'applique pas), puis remettez la grille."
        )


def _store_scores(assessment: Assessment, scores: Sequence[Score]) -> list[CommitmentScore]:
    return CommitmentScore.objects.bulk_create(
        [
            CommitmentScore(
                organisation_id=assessment.organisation_id,
                assessment=assessment,
                commitment_code=score.commitment_code,
                earned=score.earned,
                possible=score.possible,
            )
            for score in scores
        ]
    )


@transaction.atomic
def submit_assessment(
    *,
    assessment: Assessment,
    checked_on: dt.date,
    actor: User,
    now: dt.datetime,
    today: dt.date,
    notify: bool = True,
) -> list[CommitmentScore]:
    """Submit a filled grid: refused (GridIncomplete) while a criterion has no answer;
    otherwise the date, the moment, one score per commitment and the status are written
    together, and the grid is final. `notify=False` leaves the indicators to the caller, who
    tells them once after many (`core.registries.records_changed`, prefix `audits`: the demo)."""
    current = _open_assessment(assessment)
    _check_date(checked_on, today=today)
    missing = unanswered_criteria(current)
    if missing:
        raise GridIncomplete(missing)
    guard_record(current, days=(checked_on,), actor=actor, action="submit_grid")  # a grid of a closed year
    answers = CriterionAnswer.objects.filter(assessment=current).select_related("criterion")
    scores = scores_by_commitment(
        RatedCriterion(answer.criterion.commitment_code, answer.criterion.weight, answer.rating) for answer in answers
    )
    Assessment.objects.filter(pk=current.pk).update(
        status=AssessmentStatus.SUBMITTED, checked_on=checked_on, submitted_at=now, version=F("version") + 1
    )
    stored = _store_scores(current, scores)
    record_event(
        organisation=current.organisation,
        actor=actor,
        instance=current,
        action="submit_grid",
        before={"status": current.status},
        after={
            "status": AssessmentStatus.SUBMITTED,
            "checked_on": checked_on.isoformat(),
            "scores": scores_text(scores),
        },
    )
    if notify:
        records_changed(
            organisation=current.organisation, metric_prefix=METRIC_PREFIX, months={checked_on.replace(day=1)}
        )
    assessment.status, assessment.checked_on, assessment.submitted_at = AssessmentStatus.SUBMITTED, checked_on, now
    return stored


def scores_text(scores: Sequence[Score]) -> str:
    """The scores as the journal shows them: "engagement 1 : 2/3 ; engagement 2 : 0,5/1"."""
    return " ; ".join(
        f"engagement {score.commitment_code} : {_number(score.earned)}/{_number(score.possible)}" for score in scores
    )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class PaperScore:
    """The points of one commitment as added up on a paper grid."""

    commitment_code: str
    label: str  # the commitment as the page names it, for the messages
    earned: Decimal
    possible: Decimal


def paper_score_error(score: PaperScore) -> str | None:
    """Why points typed for one commitment cannot be, naming the commitment; None if they can."""
    if score.possible <= 0:
        return f"{score.label} : les points possibles doivent être supérieurs à 0."
    if score.earned < 0:
        return f"{score.label} : les points obtenus ne peuvent pas être négatifs."
    if score.earned > score.possible:
        return f"{score.label} : les points obtenus ({score.earned}) dépassent les points possibles ({score.possible})."
    return None


def check_paper_scores(scores: Sequence[PaperScore]) -> None:
    """Refuse points that cannot be, each message naming its commitment."""
    errors = [error for error in map(paper_score_error, scores) if error is not None]
    if not scores:
        errors.append("Saisissez les points d'au moins un engagement.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enter_paper_grid(
    *,
    campaign: CheckCampaign,
    checked_on: dt.date,
    scan: UploadedFile,
    scores: Sequence[PaperScore],
    site: Site | None,
    service: Service | None,
    actor: User,
    now: dt.datetime,
    today: dt.date,
) -> Assessment:
    """A grid filled on paper, typed in by the quality manager: its scan as evidence and its
    points per commitment, stored as a submitted assessment whose scores come from paper."""
    _check_date(checked_on, today=today)
    check_paper_scores(scores)
    assessment = Assessment.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        assessor=actor,
        site=site,
        service=service,
        due_on=max(campaign.ends_on, checked_on),
        checked_on=checked_on,
        status=AssessmentStatus.SUBMITTED,
        source=AssessmentSource.PAPER,
        scan=scan,
        submitted_at=now,
    )
    _store_scores(assessment, [Score(score.commitment_code, score.earned, score.possible) for score in scores])
    guard_record(assessment, days=(checked_on,), actor=actor, action="enter_paper_grid")  # a grid of a closed year
    record_event(
        organisation=campaign.organisation,
        actor=actor,
        instance=assessment,
        action="enter_paper_grid",
        after=snapshot(assessment, ["campaign", "site", "service", "checked_on", "scan"])
        | {"scores": scores_text([Score(score.commitment_code, score.earned, score.possible) for score in scores])},
    )
    records_changed(organisation=campaign.organisation, metric_prefix=METRIC_PREFIX, months={checked_on.replace(day=1)})
    return assessment
