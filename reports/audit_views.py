"""The results of a check campaign, a PDF every member of the town downloads: it names no
agent and no assessor, so readers and auditors read it as the quality manager does."""

from __future__ import annotations

from django.http import HttpResponse

from audits.models import CheckCampaign
from core.access import OrgRequest, get_for_org, org_view
from reports.audit_report import audit_results_pdf, report_filename


@org_view()
def audit_results(request: OrgRequest, check_campaign_id: int) -> HttpResponse:
    campaign = get_for_org(CheckCampaign.objects.select_related("organisation", "grid"), request, pk=check_campaign_id)
    response = HttpResponse(audit_results_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(campaign)}"'
    return response
