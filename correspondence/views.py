"""Written-request pages: the register, registration with the due date shown at once, the
detail with its workflow steps, the edit with the concurrent-edit check, the letter, exports
and imports. Thin: fetch through get_for_org, call a query or an action, render; the steps,
the edit and the import go through registers.views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view, sees_personal_data
from core.service_contact import missing_contact_message
from core.web import acting_user, export_format, page_of, unknown_export_format
from correspondence import actions
from correspondence.forms import (
    DuePreviewForm,
    DuePreviewPageForm,
    HoldingReplyForm,
    ReassignForm,
    RequestEditForm,
    RequestFilterForm,
    RequestForm,
)
from correspondence.imports import import_requests
from correspondence.letters import acknowledgement_letter
from correspondence.models import Category, Channel, WrittenRequest
from correspondence.queries import export_headers, export_rows, filter_requests, my_items, requests_for_list
from correspondence.rules import Rules, preview_due_date
from documents.exports import export_response
from documents.pdf import render_pdf
from registers.deadlines import due_soon_until
from registers.forms import DayStepForm, RegisterImportForm, VersionForm
from registers.views import PER_PAGE, RegisterPages, edit_initial


def _soon_until(request: OrgRequest, today: dt.date) -> dt.date:
    return due_soon_until(request.org, today)


def _get_request(request: OrgRequest, request_id: int) -> WrittenRequest:
    related = WrittenRequest.objects.select_related("service__site", "category", "assigned_to")
    return get_for_org(related, request, pk=request_id)


def _detail_context(request: OrgRequest, written: WrittenRequest, **forms: Any) -> dict[str, Any]:
    today, version = timezone.localdate(), {"version": written.version}
    counts = Rules(request.org).deadline(written.channel, written.category_id).holding_reply_counts
    defaults: dict[str, Any] = {
        "acknowledge_form": DayStepForm(initial=version, today=today, label="Accusé de réception envoyé le"),
        "holding_form": HoldingReplyForm(initial=version, today=today, label="Réponse d'attente envoyée le"),
        "answer_form": DayStepForm(initial=version, today=today, label="Réponse envoyée le"),
        "close_form": DayStepForm(initial=version, today=today, label="Close le"),
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
        # Why the acknowledgement cannot be printed (its service's contact), shown beside its button.
        "letter_refusal": missing_contact_message(written.service),
    }


PAGES = RegisterPages(
    app="correspondence",
    item_kwarg="request_id",
    detail_template="request_detail.html",
    get_item=_get_request,
    detail_context=_detail_context,
)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    soon_until = _soon_until(request, today)
    personal = sees_personal_data(request.membership)
    search = RequestFilterForm(request.GET or None, organisation=request.org, personal=personal)
    requests = filter_requests(
        requests_for_list(request.org),
        search.filters(),
        today=today,
        soon_until=soon_until,
        user=acting_user(request),
        personal=personal,
    )
    page = page_of(request, requests, per_page=PER_PAGE)
    rules = Rules(request.org)
    rows = list(page)
    for row in rows:
        counts = rules.deadline(row.channel, row.category_id).holding_reply_counts
        row.deadline_now = row.deadline_status(today, holding_reply_counts=counts)  # type: ignore[attr-defined]
    mine = my_items(request.org, acting_user(request), today=today, soon_until=soon_until)
    context = {"search": search, "page": page, "rows": rows, "mine": mine, "today": today, "soon_until": soon_until}
    return PAGES.render(request, "home.html", context)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def new(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = RequestForm(request.POST or None, organisation=request.org, today=today)
    if request.method == "POST" and form.is_valid():
        written = actions.register_request(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(
            request,
            f"{Channel(written.channel).label.capitalize()} {written.reference} enregistré : "
            f"échéance le {written.due_on:%d/%m/%Y}.",
        )
        return redirect(PAGES.detail_url(request, written))
    preview = _preview_from(request, form.data if form.is_bound else None, today)
    return PAGES.render(request, "request_form.html", {"form": form, "preview": preview})


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
    return PAGES.render(request, "due_preview.html", {"form": form, "preview": preview})


@org_view()
def detail(request: OrgRequest, request_id: int) -> HttpResponse:
    return PAGES.detail(request, _get_request(request, request_id))


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def edit(request: OrgRequest, request_id: int) -> HttpResponseBase:
    written = _get_request(request, request_id)
    initial = edit_initial(written, actions.EDITABLE_FIELDS)
    today = timezone.localdate()
    form = RequestEditForm(
        request.POST or None, initial=initial, organisation=request.org, today=today, category=written.category
    )

    def save(seen_version: int, data: dict[str, Any]) -> object:
        return actions.update_request(written, actor=acting_user(request), seen_version=seen_version, **data)

    return PAGES.edit(
        request,
        form,
        save,
        template="request_edit.html",
        context={"form": form, "written": written},
        done=f"La demande {written.display_reference} a été modifiée.",
        success_url=PAGES.detail_url(request, written),
    )


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def acknowledge(request: OrgRequest, request_id: int) -> HttpResponseBase:
    label, done = "Accusé de réception envoyé le", "Accusé de réception enregistré."
    return PAGES.day_step(request, request_id, actions.acknowledge, "acknowledge_form", label, done)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def holding_reply(request: OrgRequest, request_id: int) -> HttpResponseBase:
    written = _get_request(request, request_id)
    form = HoldingReplyForm(request.POST, today=timezone.localdate(), label="Réponse d'attente envoyée le")

    def run(data: dict[str, Any]) -> WrittenRequest:
        return actions.send_holding_reply(
            written,
            actor=acting_user(request),
            seen_version=data["version"],
            on=data["on"],
            promised_on=data["promised_on"],
        )

    return PAGES.step(request, written, "holding_form", form, run, "Réponse d'attente enregistrée.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def answer(request: OrgRequest, request_id: int) -> HttpResponseBase:
    label, done = "Réponse envoyée le", "Réponse enregistrée."
    return PAGES.day_step(request, request_id, actions.answer, "answer_form", label, done)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def close(request: OrgRequest, request_id: int) -> HttpResponseBase:
    return PAGES.day_step(request, request_id, actions.close, "close_form", "Close le", "Demande close.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reopen(request: OrgRequest, request_id: int) -> HttpResponseBase:
    written = _get_request(request, request_id)

    def run(data: dict[str, Any]) -> WrittenRequest:
        return actions.reopen(written, actor=acting_user(request), seen_version=data["version"])

    return PAGES.step(request, written, "version_form", VersionForm(request.POST), run, "Demande rouverte.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def reassign(request: OrgRequest, request_id: int) -> HttpResponseBase:
    written = _get_request(request, request_id)
    form = ReassignForm(request.POST, organisation=request.org)

    def run(data: dict[str, Any]) -> WrittenRequest:
        to = data["assigned_to"]
        return actions.reassign(written, actor=acting_user(request), seen_version=data["version"], assigned_to=to)

    return PAGES.step(request, written, "reassign_form", form, run, "Demande réattribuée.")


@org_view(read=Capability.PERSONAL_DATA)
def acknowledgement_pdf(request: OrgRequest, request_id: int) -> HttpResponseBase:
    """The letter, or back to the request with what its service lacks (R112-5)."""
    written = _get_request(request, request_id)
    service, refusal = written.service, missing_contact_message(written.service)
    if service is None or refusal:
        messages.error(request, refusal or "")
        return redirect(PAGES.detail_url(request, written))
    template = actions.acknowledgement_template(request.org)
    letter = acknowledgement_letter(written, service, template, today=timezone.localdate(), organisation=request.org)
    pdf = render_pdf("documents/pdf/letter.html", {"org": request.org, "letter": letter})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="accuse-de-reception-{written.pk}.pdf"'
    return response


@org_view()
def export(request: OrgRequest) -> HttpResponse:
    file_format, today = export_format(request), timezone.localdate()
    if file_format is None:
        return unknown_export_format()
    search = RequestFilterForm(request.GET or None, organisation=request.org)
    personal = sees_personal_data(request.membership)
    requests = filter_requests(
        requests_for_list(request.org),
        search.filters(),
        today=today,
        soon_until=_soon_until(request, today),
        user=acting_user(request),
        personal=personal,
    )
    rows = export_rows(request.org, requests, today=today, personal=personal)
    headers = export_headers(personal=personal)
    return export_response(headers, rows, file_format, f"registre-courriers-{today:%Y-%m-%d}")


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def import_register(request: OrgRequest) -> HttpResponse:
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    return PAGES.import_page(request, form, lambda data: import_requests)
