"""Written-request pages: the register, registration with the due date shown at once, the
detail with its workflow steps, the edit with the concurrent-edit check, the letter, exports
and imports. Thin: fetch through get_for_org, call a query or an action, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.exports import export_response
from core.models import User
from core.pdf import render_pdf
from core.register_imports import ImportReport
from core.workdays import calendar_for
from correspondence import actions
from correspondence.forms import (
    DayForm,
    DuePreviewForm,
    DuePreviewPageForm,
    HoldingReplyForm,
    ImportForm,
    ReassignForm,
    RequestEditForm,
    RequestFilterForm,
    RequestForm,
    VersionForm,
)
from correspondence.imports import import_requests
from correspondence.letters import acknowledgement_letter
from correspondence.models import Category, Channel, WrittenRequest
from correspondence.queries import EXPORT_HEADERS, export_rows, filter_requests, my_items, requests_for_list
from correspondence.rules import Rules, ensure_defaults, preview_due_date

NAV = {"nav_section": "correspondence"}
PER_PAGE = 25
SOON_WORKING_DAYS = 2
EXPORT_FORMATS = ("csv", "xlsx", "ods")


def _actor(request: OrgRequest) -> User:
    return cast(User, request.user)


def _page(request: OrgRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"correspondence/{template}", {**NAV, **context}, status=status)


def _soon_until(request: OrgRequest, today: dt.date) -> dt.date:
    return calendar_for(request.org).add_working_days(today, SOON_WORKING_DAYS)


def _to_detail(request: OrgRequest, written: WrittenRequest) -> HttpResponseBase:
    return redirect("correspondence:detail", org_slug=request.org.slug, request_id=written.pk)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    soon_until = _soon_until(request, today)
    search = RequestFilterForm(request.GET or None, organisation=request.org)
    requests = filter_requests(
        requests_for_list(request.org), search.filters(), today=today, soon_until=soon_until, user=_actor(request)
    )
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    rules = Rules(request.org)
    rows = list(page)
    for row in rows:
        counts = rules.deadline(row.channel, row.category_id).holding_reply_counts
        row.deadline_now = row.deadline_status(today, holding_reply_counts=counts)  # type: ignore[attr-defined]
    mine = my_items(request.org, _actor(request), today=today, soon_until=soon_until)
    context = {"search": search, "page": page, "rows": rows, "mine": mine, "today": today, "soon_until": soon_until}
    return _page(request, "home.html", context)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def new(request: OrgRequest) -> HttpResponseBase:
    ensure_defaults(request.org)
    today = timezone.localdate()
    form = RequestForm(request.POST or None, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        written = actions.register_request(organisation=request.org, actor=_actor(request), **form.cleaned_data)
        messages.success(
            request,
            f"{Channel(written.channel).label.capitalize()} {written.reference} enregistré : "
            f"échéance le {written.due_on:%d/%m/%Y}.",
        )
        return _to_detail(request, written)
    preview = _preview_from(request, form.data if form.is_bound else None, today)
    return _page(request, "request_form.html", {"form": form, "preview": preview})


def _preview_from(request: OrgRequest, data: Any, today: dt.date) -> Any:
    """The due date for the channel, category and day typed so far (defaults: a letter today)."""
    form = DuePreviewForm(data or {"channel": Channel.LETTER, "received_on": today})
    if not form.is_valid() or not form.cleaned_data.get("received_on"):
        return None
    category_id = form.cleaned_data.get("category")
    if category_id and not Category.objects.filter(organisation=request.org, pk=category_id).exists():
        category_id = None
    return preview_due_date(
        request.org,
        channel=form.cleaned_data.get("channel") or Channel.LETTER,
        category_id=category_id,
        received_on=form.cleaned_data["received_on"],
    )


@org_view(read=Capability.CAPTURE)
def due_preview(request: OrgRequest) -> HttpResponse:
    """The htmx fragment that shows the due date while the registration form is filled in;
    opened directly (no JavaScript), a small page that computes a due date."""
    today = timezone.localdate()
    preview = _preview_from(request, request.GET or None, today)
    if getattr(request, "htmx", False):
        return render(request, "correspondence/includes/due_preview.html", {"preview": preview})
    form = DuePreviewPageForm(request.GET or None, organisation=request.org, today=today)
    return _page(request, "due_preview.html", {"form": form, "preview": preview})


def _detail_context(request: OrgRequest, written: WrittenRequest, **forms: Any) -> dict[str, Any]:
    today, version = timezone.localdate(), {"version": written.version}
    counts = Rules(request.org).deadline(written.channel, written.category_id).holding_reply_counts
    defaults: dict[str, Any] = {
        "acknowledge_form": DayForm(initial=version, today=today, label="Accusé de réception envoyé le"),
        "holding_form": HoldingReplyForm(initial=version, today=today, label="Réponse d'attente envoyée le"),
        "answer_form": DayForm(initial=version, today=today, label="Réponse envoyée le"),
        "close_form": DayForm(initial=version, today=today, label="Close le"),
        "reassign_form": ReassignForm(
            initial={**version, "assigned_to": written.assigned_to_id}, organisation=request.org
        ),
        "version_form": VersionForm(initial=version),
    }
    events = written.events.select_related("actor").order_by("at", "pk")
    return {
        **defaults,
        **forms,
        "written": written,
        "events": events,
        "deadline_status": written.deadline_status(today, holding_reply_counts=counts),
        "holding_reply_counts": counts,
        "today": today,
    }


def _get_request(request: OrgRequest, request_id: int) -> WrittenRequest:
    related = WrittenRequest.objects.select_related("service__site", "category", "assigned_to")
    return get_for_org(related, request, pk=request_id)


@org_view()
def detail(request: OrgRequest, request_id: int) -> HttpResponse:
    written = _get_request(request, request_id)
    return _page(request, "request_detail.html", _detail_context(request, written))


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def edit(request: OrgRequest, request_id: int) -> HttpResponseBase:
    written = _get_request(request, request_id)
    initial = {name: getattr(written, name) for name in actions.EDITABLE_FIELDS} | {"version": written.version}
    form = RequestEditForm(
        request.POST or None,
        initial=initial,
        organisation=request.org,
        today=timezone.localdate(),
        category=written.category,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_request(written, actor=_actor(request), seen_version=data.pop("version"), **data)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            return _page(request, "request_edit.html", {"form": form, "written": written}, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"La demande {written.display_reference} a été modifiée.")
            return _to_detail(request, written)
    return _page(request, "request_edit.html", {"form": form, "written": written})


StepRunner = Callable[[WrittenRequest, User, dict[str, Any]], WrittenRequest]


def _step(
    request: OrgRequest,
    request_id: int,
    form_name: str,
    make_form: Callable[[OrgRequest], Any],
    run: StepRunner,
    done: str,
) -> HttpResponseBase:
    """Run one workflow step posted from the detail page; on a bad date or a stale page,
    show the detail page again with the message and write nothing."""
    written = _get_request(request, request_id)  # first: another town's id is a 404, even on GET
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = make_form(request)
    if form.is_valid():
        try:
            run(written, _actor(request), form.cleaned_data)
        except ConcurrentEditError as error:
            messages.error(request, str(error))
            return _to_detail(request, written)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return _to_detail(request, written)
    written.refresh_from_db()
    return _page(request, "request_detail.html", _detail_context(request, written, **{form_name: form}), status=400)


def _day_form(label: str) -> Callable[[OrgRequest], DayForm]:
    return lambda request: DayForm(request.POST, today=timezone.localdate(), label=label)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def acknowledge(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.acknowledge(written, actor=actor, seen_version=data["version"], on=data["on"])

    form = _day_form("Accusé de réception envoyé le")
    return _step(request, request_id, "acknowledge_form", form, run, "Accusé de réception enregistré.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def holding_reply(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.send_holding_reply(
            written, actor=actor, seen_version=data["version"], on=data["on"], promised_on=data["promised_on"]
        )

    def form(request: OrgRequest) -> HoldingReplyForm:
        return HoldingReplyForm(request.POST, today=timezone.localdate(), label="Réponse d'attente envoyée le")

    return _step(request, request_id, "holding_form", form, run, "Réponse d'attente enregistrée.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def answer(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.answer(written, actor=actor, seen_version=data["version"], on=data["on"])

    return _step(request, request_id, "answer_form", _day_form("Réponse envoyée le"), run, "Réponse enregistrée.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def close(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.close(written, actor=actor, seen_version=data["version"], on=data["on"])

    return _step(request, request_id, "close_form", _day_form("Close le"), run, "Demande close.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reopen(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.reopen(written, actor=actor, seen_version=data["version"])

    return _step(request, request_id, "version_form", lambda r: VersionForm(r.POST), run, "Demande rouverte.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reassign(request: OrgRequest, request_id: int) -> HttpResponseBase:
    def run(written: WrittenRequest, actor: User, data: dict[str, Any]) -> WrittenRequest:
        return actions.reassign(written, actor=actor, seen_version=data["version"], assigned_to=data["assigned_to"])

    def form(request: OrgRequest) -> ReassignForm:
        return ReassignForm(request.POST, organisation=request.org)

    return _step(request, request_id, "reassign_form", form, run, "Demande réattribuée.")


@org_view()
def acknowledgement_pdf(request: OrgRequest, request_id: int) -> HttpResponse:
    written = _get_request(request, request_id)
    template = actions.acknowledgement_template(request.org)
    letter = acknowledgement_letter(written, template, today=timezone.localdate(), organisation_name=request.org.name)
    pdf = render_pdf("correspondence/pdf/acknowledgement.html", {"org": request.org, "letter": letter})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="accuse-de-reception-{written.pk}.pdf"'
    return response


@org_view()
def export(request: OrgRequest) -> HttpResponse:
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        file_format = "csv"
    today = timezone.localdate()
    search = RequestFilterForm(request.GET or None, organisation=request.org)
    requests = filter_requests(
        requests_for_list(request.org),
        search.filters(),
        today=today,
        soon_until=_soon_until(request, today),
        user=_actor(request),
    )
    rows = export_rows(request.org, requests, today=today)
    return export_response(EXPORT_HEADERS, rows, file_format, f"registre-courriers-{today:%Y-%m-%d}")


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def import_register(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_requests(
            organisation=request.org,
            binary=upload.file,
            filename=upload.name or "import.csv",
            actor=_actor(request),
            all_or_nothing=form.cleaned_data["all_or_nothing"],
        )
    return _page(request, "import.html", {"form": form, "report": report})
