"""Reading a questionnaire template (a .toml file of surveys/questionnaires/): sections of
questions, each with its key, text, kind, choices, condition and the commitment it measures.
The file is read and checked whole before anything is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.spec_files import SpecFileError, TableReader, read_toml
from surveys.models import SCALE, SCORES, YES_NO, QuestionKind

QUESTIONNAIRES_DIR = Path(__file__).resolve().parent / "questionnaires"
DEFAULT_TEMPLATE = "qualivilles"
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
FIXED_CHOICES = {QuestionKind.SCALE: SCALE, QuestionKind.YES_NO: YES_NO, QuestionKind.SCORE: SCORES}


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    help_text: str
    kind: str
    required: bool
    options: tuple[tuple[str, str], ...]
    is_profile: bool
    shown_after: str
    shown_if: str
    commitment_code: str

    @property
    def codes(self) -> set[str]:
        fixed = FIXED_CHOICES.get(QuestionKind(self.kind), ())
        return {code for code, _ in (*fixed, *self.options)}


@dataclass(frozen=True)
class SectionSpec:
    title: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class QuestionnaireSpec:
    title: str
    introduction: str
    sections: tuple[SectionSpec, ...]


def template_path(name: str = DEFAULT_TEMPLATE) -> Path:
    return QUESTIONNAIRES_DIR / f"{name}.toml"


def _options(reader: TableReader, kind: str) -> tuple[tuple[str, str], ...]:
    options = reader.table.get("options", [])
    if kind not in CHOICE_KINDS:
        if options:
            reader.fail("seules les questions à choix unique ou multiples ont des « options »")
        return ()
    if not isinstance(options, list) or len(options) < 2:
        reader.fail("une question à choix demande au moins deux « options » [code, libellé]")
    pairs = []
    for option in options:
        if not (isinstance(option, list) and len(option) == 2 and all(isinstance(part, str) for part in option)):
            reader.fail(f"l'option {option!r} doit être [code, libellé]")
        pairs.append((option[0].strip(), option[1].strip()))
    codes = [code for code, _ in pairs]
    if len(set(codes)) < len(codes):
        reader.fail("deux options ont le même code")
    return tuple(pairs)


def _question(filename: str, table: Any, where: str, earlier: dict[str, QuestionSpec]) -> QuestionSpec:
    reader = TableReader(filename, where, table)
    kind = reader.choice("kind", list(QuestionKind.values))
    spec = QuestionSpec(
        key=reader.text("key"),
        text=reader.text("text"),
        help_text=reader.text("help", default=""),
        kind=kind,
        required=reader.boolean("required"),
        options=_options(reader, kind),
        is_profile=reader.boolean("profile"),
        shown_after=reader.text("shown_after", default=""),
        shown_if=reader.text("shown_if", default=""),
        commitment_code=reader.text("commitment", default=""),
    )
    if spec.key in earlier:
        reader.fail(f"le code « {spec.key} » est déjà celui d'une autre question")
    if bool(spec.shown_after) != bool(spec.shown_if):
        reader.fail("« shown_after » et « shown_if » vont ensemble")
    if spec.shown_after:
        before = earlier.get(spec.shown_after)
        if before is None:
            reader.fail(f"« shown_after » doit nommer une question précédente, pas « {spec.shown_after} »")
        if spec.shown_if not in before.codes or before.kind == QuestionKind.MULTIPLE:
            reader.fail(f"« shown_if » : « {spec.shown_if} » n'est pas une réponse possible à « {before.key} »")
    return spec


def read_questionnaire_file(path: Path) -> QuestionnaireSpec:
    """Parse and check a questionnaire file; raise SpecFileError with a French message."""
    header = TableReader(path.name, "en-tête", read_toml(path))
    earlier: dict[str, QuestionSpec] = {}
    sections = []
    for number, table in enumerate(header.tables("sections"), start=1):
        reader = TableReader(path.name, f"section n° {number}", table)
        questions = []
        for position, item in enumerate(reader.tables("questions"), start=1):
            question = _question(path.name, item, f"section n° {number}, question n° {position}", earlier)
            earlier[question.key] = question
            questions.append(question)
        if not questions:
            reader.fail("une section demande au moins une question")
        sections.append(SectionSpec(title=reader.text("title"), questions=tuple(questions)))
    if not sections:
        header.fail("le questionnaire n'a aucune section")
    return QuestionnaireSpec(
        title=header.text("title"), introduction=header.text("introduction", default=""), sections=tuple(sections)
    )


__all__ = ["QuestionnaireSpec", "SpecFileError", "read_questionnaire_file", "template_path"]
