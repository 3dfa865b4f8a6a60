"""The questionnaire editor's actions: create a questionnaire, add, edit, delete and move its
sections and questions, duplicate it. Keyword-only, each in one transaction, each change
journaled (core.audit).

Every change to a questionnaire's content goes through `_claim`: the questionnaire must have no
response yet (ADR 0024) and still be at the version the page showed (`seen_version`, a
stale page is refused with core.concurrency.ConcurrentEditError); its version then moves on, so
a second page opened before this change is refused in turn. Checks: surveys.editor_checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.audit import create_audited, delete_audited, record_event, save_audited, snapshot
from core.concurrency import ConcurrentEditError, save_if_unchanged
from core.models import Organisation, User
from surveys import editor_checks as checks
from surveys.models import Question, QuestionKind, Questionnaire, Section

Direction = Literal["up", "down"]
# What the editor puts in order: sections in their questionnaire, questions in their section.
Ordered = TypeVar("Ordered", Section, Question)
QUESTIONNAIRE_FIELDS = ["title", "introduction", "thanks"]


@dataclass(frozen=True)
class QuestionValues:
    """A question as the editor writes it; `options` as (code, label) for choice questions."""

    text: str
    kind: str
    key: str
    help_text: str = ""
    required: bool = False
    is_profile: bool = False
    options: Sequence[tuple[str, str]] = field(default_factory=tuple)
    shown_after: Question | None = None
    shown_if: str = ""
    commitment_code: str = ""

    def as_fields(self) -> dict[str, object]:
        return {
            "text": self.text.strip(),
            "kind": self.kind,
            "key": self.key,
            "help_text": self.help_text.strip(),
            "required": self.required,
            "is_profile": self.is_profile,
            "options": [list(option) for option in self.options] if self.kind in checks.CHOICE_KINDS else [],
            "shown_after": self.shown_after,
            "shown_if": self.shown_if if self.shown_after is not None else "",
            "commitment_code": self.commitment_code,
        }


STALE = (
    "Le questionnaire a été modifié depuis que vous avez ouvert cette page (par une autre personne ou dans un "
    "autre onglet). Rien n'a été enregistré : rechargez la page pour repartir de sa version actuelle."
)


def _claim(questionnaire: Questionnaire, seen_version: int) -> None:
    """Refuse a locked questionnaire or a stale page; else move the version on. The change
    itself is journaled on the section or question it touches, so the message names no one."""
    checks.check_unlocked(questionnaire)
    try:
        save_if_unchanged(questionnaire, seen_version=seen_version, fields=[])
    except ConcurrentEditError as stale:
        raise ConcurrentEditError(STALE) from stale


def _renumber(items: Sequence[Ordered]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def create_questionnaire(
    *,
    organisation: Organisation,
    actor: User | None,
    today: dt.date,
    title: str,
    introduction: str = "",
    thanks: str = "",
) -> Questionnaire:
    """An empty questionnaire, with one section to put the first questions in."""
    questionnaire = Questionnaire(
        organisation=organisation, title=title.strip(), introduction=introduction.strip(), created_on=today
    )
    if thanks.strip():
        questionnaire.thanks = thanks.strip()
    create_audited(questionnaire, actor=actor)
    create_audited(
        Section(organisation=organisation, questionnaire=questionnaire, position=1, title="Vos réponses"), actor=actor
    )
    return questionnaire


@transaction.atomic
def update_questionnaire(
    *, questionnaire: Questionnaire, actor: User | None, seen_version: int, title: str, introduction: str, thanks: str
) -> Questionnaire:
    before = snapshot(questionnaire, QUESTIONNAIRE_FIELDS)
    _claim(questionnaire, seen_version)
    values = {"title": title.strip(), "introduction": introduction.strip(), "thanks": thanks.strip()}
    save_audited(questionnaire, actor=actor, values=values, before=before)
    return questionnaire


@transaction.atomic
def add_section(*, questionnaire: Questionnaire, actor: User | None, seen_version: int, title: str) -> Section:
    """A new section, last of the questionnaire."""
    _claim(questionnaire, seen_version)
    last = questionnaire.sections.aggregate(last=Max("position"))["last"] or 0
    section = Section(
        organisation_id=questionnaire.organisation_id,
        questionnaire=questionnaire,
        position=last + 1,
        title=title.strip(),
    )
    create_audited(section, actor=actor)
    return section


@transaction.atomic
def rename_section(*, section: Section, actor: User | None, seen_version: int, title: str) -> Section:
    _claim(section.questionnaire, seen_version)
    save_audited(section, actor=actor, values={"title": title.strip()})
    return section


@transaction.atomic
def delete_section(*, section: Section, actor: User | None, seen_version: int) -> None:
    """Delete a section and its questions, unless a question elsewhere depends on one of them."""
    questionnaire = section.questionnaire
    _claim(questionnaire, seen_version)
    questions = list(section.questions.order_by("-position"))
    checks.check_no_dependents(questions)
    if questionnaire.sections.count() == 1:
        raise ValidationError("Un questionnaire garde au moins une section.")
    for question in questions:  # the last first: a later question may depend on an earlier one
        delete_audited(question, actor=actor)
    delete_audited(section, actor=actor)
    _renumber(list(questionnaire.sections.order_by("position", "pk")))


@transaction.atomic
def move_section(*, section: Section, actor: User | None, seen_version: int, direction: Direction) -> Section:
    """Swap a section with the one before or after it; the conditions must still come after
    the questions they depend on."""
    questionnaire = section.questionnaire
    _claim(questionnaire, seen_version)
    _move(list(questionnaire.sections.order_by("position", "pk")), section, direction, actor=actor)
    checks.check_order(questionnaire)
    return section


def _move(items: list[Ordered], item: Ordered, direction: Direction, *, actor: User | None) -> None:
    index = [each.pk for each in items].index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        raise ValidationError("Elle est déjà en haut." if direction == "up" else "Elle est déjà en bas.")
    items[index], items[other] = items[other], items[index]
    before = {each.pk: each.position for each in items}
    _renumber(items)
    for each in (items[index], items[other]):
        record_event(
            organisation=each.organisation,
            actor=actor,
            instance=each,
            action="update",
            before={"position": before[each.pk]},
            after={"position": each.position},
        )


def _check_question(
    organisation: Organisation, questionnaire: Questionnaire, values: QuestionValues, question: Question | None
) -> None:
    if not values.text.strip():
        raise ValidationError({"text": "Écrivez la question."})
    if values.kind not in QuestionKind.values:
        raise ValidationError({"kind": "Choisissez un type de question."})
    checks.check_key(values.key, questionnaire=questionnaire, question=question)
    checks.check_options(values.kind, values.options)
    if question is not None and values.shown_after is not None and values.shown_after.pk == question.pk:
        raise ValidationError({"condition": "Une question ne peut pas dépendre d'elle-même."})
    checks.check_condition(values.shown_after, values.shown_if, questionnaire=questionnaire)
    checks.check_commitment(organisation, values.commitment_code, current=question.commitment_code if question else "")


@transaction.atomic
def add_question(*, section: Section, actor: User | None, seen_version: int, values: QuestionValues) -> Question:
    """A new question, last of its section."""
    questionnaire = section.questionnaire
    _claim(questionnaire, seen_version)
    _check_question(questionnaire.organisation, questionnaire, values, None)
    last = section.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question(
        organisation_id=questionnaire.organisation_id,
        questionnaire=questionnaire,
        section=section,
        position=last + 1,
        **values.as_fields(),
    )
    create_audited(question, actor=actor)
    checks.check_order(questionnaire)
    return question


@transaction.atomic
def update_question(
    *, question: Question, actor: User | None, seen_version: int, values: QuestionValues, section: Section | None = None
) -> Question:
    """Change a question; a new `section` takes it to the end of that section."""
    questionnaire = question.questionnaire
    _claim(questionnaire, seen_version)
    _check_question(questionnaire.organisation, questionnaire, values, question)
    checks.check_dependents_keep_their_answer(question, values.kind, values.options)
    changes = values.as_fields()
    old_section = question.section
    if section is not None and section.pk != question.section_id:
        if section.questionnaire_id != questionnaire.pk:
            raise ValidationError({"section": "Choisissez une section de ce questionnaire."})
        last = section.questions.aggregate(last=Max("position"))["last"] or 0
        changes |= {"section": section, "position": last + 1}
    save_audited(question, actor=actor, values=changes)
    if question.section_id != old_section.pk:
        _renumber(list(old_section.questions.order_by("position", "pk")))
    checks.check_order(questionnaire)
    return question


@transaction.atomic
def delete_question(*, question: Question, actor: User | None, seen_version: int) -> None:
    _claim(question.questionnaire, seen_version)
    checks.check_no_dependents([question])
    section = question.section
    delete_audited(question, actor=actor)
    _renumber(list(section.questions.order_by("position", "pk")))


@transaction.atomic
def move_question(*, question: Question, actor: User | None, seen_version: int, direction: Direction) -> Question:
    """Swap a question with the one before or after it in its section."""
    questionnaire = question.questionnaire
    _claim(questionnaire, seen_version)
    _move(list(question.section.questions.order_by("position", "pk")), question, direction, actor=actor)
    checks.check_order(questionnaire)
    return question


@transaction.atomic
def duplicate_questionnaire(*, questionnaire: Questionnaire, actor: User | None, today: dt.date) -> Questionnaire:
    """An editable copy (a new version of a locked questionnaire): same sections, questions,
    keys and conditions, so that the new campaigns compare with the old ones question by
    question. Journaled with `copied_from`."""
    copy = Questionnaire(
        organisation_id=questionnaire.organisation_id,
        title=f"{questionnaire.title} (nouvelle version)"[:200],
        introduction=questionnaire.introduction,
        thanks=questionnaire.thanks,
        created_on=today,
    )
    copy.save()
    record_event(
        organisation=questionnaire.organisation,
        actor=actor,
        instance=copy,
        action="create",
        after=snapshot(copy) | {"copied_from": questionnaire.pk},
    )
    copies: dict[int, Question] = {}
    for section in questionnaire.sections.order_by("position", "pk").prefetch_related("questions"):
        section_copy = Section(
            organisation_id=copy.organisation_id, questionnaire=copy, position=section.position, title=section.title
        )
        create_audited(section_copy, actor=actor)
        for question in sorted(section.questions.all(), key=lambda each: (each.position, each.pk)):
            question_copy = Question(
                organisation_id=copy.organisation_id,
                questionnaire=copy,
                section=section_copy,
                position=question.position,
                key=question.key,
                text=question.text,
                help_text=question.help_text,
                kind=question.kind,
                required=question.required,
                options=question.options,
                is_profile=question.is_profile,
                shown_after=copies.get(question.shown_after_id) if question.shown_after_id else None,
                shown_if=question.shown_if,
                commitment_code=question.commitment_code,
            )
            create_audited(question_copy, actor=actor)
            copies[question.pk] = question_copy
    return copy
