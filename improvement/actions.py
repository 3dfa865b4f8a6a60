"""State changes of the improvement plan: keyword-only, typed, atomic, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from audits.models import FINDINGS, AssessmentStatus, CriterionAnswer
from commitments.models import Commitment, Indicator
from complaints.models import Complaint
from core.audit import record_event, saved_user
from core.concurrency import save_if_unchanged
from core.models import Organisation, Service, User
from core.periods import Granularity, Period
from improvement.models import ActionStatus, Decision, ImprovementAction, Origin
from improvement.workflow import NUMBERING, WORKFLOW
from surveys.models import Comment, Question


def origin_reference(record: models.Model) -> tuple[str, str]:
    """How an action names the record it comes from: as the audit trail names objects."""
    return record._meta.label_lower, str(record.pk)


@transaction.atomic
def open_action(
    *,
    organisation: Organisation,
    actor: User | None,
    origin: Origin | str,
    title: str,
    owner: User,
    due_on: dt.date,
    description: str = "",
    origin_record: models.Model | None = None,
    origin_label: str = "",
    origin_indicator: Indicator | None = None,
    decision: Decision | None = None,
    commitment: Commitment | None = None,
    service: Service | None = None,
    check_indicator: Indicator | None = None,
    expected_value: Decimal | None = None,
    check_on: dt.date | None = None,
) -> ImprovementAction:
    """THE way an action enters the plan (a form, a complaint's or an indicator's one-click
    button, a committee decision, the demo): numbered A-<year>-<n> in the year it is opened,
    status proposée, logged and audited. `origin_record` (a complaint, a survey answer, an audit
    finding) is named with `origin_label`, which must hold no personal data."""
    for related in (origin_record, origin_indicator, decision, commitment, service, check_indicator):
        if related is not None and getattr(related, "organisation_id", organisation.pk) != organisation.pk:
            raise ValidationError("Cet élément n'appartient pas à la commune.")
    origin_type, origin_id = origin_reference(origin_record) if origin_record is not None else ("", "")
    year = organisation.today().year
    action = ImprovementAction.objects.create(
        organisation=organisation,
        number=NUMBERING.reference(year, NUMBERING.next_number(organisation.pk, year)),
        title=title,
        description=description,
        origin=origin,
        origin_type=origin_type,
        origin_id=origin_id,
        origin_label=origin_label,
        origin_indicator=origin_indicator,
        decision=decision,
        commitment=commitment if commitment is not None else getattr(origin_indicator, "commitment", None),
        service=service,
        owner=owner,
        due_on=due_on,
        check_indicator=check_indicator,
        expected_value=expected_value,
        check_on=check_on,
        created_by=saved_user(actor),
    )
    return WORKFLOW.created(action, actor=actor)


# What a form may change of an action (its origin stays what it was opened from).
EDITABLE = (
    "title",
    "description",
    "commitment",
    "service",
    "owner",
    "due_on",
    "check_indicator",
    "expected_value",
    "check_on",
)
FROZEN = frozenset({ActionStatus.EFFECTIVE, ActionStatus.CANCELLED})
FROM_RECORD_DAYS = 30  # a one-click action is due a month later, until its owner says otherwise


def check_errors(action: ImprovementAction) -> dict[str, str]:
    """Why the effectiveness check cannot be kept as written, by field (empty when it can)."""
    errors: dict[str, str] = {}
    if action.check_indicator_id is not None:
        if action.expected_value is None:
            errors["expected_value"] = "Indiquez la valeur attendue de l'indicateur à faire bouger."
        if action.check_on is None:
            errors["check_on"] = "Indiquez la date à laquelle vérifier l'efficacité."
    elif action.expected_value is not None or action.check_on is not None:
        errors["check_indicator"] = "Choisissez l'indicateur que l'action doit faire bouger."
    return errors


def _refuse_foreign(organisation: Organisation, *related: models.Model | None) -> None:
    for record in related:
        if record is not None and getattr(record, "organisation_id", organisation.pk) != organisation.pk:
            raise ValidationError("Cet élément n'appartient pas à la commune.")


@transaction.atomic
def update_action(*, action: ImprovementAction, actor: User | None, seen_version: int, **changes: Any) -> None:
    """Change what the plan says of an action (title, owner, due date, check...): refused once
    its effectiveness is confirmed or it is cancelled; audited; indicator 23.3 told when its due
    date moves."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    if action.status in FROZEN:
        raise ValidationError(f"L'action est « {action.get_status_display()} » : elle ne peut plus être modifiée.")
    _refuse_foreign(action.organisation, *(v for v in changes.values() if isinstance(v, models.Model)))
    before, months_before = WORKFLOW.audit(action), WORKFLOW.indicator_months(action)
    for name, value in changes.items():
        setattr(action, name, value)
    errors = check_errors(action)
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(action, seen_version=seen_version, fields=list(changes))
    after = WORKFLOW.audit(action)
    if after != before:
        record_event(
            organisation=action.organisation, actor=actor, instance=action, action="update", before=before, after=after
        )
    WORKFLOW.tell(action.organisation, months_before | WORKFLOW.indicator_months(action))


def step_changes(action: ImprovementAction, step: str, *, today: dt.date, note: str) -> dict[str, Any]:
    """What a step writes besides the status: completing dates the action, a verdict by hand
    dates the check and keeps its note, a relaunch clears the check for a new one."""
    if step == "complete":
        return {"done_on": today}
    if step in ("confirm_effective", "find_ineffective"):
        return {"checked_on": today, "check_note": note}
    if step == "relaunch":
        return {"checked_on": None, "checked_value": None, "checked_period_start": None, "check_on": None}
    return {}


@transaction.atomic
def step_action(
    *, action: ImprovementAction, step: str, actor: User | None, seen_version: int, today: dt.date, note: str = ""
) -> ImprovementAction:
    """One step of the action's workflow (plan, start, complete, a verdict, relaunch, cancel),
    refused in French when its status does not allow it or someone saved it meanwhile."""
    if step not in WORKFLOW.transitions or step == "create":
        raise ValidationError("Étape inconnue.")
    changes = step_changes(action, step, today=today, note=note.strip())
    return WORKFLOW.step(
        action, step, actor=actor, changes=changes, seen_version=seen_version, log={"note": note.strip()}
    )


def _followed_commitment(organisation: Organisation, code: str) -> Commitment | None:
    if not code:
        return None
    commitments = Commitment.objects.for_org(organisation).filter(code=code)
    return commitments.order_by("-is_active", "framework_id", "pk").first()


def open_action_from_complaint(*, complaint: Complaint, actor: User, today: dt.date) -> ImprovementAction:
    """The complaint page's one click: a proposed action owned by whoever clicked, due in 30
    days, naming the complaint by its number only (never its author nor its text)."""
    return open_action(
        organisation=complaint.organisation,
        actor=actor,
        origin=Origin.COMPLAINT,
        title=f"Suite à la {complaint.get_kind_display()} {complaint.tracking_number}",
        owner=actor,
        due_on=today + dt.timedelta(days=FROM_RECORD_DAYS),
        origin_record=complaint,
        origin_label=str(complaint),
        commitment=_followed_commitment(complaint.organisation, complaint.commitment_code),
        service=complaint.service,
    )


def open_action_from_survey_comment(*, comment: Comment, actor: User, today: dt.date) -> ImprovementAction:
    """A survey comment's one click: a proposed action owned by whoever clicked, due in 30 days,
    naming the comment by its number and campaign only (never its text, which may hold personal
    data before moderation), on the commitment its question measures."""
    campaign = comment.response.campaign
    return open_action(
        organisation=comment.organisation,
        actor=actor,
        origin=Origin.SURVEY,
        title=f"Suite au commentaire n° {comment.pk} de l'enquête « {campaign.title} »",
        owner=actor,
        due_on=today + dt.timedelta(days=FROM_RECORD_DAYS),
        origin_record=comment,
        origin_label=f"Commentaire n° {comment.pk}, {campaign.title}",
        commitment=_followed_commitment(comment.organisation, comment.question.commitment_code),
    )


def open_action_from_survey_question(*, question: Question, actor: User, today: dt.date) -> ImprovementAction:
    """A survey question's one click (a low satisfaction): a proposed action on the commitment
    it measures, due in 30 days."""
    return open_action(
        organisation=question.organisation,
        actor=actor,
        origin=Origin.SURVEY,
        title=f"Satisfaction à améliorer : « {question.text} »",
        owner=actor,
        due_on=today + dt.timedelta(days=FROM_RECORD_DAYS),
        origin_record=question,
        origin_label=f"Question d'enquête « {question.text} »",
        commitment=_followed_commitment(question.organisation, question.commitment_code),
    )


def finding_label(answer: CriterionAnswer) -> str:
    """How an action names an audit finding: its number, the grid and the day of the check,
    the criterion and the answer, never the assessor (grids rate the service, not a person)."""
    assessment = answer.assessment
    day = assessment.checked_on or assessment.due_on
    return (
        f"Constat n° {answer.pk}, {assessment.campaign.grid.title} du {day:%d/%m/%Y} : "
        f"« {answer.criterion.question} » ({answer.get_rating_display()})"
    )[:300]


def open_action_from_audit_finding(*, answer: CriterionAnswer, actor: User, today: dt.date) -> ImprovementAction:
    """A finding's one click (a criterion answered "non" or "en partie" on a submitted grid): a
    proposed action owned by whoever clicked, due in 30 days, on the commitment the criterion
    checks and the service checked."""
    if answer.rating not in FINDINGS or answer.assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError("Seul un critère « non » ou « en partie » d'une grille remise ouvre une action.")
    return open_action(
        organisation=answer.organisation,
        actor=actor,
        origin=Origin.AUDIT,
        title=f"Suite au constat : « {answer.criterion.question} »"[:200],
        owner=actor,
        due_on=today + dt.timedelta(days=FROM_RECORD_DAYS),
        origin_record=answer,
        origin_label=finding_label(answer),
        commitment=_followed_commitment(answer.organisation, answer.criterion.commitment_code),
        service=answer.assessment.service,
    )


def open_action_from_indicator(*, indicator: Indicator, actor: User, today: dt.date) -> ImprovementAction:
    """The indicator's one click: a proposed action owned by whoever clicked, due in 30 days,
    whose effectiveness check is the indicator reaching its target on the first complete period
    after the due date's."""
    due_on = today + dt.timedelta(days=FROM_RECORD_DAYS)
    granularity = Granularity(indicator.granularity)
    check_on = Period.containing(Period.containing(due_on, granularity).end, granularity).end
    return open_action(
        organisation=indicator.organisation,
        actor=actor,
        origin=Origin.INDICATOR,
        title=f"Indicateur {indicator.code} non atteint",
        owner=actor,
        due_on=due_on,
        origin_indicator=indicator,
        check_indicator=indicator,
        expected_value=indicator.target_value,
        check_on=check_on,
    )
