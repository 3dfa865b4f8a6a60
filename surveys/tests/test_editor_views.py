"""The questionnaire editor's pages: the quality manager builds a questionnaire; readers and
auditors read it and its preview, agents cannot edit, outsiders get 404; a stale page gets 409;
a questionnaire with answers reads only and is duplicated; GET never writes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import AuditEvent, Role
from surveys.models import Question, Questionnaire

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def url(name: str, org, *args) -> str:
    return reverse(f"surveys:{name}", args=[org.slug, *args])


def question_form(section, version: int, **more) -> dict:
    form = {"version": version, "section": section.pk, "text": "Étiez-vous satisfait ?", "kind": "scale", "key": ""}
    return form | more


def test_the_quality_manager_creates_a_questionnaire_and_adds_a_conditional_question(org, manager_client):
    response = manager_client.post(url("questionnaire_new", org), {"title": "Accueil du samedi", "introduction": ""})
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == url("questionnaire_detail", org, questionnaire.pk)
    section = questionnaire.sections.get()
    form = question_form(section, questionnaire.version, text="Avez-vous appelé la mairie ?", kind="yes_no")
    response = manager_client.post(url("question_new", org, section.pk), form)
    phone = Question.objects.get()
    assert phone.key == "avez_vous_appele_la_mairie" and response.status_code == 302
    questionnaire.refresh_from_db()
    form = question_form(section, questionnaire.version, text="Et au téléphone ?", condition=f"{phone.pk}:oui")
    manager_client.post(url("question_new", org, section.pk), form | {"required": "on", "key": "telephone"})
    asked = Question.objects.get(key="telephone")
    assert (asked.shown_after, asked.shown_if, asked.required) == (phone, "oui", True)
    page = manager_client.get(url("questionnaire_detail", org, questionnaire.pk)).content.decode()
    assert "« Avez-vous appelé la mairie ? » = oui" in page and "Descendre" in page


def test_a_bad_question_gets_a_french_message_under_its_field_and_writes_nothing(org, manager_client):
    manager_client.post(url("questionnaire_new", org), {"title": "Accueil"})
    questionnaire = Questionnaire.objects.get()
    section = questionnaire.sections.get()
    form = question_form(section, questionnaire.version, kind="single", options="Seule réponse")
    response = manager_client.post(url("question_new", org, section.pk), form)
    assert response.status_code == 400
    assert response.context["form"].errors["options"] == ["Proposez de 2 à 30 réponses, une par ligne."]
    assert not Question.objects.exists()


def test_a_stale_page_gets_409_and_writes_nothing(org, manager_client):
    manager_client.post(url("questionnaire_new", org), {"title": "Accueil"})
    questionnaire = Questionnaire.objects.get()
    section = questionnaire.sections.get()
    opened = questionnaire.version
    manager_client.post(url("section_new", org, questionnaire.pk), {"version": opened, "title": "Profil"})
    response = manager_client.post(url("question_new", org, section.pk), question_form(section, opened))
    assert response.status_code == 409 and "rechargez la page" in response.content.decode()
    moved = manager_client.post(url("section_move", org, section.pk), {"version": opened, "direction": "down"})
    assert moved.status_code == 409 and not Question.objects.exists()
    assert list(questionnaire.sections.order_by("position").values_list("title", flat=True)) == [
        "Vos réponses",
        "Profil",
    ]


def test_moving_a_question_takes_a_post_with_a_button(org, manager_client, questionnaire):
    first = Question.objects.filter(questionnaire=questionnaire).order_by("section__position", "position").first()
    assert first is not None
    copy_url = url("questionnaire_duplicate", org, questionnaire.pk)
    assert manager_client.get(copy_url).status_code == 405
    assert manager_client.get(url("question_move", org, first.pk)).status_code == 405
    form = {"version": questionnaire.version, "direction": "down"}
    response = manager_client.post(url("question_move", org, first.pk), form)
    assert response["Location"].endswith(f"#question-{first.pk}")
    first.refresh_from_db()
    assert first.position == 2
    refused = manager_client.post(url("question_move", org, first.pk), {"version": first.questionnaire.version})
    assert refused.status_code == 400


def test_a_questionnaire_with_answers_reads_only_and_is_duplicated(org, questionnaire, answer, manager_client):
    answer(globale="satisfait")
    question = Question.objects.get(questionnaire=questionnaire, key="globale")
    page = manager_client.get(url("question_edit", org, question.pk)).content.decode()
    assert "il est verrouillé" in page and "Modifier<span" not in page
    form = question_form(question.section, questionnaire.version, text="Changée ?", key="globale")
    refused = manager_client.post(url("question_edit", org, question.pk), form)
    assert refused.status_code == 400 and "déjà reçu des réponses" in refused.content.decode()
    response = manager_client.post(url("questionnaire_duplicate", org, questionnaire.pk))
    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert response["Location"] == url("questionnaire_detail", org, copy.pk)
    assert "Modifier<span" in manager_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_readers_and_auditors_read_the_questionnaire_and_its_preview_only(org, questionnaire, client_as, role):
    reader = client_as(org, role)
    page = reader.get(url("questionnaire_detail", org, questionnaire.pk)).content.decode()
    assert "Avez-vous trouvé facilement" in page
    assert "Modifier<span" not in page and "Dupliquer" not in page and "Ajouter une section" not in page
    preview = reader.get(url("questionnaire_preview", org, questionnaire.pk)).content.decode()
    assert 'name="signaletique"' in preview and "Vérifier mes réponses" not in preview
    section = questionnaire.sections.first()
    assert reader.get(url("section_new", org, questionnaire.pk)).status_code == 403
    assert reader.post(url("section_move", org, section.pk), {"version": 0, "direction": "down"}).status_code == 403


def test_an_agent_reads_but_cannot_edit(org, questionnaire, client_as):
    agent = client_as(org, Role.AGENT)
    question = Question.objects.filter(questionnaire=questionnaire)[0]
    assert agent.get(url("questionnaire_list", org)).status_code == 200
    assert agent.get(url("question_edit", org, question.pk)).status_code == 403
    assert agent.post(url("question_delete", org, question.pk), {"version": 0}).status_code == 403
    assert agent.post(url("questionnaire_new", org), {"title": "Non"}).status_code == 403


def test_an_outsider_gets_404_on_every_editor_page(org, questionnaire, outsider_client):
    question = Question.objects.filter(questionnaire=questionnaire).first()
    assert question is not None
    for address in [
        url("questionnaire_list", org),
        url("questionnaire_detail", org, questionnaire.pk),
        url("questionnaire_preview", org, questionnaire.pk),
        url("question_edit", org, question.pk),
        url("section_move", org, question.section_id),
    ]:
        assert outsider_client.get(address).status_code == 404, address
        assert outsider_client.post(address, {}).status_code == 404, address


def test_get_never_writes_and_deleting_asks_first(org, questionnaire, manager_client):
    question = Question.objects.filter(questionnaire=questionnaire, key="commentaire").get()
    events = AuditEvent.objects.count()
    page = manager_client.get(url("question_delete", org, question.pk))
    assert page.status_code == 200 and "Supprimer la question « " in page.content.decode()
    assert AuditEvent.objects.count() == events and Question.objects.filter(pk=question.pk).exists()
    manager_client.post(url("question_delete", org, question.pk), {"version": questionnaire.version})
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_preview_checks_answers_as_a_campaign_would_and_records_nothing(org, questionnaire, manager_client):
    preview = url("questionnaire_preview", org, questionnaire.pk)
    started = manager_client.get(preview).context["form"]["started"].value()
    refused = manager_client.post(preview, {"started": started})
    assert refused.status_code == 400 and "Cette question demande une réponse." in refused.content.decode()
    accepted = manager_client.post(preview, {"started": started, "signaletique": "satisfait", "globale": "satisfait"})
    assert accepted.status_code == 200 and "Ces réponses seraient acceptées" in accepted.content.decode()
    assert not questionnaire.campaigns.exists()


def test_the_list_shows_which_questionnaires_are_locked(org, questionnaire, answer, manager_client):
    answer(globale="satisfait")
    page = manager_client.get(url("questionnaire_list", org)).content.decode()
    assert "verrouillé (a reçu des réponses)" in page and "Nouveau questionnaire" in page


def test_the_list_and_a_questionnaire_read_as_many_queries_small_or_large(
    org, questionnaire, manager_client, page_queries
):
    manager_client.post(url("questionnaire_new", org), {"title": "Petit"})
    small = Questionnaire.objects.get(title="Petit")
    list_small = page_queries(manager_client, url("questionnaire_list", org))
    assert page_queries(manager_client, url("questionnaire_detail", org, small.pk)) == page_queries(
        manager_client, url("questionnaire_detail", org, questionnaire.pk)
    )
    manager_client.post(url("questionnaire_duplicate", org, questionnaire.pk))
    assert page_queries(manager_client, url("questionnaire_list", org)) == list_small


def test_a_key_drawn_from_a_text_another_question_has_is_numbered(org, manager_client):
    manager_client.post(url("questionnaire_new", org), {"title": "Accueil"})
    questionnaire = Questionnaire.objects.get()
    section = questionnaire.sections.get()
    for _ in range(2):
        questionnaire.refresh_from_db()
        manager_client.post(url("question_new", org, section.pk), question_form(section, questionnaire.version))
    assert list(Question.objects.order_by("position").values_list("key", flat=True)) == [
        "etiez_vous_satisfait",
        "etiez_vous_satisfait_2",
    ]
