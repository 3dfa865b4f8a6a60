"""State changes of the steering committee and of the annual review: keyword-only, typed,
atomic, audited. A decision becomes an improvement action in the same transaction; a meeting
held (or moved) tells indicator 23.1; a validated review is frozen with its PDF."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import record_event, saved_user, snapshot
from core.closing import guard_change, guard_record
from core.concurrency import save_if_unchanged
from core.models import Membership, Organisation, User
from core.registries import records_changed
from improvement.actions import open_action
from improvement.models import AnnualReview, Decision, ImprovementAction, Origin, ReviewStatus, SteeringMeeting
from improvement.workflow import METRIC_PREFIX

MEETING_FIELDS = ["held_on", "title", "place", "attendees", "agenda", "minutes", "held"]
REVIEW_TEXT_FIELDS = ["conclusions", "objectives"]
REVIEW_AUDIT_FIELDS = ["year", "version", "status", "conclusions", "objectives", "pdf", "pdf_sha256", "validated_at"]
VALIDATED_REFUSAL = "Ce bilan est validé : il ne peut plus être modifié. Créez une nouvelle version."


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _tell_meetings_held(organisation: Organisation, *days: dt.date) -> None:
    """Indicator 23.1 counts the meetings held in a period: recompute the months concerned."""
    records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months={_first_of_month(d) for d in days})


@transaction.atomic
def create_meeting(
    *,
    organisation: Organisation,
    actor: User | None,
    held_on: dt.date,
    title: str,
    place: str = "",
    attendees: str = "",
    agenda: str = "",
    minutes: str = "",
    held: bool = False,
) -> SteeringMeeting:
    meeting = SteeringMeeting.objects.create(
        organisation=organisation,
        held_on=held_on,
        title=title,
        place=place,
        attendees=attendees,
        agenda=agenda,
        minutes=minutes,
        held=held,
        created_by=saved_user(actor),
    )
    guard_record(meeting, days=(held_on,), actor=actor, action="create", fields=MEETING_FIELDS)
    record_event(
        organisation=organisation,
        actor=actor,
        instance=meeting,
        action="create",
        after=snapshot(meeting, MEETING_FIELDS),
    )
    if held:
        _tell_meetings_held(organisation, held_on)
    return meeting


@transaction.atomic
def update_meeting(*, meeting: SteeringMeeting, actor: User | None, seen_version: int, **changes: object) -> None:
    """Change the meeting's fields (`MEETING_FIELDS`); refused if someone saved it meanwhile
    (core.concurrency). Marking it held, or moving a held meeting, tells indicator 23.1 about
    the months of the old and the new date."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"Champs inconnus : {sorted(unknown)}")
    before = snapshot(meeting, MEETING_FIELDS)
    old_day, was_held = meeting.held_on, meeting.held
    for name, value in changes.items():
        setattr(meeting, name, value)
    days = (old_day, meeting.held_on)
    guard_record(meeting, days=days, actor=actor, action="update", before=before, fields=MEETING_FIELDS)
    save_if_unchanged(meeting, seen_version=seen_version, fields=MEETING_FIELDS)
    record_event(
        organisation=meeting.organisation,
        actor=actor,
        instance=meeting,
        action="update",
        before=before,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    if was_held != meeting.held or (meeting.held and old_day != meeting.held_on):
        _tell_meetings_held(meeting.organisation, old_day, meeting.held_on)


@transaction.atomic
def add_decision(
    *, meeting: SteeringMeeting, actor: User | None, text: str, title: str, owner: User, due_on: dt.date
) -> Decision:
    """Record a decision of the meeting and open its improvement action (origin "décision du
    comité de pilotage"), both or neither."""
    organisation = meeting.organisation
    if not Membership.objects.for_org(organisation).filter(user=owner).exists():
        raise ValidationError({"owner": "Le responsable doit être membre de la commune."})
    guard_record(meeting, days=(meeting.held_on,), actor=actor, action="add_decision")
    last = Decision.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    decision = Decision.objects.create(organisation=organisation, meeting=meeting, position=(last or 0) + 1, text=text)
    record_event(
        organisation=organisation,
        actor=actor,
        instance=meeting,
        action="add_decision",
        after={"decision": decision.pk, "text": text},
    )
    open_action(
        organisation=organisation,
        actor=actor,
        origin=Origin.DECISION,
        title=title,
        description=text,
        owner=owner,
        due_on=due_on,
        decision=decision,
        origin_label=f"Décision n° {decision.position} — {meeting}",
    )
    return decision


# --- The annual review ---------------------------------------------------------------------


@transaction.atomic
def create_review(*, organisation: Organisation, actor: User | None, year: int) -> AnnualReview:
    """A new version of the year's review: the next number, with the text of the latest
    version (validated or not) to start from. A validated version stays as it is. The review
    of a closed year is frozen (core.closing): refused."""
    _refuse_closed_year(organisation, year, actor)
    latest = AnnualReview.objects.for_org(organisation).filter(year=year).order_by("-number").first()
    review = AnnualReview.objects.create(
        organisation=organisation,
        year=year,
        number=latest.number + 1 if latest else 1,
        conclusions=latest.conclusions if latest else "",
        objectives=latest.objectives if latest else "",
        created_by=saved_user(actor),
    )
    record_event(
        organisation=organisation,
        actor=actor,
        instance=review,
        action="create",
        after=snapshot(review, REVIEW_AUDIT_FIELDS),
    )
    return review


def _refuse_closed_year(organisation: Organisation, year: int, actor: User | None) -> None:
    """The annual review of a closed year is what its closing froze, whatever the town's mode."""
    guard_change(organisation=organisation, days=(dt.date(year, 1, 1),), actor=actor, action="update", frozen=True)


def _refuse_validated(review: AnnualReview) -> None:
    if review.status == ReviewStatus.VALIDATED:
        raise ValidationError(VALIDATED_REFUSAL, code="validated")


@transaction.atomic
def update_review(
    *, review: AnnualReview, actor: User | None, seen_version: int, conclusions: str, objectives: str
) -> None:
    """Write the conclusions and next year's objectives of a draft; a validated one is refused,
    and so is a review someone else saved since the form was opened (`seen_version`)."""
    _refuse_validated(review)
    _refuse_closed_year(review.organisation, review.year, actor)
    if AnnualReview.objects.filter(pk=review.pk, status=ReviewStatus.VALIDATED).exists():
        raise ValidationError(VALIDATED_REFUSAL, code="validated")
    before = snapshot(review, REVIEW_TEXT_FIELDS)
    review.conclusions, review.objectives = conclusions, objectives
    save_if_unchanged(review, seen_version=seen_version, fields=REVIEW_TEXT_FIELDS)
    record_event(
        organisation=review.organisation,
        actor=actor,
        instance=review,
        action="update",
        before=before,
        after=snapshot(review, REVIEW_TEXT_FIELDS),
    )


def check_validable(*, review: AnnualReview, today: dt.date) -> None:
    """A review is validated once: and only once its year is over, when every figure is final."""
    _refuse_validated(review)
    if today < dt.date(review.year + 1, 1, 1):
        raise ValidationError(
            f"L'année {review.year} n'est pas terminée : son bilan pourra être validé à partir du 1er janvier "
            f"{review.year + 1}.",
            code="year_not_over",
        )


@transaction.atomic
def validate_review(
    *, review: AnnualReview, pdf: bytes, actor: User | None, now: dt.datetime | None = None
) -> AnnualReview:
    """Freeze the review: store its PDF (a new file, never over another one) with its SHA-256,
    who validated it and when (`now`, the present unless told: the demo validates in January).
    A validated review is refused, even by a second click that read it as a draft: the status
    is checked again in the database."""
    check_validable(review=review, today=review.organisation.today())
    _refuse_closed_year(review.organisation, review.year, actor)
    if not pdf.startswith(b"%PDF-"):
        raise ValidationError("Le bilan n'a pas pu être mis en PDF.", code="not_pdf")
    still_draft = AnnualReview.objects.filter(pk=review.pk, status=ReviewStatus.DRAFT)
    if not still_draft.select_for_update().exists():
        raise ValidationError(VALIDATED_REFUSAL, code="validated")
    before = snapshot(review, REVIEW_AUDIT_FIELDS)
    review.pdf.save(f"bilan-{review.year}-v{review.number}.pdf", ContentFile(pdf), save=False)
    review.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    review.validated_at = now or timezone.now()
    review.validated_by = saved_user(actor)
    review.status = ReviewStatus.VALIDATED
    fields = ["pdf", "pdf_sha256", "validated_at", "validated_by", "status"]
    if not still_draft.update(**{name: getattr(review, name) for name in fields}):
        raise ValidationError(VALIDATED_REFUSAL, code="validated")
    record_event(
        organisation=review.organisation,
        actor=actor,
        instance=review,
        action="validate_review",
        before=before,
        after=snapshot(review, REVIEW_AUDIT_FIELDS),
    )
    # Indicator 23.2 (annual review done) may read the validated versions.
    records_changed(organisation=review.organisation, metric_prefix=METRIC_PREFIX, months={dt.date(review.year, 1, 1)})
    return review


def decision_actions(meeting: SteeringMeeting) -> dict[int, ImprovementAction]:
    """The action opened from each decision of the meeting, by decision id: one query."""
    actions = ImprovementAction.objects.filter(organisation=meeting.organisation, decision__meeting=meeting)
    return {action.decision_id: action for action in actions if action.decision_id is not None}
