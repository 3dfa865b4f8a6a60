"""The questionnaire editor's pages: every member reads the questionnaires and previews them as
a citizen sees them; the quality manager (and the administrator) creates, edits and duplicates
them (surveys.editor). A questionnaire that has received a response reads only (ADR 0024).

A change posted from a page opened before another change is refused with 409 and the
questionnaire's current state; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.registries import commitment_choices
from core.web import REFUSED, STALE, Save, acting_user, form_page
from surveys import editor
from surveys.answers import Submission, by_section, kept_answers, questionnaire_questions
from surveys.editor_checks import is_locked
from surveys.editor_forms import MoveForm, QuestionForm, QuestionnaireForm, SectionForm, VersionForm
from surveys.forms import AnswerForm
from surveys.models import Channel, Question, Questionnaire, Response, Section

NAV = {"nav_section": "surveys"}
MANAGE = Capability.MANAGE_QUALITY


def _questionnaire(request: OrgRequest, questionnaire_id: int) -> Questionnaire:
    return get_for_org(Questionnaire, request, pk=questionnaire_id)


def _section(request: OrgRequest, section_id: int) -> Section:
    return get_for_org(Section.objects.select_related("questionnaire"), request, pk=section_id)


def _question(request: OrgRequest, question_id: int) -> Question:
    return get_for_org(Question.objects.select_related("questionnaire", "section"), request, pk=question_id)


def _detail_url(request: OrgRequest, questionnaire: Questionnaire, anchor: str = "") -> str:
    address = reverse("surveys:questionnaire_detail", args=[request.org.slug, questionnaire.pk])
    return f"{address}#{anchor}" if anchor else address


def _detail_context(request: OrgRequest, questionnaire: Questionnaire) -> dict[str, Any]:
    """The page's sections, each with its questions and the label of the commitment each measures."""
    questions = Question.objects.select_related("shown_after").order_by("position", "pk")
    sections = questionnaire.sections.order_by("position", "pk").prefetch_related(Prefetch("questions", questions))
    commitments = dict(commitment_choices(request.org))
    rows = [
        (
            section,
            [
                (question, commitments.get(question.commitment_code, question.commitment_code))
                for question in section.questions.all()
            ],
        )
        for section in sections
    ]
    locked = is_locked(questionnaire)
    return {
        **NAV,
        "questionnaire": questionnaire,
        "sections": rows,
        "locked": locked,
        "editable": not locked and can(request.membership, MANAGE),
        "campaigns": questionnaire.campaigns.count(),
    }


def _show_detail(
    request: OrgRequest, questionnaire: Questionnaire, refusal: str = "", status: int = 200
) -> HttpResponse:
    questionnaire.refresh_from_db()
    context = _detail_context(request, questionnaire) | {"refusal": refusal}
    return render(request, "surveys/editor/detail.html", context, status=status)


def _locked(request: OrgRequest, questionnaire: Questionnaire) -> HttpResponseBase | None:
    """An edit page of a questionnaire that has received responses shows the questionnaire's
    own page, which says why it reads only and offers the copy."""
    if not is_locked(questionnaire):
        return None
    return _show_detail(request, questionnaire)


def _form_page(
    request: OrgRequest,
    form: forms.Form,
    save: Save,
    *,
    template: str,
    context: dict[str, Any],
    done: Callable[[object], tuple[str, str]],
) -> HttpResponseBase:
    return form_page(request, form, save, template=f"surveys/editor/{template}", context={**NAV, **context}, done=done)


def _button(
    request: OrgRequest, questionnaire: Questionnaire, form: forms.Form, run: Save, done: str, anchor: str
) -> HttpResponseBase:
    """A change posted by a button of the questionnaire's page (move, duplicate): back to the
    page, at `anchor`; a refusal shows on the page itself."""
    if not form.is_valid():
        return _show_detail(request, questionnaire, "La demande est incomplète : rechargez la page.", REFUSED)
    try:
        run(form.cleaned_data)
    except ConcurrentEditError as error:
        return _show_detail(request, questionnaire, str(error), STALE)
    except ValidationError as error:
        return _show_detail(request, questionnaire, " ".join(error.messages), REFUSED)
    messages.success(request, done)
    return redirect(_detail_url(request, questionnaire, anchor))


@org_view()
def questionnaire_list(request: OrgRequest) -> HttpResponse:
    answered = Response.objects.filter(campaign__questionnaire=OuterRef("pk"))
    questionnaires = (
        Questionnaire.objects.for_org(request.org)
        .annotate(
            question_count=Count("questions", distinct=True),
            campaign_count=Count("campaigns", distinct=True),
            locked=Exists(answered),
        )
        .order_by("-created_on", "-pk")
    )
    return render(request, "surveys/editor/list.html", {**NAV, "questionnaires": questionnaires})


@org_view(read=MANAGE, write=MANAGE)
def questionnaire_new(request: OrgRequest) -> HttpResponseBase:
    form = QuestionnaireForm(request.POST or None, creating=True)

    def save(data: dict[str, Any]) -> Questionnaire:
        values = {name: data[name] for name in ("title", "introduction", "thanks")}
        return editor.create_questionnaire(
            organisation=request.org, actor=acting_user(request), today=request.org.today(), **values
        )

    def done(questionnaire: object) -> tuple[str, str]:
        assert isinstance(questionnaire, Questionnaire)
        return _detail_url(
            request, questionnaire
        ), f"Le questionnaire « {questionnaire} » est créé : ajoutez ses questions."

    context = {"questionnaire": None, "title": "Nouveau questionnaire", "current": "Nouveau questionnaire"}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view()
def questionnaire_detail(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    return _show_detail(request, _questionnaire(request, questionnaire_id))


@org_view(read=MANAGE, write=MANAGE)
def questionnaire_edit(request: OrgRequest, questionnaire_id: int) -> HttpResponseBase:
    questionnaire = _questionnaire(request, questionnaire_id)
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    initial = {"version": questionnaire.version, "title": questionnaire.title}
    initial |= {"introduction": questionnaire.introduction, "thanks": questionnaire.thanks}
    form = QuestionnaireForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        values = {name: data[name] for name in ("title", "introduction", "thanks")}
        return editor.update_questionnaire(
            questionnaire=questionnaire, actor=acting_user(request), seen_version=data["version"], **values
        )

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, questionnaire), "Le questionnaire est enregistré."

    context = {"questionnaire": questionnaire, "title": "Titre et introduction", "current": "Titre et introduction"}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def questionnaire_duplicate(request: OrgRequest, questionnaire_id: int) -> HttpResponseBase:
    """« Dupliquer pour une nouvelle version » (POST): an editable copy, opened at once."""
    questionnaire = _questionnaire(request, questionnaire_id)
    if request.method != "POST":  # after the lookup: another town's questionnaire is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    copy = editor.duplicate_questionnaire(
        questionnaire=questionnaire, actor=acting_user(request), today=request.org.today()
    )
    messages.success(request, f"Copie créée : « {copy} ». Elle se modifie tant qu'elle n'a reçu aucune réponse.")
    return redirect(_detail_url(request, copy))


@org_view(read=Capability.VIEW, write=MANAGE)
def questionnaire_preview(request: OrgRequest, questionnaire_id: int) -> HttpResponse:
    """The questionnaire as a citizen sees it. Answers sent are checked as a campaign would
    check them, and never recorded."""
    questionnaire = _questionnaire(request, questionnaire_id)
    questions = questionnaire_questions(questionnaire.pk)
    form = AnswerForm(request.POST or None, questions=questions)
    accepted = False
    if request.method == "POST" and form.is_valid():
        submission = form.submission(channel=Channel.WEB, answered_on=request.org.today())
        accepted = _check_preview(form, questions, submission)
    sections = by_section(questions, lambda question: (question, form[question.key]))
    context = {**NAV, "questionnaire": questionnaire, "form": form, "sections": sections, "accepted": accepted}
    return render(request, "surveys/editor/preview.html", context, status=REFUSED if form.errors else 200)


def _check_preview(form: AnswerForm, questions: list[Question], submission: Submission) -> bool:
    try:
        kept_answers(questions, submission)
    except ValidationError as refused:
        for name, problems in refused.message_dict.items():
            form.add_error(None if name == "__all__" else name, problems)
        return False
    return True


@org_view(read=MANAGE, write=MANAGE)
def section_new(request: OrgRequest, questionnaire_id: int) -> HttpResponseBase:
    questionnaire = _questionnaire(request, questionnaire_id)
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    form = SectionForm(request.POST or None, initial={"version": questionnaire.version})

    def save(data: dict[str, Any]) -> object:
        return editor.add_section(
            questionnaire=questionnaire, actor=acting_user(request), seen_version=data["version"], title=data["title"]
        )

    def done(section: object) -> tuple[str, str]:
        assert isinstance(section, Section)
        return _detail_url(request, questionnaire, f"section-{section.pk}"), f"Section « {section} » ajoutée."

    context = {"questionnaire": questionnaire, "title": "Nouvelle section", "current": "Nouvelle section"}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def section_edit(request: OrgRequest, section_id: int) -> HttpResponseBase:
    section = _section(request, section_id)
    questionnaire = section.questionnaire
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    form = SectionForm(request.POST or None, initial={"version": questionnaire.version, "title": section.title})

    def save(data: dict[str, Any]) -> object:
        return editor.rename_section(
            section=section, actor=acting_user(request), seen_version=data["version"], title=data["title"]
        )

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, questionnaire, f"section-{section.pk}"), f"Section « {section} » enregistrée."

    context = {"questionnaire": questionnaire, "title": "Renommer la section", "current": f"Section « {section} »"}
    return _form_page(request, form, save, template="form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def section_delete(request: OrgRequest, section_id: int) -> HttpResponseBase:
    section = _section(request, section_id)
    questionnaire = section.questionnaire
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    form = VersionForm(request.POST or None, initial={"version": questionnaire.version})

    def save(data: dict[str, Any]) -> object:
        return editor.delete_section(section=section, actor=acting_user(request), seen_version=data["version"])

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, questionnaire), f"Section « {section} » supprimée, avec ses questions."

    count = section.questions.count()
    what = (
        f"la section « {section} » et ses {count} question{'s' if count > 1 else ''}"
        if count
        else f"la section « {section} »"
    )
    context = {"questionnaire": questionnaire, "what": what, "current": f"Supprimer la section « {section} »"}
    return _form_page(request, form, save, template="confirm_delete.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def section_move(request: OrgRequest, section_id: int) -> HttpResponseBase:
    section = _section(request, section_id)
    if request.method != "POST":  # after the lookup: another town's section is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def run(data: dict[str, Any]) -> object:
        return editor.move_section(
            section=section, actor=acting_user(request), seen_version=data["version"], direction=data["direction"]
        )

    done = f"Section « {section} » déplacée."
    return _button(request, section.questionnaire, MoveForm(request.POST), run, done, f"section-{section.pk}")


def _question_form(
    request: OrgRequest, questionnaire: Questionnaire, question: Question | None, **kwargs: Any
) -> QuestionForm:
    questions = questionnaire_questions(questionnaire.pk)
    return QuestionForm(
        request.POST or None,
        organisation=request.org,
        questionnaire=questionnaire,
        questions=questions,
        question=question,
        **kwargs,
    )


@org_view(read=MANAGE, write=MANAGE)
def question_new(request: OrgRequest, section_id: int) -> HttpResponseBase:
    section = _section(request, section_id)
    questionnaire = section.questionnaire
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    form = _question_form(
        request, questionnaire, None, initial={"version": questionnaire.version, "section": section.pk}
    )

    def save(data: dict[str, Any]) -> object:
        return editor.add_question(
            section=data["section"], actor=acting_user(request), seen_version=data["version"], values=form.values()
        )

    def done(question: object) -> tuple[str, str]:
        assert isinstance(question, Question)
        return _detail_url(request, questionnaire, f"question-{question.pk}"), f"Question « {question} » ajoutée."

    context = {"questionnaire": questionnaire, "question": None, "current": "Nouvelle question"}
    return _form_page(request, form, save, template="question_form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def question_edit(request: OrgRequest, question_id: int) -> HttpResponseBase:
    question = _question(request, question_id)
    questionnaire = question.questionnaire
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    initial = QuestionForm.initial_for(question, questionnaire.version)
    form = _question_form(request, questionnaire, question, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return editor.update_question(
            question=question,
            actor=acting_user(request),
            seen_version=data["version"],
            values=form.values(),
            section=data["section"],
        )

    def done(_: object) -> tuple[str, str]:
        return _detail_url(request, questionnaire, f"question-{question.pk}"), f"Question « {question} » enregistrée."

    context = {"questionnaire": questionnaire, "question": question, "current": "Modifier une question"}
    return _form_page(request, form, save, template="question_form.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def question_delete(request: OrgRequest, question_id: int) -> HttpResponseBase:
    question = _question(request, question_id)
    questionnaire = question.questionnaire
    if request.method == "GET" and (locked := _locked(request, questionnaire)):
        return locked
    form = VersionForm(request.POST or None, initial={"version": questionnaire.version})

    def save(data: dict[str, Any]) -> object:
        return editor.delete_question(question=question, actor=acting_user(request), seen_version=data["version"])

    def done(_: object) -> tuple[str, str]:
        return _detail_url(
            request, questionnaire, f"section-{question.section_id}"
        ), f"Question « {question} » supprimée."

    context = {
        "questionnaire": questionnaire,
        "what": f"la question « {question} »",
        "current": "Supprimer une question",
    }
    return _form_page(request, form, save, template="confirm_delete.html", context=context, done=done)


@org_view(read=MANAGE, write=MANAGE)
def question_move(request: OrgRequest, question_id: int) -> HttpResponseBase:
    question = _question(request, question_id)
    if request.method != "POST":  # after the lookup: another town's question is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])

    def run(data: dict[str, Any]) -> object:
        return editor.move_question(
            question=question, actor=acting_user(request), seen_version=data["version"], direction=data["direction"]
        )

    done = f"Question « {question} » déplacée."
    return _button(request, question.questionnaire, MoveForm(request.POST), run, done, f"question-{question.pk}")
