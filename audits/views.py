"""The grids' pages: the home (this period's campaigns, the latest score of each commitment),
the campaigns, the assignment of grids to fill, the filled grids read-only with their photos,
and the list an indicator's drill-down opens. Every member reads them; the quality manager
(and the administrator) creates campaigns and assigns grids. Who checked is shown to those who
manage quality only: a mystery check stays a mystery for the agents checked.

Photos and scanned grids are served only through `org_view` views, never from a public URL."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from audits import actions
from audits.forms import AssignForm, CampaignForm
from audits.models import Assessment, AssessmentStatus, CheckCampaign, CriterionAnswer
from audits.queries import (
    AssessmentFilters,
    answers_by_commitment,
    campaign_assessments,
    campaign_rows,
    commitment_labels,
    current_campaigns,
    findings,
    latest_scores,
    submitted_assessments,
    total_share,
)
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.registries import record_panels
from core.web import acting_user, page_of, show_refusal

NAV = {"nav_section": "audits"}
MANAGE = Capability.MANAGE_QUALITY
PAGE_SIZE = 25
# Served inline (shown in the page); any other stored file is offered as a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def _campaign(request: OrgRequest, campaign_id: int) -> CheckCampaign:
    return get_for_org(CheckCampaign.objects.select_related("grid", "organisation"), request, pk=campaign_id)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = request.org.today()
    context = {
        **NAV,
        "today": today,
        "campaigns": current_campaigns(request.org, today),
        "scores": latest_scores(request.org),
    }
    return render(request, "audits/home.html", context)


@org_view()
def campaign_list(request: OrgRequest) -> HttpResponse:
    page = page_of(request, campaign_rows(request.org), per_page=PAGE_SIZE)
    return render(request, "audits/campaign_list.html", {**NAV, "page": page})


@org_view(read=MANAGE, write=MANAGE)
def campaign_new(request: OrgRequest) -> HttpResponseBase:
    today = request.org.today()
    initial = CampaignForm.initial_on(today) | {"grid": request.GET.get("grille")}
    form = CampaignForm(request.POST or None, organisation=request.org, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                campaign = actions.create_campaign(
                    organisation=request.org, actor=acting_user(request), today=today, **form.cleaned_data
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, f"La campagne « {campaign} » est créée : désignez qui contrôle.")
                return redirect("audits:campaign_detail", org_slug=request.org.slug, check_campaign_id=campaign.pk)
    return render(request, "audits/campaign_form.html", {**NAV, "form": form}, status=status)


@org_view()
def campaign_detail(request: OrgRequest, check_campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, check_campaign_id)
    today = request.org.today()
    manages = can(request.membership, MANAGE)
    context = {
        **NAV,
        "campaign": campaign,
        "assessments": campaign_assessments(campaign),
        "shows_assessor": manages,
        "may_fill": can(request.membership, Capability.CAPTURE),  # staff fill any grid of the town
        "form": AssignForm(campaign=campaign, today=today, initial={"due_on": campaign.ends_on}) if manages else None,
    }
    return render(request, "audits/campaign_detail.html", context)


@org_view(read=MANAGE, write=MANAGE)
def assessment_new(request: OrgRequest, check_campaign_id: int) -> HttpResponseBase:
    """Give a grid of the campaign to fill: who, where, by when."""
    campaign = _campaign(request, check_campaign_id)
    today = request.org.today()
    form = AssignForm(request.POST or None, campaign=campaign, today=today, initial={"due_on": campaign.ends_on})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.assign_assessment(
                    campaign=campaign, actor=acting_user(request), assessor=form.assessor_user(), today=today,
                    due_on=data["due_on"], site=data["site"], service=data["service"],
                )  # fmt: skip
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "La grille est confiée : elle apparaît dans « Mes grilles » de la personne.")
                return redirect("audits:campaign_detail", org_slug=request.org.slug, check_campaign_id=campaign.pk)
    return render(request, "audits/assessment_form.html", {**NAV, "campaign": campaign, "form": form}, status=status)


@org_view(read=MANAGE, write=MANAGE)
def assessment_withdraw(request: OrgRequest, assessment_id: int) -> HttpResponseBase:
    assessment = get_for_org(Assessment.objects.select_related("campaign"), request, pk=assessment_id)
    if request.method != "POST":  # after the lookup: another town's grid is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    try:
        actions.withdraw_assessment(assessment=assessment, actor=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La grille confiée est retirée.")
    return redirect("audits:campaign_detail", org_slug=request.org.slug, check_campaign_id=assessment.campaign_id)


@org_view()
def assessment_list(request: OrgRequest) -> HttpResponse:
    """The filled grids submitted: what an indicator's drill-down opens (?engagement=&periode=&type=)."""
    filters = AssessmentFilters.from_query(request.GET)
    page = page_of(request, submitted_assessments(request.org, filters), per_page=PAGE_SIZE)
    labels = commitment_labels(request.org)
    context = {**NAV, "page": page, "filters": filters, "commitment_label": labels.get(filters.commitment, "")}
    return render(request, "audits/assessment_list.html", context)


@org_view()
def assessment_detail(request: OrgRequest, filled_grid_id: int) -> HttpResponse:
    """A filled grid, read-only: answers, comments and photos by commitment, the scores, and
    the improvement actions opened from each finding."""
    related = ("campaign__grid", "assessor", "site", "service")
    assessment = get_for_org(Assessment.objects.select_related(*related), request, pk=filled_grid_id)
    submitted = assessment.status == AssessmentStatus.SUBMITTED
    groups = answers_by_commitment(assessment, commitment_labels(request.org)) if submitted else []
    found = findings(groups)
    panels = record_panels(request.membership, found) if found else {}
    context = {
        **NAV,
        "assessment": assessment,
        "campaign": assessment.campaign,
        "current": f"Grille n° {assessment.pk}",
        "submitted": submitted,
        "groups": [(group, [(answer, panels.get(answer.pk, [])) for answer in group.answers]) for group in groups],
        "total": total_share([group.score for group in groups if group.score is not None]),
        "shows_assessor": can(request.membership, MANAGE),
    }
    return render(request, "audits/assessment_detail.html", context)


def _stored_file(file: FieldFile, download_name: str) -> FileResponse:
    if not file:
        raise Http404("Pas de fichier.")
    content_type = mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    suffix = PurePath(file.name or "").suffix
    return FileResponse(
        file.open("rb"),
        as_attachment=content_type not in INLINE_TYPES,
        filename=f"{download_name}{suffix}",
        content_type=content_type,
    )


@org_view()
def answer_photo(request: OrgRequest, answer_id: int) -> FileResponse:
    """The photo taken for one answer, for the members of its town only."""
    answer = get_for_org(CriterionAnswer, request, pk=answer_id)
    return _stored_file(answer.photo, f"photo-{answer.pk}")


@org_view()
def assessment_scan(request: OrgRequest, filled_grid_id: int) -> FileResponse:
    """The scanned paper grid of a typed assessment, for the members of its town only."""
    assessment = get_for_org(Assessment, request, pk=filled_grid_id)
    return _stored_file(assessment.scan, f"grille-{assessment.pk}")
