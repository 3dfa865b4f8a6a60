"""What changes the surveys: keyword-only functions, each in one transaction, each change
journaled (core.audit). Anonymous answers are the exception, see `surveys.answers`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.audit import create_audited
from core.models import Organisation, User
from surveys.models import Question, Questionnaire, Section
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
