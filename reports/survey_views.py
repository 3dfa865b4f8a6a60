"""The results report of a survey campaign, a PDF every member of the town downloads: it
shows published comments only, so readers and auditors read it as the quality manager does."""

from __future__ import annotations

from django.http import HttpResponse

from core.access import OrgRequest, get_for_org, org_view
from reports.survey_report import report_filename, survey_results_pdf
from surveys.models import Campaign


@org_view()
def survey_results(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = get_for_org(Campaign.objects.select_related("organisation", "questionnaire"), request, pk=campaign_id)
    response = HttpResponse(survey_results_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(campaign)}"'
    return response
