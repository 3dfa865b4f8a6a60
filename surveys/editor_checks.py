"""What the questionnaire editor checks before it writes (surveys.editor): a question's key,
choices, condition and commitment, and the order that keeps every condition after the question
it depends on. Each refusal is a ValidationError in French, keyed by the form field it concerns.

A questionnaire that has received a response is locked (ADR 0024): its answers and the stored
counts refer to its questions, so it is never edited; a copy is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError

from core.models import Organisation
from core.registries import commitment_choices
from surveys.models import Question, QuestionKind, Questionnaire, Response

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# A choice's code is stored with each answer and read back by the imports: « 25_44 » is one.
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
# The names the answer forms already give to their own fields (surveys.forms): a question
# named so would take their place.
RESERVED_KEYS = frozenset({"website", "started", "answered_on", "site", "csrfmiddlewaretoken"})
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
# A condition reads one answer: an earlier question with a single answer among fixed choices.
CONDITION_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.YES_NO, QuestionKind.SINGLE, QuestionKind.SCORE})
MIN_OPTIONS = 2
MAX_OPTIONS = 30


def is_locked(questionnaire: Questionnaire) -> bool:
    """Whether the questionnaire has received a response through any of its campaigns."""
    return Response.objects.filter(campaign__questionnaire=questionnaire).exists()


def check_unlocked(questionnaire: Questionnaire) -> None:
    if is_locked(questionnaire):
        raise ValidationError(
            f"Le questionnaire « {questionnaire} » a déjà reçu des réponses : il ne se modifie plus. "
            "Dupliquez-le pour préparer une nouvelle version."
        )


def check_key(key: str, *, questionnaire: Questionnaire, question: Question | None) -> None:
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            {
                "key": f"Code « {key} » : de 1 à 40 lettres minuscules sans accent, chiffres ou « _ », "
                "en commençant par une lettre (par exemple « accueil_tel »)."
            }
        )
    if key in RESERVED_KEYS:
        raise ValidationError({"key": f"Le code « {key} » est réservé : choisissez-en un autre."})
    others = Question.objects.filter(questionnaire=questionnaire, key=key)
    if question is not None:
        others = others.exclude(pk=question.pk)
    if others.exists():
        raise ValidationError({"key": f"Le code « {key} » est déjà celui d'une autre question de ce questionnaire."})


def check_options(kind: str, options: Sequence[tuple[str, str]]) -> None:
    """Single and multiple choices offer 2 to 30 answers, each code once; the other kinds none."""
    if kind not in CHOICE_KINDS:
        if options:
            raise ValidationError(
                {"options": "Seules les questions à choix unique ou multiples ont des réponses à saisir."}
            )
        return
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ValidationError({"options": f"Proposez de {MIN_OPTIONS} à {MAX_OPTIONS} réponses, une par ligne."})
    codes = [code for code, _ in options]
    for code, label in options:
        if not CODE_PATTERN.match(code):
            raise ValidationError(
                {"options": f"Réponse « {label} » : son code « {code} » doit être en minuscules sans accent ni espace."}
            )
        if codes.count(code) > 1:
            raise ValidationError({"options": f"Deux réponses ont le même code « {code} »."})


def _codes(kind: str, options: Sequence[tuple[str, str]]) -> set[str]:
    return {code for code, _ in Question(kind=kind, options=[list(option) for option in options]).choices}


def check_condition(shown_after: Question | None, shown_if: str, *, questionnaire: Questionnaire) -> None:
    """The condition names a question of the same questionnaire that gives one answer among
    fixed choices, and one of those choices. Whether it is asked earlier is checked once the
    question stands in its place (`check_order`)."""
    if shown_after is None:
        return
    if shown_after.questionnaire_id != questionnaire.pk:
        raise ValidationError({"condition": "La condition doit porter sur une question de ce questionnaire."})
    if shown_after.kind not in CONDITION_KINDS:
        raise ValidationError(
            {"condition": f"« {shown_after.text} » ne peut pas servir de condition : elle n'a pas une réponse unique."}
        )
    if shown_if not in {code for code, _ in shown_after.choices}:
        raise ValidationError(
            {"condition": f"« {shown_if} » n'est pas une réponse possible à la question « {shown_after.text} »."}
        )


def check_commitment(organisation: Organisation, code: str, *, current: str = "") -> None:
    """A commitment the town follows; a question keeps the one it had when the town stopped
    following it."""
    if code and code != current and code not in dict(commitment_choices(organisation)):
        raise ValidationError({"commitment_code": f"L'engagement « {code} » n'est pas suivi par la commune."})


def check_dependents_keep_their_answer(question: Question, kind: str, options: Sequence[tuple[str, str]]) -> None:
    """Questions asked after an answer to `question` keep that answer among its new choices."""
    codes = _codes(kind, options)
    for dependent in Question.objects.filter(shown_after=question):
        if kind not in CONDITION_KINDS or dependent.shown_if not in codes:
            raise ValidationError(
                {
                    "kind": f"La question « {dependent.text} » n'est posée qu'après la réponse "
                    f"« {dependent.shown_if} » à celle-ci : changez d'abord sa condition."
                }
            )


def check_no_dependents(questions: Iterable[Question]) -> None:
    """Refuse to delete questions that others depend on (outside the ones deleted together)."""
    doomed = {question.pk for question in questions}
    dependent = Question.objects.filter(shown_after__in=doomed).exclude(pk__in=doomed).select_related("shown_after")
    first = dependent.first()
    if first is not None and first.shown_after is not None:
        raise ValidationError(
            f"La question « {first.text} » n'est posée qu'après une réponse à « {first.shown_after.text} » : "
            "changez d'abord sa condition."
        )


def check_order(questionnaire: Questionnaire) -> None:
    """Every conditional question comes after the question it depends on, in the order asked
    (sections, then questions): the answer recorder reads the answers in that order."""
    asked: set[int] = set()
    ordered = Question.objects.filter(questionnaire=questionnaire).select_related("shown_after")
    for question in ordered.order_by("section__position", "position", "pk"):
        if question.shown_after_id is not None and question.shown_after_id not in asked:
            source = question.shown_after.text if question.shown_after else ""
            raise ValidationError(
                f"La question « {question.text} » n'est posée qu'après une réponse à « {source} » : "
                "elle doit venir après elle."
            )
        asked.add(question.pk)
