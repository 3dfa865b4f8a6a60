"""The questionnaire editor's forms. They read input; surveys.editor checks and writes. Each
carries the questionnaire's version the page showed (a stale page is refused)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from core.forms import commitment_field_choices
from core.models import Organisation
from surveys.editor import QuestionValues
from surveys.editor_checks import CONDITION_KINDS
from surveys.models import Question, QuestionKind, Questionnaire, Section

ALWAYS = ("", "— Toujours posée —")
OPTION_SEPARATOR = ":"


class VersionForm(forms.Form):
    """The questionnaire's version when the page was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Monter"), ("down", "Descendre")])


class QuestionnaireForm(VersionForm):
    title = forms.CharField(
        label="Titre", max_length=200, help_text="Le titre que lit l'usager en haut du questionnaire."
    )
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Affichée au début du questionnaire : sa durée, son anonymat, ce que deviennent les réponses.",
    )
    thanks = forms.CharField(label="Message de remerciement", max_length=300, required=False)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["version"].required = False


class SectionForm(VersionForm):
    title = forms.CharField(label="Titre de la section", max_length=200)


def slug_key(text: str) -> str:
    """A question key or a choice code drawn from its text: « Prise de rendez-vous » →
    prise_de_rendez_vous (a key starts with a letter: « 2e visite » → q_2e_visite)."""
    key = slugify(text.replace("'", " ").replace("’", " ")).replace("-", "_")[:40].strip("_")
    return key if key[:1].isalpha() else f"q_{key}"[:40].strip("_")


def options_text(options: list[list[str]]) -> str:
    return "\n".join(f"{code} {OPTION_SEPARATOR} {label}" for code, label in options)


def _option(line: str) -> tuple[str, str]:
    code, separator, label = line.partition(OPTION_SEPARATOR)
    if not separator:
        return slug_key(line), line.strip()
    return code.strip(), label.strip()


def _condition_choices(questions: list[Question], question: Question | None) -> list[tuple[str, str]]:
    """« After the answer X to the question Q », each option naming both (a closed select shows
    one option, without its group): only questions with one answer among fixed choices, other
    than this one."""
    choices = [ALWAYS]
    for source in questions:
        if source.kind in CONDITION_KINDS and (question is None or source.pk != question.pk):
            choices += [(f"{source.pk}:{code}", f"« {source.text} » : {label}") for code, label in source.choices]
    return choices


class QuestionForm(VersionForm):
    section = forms.ModelChoiceField(label="Section", queryset=Section.objects.none(), empty_label=None)
    text = forms.CharField(label="Question", max_length=300)
    help_text = forms.CharField(
        label="Précision", max_length=300, required=False, help_text="Affichée sous la question."
    )
    kind = forms.ChoiceField(label="Type de réponse", choices=QuestionKind.choices)
    options = forms.CharField(
        label="Réponses proposées (choix unique ou multiples)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Une réponse par ligne, dans l'ordre affiché. Écrivez « code : libellé » pour fixer le code, "
        "sinon il est tiré du libellé. Les autres types ont des réponses fixes.",
    )
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    is_profile = forms.BooleanField(
        label="Question de profil (âge, motif de la visite…) : les résultats peuvent être lus par ses réponses",
        required=False,
    )
    condition = forms.ChoiceField(
        label="Posée seulement après une réponse",
        required=False,
        help_text="La question n'apparaît qu'après cette réponse à une question précédente.",
    )
    commitment_code = forms.ChoiceField(label="Engagement mesuré", required=False)
    key = forms.CharField(
        label="Code de la question",
        max_length=40,
        required=False,
        help_text="Lu par les indicateurs et les exports : lettres minuscules sans accent, chiffres et « _ ». "
        "Laissez vide pour le tirer du texte.",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        questionnaire: Questionnaire,
        questions: list[Question],
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = {each.pk: each for each in questions}
        self.taken_keys = {each.key for each in questions if question is None or each.pk != question.pk}
        section = self.fields["section"]
        assert isinstance(section, forms.ModelChoiceField)
        section.queryset = questionnaire.sections.order_by("position", "pk")
        condition = self.fields["condition"]
        assert isinstance(condition, forms.ChoiceField)
        condition.choices = _condition_choices(questions, question)
        commitment = self.fields["commitment_code"]
        assert isinstance(commitment, forms.ChoiceField)
        current = (
            (question.commitment_code, f"{question.commitment_code} (engagement que la commune ne suit plus)")
            if question
            else None
        )
        commitment.choices = commitment_field_choices(organisation, current)

    @classmethod
    def initial_for(cls, question: Question, version: int) -> dict[str, Any]:
        condition = f"{question.shown_after_id}:{question.shown_if}" if question.shown_after_id else ""
        return {
            "version": version,
            "section": question.section_id,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "options": options_text(question.options),
            "required": question.required,
            "is_profile": question.is_profile,
            "condition": condition,
            "commitment_code": question.commitment_code,
            "key": question.key,
        }

    def clean_key(self) -> str:
        return str(self.cleaned_data["key"]).strip()

    def _options(self) -> tuple[tuple[str, str], ...]:
        if self.cleaned_data["kind"] not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return ()
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        return tuple(_option(line) for line in lines if line)

    def _free_key(self, key: str) -> str:
        """A key drawn from the text, numbered when another question has it already."""
        number, free = 1, key
        while free in self.taken_keys:
            number += 1
            free = f"{key[: 40 - len(str(number)) - 1]}_{number}"
        return free

    def values(self) -> QuestionValues:
        data = self.cleaned_data
        source, _, answer = (data.get("condition") or "").partition(":")
        return QuestionValues(
            text=data["text"],
            kind=data["kind"],
            key=data["key"] or self._free_key(slug_key(data["text"])),
            help_text=data["help_text"],
            required=data["required"],
            is_profile=data["is_profile"],
            options=self._options(),
            shown_after=self.questions.get(int(source)) if source.isdigit() else None,
            shown_if=answer,
            commitment_code=data["commitment_code"],
        )
