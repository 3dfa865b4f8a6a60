"""Report pages: a form to choose what a report covers, and the PDF it downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from core.access import OrgRequest, org_view
from reports.documents import survey_filename, survey_pdf
from reports.forms import TelephonySurveyForm
from reports.telephony_survey import build_survey

NAV = {"nav_section": "reports"}


def _survey_form(request: OrgRequest) -> TelephonySurveyForm:
    """The form bound to the query string, or to the default span (last month) without one."""
    if request.GET:
        return TelephonySurveyForm(request.GET, organisation=request.org)
    return TelephonySurveyForm.with_defaults(organisation=request.org, today=timezone.localdate())


@org_view()
def index(request: OrgRequest) -> HttpResponse:
    return render(request, "reports/index.html", NAV)


@org_view()
def telephony_survey(request: OrgRequest) -> HttpResponse:
    form = _survey_form(request)
    survey = build_survey(form.survey_request(), with_charts=False) if form.is_valid() else None
    query = urlencode(form.data, doseq=True)
    return render(request, "reports/telephony_survey.html", {**NAV, "form": form, "survey": survey, "query": query})


@org_view()
def telephony_survey_pdf(request: OrgRequest) -> HttpResponse:
    """The PDF for the dates, lines and agents of the query string (last month without any)."""
    form = _survey_form(request)
    if not form.is_valid():
        context = {**NAV, "form": form, "survey": None, "query": ""}
        return render(request, "reports/telephony_survey.html", context, status=400)
    survey = build_survey(form.survey_request())
    response = HttpResponse(survey_pdf(survey), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{survey_filename(survey)}"'
    return response
