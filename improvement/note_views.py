"""The auditor's notes' pages. Every member of the town reads them; the auditor writes them
(Capability.NOTE_AUDIT); the quality manager (or administrator) accepts one, which opens an
improvement action, or declines it with a reason. Thin: fetch through get_for_org, call an
action of improvement.audit_notes, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.web import acting_user, page_of, show_refusal
from improvement import audit_notes
from improvement.models import AuditNote, AuditNoteStatus
from improvement.note_forms import AuditNoteForm, DecisionForm, DeclineForm, NoteFilterForm
from improvement.note_queries import note_page, notes_of

NAV = {"nav_section": "improvement"}
PAGE_SIZE = 25
RELATED = ("commitment__module", "indicator", "action", "written_by", "decided_by")


def _to_note(request: OrgRequest, note: AuditNote) -> HttpResponseBase:
    return redirect("improvement:note_detail", org_slug=request.org.slug, note_id=note.pk)


@org_view()
def note_list(request: OrgRequest) -> HttpResponse:
    years = sorted(
        set(AuditNote.objects.for_org(request.org).values_list("year", flat=True))
        | set(audit_notes.years_under_audit(request.org)),
        reverse=True,
    )
    filters = NoteFilterForm(request.GET or None, years=years)
    page = page_of(request, notes_of(request.org, **filters.filters()), per_page=PAGE_SIZE)
    context = {**NAV, "filters": filters, "page": page, "may_note": can(request.membership, Capability.NOTE_AUDIT)}
    return render(request, "improvement/note_list.html", context)


@org_view(read=Capability.NOTE_AUDIT, write=Capability.NOTE_AUDIT)
def note_new(request: OrgRequest) -> HttpResponseBase:
    """The form, filled from the auditor's view (?annee=&engagement=&indicateur=)."""
    initial = {"year": request.GET.get("annee"), "commitment": request.GET.get("engagement")}
    initial["indicator"] = request.GET.get("indicateur")
    form = AuditNoteForm(request.POST or None, initial=initial, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            note = audit_notes.write_audit_note(
                organisation=request.org, actor=acting_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, f"La remarque d'audit n° {note.pk} est notée : le responsable qualité l'examinera."
            )
            return _to_note(request, note)
    return render(request, "improvement/note_form.html", {**NAV, "form": form})


@org_view()
def note_detail(request: OrgRequest, note_id: int) -> HttpResponse:
    note = get_for_org(AuditNote.objects.select_related(*RELATED), request, pk=note_id)
    may_decide = can(request.membership, Capability.MANAGE_QUALITY) and note.status == AuditNoteStatus.PENDING
    context = {**NAV, "page": note_page(note), "note": note, "may_decide": may_decide}
    return render(request, "improvement/note_detail.html", context)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def note_accept(request: OrgRequest, note_id: int) -> HttpResponseBase:
    """Accepting opens the action, then its edit page: its owner makes it precise."""
    note = get_for_org(AuditNote.objects.select_related("commitment", "organisation"), request, pk=note_id)
    if request.method != "POST":  # after the lookup: another town's note is a 404 whatever the method
        return HttpResponseNotAllowed(["POST"])
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Décision incomplète : rechargez la page et recommencez.")
        return _to_note(request, note)
    try:
        action = audit_notes.accept_audit_note(
            note=note, actor=acting_user(request), seen_version=form.cleaned_data["version"], today=timezone.localdate()
        )
    except (ConcurrentEditError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return _to_note(request, note)
    messages.success(
        request, f"Remarque acceptée : l'action {action.number} est ouverte, précisez-la puis enregistrez."
    )
    return redirect("improvement:action_edit", org_slug=request.org.slug, action_id=action.pk)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def note_decline(request: OrgRequest, note_id: int) -> HttpResponseBase:
    note = get_for_org(AuditNote.objects.select_related(*RELATED), request, pk=note_id)
    form = DeclineForm(request.POST or None, initial={"version": note.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            audit_notes.decline_audit_note(
                note=note,
                actor=acting_user(request),
                seen_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"La remarque d'audit n° {note.pk} est écartée.")
            return _to_note(request, note)
    return render(request, "improvement/note_decline.html", {**NAV, "form": form, "note": note}, status=status)
