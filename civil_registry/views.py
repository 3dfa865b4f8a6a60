"""Civil-registry pages: the register of act requests with delivery in one tap, the detail,
the edit with the concurrent-edit check, the errors register, exports, imports and the
delivery deadlines. Thin: fetch through get_for_org, call a query or an action, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from civil_registry import actions
from civil_registry.forms import (
    ActFilterForm,
    ActRequestEditForm,
    DeadlinesForm,
    DeliverForm,
    ErrorEditForm,
    ErrorFilterForm,
    ErrorForm,
    ImportForm,
    NewActRequestForm,
    VersionForm,
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
from core.concurrency import ConcurrentEditError
from core.exports import export_response
from core.models import User

NAV = {"nav_section": "civil_registry"}
PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx", "ods")
IMPORTERS = {"acts": import_acts, "act_errors": import_act_errors}


def _actor(request: OrgRequest) -> User:
    return cast(User, request.user)


def _page(request: OrgRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"civil_registry/{template}", {**NAV, **context}, status=status)


def _to_detail(request: OrgRequest, act: ActRequest) -> HttpResponseBase:
    return redirect("civil_registry:detail", org_slug=request.org.slug, act_id=act.pk)


def _get_act(request: OrgRequest, act_id: int) -> ActRequest:
    return get_for_org(ActRequest.objects.select_related("service__site"), request, pk=act_id)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    search = ActFilterForm(request.GET or None, organisation=request.org)
    acts = filter_act_requests(act_requests_for_list(request.org), search.filters(), today=today)
    page = Paginator(acts, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    for act in rows:
        act.deadline_now = act.deadline_status(today)  # type: ignore[attr-defined]
    overdue = ActRequest.objects.for_org(request.org).overdue(today).count()
    context = {"search": search, "page": page, "rows": rows, "today": today, "overdue": overdue}
    return _page(request, "home.html", context)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def new(request: OrgRequest) -> HttpResponseBase:
    actions.ensure_rules(request.org)
    today = timezone.localdate()
    form = NewActRequestForm(request.POST or None, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        delivered_now = data.pop("delivered_now")
        act = actions.register_act_request(
            organisation=request.org,
            actor=_actor(request),
            delivered_on=data["received_on"] if delivered_now else None,
            **data,
        )
        done = "délivrée" if delivered_now else f"à délivrer au plus tard le {act.due_on:%d/%m/%Y}"
        messages.success(request, f"Demande {act.reference} enregistrée, {done}.")
        return redirect("civil_registry:new", org_slug=request.org.slug) if delivered_now else _to_detail(request, act)
    context = {"form": form, "deadlines": actions.deadlines(request.org)}
    return _page(request, "act_form.html", context, status=400 if form.is_bound else 200)


def _detail_context(request: OrgRequest, act: ActRequest, **forms: Any) -> dict[str, Any]:
    today, version = timezone.localdate(), {"version": act.version}
    return {
        "deliver_form": DeliverForm(initial=version, today=today),
        "refuse_form": DeliverForm(initial=version, today=today, label="Refusée le"),
        "version_form": VersionForm(initial=version),
        **forms,
        "act": act,
        "deadline_status": act.deadline_status(today),
        "events": act.events.select_related("actor").order_by("at", "pk"),
        "errors": act.errors.order_by("-found_on"),
    }


@org_view()
def detail(request: OrgRequest, act_id: int) -> HttpResponse:
    return _page(request, "act_detail.html", _detail_context(request, _get_act(request, act_id)))


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def edit(request: OrgRequest, act_id: int) -> HttpResponseBase:
    act = _get_act(request, act_id)
    initial = {name: getattr(act, name) for name in actions.EDITABLE_FIELDS} | {"version": act.version}
    form = ActRequestEditForm(
        request.POST or None, initial=initial, organisation=request.org, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_act_request(act, actor=_actor(request), seen_version=data.pop("version"), **data)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            return _page(request, "act_edit.html", {"form": form, "act": act}, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"La demande {act.display_reference} a été modifiée.")
            return _to_detail(request, act)
    return _page(request, "act_edit.html", {"form": form, "act": act})


Runner = Callable[[ActRequest, User, dict[str, Any]], ActRequest]


def _step(
    request: OrgRequest, act_id: int, form_name: str, form: Any, run: Runner, done: str, back_to_list: bool = False
) -> HttpResponseBase:
    act = _get_act(request, act_id)  # first: another town's id is a 404, even on GET
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if form.is_valid():
        try:
            run(act, _actor(request), form.cleaned_data)
        except ConcurrentEditError as error:
            messages.error(request, str(error))
            return _to_detail(request, act)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Demande {act.display_reference} : {done}.")
            if back_to_list:
                return redirect(_safe_list(request))
            return _to_detail(request, act)
    act.refresh_from_db()
    return _page(request, "act_detail.html", _detail_context(request, act, **{form_name: form}), status=400)


def _list_url(request: OrgRequest) -> str:
    return reverse("civil_registry:home", kwargs={"org_slug": request.org.slug})


def _safe_list(request: OrgRequest) -> str:
    """Back to the list with its filters: only a query string is taken from the form."""
    query = request.POST.get("next_list", "").lstrip("?")
    return f"{_list_url(request)}?{query}" if query else _list_url(request)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def deliver(request: OrgRequest, act_id: int) -> HttpResponseBase:
    def run(act: ActRequest, actor: User, data: dict[str, Any]) -> ActRequest:
        return actions.deliver(act, actor=actor, seen_version=data["version"], on=data["on"])

    form = DeliverForm(request.POST, today=timezone.localdate())
    return _step(request, act_id, "deliver_form", form, run, "délivrée", back_to_list="next_list" in request.POST)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def refuse(request: OrgRequest, act_id: int) -> HttpResponseBase:
    def run(act: ActRequest, actor: User, data: dict[str, Any]) -> ActRequest:
        return actions.refuse(act, actor=actor, seen_version=data["version"], on=data["on"])

    form = DeliverForm(request.POST, today=timezone.localdate(), label="Refusée le")
    return _step(request, act_id, "refuse_form", form, run, "refus enregistré")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reopen(request: OrgRequest, act_id: int) -> HttpResponseBase:
    def run(act: ActRequest, actor: User, data: dict[str, Any]) -> ActRequest:
        return actions.reopen(act, actor=actor, seen_version=data["version"])

    return _step(request, act_id, "version_form", VersionForm(request.POST), run, "remise à délivrer")


@org_view()
def export(request: OrgRequest) -> HttpResponse:
    file_format = request.GET.get("format", "csv")
    file_format = file_format if file_format in EXPORT_FORMATS else "csv"
    today = timezone.localdate()
    if request.GET.get("register") == "errors":
        errors = filter_errors(errors_for_list(request.org), ErrorFilterForm(request.GET or None).filters())
        return export_response(
            ERROR_HEADERS, error_rows(errors), file_format, f"registre-erreurs-actes-{today:%Y-%m-%d}"
        )
    search = ActFilterForm(request.GET or None, organisation=request.org)
    acts = filter_act_requests(act_requests_for_list(request.org), search.filters(), today=today)
    return export_response(ACT_HEADERS, act_rows(acts, today=today), file_format, f"registre-actes-{today:%Y-%m-%d}")


@org_view()
def errors(request: OrgRequest) -> HttpResponse:
    search = ErrorFilterForm(request.GET or None)
    found = filter_errors(errors_for_list(request.org), search.filters())
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "errors.html", {"search": search, "page": page})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def error_new(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    initial = {"act_request_reference": request.GET.get("demande", "")[:64]}
    linked = ActRequest.objects.for_org(request.org).filter(reference=initial["act_request_reference"]).first()
    if linked is not None:
        initial |= {"act_type": linked.act_type, "issued_on": linked.delivered_on, "service": linked.service_id}
    form = ErrorForm(request.POST or None, initial=initial, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        error = actions.record_error(organisation=request.org, actor=_actor(request), **form.entry())
        messages.success(request, f"Erreur {error.reference} enregistrée.")
        return redirect("civil_registry:errors", org_slug=request.org.slug)
    return _page(request, "error_form.html", {"form": form}, status=400 if form.is_bound else 200)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def error_edit(request: OrgRequest, error_id: int) -> HttpResponseBase:
    error = get_for_org(ActError.objects.select_related("act_request"), request, pk=error_id)
    initial = {name: getattr(error, name) for name in actions.ERROR_FIELDS if name != "act_request"}
    initial |= {
        "act_request_reference": error.act_request.reference if error.act_request else "",
        "version": error.version,
    }
    form = ErrorEditForm(request.POST or None, initial=initial, organisation=request.org, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_error(
                error, actor=_actor(request), seen_version=form.cleaned_data["version"], **form.entry()
            )
        except ConcurrentEditError as stale:
            form.add_error(None, str(stale))
            return _page(request, "error_form.html", {"form": form, "error": error}, status=409)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, f"Erreur {error.display_reference} modifiée.")
            return redirect("civil_registry:errors", org_slug=request.org.slug)
    return _page(request, "error_form.html", {"form": form, "error": error})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def import_register(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = IMPORTERS[form.cleaned_data["register"]](
            organisation=request.org,
            binary=upload.file,
            filename=upload.name or "import.csv",
            actor=_actor(request),
            all_or_nothing=form.cleaned_data["all_or_nothing"],
        )
    return _page(request, "import.html", {"form": form, "report": report})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def settings(request: OrgRequest) -> HttpResponseBase:
    form = DeadlinesForm(request.POST or None, current=actions.deadlines(request.org))
    if request.method == "POST" and form.is_valid():
        actions.save_deadlines(organisation=request.org, actor=_actor(request), rules=form.rules())
        messages.success(request, "Les délais de délivrance ont été enregistrés ; les demandes à délivrer les suivent.")
        return redirect("civil_registry:settings", org_slug=request.org.slug)
    return _page(request, "settings.html", {"form": form}, status=400 if form.is_bound else 200)
