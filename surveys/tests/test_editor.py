"""The questionnaire editor's actions and checks: sections and questions added, changed, moved
and deleted, each journaled; conditions stay after the question they read and name one of its
answers; a stale page is refused; a questionnaire that has answers is locked and duplicated."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.audit import history_of
from core.concurrency import ConcurrentEditError
from core.models import AuditEvent
from surveys import editor
from surveys.actions import create_campaign
from surveys.editor import QuestionValues
from surveys.editor_checks import is_locked
from surveys.editor_forms import slug_key
from surveys.models import Question, Questionnaire, Section

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)
VISIT = (("premiere", "Première visite"), ("habituelle", "Visite habituelle"))


@pytest.fixture
def blank(org) -> Questionnaire:
    return editor.create_questionnaire(organisation=org, actor=None, today=TODAY, title="Accueil du samedi")


def add(
    questionnaire: Questionnaire, key: str, kind: str = "scale", section: Section | None = None, **more
) -> Question:
    questionnaire.refresh_from_db()
    values = QuestionValues(text=more.pop("text", f"Question {key} ?"), kind=kind, key=key, **more)
    target = section or questionnaire.sections.order_by("position")[0]
    return editor.add_question(section=target, actor=None, seen_version=questionnaire.version, values=values)


def seen(questionnaire: Questionnaire) -> int:
    """The version a page opened now would show."""
    questionnaire.refresh_from_db()
    return questionnaire.version


def keys(questionnaire: Questionnaire) -> list[str]:
    ordered = Question.objects.filter(questionnaire=questionnaire).order_by("section__position", "position")
    return list(ordered.values_list("key", flat=True))


def test_a_new_questionnaire_has_one_section_and_both_are_journaled(blank):
    section = blank.sections.get()
    assert section.title == "Vos réponses" and section.position == 1
    assert history_of(blank).filter(action="create").exists() and history_of(section).filter(action="create").exists()


def test_questions_are_added_last_of_their_section_and_journaled(blank):
    first, second = add(blank, "accueil"), add(blank, "attente", kind="yes_no")
    assert (first.position, second.position) == (1, 2)
    created = history_of(second).get(action="create").after or {}
    assert created["key"] == "attente"


def test_a_choice_question_needs_two_distinct_codes_and_the_others_none(blank):
    with pytest.raises(ValidationError) as refused:
        add(blank, "motif", kind="single", options=(("seul", "Seul"),))
    assert "de 2 à 30 réponses" in refused.value.message_dict["options"][0]
    with pytest.raises(ValidationError, match="même code"):
        add(blank, "motif", kind="multiple", options=(("a", "A"), ("a", "B")))
    question = add(blank, "motif", kind="single", options=VISIT)
    assert question.choices == VISIT


@pytest.mark.parametrize(
    ("key", "problem"),
    [("Accueil", "lettres minuscules"), ("2e", "lettres minuscules"), ("a" * 41, "de 1 à 40"), ("site", "réservé")],
)
def test_a_question_key_is_slug_like_and_not_a_reserved_name(blank, key, problem):
    with pytest.raises(ValidationError) as refused:
        add(blank, key)
    assert problem in refused.value.message_dict["key"][0]


def test_a_question_key_is_unique_in_its_questionnaire_only(org, blank):
    add(blank, "accueil")
    with pytest.raises(ValidationError, match="déjà celui d'une autre question"):
        add(blank, "accueil")
    other = editor.create_questionnaire(organisation=org, actor=None, today=TODAY, title="Autre")
    assert add(other, "accueil").key == "accueil"


def test_a_key_is_drawn_from_a_text_when_left_empty():
    assert slug_key("Prise de rendez-vous à l'accueil ?") == "prise_de_rendez_vous_a_l_accueil"
    assert slug_key("2e visite") == "q_2e_visite"


def test_a_condition_names_an_earlier_question_and_one_of_its_answers(blank):
    phone = add(blank, "telephone_utilise", kind="yes_no")
    asked = add(blank, "telephone", shown_after=phone, shown_if="oui")
    assert asked.shown_after == phone
    with pytest.raises(ValidationError) as refused:
        add(blank, "telephone2", shown_after=phone, shown_if="peut_etre")
    assert "« peut_etre » n'est pas une réponse possible" in refused.value.message_dict["condition"][0]
    text = add(blank, "remarque", kind="text")
    with pytest.raises(ValidationError, match="pas une réponse unique"):
        add(blank, "suite", shown_after=text, shown_if="oui")


def test_a_condition_on_a_later_question_or_on_another_questionnaire_is_refused(org, blank):
    first = add(blank, "premiere")
    later = add(blank, "plus_tard", kind="yes_no")
    values = QuestionValues(text="Première ?", kind="scale", key="premiere", shown_after=later, shown_if="oui")
    with pytest.raises(ValidationError, match="doit venir après elle"):
        editor.update_question(question=first, actor=None, seen_version=seen(blank), values=values)
    other = editor.create_questionnaire(organisation=org, actor=None, today=TODAY, title="Autre")
    with pytest.raises(ValidationError, match="de ce questionnaire"):
        add(other, "ailleurs", shown_after=later, shown_if="oui")
    assert Question.objects.get(pk=first.pk).shown_after is None


def test_moving_keeps_a_condition_after_its_question(blank):
    phone = add(blank, "telephone_utilise", kind="yes_no")
    asked = add(blank, "telephone", shown_after=phone, shown_if="oui")
    add(blank, "globale")
    with pytest.raises(ValidationError, match="doit venir après elle"):
        editor.move_question(question=asked, actor=None, seen_version=seen(blank), direction="up")
    assert keys(blank) == ["telephone_utilise", "telephone", "globale"]
    editor.move_question(question=asked, actor=None, seen_version=seen(blank), direction="down")
    assert keys(blank) == ["telephone_utilise", "globale", "telephone"]
    moved = history_of(asked).get(action="update")
    assert (moved.before, moved.after) == ({"position": 2}, {"position": 3})


def test_sections_move_up_and_down_and_not_past_the_ends(blank):
    second = editor.add_section(questionnaire=blank, actor=None, seen_version=seen(blank), title="Profil")
    add(blank, "age", section=second)
    with pytest.raises(ValidationError, match="déjà en bas"):
        editor.move_section(section=second, actor=None, seen_version=seen(blank), direction="down")
    editor.move_section(section=second, actor=None, seen_version=seen(blank), direction="up")
    titles = list(blank.sections.order_by("position").values_list("title", flat=True))
    assert titles == ["Profil", "Vos réponses"]


def test_a_question_others_depend_on_is_not_deleted_nor_its_answer_removed(blank):
    phone = add(blank, "telephone_utilise", kind="yes_no")
    add(blank, "telephone", shown_after=phone, shown_if="oui")
    with pytest.raises(ValidationError, match="changez d'abord sa condition"):
        editor.delete_question(question=phone, actor=None, seen_version=seen(blank))
    scale = QuestionValues(text="Avez-vous appelé ?", kind="scale", key="telephone_utilise")
    with pytest.raises(ValidationError) as refused:
        editor.update_question(question=phone, actor=None, seen_version=seen(blank), values=scale)
    assert "réponse « oui »" in refused.value.message_dict["kind"][0]
    assert Question.objects.filter(questionnaire=blank).count() == 2


def test_deleting_a_section_deletes_its_questions_and_renumbers_the_rest(blank):
    middle = editor.add_section(questionnaire=blank, actor=None, seen_version=seen(blank), title="Téléphone")
    last = editor.add_section(questionnaire=blank, actor=None, seen_version=seen(blank), title="Profil")
    add(blank, "telephone", section=middle)
    middle_pk = middle.pk
    editor.delete_section(section=middle, actor=None, seen_version=seen(blank))
    last.refresh_from_db()
    assert last.position == 2 and not Question.objects.filter(key="telephone").exists()
    assert AuditEvent.objects.filter(object_type="surveys.section", object_id=str(middle_pk), action="delete").exists()


def test_the_last_section_stays(blank):
    with pytest.raises(ValidationError, match="au moins une section"):
        editor.delete_section(section=blank.sections.get(), actor=None, seen_version=seen(blank))


def test_a_stale_page_is_refused_and_writes_nothing(blank):
    seen = blank.version
    add(blank, "accueil")
    with pytest.raises(ConcurrentEditError, match="modifié depuis que vous avez ouvert cette page"):
        editor.add_section(questionnaire=blank, actor=None, seen_version=seen, title="Trop tard")
    assert blank.sections.count() == 1


def test_a_question_changes_section_and_goes_last_there(blank):
    profile = editor.add_section(questionnaire=blank, actor=None, seen_version=seen(blank), title="Profil")
    add(blank, "age", section=profile)
    moving, staying = add(blank, "frequence"), add(blank, "globale")
    values = QuestionValues(text="Fréquence ?", kind="scale", key="frequence", is_profile=True)
    editor.update_question(question=moving, actor=None, seen_version=seen(blank), values=values, section=profile)
    moving.refresh_from_db()
    staying.refresh_from_db()
    assert (moving.section, moving.position, moving.is_profile, staying.position) == (profile, 2, True, 1)


def test_a_questionnaire_with_answers_is_locked_and_its_copy_is_not(org, questionnaire, answer):
    answer(globale="satisfait")
    assert is_locked(questionnaire)
    with pytest.raises(ValidationError, match="déjà reçu des réponses"):
        add(questionnaire, "nouvelle")
    copy = editor.duplicate_questionnaire(questionnaire=questionnaire, actor=None, today=TODAY)
    assert not is_locked(copy) and copy.title.endswith("(nouvelle version)")
    assert keys(copy) == keys(questionnaire)
    phone = Question.objects.get(questionnaire=copy, key="telephone")
    assert phone.shown_after is not None and phone.shown_after.questionnaire == copy and phone.shown_if == "oui"
    created = history_of(copy).get(action="create").after or {}
    assert created["copied_from"] == questionnaire.pk
    assert add(copy, "nouvelle").questionnaire == copy


def test_a_campaign_of_a_questionnaire_without_question_is_refused(org, blank):
    with pytest.raises(ValidationError) as refused:
        create_campaign(
            organisation=org,
            actor=None,
            questionnaire=blank,
            title="Vide",
            opens_on=TODAY,
            closes_on=TODAY,
            on_web=True,
        )
    assert "n'a aucune question" in refused.value.message_dict["questionnaire"][0]
