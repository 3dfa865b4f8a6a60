"""The quality manager's « Clôture des exercices » pages (ADR 0025): the years and their state
(readers see it), closing a year after a confirmation page saying what is frozen, reopening it
with a reason, the town's choice for a later change, and a closed year's corrections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from commitments.closing import (
    close_year,
    closing_page,
    closing_preview,
    reopen_year,
    set_closed_year_changes,
    year_corrections,
)
from commitments.forms import ClosedYearChangesForm, ReopenForm
from core.access import Capability, OrgRequest, get_for_org, org_view
from core.closing import closing_of, last_complete_year
from core.models import YearClosing
from core.web import acting_user, show_refusal

NAV = {"nav_section": "commitments"}
MANAGE = Capability.MANAGE_QUALITY


def _to_list(request: OrgRequest) -> HttpResponseBase:
    return redirect("commitments:closing", org_slug=request.org.slug)


@org_view(write=MANAGE)
def closing(request: OrgRequest) -> HttpResponseBase:
    """The years and their state; a POST (quality manager) sets the town's choice for a change
    of a closed year's record."""
    form = ClosedYearChangesForm(request.POST or None, initial={"mode": request.org.closed_year_changes})
    if request.method == "POST" and form.is_valid():
        if set_closed_year_changes(organisation=request.org, actor=acting_user(request), **form.cleaned_data):
            messages.success(request, "Le réglage des modifications après clôture est enregistré.")
        return _to_list(request)
    context = {**NAV, "page": closing_page(request.org), "form": form}
    return render(request, "commitments/closing/list.html", context)


@org_view(read=MANAGE, write=MANAGE)
def close(request: OrgRequest) -> HttpResponseBase:
    """GET: what closing the year `?annee=` will freeze; POST: close it."""
    year = _year(request.GET.get("annee") or request.POST.get("annee"))
    refusal = ""
    if year is None:
        refusal = "Choisissez l'exercice à clôturer dans la liste."
    elif year > last_complete_year(request.org):
        refusal = f"L'année {year} n'est pas terminée : seule une année close peut être clôturée."
    elif closing_of(request.org, year) is not None:
        refusal = f"L'exercice {year} est déjà clôturé."
    if request.method == "POST" and year is not None and not refusal:
        try:
            close_year(organisation=request.org, year=year, actor=acting_user(request))
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, f"L'exercice {year} est clôturé : ses valeurs sont figées.")
            return _to_list(request)
    preview = closing_preview(request.org, year) if year is not None and not refusal else None
    context = {**NAV, "year": year, "preview": preview, "refusal": refusal, "crumb": f"Clôturer {year or ''}".strip()}
    status = 400 if refusal and request.method == "POST" else 200
    return render(request, "commitments/closing/close.html", context, status=status)


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) == 4 else None


@org_view(read=MANAGE, write=MANAGE)
def reopen(request: OrgRequest, closing_id: int) -> HttpResponseBase:
    """GET: the reason asked; POST: reopen the year (journaled with its reason)."""
    found = get_for_org(YearClosing, request, pk=closing_id, reopened_at__isnull=True)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_year(organisation=request.org, year=found.year, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, f"L'exercice {found.year} est rouvert : ses valeurs suivent à nouveau leurs enregistrements."
            )
            return _to_list(request)
    context = {**NAV, "closing": found, "form": form, "crumb": f"Rouvrir {found.year}"}
    return render(request, "commitments/closing/reopen.html", context, status=400 if form.errors else 200)


@org_view()
def corrections(request: OrgRequest, closing_id: int) -> HttpResponse:
    """A closing's corrections after closing: when, who, which record, what, why."""
    found = get_for_org(YearClosing.objects.select_related("closed_by"), request, pk=closing_id)
    context = {**NAV, "closing": found, "corrections": year_corrections(request.org, found)}
    return render(request, "commitments/closing/corrections.html", {**context, "crumb": f"Corrections {found.year}"})
