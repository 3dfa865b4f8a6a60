"""Commitment pages. Thin: fetch through get_for_org, call a query or an action, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from commitments.actions import delete_value, record_manual_value, update_commitment, update_indicator
from commitments.forms import CommitmentForm, IndicatorForm, ValueForm
from commitments.frameworks import framework_names, load_framework
from commitments.models import STATUS_LABELS, Commitment, Framework, Indicator, IndicatorValue, format_measure
from commitments.queries import OverviewFilters, commitment_page, commitments_overview, values_marker
from commitments.summary import commitments_summary
from core.access import Capability, OrgRequest, get_for_org, org_view
from core.registries import record_panels
from core.web import acting_user, show_refusal

NAV = {"nav_section": "commitments"}


def _to_commitment(request: OrgRequest, commitment_id: int) -> HttpResponseRedirect:
    return redirect("commitments:commitment_detail", org_slug=request.org.slug, commitment_id=commitment_id)


def _loadable_frameworks(request: OrgRequest) -> list[tuple[str, str]]:
    """The framework templates the town does not follow yet, as (code, name)."""
    loaded = set(Framework.objects.for_org(request.org).values_list("code", flat=True))
    return [(code, name) for code, name in framework_names().items() if code not in loaded]


@org_view()
def overview(request: OrgRequest) -> HttpResponse:
    """Rendered from the fragment cache while the town's values are unchanged (values_marker):
    the overview is then computed only when the cached HTML is missing."""
    filters = OverviewFilters.from_query(request.GET)
    today = request.org.today()
    data = SimpleLazyObject(lambda: commitments_overview(organisation=request.org, today=today, filters=filters))
    context = {"overview": data, "filters": filters, "framework_count": len(framework_names())}
    context |= {"marker": values_marker(request.org, today)}
    return render(request, "commitments/overview.html", {**NAV, **context})


@org_view()
def summary(request: OrgRequest) -> HttpResponse:
    """The reader's one screen, cached like the overview."""
    today = request.org.today()
    missed_only, site_code = request.GET.get("non_atteints") == "1", request.GET.get("site") or None
    page = SimpleLazyObject(
        lambda: commitments_summary(organisation=request.org, today=today, missed_only=missed_only, site_code=site_code)
    )
    context = {"page": page, "marker": values_marker(request.org, today), "variant": f"{missed_only}:{site_code}"}
    return render(request, "commitments/summary.html", {**NAV, **context})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def framework_load(request: OrgRequest) -> HttpResponseBase:
    loadable = _loadable_frameworks(request)
    if request.method == "POST":
        code = request.POST.get("code", "")
        if code not in dict(loadable):
            messages.error(request, "Choisissez un référentiel de la liste.")
            return redirect("commitments:framework_load", org_slug=request.org.slug)
        framework = load_framework(organisation=request.org, code=code, actor=acting_user(request))
        messages.success(request, f"Les engagements du référentiel {framework.name} sont chargés.")
        return redirect("commitments:overview", org_slug=request.org.slug)
    return render(request, "commitments/framework_load.html", {**NAV, "loadable": loadable})


@org_view()
def commitment_detail(request: OrgRequest, commitment_id: int) -> HttpResponse:
    commitment = get_for_org(Commitment.objects.select_related("framework", "module"), request, pk=commitment_id)
    page = commitment_page(commitment=commitment, today=request.org.today(), site_code=request.GET.get("site") or None)
    panels = record_panels(request.membership, [detail.row.indicator for detail in page.indicators])
    for detail in page.indicators:
        detail.panels = panels.get(detail.row.indicator.pk, [])
    return render(request, "commitments/commitment_detail.html", {**NAV, "page": page})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def commitment_edit(request: OrgRequest, commitment_id: int) -> HttpResponseBase:
    commitment = get_for_org(Commitment.objects.select_related("framework"), request, pk=commitment_id)
    form = CommitmentForm(request.POST or None, initial=CommitmentForm.initial_for(commitment))
    if request.method == "POST" and form.is_valid():
        try:
            update_commitment(commitment=commitment, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"L'engagement {commitment.code} a été enregistré.")
            return _to_commitment(request, commitment.pk)
    return render(request, "commitments/commitment_form.html", {**NAV, "form": form, "commitment": commitment})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def indicator_edit(request: OrgRequest, indicator_id: int) -> HttpResponseBase:
    indicator = get_for_org(Indicator.objects.select_related("commitment"), request, pk=indicator_id)
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_for(indicator), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            update_indicator(indicator=indicator, actor=acting_user(request), **form.changes())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"L'indicateur {indicator.code} a été enregistré.")
            return _to_commitment(request, indicator.commitment_id)
    return render(request, "commitments/indicator_form.html", {**NAV, "form": form, "indicator": indicator})


def _entered_message(value: IndicatorValue, today: dt.date) -> str:
    indicator = value.indicator
    status = STATUS_LABELS[value.status(today)]
    shown = format_measure(value.value, indicator.unit)
    where = f"{indicator.code}, {value.period.label} ({value.scope_label})"
    return f"Valeur enregistrée pour {where} : {shown}, {status.lower()}."


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def value_entry(request: OrgRequest, indicator_id: int) -> HttpResponseBase:
    indicator = get_for_org(Indicator.objects.select_related("commitment"), request, pk=indicator_id)
    today = request.org.today()
    form = ValueForm(request.POST or None, request.FILES or None, indicator=indicator, today=today)
    if request.method == "POST" and indicator.takes_manual_values and form.is_valid():
        try:
            value = record_manual_value(indicator=indicator, actor=acting_user(request), **form.entry())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _entered_message(value, today))
            return _to_commitment(request, indicator.commitment_id)
    return render(request, "commitments/value_form.html", {**NAV, "form": form, "indicator": indicator})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def value_delete(request: OrgRequest, value_id: int) -> HttpResponseBase:
    value = get_for_org(IndicatorValue.objects.select_related("indicator__commitment", "service"), request, pk=value_id)
    commitment_id = value.indicator.commitment_id
    if request.method == "POST":
        try:
            delete_value(value=value, actor=acting_user(request))
        except ValidationError as refused:  # a value of a closed year (core.closing)
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, f"La valeur de {value.indicator.code} pour {value.period.label} a été supprimée.")
        return _to_commitment(request, commitment_id)
    return render(request, "commitments/value_confirm_delete.html", {**NAV, "value": value})


@org_view()
def evidence(request: OrgRequest, value_id: int) -> FileResponse:
    value = get_for_org(IndicatorValue, request, pk=value_id)
    if not value.evidence:
        raise Http404("Pas de justificatif.")
    return FileResponse(value.evidence.open("rb"), as_attachment=True, filename=value.evidence_name or "justificatif")
