"""The default questionnaire shipped as a template, and the checks on a template file."""

import datetime as dt
from pathlib import Path

import pytest

from core.audit import history_of
from core.spec_files import SpecFileError
from surveys.actions import create_questionnaire_from_template
from surveys.models import SCALE, Question, QuestionKind
from surveys.questionnaire_file import read_questionnaire_file, template_path

# The question keys the framework indicators read (params `question` in qualivilles.toml and
# services-publics-plus.toml): the default questionnaire must ask each of them on the scale.
FRAMEWORK_KEYS = {
    "signaletique": "1",
    "locaux": "2",
    "accessibilite": "3",
    "horaires": "6",
    "orientation": "7",
    "courtoisie": "12",
    "personnalisation": "13",
    "confidentialite": "14",
    "globale": "20",
}


def test_the_default_questionnaire_asks_every_question_the_framework_indicators_read():
    spec = read_questionnaire_file(template_path())
    questions = {question.key: question for section in spec.sections for question in section.questions}
    assert 18 <= len(questions) <= 25
    for key, commitment in FRAMEWORK_KEYS.items():
        assert questions[key].kind == QuestionKind.SCALE and questions[key].commitment_code == commitment, key
    assert {question.key for question in questions.values() if question.is_profile} == {"motif", "age", "frequence"}
    assert questions["telephone"].shown_after == "telephone_utilise" and questions["telephone"].shown_if == "oui"
    assert questions["commentaire"].kind == QuestionKind.TEXT


def test_the_framework_files_read_only_keys_the_default_questionnaire_asks():
    import tomllib

    frameworks = Path(__file__).resolve().parents[2] / "commitments" / "frameworks"
    read = set()
    for path in frameworks.glob("*.toml"):
        for commitment in tomllib.loads(path.read_text(encoding="utf-8"))["commitments"]:
            for indicator in commitment.get("indicators", []):
                if indicator["metric"] == "surveys.satisfaction":
                    read.add(indicator["params"]["question"])
    assert read == set(FRAMEWORK_KEYS)


@pytest.mark.django_db
def test_a_town_gets_its_own_journaled_copy_of_the_default_questionnaire(org):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=dt.date(2026, 12, 3))
    questions = Question.objects.for_org(org).filter(questionnaire=questionnaire)
    assert questions.count() == 22
    assert questionnaire.sections.count() == 4
    telephone = questions.get(key="telephone")
    assert telephone.shown_after == questions.get(key="telephone_utilise")
    assert questions.get(key="globale").choices == SCALE and questions.get(key="globale").required
    assert [code for code, _ in questions.get(key="age").choices] == ["moins_25", "25_44", "45_64", "65_plus"]
    assert history_of(questionnaire).filter(action="create").count() == 1
    assert history_of(telephone).filter(action="create").count() == 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "enquete.toml"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = 'title = "Enquête"\n[[sections]]\ntitle = "Accueil"\n'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[sections.questions]]\nkey = "a"\ntext = "A ?"\nkind = "stars"\n', "« kind » vaut « stars »"),
        ('[[sections.questions]]\nkey = "a"\ntext = "A ?"\nkind = "single"\noptions = [["x", "X"]]\n', "au moins deux"),
        (
            '[[sections.questions]]\nkey = "a"\ntext = "A ?"\nkind = "scale"\n'
            '[[sections.questions]]\nkey = "a"\ntext = "B ?"\nkind = "scale"\n',
            "section n° 1, question n° 2 : le code « a » est déjà",
        ),
        (
            '[[sections.questions]]\nkey = "a"\ntext = "A ?"\nkind = "yes_no"\n'
            '[[sections.questions]]\nkey = "b"\ntext = "B ?"\nkind = "scale"\n'
            'shown_after = "a"\nshown_if = "peut-etre"\n',
            "« peut-etre » n'est pas une réponse possible à « a »",
        ),
        (
            '[[sections.questions]]\nkey = "b"\ntext = "B ?"\nkind = "scale"\nshown_after = "z"\nshown_if = "oui"\n',
            "doit nommer une question précédente",
        ),
    ],
)
def test_a_wrong_template_is_refused_with_the_place_of_the_problem(tmp_path, body, message):
    with pytest.raises(SpecFileError, match=message) as refused:
        read_questionnaire_file(write(tmp_path, HEADER + body))
    assert str(refused.value).startswith("Fichier enquete.toml, section n° 1")
