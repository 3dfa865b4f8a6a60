"""Pages of the training records: the roster, each agent's record and certificate list, the
sessions and briefings, the newcomers against the briefing deadline, the deadline setting.
Every member reads them (agents' names are staff data, never shown on public pages); the
quality manager and the administrator write. Thin: fetch through get_for_org, call a query or
an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.audit import history_of
from core.web import acting_user, export_format, page_of, show_refusal, unknown_export_format
from documents.exports import export_response
from training import actions
from training.certificates import certificates_filename, certificates_pdf
from training.forms import AgentForm, DepartureForm, RosterFilterForm, SessionFilterForm, SessionForm, SettingsForm
from training.models import Agent, TrainingSession, TrainingSettings
from training.queries import (
    EXPORT_HEADERS,
    export_rows,
    first_briefings,
    newcomers,
    roster,
    sessions,
    sessions_attended,
)

NAV = {"nav_section": "training"}
PAGE_SIZE = 25
WRITE = {"read": Capability.MANAGE_QUALITY, "write": Capability.MANAGE_QUALITY}


def _roster_filters(request: OrgRequest) -> tuple[RosterFilterForm, dict[str, str]]:
    form = RosterFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    return form, {"search": values.get("q") or "", "state": values.get("etat") or "en-poste"}


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    form, filters = _roster_filters(request)
    agents = roster(request.org, today=timezone.localdate(), **filters)
    context = {**NAV, "filters": form, "page": page_of(request, agents, per_page=PAGE_SIZE)}
    return render(request, "training/roster.html", context)


@org_view()
def roster_export(request: OrgRequest) -> HttpResponseBase:
    file_format = export_format(request)
    if file_format is None:
        return unknown_export_format()
    today = timezone.localdate()
    _form, filters = _roster_filters(request)
    rows = export_rows(roster(request.org, today=today, **filters))
    return export_response(EXPORT_HEADERS, rows, file_format, f"agents-formations-{today:%Y-%m-%d}")


def _to_agent(request: OrgRequest, agent: Agent) -> HttpResponseBase:
    return redirect("training:agent", org_slug=request.org.slug, agent_id=agent.pk)


@org_view(**WRITE)
def agent_create(request: OrgRequest) -> HttpResponseBase:
    initial = {"arrived_on": timezone.localdate(), "front_line": True}
    form = AgentForm(request.POST or None, initial=initial, organisation=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            agent = actions.add_agent(
                organisation=request.org, actor=acting_user(request), today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{agent} est ajouté à la liste des agents.")
            return _to_agent(request, agent)
    return render(request, "training/agent_form.html", {**NAV, "form": form, "agent": None})


@org_view()
def agent_detail(request: OrgRequest, agent_id: int) -> HttpResponse:
    agent = get_for_org(Agent.objects.select_related("service", "user"), request, pk=agent_id)
    today = timezone.localdate()
    settings = TrainingSettings.for_org(request.org)
    attended = sessions_attended(agent)
    context = {
        **NAV,
        "agent": agent,
        "attended": attended,
        "deadline": agent.briefing_deadline(settings.briefing_days),
        "first_briefing": first_briefings(request.org, [agent.pk]).get(agent.pk),
        "history": history_of(agent).order_by("-at")[:20],
        "today": today,
    }
    return render(request, "training/agent_detail.html", context)


@org_view(**WRITE)
def agent_edit(request: OrgRequest, agent_id: int) -> HttpResponseBase:
    agent = get_for_org(Agent, request, pk=agent_id)
    form = AgentForm(request.POST or None, initial=AgentForm.initial_for(agent), organisation=request.org)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_agent(
                agent=agent, actor=acting_user(request), today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"La fiche de {agent} est enregistrée.")
            return _to_agent(request, agent)
    return render(request, "training/agent_form.html", {**NAV, "form": form, "agent": agent})


@org_view(**WRITE)
def agent_depart(request: OrgRequest, agent_id: int) -> HttpResponseBase:
    agent = get_for_org(Agent, request, pk=agent_id)
    form = DepartureForm(request.POST or None, initial={"departed_on": agent.departed_on or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.mark_departed(
                agent=agent, actor=acting_user(request), today=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Le départ de {agent} est enregistré.")
            return _to_agent(request, agent)
    return render(request, "training/agent_depart.html", {**NAV, "form": form, "agent": agent})


@org_view()
def agent_certificates(request: OrgRequest, agent_id: int) -> HttpResponse:
    agent = get_for_org(Agent.objects.select_related("service"), request, pk=agent_id)
    response = HttpResponse(certificates_pdf(agent, sessions_attended(agent)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificates_filename(agent)}"'
    return response


@org_view()
def session_list(request: OrgRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    found = sessions(request.org, kind=values.get("nature") or "", year=values.get("annee"))
    context = {**NAV, "filters": form, "page": page_of(request, found, per_page=PAGE_SIZE)}
    return render(request, "training/session_list.html", context)


def _to_session(request: OrgRequest, session: TrainingSession) -> HttpResponseBase:
    return redirect("training:session", org_slug=request.org.slug, session_id=session.pk)


@org_view(**WRITE)
def session_create(request: OrgRequest) -> HttpResponseBase:
    today = timezone.localdate()
    kind = request.GET.get("nature", "")
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        initial={"held_on": today, "kind": kind} if kind else {"held_on": today},
        organisation=request.org,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.record_session(
                organisation=request.org, actor=acting_user(request), today=today, **form.changes()
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "La session est enregistrée.")
            return _to_session(request, session)
    return render(request, "training/session_form.html", {**NAV, "form": form, "session": None})


@org_view()
def session_detail(request: OrgRequest, session_id: int) -> HttpResponse:
    session = get_for_org(TrainingSession, request, pk=session_id)
    attendees = session.attendees.select_related("service").order_by("full_name", "pk")
    context = {**NAV, "session": session, "attendees": attendees, "history": history_of(session).order_by("-at")[:20]}
    return render(request, "training/session_detail.html", context)


@org_view(**WRITE)
def session_edit(request: OrgRequest, session_id: int) -> HttpResponseBase:
    session = get_for_org(TrainingSession, request, pk=session_id)
    today = timezone.localdate()
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        initial=SessionForm.initial_for(session),
        organisation=request.org,
        today=today,
        session=session,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_session(session=session, actor=acting_user(request), today=today, **form.changes())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "La session est enregistrée.")
            return _to_session(request, session)
    return render(request, "training/session_form.html", {**NAV, "form": form, "session": session})


@org_view(**WRITE)
def session_delete(request: OrgRequest, session_id: int) -> HttpResponseBase:
    session = get_for_org(TrainingSession, request, pk=session_id)
    if request.method == "POST":
        actions.delete_session(session=session, actor=acting_user(request), today=timezone.localdate())
        messages.success(request, "La session est supprimée ; le journal garde ce qu'elle contenait.")
        return redirect("training:sessions", org_slug=request.org.slug)
    return render(request, "training/session_delete.html", {**NAV, "session": session})


@org_view()
def attendance_sheet(request: OrgRequest, session_id: int) -> FileResponse:
    session = get_for_org(TrainingSession, request, pk=session_id)
    if not session.attendance_sheet:
        raise Http404("Aucune feuille d'émargement.")
    name = session.attendance_sheet_name or "emargement"
    return FileResponse(session.attendance_sheet.open("rb"), as_attachment=True, filename=name)


@org_view()
def newcomer_list(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        **NAV,
        "newcomers": newcomers(request.org, today=today),
        "settings": TrainingSettings.for_org(request.org),
        "today": today,
    }
    return render(request, "training/newcomers.html", context)


@org_view(**WRITE)
def settings(request: OrgRequest) -> HttpResponseBase:
    form = SettingsForm(request.POST or None, instance=TrainingSettings.for_org(request.org))
    if request.method == "POST" and form.is_valid():
        actions.update_settings(
            organisation=request.org,
            actor=acting_user(request),
            briefing_days=form.cleaned_data["briefing_days"],
            today=timezone.localdate(),
        )
        messages.success(request, "Le délai de sensibilisation des nouveaux agents est enregistré.")
        return redirect("training:newcomers", org_slug=request.org.slug)
    return render(request, "training/settings.html", {**NAV, "form": form})
