"""What changes the surveys: keyword-only functions, each in one transaction, each change
journaled (core.audit). Anonymous answers are the exception, see `surveys.answers`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min

from core import registries
from core.audit import create_audited, record_event, save_audited, snapshot
from core.codes import readable_code
from core.models import Organisation, User
from surveys.answers import METRIC_PREFIX
from surveys.models import Campaign, Comment, Moderation, Question, Questionnaire, Section
from surveys.questionnaire_file import DEFAULT_TEMPLATE, read_questionnaire_file, template_path


@transaction.atomic
def create_questionnaire_from_template(
    *, organisation: Organisation, actor: User | None, today: dt.date, template: str = DEFAULT_TEMPLATE
) -> Questionnaire:
    """The town's own copy of a shipped questionnaire (the default Qualivilles one), to edit."""
    spec = read_questionnaire_file(template_path(template))
    questionnaire = Questionnaire(
        organisation=organisation, title=spec.title, introduction=spec.introduction, created_on=today
    )
    create_audited(questionnaire, actor=actor)
    questions: dict[str, Question] = {}
    for section_position, section_spec in enumerate(spec.sections, start=1):
        section = Section(
            organisation=organisation, questionnaire=questionnaire, position=section_position, title=section_spec.title
        )
        create_audited(section, actor=actor)
        for position, question_spec in enumerate(section_spec.questions, start=1):
            question = Question(
                organisation=organisation,
                questionnaire=questionnaire,
                section=section,
                position=position,
                key=question_spec.key,
                text=question_spec.text,
                help_text=question_spec.help_text,
                kind=question_spec.kind,
                required=question_spec.required,
                options=[list(option) for option in question_spec.options],
                is_profile=question_spec.is_profile,
                shown_after=questions.get(question_spec.shown_after),
                shown_if=question_spec.shown_if,
                commitment_code=question_spec.commitment_code,
            )
            create_audited(question, actor=actor)
            questions[question.key] = question
    return questionnaire


CAMPAIGN_CODE_LENGTH = 8
CAMPAIGN_FIELDS = ["title", "opens_on", "closes_on", "on_web", "on_kiosk", "on_paper", "on_email", "sample_every"]


def _check_campaign(values: dict[str, Any]) -> None:
    problems = {}
    if values["closes_on"] < values["opens_on"]:
        problems["closes_on"] = "La clôture ne peut pas précéder l'ouverture."
    if not any(values[offer] for offer in ("on_web", "on_kiosk", "on_paper", "on_email")):
        problems["on_web"] = "Cochez au moins un canal de réponse."
    if values.get("sample_every") and not (values["on_kiosk"] or values["on_email"]):
        problems["sample_every"] = (
            "L'échantillonnage s'applique à la borne et aux invitations par courriel : "
            "proposez l'un de ces canaux ou laissez vide."
        )
    if problems:
        raise ValidationError(problems)


def _keep_answers_inside(campaign: Campaign, opens_on: dt.date, closes_on: dt.date) -> None:
    """Refuse dates that would leave answers already received outside the campaign."""
    days = campaign.responses.aggregate(first=Min("answered_on"), last=Max("answered_on"))
    if days["first"] is not None and (opens_on > days["first"] or closes_on < days["last"]):
        raise ValidationError(
            f"Des réponses ont été reçues du {days['first']:%d/%m/%Y} au {days['last']:%d/%m/%Y} : "
            "l'enquête doit couvrir ces jours."
        )


def _campaign_months(campaign: Campaign) -> set[dt.date]:
    return {campaign.closes_on.replace(day=1)}


@transaction.atomic
def create_campaign(
    *, organisation: Organisation, actor: User | None, questionnaire: Questionnaire, **values: Any
) -> Campaign:
    """A campaign of the town's questionnaire; `values` as CAMPAIGN_FIELDS. Its public code is
    drawn at random (8 readable characters: not guessable from another campaign's)."""
    if questionnaire.organisation_id != organisation.pk:
        raise ValidationError("Ce questionnaire appartient à une autre organisation.")
    values = {"sample_every": None, "on_web": False, "on_kiosk": False, "on_paper": False, "on_email": False} | values
    _check_campaign(values)
    code = readable_code(CAMPAIGN_CODE_LENGTH)
    while Campaign.objects.filter(code=code).exists():
        code = readable_code(CAMPAIGN_CODE_LENGTH)
    campaign = Campaign(organisation=organisation, questionnaire=questionnaire, code=code, **values)
    create_audited(campaign, actor=actor)
    return campaign


@transaction.atomic
def update_campaign(*, campaign: Campaign, actor: User | None, **values: Any) -> Campaign:
    """Change a campaign's dates, channels or title. Its figures follow: the periods of the old
    and the new closing day are recomputed (a campaign counts in the period of its closing day)."""
    before_months = _campaign_months(campaign)
    _check_campaign({name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} | values)
    _keep_answers_inside(
        campaign, values.get("opens_on", campaign.opens_on), values.get("closes_on", campaign.closes_on)
    )
    if save_audited(campaign, actor=actor, values=values):
        registries.records_changed(
            organisation=campaign.organisation,
            metric_prefix=METRIC_PREFIX,
            months=before_months | _campaign_months(campaign),
        )
    return campaign


def close_campaign(*, campaign: Campaign, actor: User | None, today: dt.date) -> Campaign:
    """Close an open campaign today, before its planned closing day."""
    if not campaign.is_open(today):
        raise ValidationError("Seule une enquête en cours peut être close.")
    return update_campaign(campaign=campaign, actor=actor, closes_on=today)


@transaction.atomic
def moderate_comment(*, comment: Comment, actor: User | None, publish: bool, published_text: str = "") -> Comment:
    """Publish a comment as `published_text` (the text with any name, address or other personal
    data taken out), or set it aside. Journaled without the texts, which may hold personal data."""
    text = published_text.strip()
    if publish and not text:
        raise ValidationError({"published_text": "Écrivez le texte à publier, sans donnée personnelle."})
    before = snapshot(comment, ["moderation"])
    comment.moderation = Moderation.PUBLISHED if publish else Moderation.HIDDEN
    comment.published_text = text if publish else ""
    comment.save(update_fields=["moderation", "published_text"])
    record_event(
        organisation=comment.organisation,
        actor=actor,
        instance=comment,
        action="moderate",
        before=before,
        after=snapshot(comment, ["moderation"]),
    )
    return comment
