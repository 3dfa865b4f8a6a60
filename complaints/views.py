"""Back-office pages of the complaint register. Thin: fetch through get_for_org, call a query
or an action, render. Members who cannot capture (readers, auditors) see no personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from complaints import actions
from complaints.forms import (
    ACTION_FORMS,
    ComplaintForm,
    FilterForm,
    ImportForm,
    SettingsForm,
    StatsForm,
)
from complaints.imports import import_complaints
from complaints.letters import acknowledgement_letter, missing_recipient
from complaints.models import Complaint, ComplaintSettings
from complaints.queries import complaint_page, export_headers, export_rows, filtered_complaints, statistics
from core.access import Capability, OrgRequest, get_for_org, org_view, sees_personal_data
from core.concurrency import ConcurrentEditError
from core.periods import Granularity, Period
from core.registries import record_panels
from core.web import acting_user, export_format, page_of, show_refusal, unknown_export_format
from documents.exports import export_response
from documents.pdf import render_pdf

NAV = {"nav_section": "complaints"}
PAGE_SIZE = 25
CHECKBOXES = ("overdue", "echeance", "miennes")  # the list's filters shown as checkboxes
SAMPLE_FILE = Path(django_settings.BASE_DIR) / "docs" / "samples" / "registre-reclamations.csv"
ACTION_TITLES = {
    "acknowledge": "Accuser réception",
    "answer": "Enregistrer la réponse",
    "close": "Clore",
    "reopen": "Rouvrir",
    "judge": "Bien-fondé et action d'amélioration",
}
DONE_MESSAGES = {
    "acknowledge": "La réception de {number} est accusée.",
    "answer": "La réponse à {number} est enregistrée.",
    "close": "{number} est close.",
    "reopen": "{number} est rouverte.",
    "judge": "Le bien-fondé de {number} est enregistré.",
}


def _personal(request: OrgRequest) -> bool:
    """Names, contacts and free text are shown to those who handle complaints only."""
    return sees_personal_data(request.membership)


def _to_detail(request: OrgRequest, complaint: Complaint) -> HttpResponseBase:
    return redirect("complaints:detail", org_slug=request.org.slug, complaint_id=complaint.pk)


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    personal = _personal(request)
    filters = FilterForm(request.GET or None, organisation=request.org, personal=personal)
    complaints = filtered_complaints(
        request.org, filters.filters() if request.GET else {}, today=today, personal=personal, user=acting_user(request)
    )
    page = page_of(request, complaints, per_page=PAGE_SIZE)
    overdue = Complaint.objects.for_org(request.org).overdue(today=today).count()
    context = {**NAV, "filters": filters, "page": page, "today": today, "overdue": overdue, "checkboxes": CHECKBOXES}
    return render(request, "complaints/list.html", context | {"personal": personal})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def create(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    initial = {"received_on": today, "handled_by": request.user.pk}
    form = ComplaintForm(request.POST or None, initial=initial, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = actions.register_complaint(
                organisation=request.org, actor=acting_user(request), today=today, **form.changes()
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{complaint} enregistrée.")
            return _to_detail(request, complaint)
    return render(request, "complaints/form.html", {**NAV, "form": form, "complaint": None})


@org_view()
def detail(request: OrgRequest, complaint_id: int) -> HttpResponse:
    complaint = get_for_org(Complaint.objects.select_related("service", "handled_by"), request, pk=complaint_id)
    page = complaint_page(complaint, today=timezone.localdate())
    context = {**NAV, "page": page, "complaint": complaint, "personal": _personal(request)}
    context["panels"] = record_panels(request.membership, [complaint]).get(complaint.pk, [])
    context["letter_refusal"] = missing_recipient(complaint)
    return render(request, "complaints/detail.html", context | {"steps": actions.allowed_transitions(complaint)})


@org_view(read=Capability.PERSONAL_DATA)
def acknowledgement_pdf(request: OrgRequest, complaint_id: int) -> HttpResponseBase:
    """The acknowledgement of receipt as a letter, or back to the complaint with what it lacks."""
    complaint = get_for_org(Complaint.objects.select_related("service"), request, pk=complaint_id)
    if refusal := missing_recipient(complaint):
        messages.error(request, refusal)
        return redirect("complaints:detail", request.org.slug, complaint.pk)
    tracking = request.build_absolute_uri(reverse("complaints_public:complaint_tracking", args=[request.org.slug]))
    letter = acknowledgement_letter(
        complaint, organisation=request.org, today=timezone.localdate(), tracking_url=tracking
    )
    response = HttpResponse(render_pdf("documents/pdf/letter.html", {"org": request.org, "letter": letter}))
    response["Content-Type"] = "application/pdf"
    response["Content-Disposition"] = f'attachment; filename="accuse-de-reception-{complaint.tracking_number}.pdf"'
    return response


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def edit(request: OrgRequest, complaint_id: int) -> HttpResponseBase:
    complaint = get_for_org(Complaint, request, pk=complaint_id)
    initial = ComplaintForm.initial_for(complaint)
    form = ComplaintForm(request.POST or None, initial=initial, organisation=request.org, complaint=complaint)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_complaint(
                complaint=complaint,
                actor=acting_user(request),
                seen_version=form.cleaned_data["version"],
                today=timezone.localdate(),
                **form.changes(),
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{complaint} enregistrée.")
            return _to_detail(request, complaint)
    return render(request, "complaints/form.html", {**NAV, "form": form, "complaint": complaint}, status=status)


def _run_action(request: OrgRequest, complaint: Complaint, action: str, data: dict[str, Any]) -> None:
    common = {"complaint": complaint, "actor": acting_user(request), "seen_version": data["version"]}
    today = timezone.localdate()
    if action == "acknowledge":
        actions.acknowledge(**common, on=data["on"], today=today)
    elif action == "answer":
        actions.answer(**common, on=data["on"], today=today, text=data["text"], justified=data["justified"])
    elif action == "close":
        actions.close(**common, on=data["on"], today=today)
    elif action == "reopen":
        actions.reopen(**common, today=today)
    else:
        actions.judge(**common, justified=data["justified"], action_note=data["action_note"])


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def complaint_action(request: OrgRequest, complaint_id: int, action: str) -> HttpResponseBase:
    """One workflow step (acknowledge, answer, close, reopen) or the justified verdict."""
    complaint = get_for_org(Complaint, request, pk=complaint_id)
    initial = {"on": timezone.localdate(), "version": complaint.version}
    if action == "judge":
        initial |= {"justified": complaint.justified, "action_note": complaint.action_note}
    form = ACTION_FORMS[action](request.POST or None, initial=initial)
    possible = (action == "judge" and not complaint.is_anonymised) or action in actions.allowed_transitions(complaint)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _run_action(request, complaint, action, form.cleaned_data)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, DONE_MESSAGES[action].format(number=complaint))
            return _to_detail(request, complaint)
    context = {**NAV, "form": form, "complaint": complaint, "action": action, "possible": possible}
    return render(request, "complaints/action.html", context | {"title": ACTION_TITLES[action]}, status=status)


@org_view()
def export(request: OrgRequest) -> HttpResponseBase:
    file_format = export_format(request)
    if file_format is None:
        return unknown_export_format()
    today = timezone.localdate()
    filters = FilterForm(request.GET, organisation=request.org).filters()
    personal = _personal(request)
    complaints = filtered_complaints(request.org, filters, today=today, personal=personal, user=acting_user(request))
    rows = export_rows(complaints, personal=personal, today=today)
    return export_response(export_headers(personal=personal), rows, file_format, f"reclamations-{today:%Y-%m-%d}")


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def import_page(request: OrgRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_complaints(
            organisation=request.org,
            binary=upload.file,
            filename=upload.name,
            actor=acting_user(request),
            all_or_nothing=form.cleaned_data["all_or_nothing"],
        )
    return render(request, "complaints/import.html", {**NAV, "form": form, "report": report})


@org_view()
def import_sample(request: OrgRequest) -> HttpResponse:
    """The documented sample file (a few hundred bytes: sent whole, not streamed)."""
    response = HttpResponse(SAMPLE_FILE.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SAMPLE_FILE.name}"'
    return response


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def settings(request: OrgRequest) -> HttpResponseBase:
    current = ComplaintSettings.for_org(request.org)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.update_settings(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, "Les délais des réclamations sont enregistrés ; les échéances sont recalculées.")
        return redirect("complaints:settings", org_slug=request.org.slug)
    return render(request, "complaints/settings.html", {**NAV, "form": form})


@org_view()
def stats(request: OrgRequest) -> HttpResponse:
    form = StatsForm(request.GET or None)
    period = Period.containing(timezone.localdate(), Granularity.YEAR)
    if form.is_valid() and form.cleaned_data["period"]:
        try:
            period = Period.parse(form.cleaned_data["period"])
        except ValueError as error:
            form.add_error("period", str(error))
    context = {**NAV, "form": form, "stats": statistics(request.org, period)}
    return render(request, "complaints/stats.html", context)
