"""Filling a grid, phone first: « Mes grilles », the fill page (every answer saved as soon as
it is given by the page's script, or all at once by the form without it), and the paper grid
typed in by the quality manager.

A grid is opened by its assessor, or by a member of the town's staff (Capability.CAPTURE);
anyone else gets 404, as an outsider does. A submitted grid is final: a change gets 409."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audits import fill
from audits.fill_forms import AnswerForm, CheckDateForm, CriterionPick, PaperGridForm, answer_form
from audits.models import Assessment, AssessmentStatus, CheckCampaign, Criterion, CriterionAnswer
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.models import Membership
from core.registries import commitment_choices
from core.web import acting_user, show_refusal

NAV = {"nav_section": "audits"}
FILL = Capability.FILL_GRIDS


def _assessment(request: OrgRequest, assessment_id: int) -> Assessment:
    """The grid if the member may fill it: its assessor, or the town's staff; else 404."""
    queryset = Assessment.objects.select_related("organisation", "campaign__grid", "site", "service")
    assessment = get_for_org(queryset, request, pk=assessment_id)
    if assessment.assessor_id != request.user.pk and not can(request.membership, Capability.CAPTURE):
        raise Http404("Page introuvable.")
    return assessment


def _criteria(assessment: Assessment) -> list[Criterion]:
    return list(Criterion.objects.filter(grid_id=assessment.campaign.grid_id).order_by("position", "pk"))


def _submitted(request: OrgRequest, assessment: Assessment, status: int = 200) -> HttpResponse:
    context = {**NAV, "assessment": assessment, "scores": assessment.scores.all()}
    return render(request, "audits/fill/submitted.html", context, status=status)


@org_view(FILL)
def my_grids(request: OrgRequest) -> HttpResponse:
    """The grids assigned to the member and still to fill, the soonest due first."""
    assessments = (
        Assessment.objects.for_org(request.org)
        .filter(assessor_id=request.user.pk, status=AssessmentStatus.ASSIGNED)
        .select_related("campaign__grid", "site", "service")
        .order_by("due_on", "pk")
    )
    context = {**NAV, "assessments": assessments, "today": request.org.today()}
    return render(request, "audits/fill/my_grids.html", context)


def _answer_forms(
    criteria: list[Criterion], answers: dict[int, CriterionAnswer], data: Any = None, files: Any = None
) -> list[AnswerForm]:
    initial = {pk: {"rating": answer.rating, "comment": answer.comment} for pk, answer in answers.items()}
    return [answer_form(criterion, data, files, initial=initial.get(criterion.pk)) for criterion in criteria]


def _save_answers(request: OrgRequest, assessment: Assessment, forms: list[AnswerForm]) -> None:
    for form in forms:
        if form.is_valid() and form.is_answered:
            data = form.cleaned_data
            fill.save_answer(
                assessment=assessment,
                criterion=form.criterion,
                rating=data["rating"],
                comment=data["comment"],
                photo=data["photo"],
                actor=acting_user(request),
            )


@org_view(FILL, write=FILL)
def fill_grid(request: OrgRequest, assessment_id: int) -> HttpResponseBase:
    """The grid, one criterion after another grouped by commitment. Without the page's script
    the form saves every answer given ("Enregistrer") or saves them and submits the grid."""
    assessment = _assessment(request, assessment_id)
    if assessment.status != AssessmentStatus.ASSIGNED:
        return _submitted(request, assessment, status=409 if request.method == "POST" else 200)
    criteria = _criteria(assessment)
    answers = {answer.criterion_id: answer for answer in assessment.answers.all()}
    posted = request.method == "POST"
    forms = _answer_forms(criteria, answers, request.POST if posted else None, request.FILES if posted else None)
    initial = {"checked_on": assessment.checked_on or request.org.today()}
    date_form = CheckDateForm(request.POST if posted else None, initial=initial)
    missing: list[Criterion] = []
    if posted:
        try:
            return _save_or_submit(request, assessment, forms, date_form)
        except fill.GridAlreadySubmitted:
            assessment.refresh_from_db()
            return _submitted(request, assessment, status=409)
        except fill.GridIncomplete as incomplete:
            missing = incomplete.missing
        except _NotSaved:
            pass
        answers = {answer.criterion_id: answer for answer in assessment.answers.all()}
    context = {
        **NAV,
        "assessment": assessment,
        "date_form": date_form,
        "sections": _by_commitment(request, forms, answers),
        "missing": missing,
        "answers_refused": posted and any(form.errors for form in forms),
        "answered": len(answers),
        "total": len(criteria),
    }
    return render(request, "audits/fill/fill.html", context, status=400 if posted else 200)


class _NotSaved(Exception):
    """Some of the form's answers or its date were refused: the page shows why."""


def _save_or_submit(
    request: OrgRequest, assessment: Assessment, forms: list[AnswerForm], date_form: CheckDateForm
) -> HttpResponseBase:
    """Save every answer given, then keep the date or submit the grid (the "intent" button)."""
    _save_answers(request, assessment, forms)
    if not all(form.is_valid() for form in forms) or not date_form.is_valid():
        raise _NotSaved
    checked_on, actor, today = date_form.cleaned_data["checked_on"], acting_user(request), request.org.today()
    try:
        if request.POST.get("intent") == "submit":
            fill.submit_assessment(
                assessment=assessment, checked_on=checked_on, actor=actor, now=timezone.now(), today=today
            )
            messages.success(request, f"La grille « {assessment.campaign} » est remise. Merci !")
            return redirect("audits:my_grids", org_slug=request.org.slug)
        fill.set_check_date(assessment=assessment, checked_on=checked_on, actor=actor, today=today)
    except ValidationError as refused:
        show_refusal(date_form, refused)
        raise _NotSaved from None
    messages.success(request, "Vos réponses sont enregistrées.")
    return redirect("audits:fill", org_slug=request.org.slug, assessment_id=assessment.pk)


def _by_commitment(
    request: OrgRequest, forms: list[AnswerForm], answers: dict[int, CriterionAnswer]
) -> list[tuple[str, list[tuple[AnswerForm, CriterionAnswer | None]]]]:
    """The criteria grouped by commitment in the grid's order, each with its saved answer."""
    labels = dict(commitment_choices(request.org))
    sections: list[tuple[str, list[tuple[AnswerForm, CriterionAnswer | None]]]] = []
    for form in forms:
        code = form.criterion.commitment_code
        title = labels.get(code, f"Engagement {code}")
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append((form, answers.get(form.criterion.pk)))
    return sections


def _refused(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message, **extra}, status=status)


@org_view(FILL, write=FILL)
def save_one_answer(request: OrgRequest, assessment_id: int) -> HttpResponseBase:
    """One criterion's answer, sent by the page's script as soon as it is given (JSON back)."""
    assessment = _assessment(request, assessment_id)
    if request.method != "POST":  # after the lookup: another's grid is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    pick = CriterionPick(request.POST)
    criterion = (
        Criterion.objects.filter(grid_id=assessment.campaign.grid_id, pk=pick.cleaned_data["criterion"]).first()
        if pick.is_valid()
        else None
    )
    if criterion is None:
        return _refused("Critère inconnu pour cette grille.", 400)
    form = answer_form(criterion, request.POST, request.FILES)
    if not form.is_valid() or not form.is_answered:
        errors = [str(error) for errors in form.errors.values() for error in errors] or ["Choisissez une réponse."]
        return _refused(" ".join(errors), 400)
    try:
        answer = fill.save_answer(
            assessment=assessment,
            criterion=criterion,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            photo=form.cleaned_data["photo"],
            actor=acting_user(request),
        )
    except fill.GridAlreadySubmitted as closed:
        return _refused(str(closed), 409)
    return JsonResponse({"saved": True, "criterion": criterion.pk, "photo": bool(answer.photo)})


@org_view(FILL, write=FILL)
def save_check_date(request: OrgRequest, assessment_id: int) -> HttpResponseBase:
    """The date of the check, sent by the page's script as soon as it is typed (JSON back)."""
    assessment = _assessment(request, assessment_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CheckDateForm(request.POST)
    if not form.is_valid():
        return _refused(" ".join(str(error) for error in form.errors["checked_on"]), 400)
    try:
        fill.set_check_date(
            assessment=assessment,
            checked_on=form.cleaned_data["checked_on"],
            actor=acting_user(request),
            today=request.org.today(),
        )
    except fill.GridAlreadySubmitted as closed:
        return _refused(str(closed), 409)
    except ValidationError as refused:
        return _refused(" ".join(refused.messages), 400)
    return JsonResponse({"saved": True})


def _grid_commitments(request: OrgRequest, campaign: CheckCampaign) -> list[tuple[str, str, Decimal]]:
    """(code, label, weight of its criteria) of each commitment the campaign's grid checks."""
    labels = dict(commitment_choices(request.org))
    possible: dict[str, Decimal] = {}
    for code, weight in Criterion.objects.filter(grid_id=campaign.grid_id).values_list("commitment_code", "weight"):
        possible[code] = possible.get(code, Decimal(0)) + weight
    return [(code, labels.get(code, f"Engagement {code}"), points) for code, points in possible.items()]


@org_view(Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def paper_grid(request: OrgRequest, check_campaign_id: int) -> HttpResponse:
    """The quality manager types in a grid filled on paper: its day, its scan and its points
    per commitment."""
    campaign = get_for_org(CheckCampaign.objects.select_related("grid"), request, pk=check_campaign_id)
    form = PaperGridForm(
        request.POST or None,
        request.FILES or None,
        organisation=request.org,
        commitments=_grid_commitments(request, campaign),
        initial={"checked_on": request.org.today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fill.enter_paper_grid(
                campaign=campaign,
                checked_on=data["checked_on"],
                scan=data["scan"],
                scores=form.paper_scores(),
                site=data["site"],
                service=data["service"],
                actor=acting_user(request),
                now=timezone.now(),
                today=request.org.today(),
            )
        except ValidationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, "La grille papier est enregistrée avec ses points par engagement.")
            return redirect("audits:paper_grid", org_slug=request.org.slug, check_campaign_id=campaign.pk)
    context = {**NAV, "campaign": campaign, "form": form}
    return render(request, "audits/fill/paper_grid.html", context, status=400 if form.errors else 200)


def tester_landing(membership: Membership) -> str | None:
    """Where an outside tester lands (core.registries.LANDING_PAGES): their grids to fill. A
    member who may fill grids but read nothing else of the town is one; the others are left
    to the town's front page (None)."""
    if can(membership, FILL) and not can(membership, Capability.VIEW):
        return reverse("audits:my_grids", kwargs={"org_slug": membership.organisation.slug})
    return None
