"""Civil-registry pages: the register of act requests with delivery in one tap, the detail,
the edit with the concurrent-edit check, the errors register, exports, imports and the
delivery deadlines. Thin: fetch through get_for_org, call a query or an action, render; the
steps, the edits and the import go through registers.views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from civil_registry import actions
from civil_registry.forms import (
    ActFilterForm,
    ActRequestEditForm,
    DeadlinesForm,
    ErrorEditForm,
    ErrorFilterForm,
    ErrorForm,
    ImportForm,
    NewActRequestForm,
)
from civil_registry.imports import import_act_errors, import_acts
from civil_registry.models import ActError, ActRequest
from civil_registry.queries import (
    ACT_HEADERS,
    ERROR_HEADERS,
    act_requests_for_list,
    act_rows,
    error_rows,
    errors_for_list,
    filter_act_requests,
    filter_errors,
)
from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user, export_format, page_of, unknown_export_format
from documents.exports import export_response
from registers.forms import DayStepForm, VersionForm
from registers.views import PER_PAGE, RegisterPages, edit_initial

IMPORTERS = {"acts": import_acts, "act_errors": import_act_errors}
DELIVERED_LABEL, REFUSED_LABEL = "Délivré le", "Refusée le"


def _get_act(request: OrgRequest, act_id: int) -> ActRequest:
    return get_for_org(ActRequest.objects.select_related("service__site"), request, pk=act_id)


def _detail_context(request: OrgRequest, act: ActRequest, **forms: Any) -> dict[str, Any]:
    today, version = timezone.localdate(), {"version": act.version}
    return {
        "deliver_form": DayStepForm(initial=version, today=today, label=DELIVERED_LABEL),
        "refuse_form": DayStepForm(initial=version, today=today, label=REFUSED_LABEL),
        "version_form": VersionForm(initial=version),
        **forms,
        "act": act,
        "deadline_status": act.deadline_status(today),
        "events": act.events.select_related("actor").order_by("at", "pk"),
        "errors": act.errors.order_by("-found_on"),
    }


PAGES = RegisterPages(
    app="civil_registry",
    item_kwarg="act_id",
    detail_template="act_detail.html",
    get_item=_get_act,
    detail_context=_detail_context,
)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    search = ActFilterForm(request.GET or None, organisation=request.org)
    acts = filter_act_requests(
        act_requests_for_list(request.org), search.filters(), today=today, organisation=request.org
    )
    page = page_of(request, acts, per_page=PER_PAGE)
    rows = list(page)
    for act in rows:
        act.deadline_now = act.deadline_status(today)  # type: ignore[attr-defined]
    overdue = ActRequest.objects.for_org(request.org).overdue(today).count()
    context = {"search": search, "page": page, "rows": rows, "today": today, "overdue": overdue}
    return PAGES.render(request, "home.html", context)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def new(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = NewActRequestForm(request.POST or None, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        delivered_now = data.pop("delivered_now")
        act = actions.register_act_request(
            organisation=request.org,
            actor=acting_user(request),
            delivered_on=data["received_on"] if delivered_now else None,
            **data,
        )
        done = "délivrée" if delivered_now else f"à délivrer au plus tard le {act.due_on:%d/%m/%Y}"
        messages.success(request, f"Demande {act.reference} enregistrée, {done}.")
        return redirect(PAGES.url(request, "new") if delivered_now else PAGES.detail_url(request, act))
    context = {"form": form, "deadlines": actions.deadlines(request.org)}
    return PAGES.render(request, "act_form.html", context, status=400 if form.is_bound else 200)


@org_view()
def detail(request: OrgRequest, act_id: int) -> HttpResponse:
    return PAGES.detail(request, _get_act(request, act_id))


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def edit(request: OrgRequest, act_id: int) -> HttpResponseBase:
    act = _get_act(request, act_id)
    initial = edit_initial(act, actions.EDITABLE_FIELDS)
    form = ActRequestEditForm(
        request.POST or None, initial=initial, organisation=request.org, today=timezone.localdate()
    )

    def save(seen_version: int, data: dict[str, Any]) -> object:
        return actions.update_act_request(act, actor=acting_user(request), seen_version=seen_version, **data)

    return PAGES.edit(
        request,
        form,
        save,
        template="act_edit.html",
        context={"form": form, "act": act},
        done=f"La demande {act.display_reference} a été modifiée.",
        success_url=PAGES.detail_url(request, act),
    )


def _back_to_list(request: OrgRequest) -> str | None:
    """Back to the list with its filters after a delivery in one tap from it; only a query
    string is taken from the form."""
    if "next_list" not in request.POST:
        return None
    query = request.POST["next_list"].lstrip("?")
    return f"{PAGES.url(request, 'home')}?{query}" if query else PAGES.url(request, "home")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def deliver(request: OrgRequest, act_id: int) -> HttpResponseBase:
    done, back = "Demande {reference} : délivrée.", _back_to_list(request)
    return PAGES.day_step(request, act_id, actions.deliver, "deliver_form", DELIVERED_LABEL, done, back)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def refuse(request: OrgRequest, act_id: int) -> HttpResponseBase:
    done = "Demande {reference} : refus enregistré."
    return PAGES.day_step(request, act_id, actions.refuse, "refuse_form", REFUSED_LABEL, done)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reopen(request: OrgRequest, act_id: int) -> HttpResponseBase:
    act = _get_act(request, act_id)

    def run(data: dict[str, Any]) -> ActRequest:
        return actions.reopen(act, actor=acting_user(request), seen_version=data["version"])

    return PAGES.step(
        request, act, "version_form", VersionForm(request.POST), run, "Demande {reference} : remise à délivrer."
    )


@org_view()
def export(request: OrgRequest) -> HttpResponse:
    file_format, today = export_format(request), timezone.localdate()
    if file_format is None:
        return unknown_export_format()
    if request.GET.get("register") == "errors":
        errors = filter_errors(errors_for_list(request.org), ErrorFilterForm(request.GET or None).filters())
        return export_response(
            ERROR_HEADERS, error_rows(errors), file_format, f"registre-erreurs-actes-{today:%Y-%m-%d}"
        )
    search = ActFilterForm(request.GET or None, organisation=request.org)
    acts = filter_act_requests(
        act_requests_for_list(request.org), search.filters(), today=today, organisation=request.org
    )
    return export_response(ACT_HEADERS, act_rows(acts, today=today), file_format, f"registre-actes-{today:%Y-%m-%d}")


@org_view()
def errors(request: OrgRequest) -> HttpResponse:
    search = ErrorFilterForm(request.GET or None)
    page = page_of(request, filter_errors(errors_for_list(request.org), search.filters()), per_page=PER_PAGE)
    return PAGES.render(request, "errors.html", {"search": search, "page": page})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def error_new(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    initial = {"act_request_reference": request.GET.get("demande", "")[:64]}
    linked = ActRequest.objects.for_org(request.org).filter(reference=initial["act_request_reference"]).first()
    if linked is not None:
        initial |= {"act_type": linked.act_type, "issued_on": linked.delivered_on, "service": linked.service_id}
    form = ErrorForm(request.POST or None, initial=initial, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        error = actions.record_error(organisation=request.org, actor=acting_user(request), **form.entry())
        messages.success(request, f"Erreur {error.reference} enregistrée.")
        return redirect(PAGES.url(request, "errors"))
    return PAGES.render(request, "error_form.html", {"form": form}, status=400 if form.is_bound else 200)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def error_edit(request: OrgRequest, error_id: int) -> HttpResponseBase:
    error = get_for_org(ActError.objects.select_related("act_request"), request, pk=error_id)
    initial = edit_initial(error, [name for name in actions.ERROR_FIELDS if name != "act_request"])
    initial["act_request_reference"] = error.act_request.reference if error.act_request else ""
    form = ErrorEditForm(request.POST or None, initial=initial, organisation=request.org, today=timezone.localdate())

    def save(seen_version: int, data: dict[str, Any]) -> object:
        return actions.update_error(error, actor=acting_user(request), seen_version=seen_version, **form.entry())

    return PAGES.edit(
        request,
        form,
        save,
        template="error_form.html",
        context={"form": form, "error": error},
        done=f"Erreur {error.display_reference} modifiée.",
        success_url=PAGES.url(request, "errors"),
    )


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def error_delete(request: OrgRequest, error_id: int) -> HttpResponseBase:
    """An error recorded by mistake: the quality manager deletes it, after a confirmation."""
    error = get_for_org(ActError.objects.select_related("act_request"), request, pk=error_id)
    if request.method == "POST":
        reference = error.display_reference
        actions.delete_error(error=error, actor=acting_user(request))
        messages.success(request, f"Erreur {reference} supprimée.")
        return redirect(PAGES.url(request, "errors"))
    return PAGES.render(request, "error_confirm_delete.html", {"error": error})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def import_register(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    return PAGES.import_page(request, form, lambda data: IMPORTERS[data["register"]])


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def settings(request: OrgRequest) -> HttpResponseBase:
    form = DeadlinesForm(request.POST or None, current=actions.deadlines(request.org))
    if request.method == "POST" and form.is_valid():
        actions.save_deadlines(organisation=request.org, actor=acting_user(request), rules=form.rules())
        messages.success(request, "Les délais de délivrance ont été enregistrés ; les demandes à délivrer les suivent.")
        return redirect(PAGES.url(request, "settings"))
    return PAGES.render(request, "settings.html", {"form": form}, status=400 if form.is_bound else 200)
