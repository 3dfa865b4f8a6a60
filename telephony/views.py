"""The phone pages: figures, the calls behind them, the tally of a survey week, phone lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.audit import history_of
from core.concurrency import ConcurrentEditError
from core.web import acting_user, page_of, show_refusal
from telephony import actions
from telephony.charts import figure_charts
from telephony.forms import CallListForm, FigureFilterForm, PhoneLineForm, TallyCorrectionForm, TallyForm
from telephony.hours import Presence
from telephony.models import Call, CallOrigin, PhoneLine
from telephony.queries import (
    DRILLDOWNS,
    CallScope,
    call_figures,
    calls_behind,
    monthly_figures,
    service_figures,
    slot_counts,
    tallied_calls,
)

CALLS_PER_PAGE = 50


def _page(request: OrgRequest, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, f"telephony/{template}", {"nav_section": "telephony", **(context or {})})


def _posted(request: OrgRequest) -> dict[str, Any]:
    return {"data": request.POST} if request.method == "POST" else {}


def _scope(request: OrgRequest, form: FigureFilterForm) -> CallScope | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return CallScope(request.org, data["periode"], data.get("site"), data.get("service"), data.get("ligne"))


# --- Figures -------------------------------------------------------------------------------------


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    form = FigureFilterForm(request.GET, organisation=request.org, today=timezone.localdate())
    scope = _scope(request, form)
    context: dict[str, Any] = {"form": form, "scope": scope}
    if scope is not None:
        figures = call_figures(scope, rings=form.rings)
        months = monthly_figures(scope, rings=form.rings)
        slots = slot_counts(scope)
        context |= {
            "figures": figures,
            "months": months,
            "services": service_figures(scope, rings=form.rings) if scope.service is None else [],
            "charts": figure_charts(scope, months, slots),
            "without_hours": _services_without_hours(request),
            "list_query": request.GET.urlencode(),
        }
    return _page(request, "home.html", context)


def _services_without_hours(request: OrgRequest) -> list[str]:
    presence = Presence(request.org)
    return sorted(str(service) for service in request.org.service_set.filter(pk__in=presence.without_hours))


@org_view()
def call_list(request: OrgRequest) -> HttpResponse:
    form = CallListForm(request.GET, organisation=request.org, today=timezone.localdate())
    scope = _scope(request, form)
    page = None
    if scope is not None:
        calls = calls_behind(
            scope,
            kind=form.cleaned_data.get("vue") or "tous",
            rings=form.rings,
            outcome=form.cleaned_data.get("issue", ""),
        )
        page = page_of(request, calls, per_page=CALLS_PER_PAGE)
    view = (form.cleaned_data.get("vue") if form.is_valid() else "") or "tous"
    return _page(
        request, "call_list.html", {"form": form, "scope": scope, "page": page, "view_label": DRILLDOWNS[view]}
    )


# --- The tally of a survey week ----------------------------------------------------------------


def _tally_day(request: OrgRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        return timezone.localdate()


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def tally(request: OrgRequest) -> HttpResponseBase:
    form = TallyForm(**_posted(request), organisation=request.org)
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            call = actions.tally_call(
                organisation=request.org,
                line=data["line"],
                outcome=data["outcome"],
                rings=data["rings"],
                now=timezone.now(),
                actor=acting_user(request),
            )
            label = "décroché" if call.is_answered else "manqué"
            at = call.started_at.astimezone(request.org.time_zone)
            messages.success(
                request,
                f"Appel {label} relevé sur la ligne « {call.line} » à {at:%H:%M}.",
            )
            return redirect("telephony:tally", org_slug=request.org.slug)
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    day = _tally_day(request)
    calls = tallied_calls(request.org, day)
    lines = PhoneLine.objects.for_org(request.org).select_related("service")
    context = {
        "lines": lines,
        "calls": calls,
        "day": day,
        "today": timezone.localdate(),
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "answered": sum(1 for call in calls if call.is_answered),
    }
    return _page(request, "tally.html", context)


def _tallied(request: OrgRequest, call_id: int) -> Call:
    return get_for_org(Call.objects.filter(origin=CallOrigin.TALLY).select_related("line"), request, pk=call_id)


def _back_to_day(request: OrgRequest, call: Call) -> HttpResponseBase:
    url = reverse("telephony:tally", kwargs={"org_slug": request.org.slug})
    return redirect(f"{url}?jour={call.local_date:%Y-%m-%d}")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def tally_edit(request: OrgRequest, call_id: int) -> HttpResponseBase:
    call = _tallied(request, call_id)
    local = call.started_at.astimezone(request.org.time_zone)
    initial = {
        "outcome": call.outcome,
        "rings": call.rings,
        "day": local.date(),
        "time": local.time(),
        "version": call.version,
    }
    form = TallyCorrectionForm(**_posted(request), initial=initial, organisation=request.org)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.correct_tallied_call(
                call=call,
                outcome=data["outcome"],
                rings=data["rings"],
                started_at=data["started_at"],
                seen_version=data["version"],
                actor=acting_user(request),
            )
        except (ConcurrentEditError, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "L'appel relevé a été corrigé.")
            return _back_to_day(request, call)
    return _page(request, "tally_edit.html", {"form": form, "call": call, "history": history_of(call)[:20]})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def tally_delete(request: OrgRequest, call_id: int) -> HttpResponseBase:
    call = _tallied(request, call_id)
    if request.method == "POST":
        actions.delete_tallied_call(call=call, actor=acting_user(request))
        messages.success(request, "L'appel relevé a été supprimé.")
        return _back_to_day(request, call)
    return _page(request, "tally_delete.html", {"call": call})


# --- Phone lines ---------------------------------------------------------------------------------


@org_view(read=Capability.MANAGE_QUALITY)
def lines(request: OrgRequest) -> HttpResponse:
    phone_lines = PhoneLine.objects.for_org(request.org).select_related("service__site")
    return _page(request, "lines.html", {"lines": phone_lines})


def _save_line(request: OrgRequest, line: PhoneLine | None) -> HttpResponseBase:
    form = PhoneLineForm(**_posted(request), organisation=request.org, initial=_line_initial(line))
    if form.is_bound and form.is_valid():
        try:
            if line is None:
                line = actions.create_line(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
            else:
                actions.update_line(line=line, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"La ligne « {line.name} » a été enregistrée.")
            return redirect("telephony:lines", org_slug=request.org.slug)
    return _page(request, "line_form.html", {"form": form, "line": line})


def _line_initial(line: PhoneLine | None) -> dict[str, Any]:
    return {} if line is None else {"name": line.name, "code": line.code, "service": line.service}


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def line_add(request: OrgRequest) -> HttpResponseBase:
    return _save_line(request, None)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def line_edit(request: OrgRequest, line_id: int) -> HttpResponseBase:
    return _save_line(request, get_for_org(PhoneLine, request, pk=line_id))


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def line_delete(request: OrgRequest, line_id: int) -> HttpResponseBase:
    line = get_for_org(PhoneLine, request, pk=line_id)
    if request.method == "POST":
        try:
            actions.delete_line(line=line, actor=acting_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"La ligne « {line.name} » a été supprimée.")
        return redirect("telephony:lines", org_slug=request.org.slug)
    return _page(request, "line_delete.html", {"line": line, "blocker": actions.line_deletion_blocker(line)})
