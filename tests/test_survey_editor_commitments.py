"""The questionnaire editor offers the commitments the town follows (read from the commitments
app through core.registries): a question measures one of them, or keeps the one it had."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commitments.frameworks import load_framework
from core.forms import commitment_field_choices
from surveys import editor
from surveys.editor import QuestionValues

pytestmark = pytest.mark.django_db


def test_a_question_measures_a_commitment_the_town_follows(org):
    load_framework(organisation=org, code="qualivilles")
    blank = editor.create_questionnaire(organisation=org, actor=None, today=dt.date(2026, 12, 3), title="Accueil")
    section = blank.sections.get()

    def add(key: str, code: str):
        blank.refresh_from_db()
        values = QuestionValues(text=f"{key} ?", kind="scale", key=key, commitment_code=code)
        return editor.add_question(section=section, actor=None, seen_version=blank.version, values=values)

    assert add("signaletique", "1").commitment_code == "1"
    with pytest.raises(ValidationError, match="n'est pas suivi par la commune"):
        add("autre", "99")


def test_the_commitment_select_keeps_a_commitment_the_town_stopped_following(org):
    load_framework(organisation=org, code="qualivilles")
    choices = commitment_field_choices(org, ("99", "99 (ancien)"))
    assert choices[0] == ("", "— Aucun en particulier —") and choices[-1] == ("99", "99 (ancien)")
    assert ("1", dict(choices)["1"]) in choices and len(commitment_field_choices(org)) == len(choices) - 1
