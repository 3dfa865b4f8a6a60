"""Back-office pages of the surveys. Thin: fetch through get_for_org, call a query or an
action, render. Every member reads the campaigns and their results; the quality manager (and
the administrator) prepares and closes them. Free-text comments are not shown here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user, page_of, show_refusal
from surveys import actions
from surveys.forms import CampaignForm
from surveys.models import Campaign, Questionnaire
from surveys.queries import campaign_rows
from surveys.results import campaign_results

NAV = {"nav_section": "surveys"}
MANAGE = Capability.MANAGE_QUALITY
PAGE_SIZE = 20


def _to_campaign(request: OrgRequest, campaign: Campaign) -> HttpResponseBase:
    return redirect("surveys:campaign_detail", org_slug=request.org.slug, campaign_id=campaign.pk)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    page = page_of(request, campaign_rows(request.org), per_page=PAGE_SIZE)
    questionnaires = Questionnaire.objects.for_org(request.org)
    context = {**NAV, "page": page, "questionnaires": questionnaires, "today": request.org.today()}
    return render(request, "surveys/home.html", context)


@org_view(read=MANAGE, write=MANAGE)
def questionnaire_from_template(request: OrgRequest) -> HttpResponseBase:
    if request.method != "POST":
        return redirect("surveys:home", org_slug=request.org.slug)
    questionnaire = actions.create_questionnaire_from_template(
        organisation=request.org, actor=acting_user(request), today=request.org.today()
    )
    messages.success(request, f"Le questionnaire « {questionnaire} » est créé : vous pouvez lancer une enquête.")
    return redirect("surveys:campaign_new", org_slug=request.org.slug)


@org_view(read=MANAGE, write=MANAGE)
def campaign_new(request: OrgRequest) -> HttpResponseBase:
    today = request.org.today()
    initial = {"questionnaire": Questionnaire.objects.for_org(request.org).first(), "opens_on": today}
    form = CampaignForm(request.POST or None, organisation=request.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.create_campaign(organisation=request.org, actor=acting_user(request), **form.changes())
        except ValidationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, f"L'enquête « {campaign} » est enregistrée.")
            return _to_campaign(request, campaign)
    return render(request, "surveys/campaign_form.html", {**NAV, "form": form, "campaign": None})


@org_view()
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_for_org(Campaign.objects.select_related("questionnaire"), request, pk=campaign_id)
    public = request.build_absolute_uri(
        reverse("surveys_public:answer", kwargs={"org_slug": request.org.slug, "code": campaign.code})
    )
    context = {**NAV, "campaign": campaign, "results": campaign_results(campaign), "public_url": public}
    return render(request, "surveys/campaign_detail.html", context | {"today": request.org.today()})


@org_view(read=MANAGE, write=MANAGE)
def campaign_close(request: OrgRequest, campaign_id: int) -> HttpResponseBase:
    campaign = get_for_org(Campaign, request, pk=campaign_id)
    if request.method == "POST":
        try:
            actions.close_campaign(campaign=campaign, actor=acting_user(request), today=request.org.today())
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, f"L'enquête « {campaign} » est close : ses résultats sont définitifs.")
    return _to_campaign(request, campaign)
