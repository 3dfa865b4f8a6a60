"""Counter pages. Thin: read a form, call a query or an action, render or redirect.

Every button is an HTML form (POST with CSRF) that works without JavaScript; htmx only
refreshes the queue counters on the desk page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.audit import history_of
from core.localtime import local_stamp
from core.web import acting_user, page_of, show_refusal
from reception import actions
from reception.forms import (
    CounterForm,
    DeskForm,
    DeskIssueForm,
    ReasonForm,
    RedirectForm,
    ScopeForm,
    TicketFilterForm,
    VisitEditForm,
    VisitFilterForm,
    VisitLogForm,
)
from reception.models import MOVES, QueueTicket, Visit, VisitReason
from reception.queries import (
    TicketView,
    active_reasons,
    current_ticket,
    figures_page,
    queue_state,
    ticket_list,
    todays_visits,
    visit_list,
    waiting_tickets,
)

NAV = {"nav_section": "reception"}
PAGE_SIZE = 50


def _back(request: OrgRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the `next` field when it is a path of this site, else to `fallback`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = fallback
    return HttpResponseRedirect(target)


def _url(request: OrgRequest, name: str, *args: Any) -> str:
    return reverse(f"reception:{name}", args=[request.org.slug, *args])


# Figures and lists


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    form = ScopeForm(request.GET, organisation=request.org, today=timezone.localdate())
    page = figures_page(organisation=request.org, threshold=form.threshold, **form.scope())
    context = {"form": form, "page": page, "views": TicketView}
    context |= {"base_query": form.query(), "visit_query": form.query(threshold=False)}
    return render(request, "reception/home.html", {**NAV, **context})


@org_view()
def tickets(request: OrgRequest) -> HttpResponse:
    form = TicketFilterForm(request.GET, organisation=request.org, today=timezone.localdate())
    found = ticket_list(organisation=request.org, **form.filters())
    page = page_of(request, found, per_page=PAGE_SIZE)
    return render(request, "reception/ticket_list.html", {**NAV, "form": form, "page": page})


@org_view()
def ticket_detail(request: OrgRequest, ticket_id: int) -> HttpResponse:
    ticket = get_for_org(
        QueueTicket.objects.select_related("site", "service", "reason", "redirected_to"), request, pk=ticket_id
    )
    context = {**NAV, "ticket": ticket, "history": history_of(ticket), "transitions": _allowed(ticket)}
    return render(request, "reception/ticket_detail.html", {**context, "redirect_form": _redirect_form(request)})


@org_view()
def visits(request: OrgRequest) -> HttpResponse:
    form = VisitFilterForm(request.GET, organisation=request.org, today=timezone.localdate())
    page = page_of(request, visit_list(organisation=request.org, **form.filters()), per_page=PAGE_SIZE)
    return render(request, "reception/visit_list.html", {**NAV, "form": form, "page": page})


# Desk (the kiosk's ticket screen is in kiosk_views: a paired tablet, no agent)


def _desk_context(request: OrgRequest) -> dict[str, Any]:
    desk = DeskForm(request.GET, organisation=request.org)
    site, service = desk.queue()
    now = timezone.now()
    context: dict[str, Any] = {**NAV, "desk": desk, "site": site, "service": service, "now": now}
    context["counter"] = desk.counter()
    if site is not None:
        today = local_stamp(now, request.org.time_zone).local_date
        queue = waiting_tickets(request.org, site, service, today).select_related("reason", "service")[:100]
        current = current_ticket(request.org, site, acting_user(request), today)
        context["state"] = queue_state(request.org, site, service, now)
        context["queue"] = [(ticket, ticket.waiting_seconds(now) // 60) for ticket in queue]
        context |= {"current": current, "moves": _allowed(current) if current else []}
    return context


def _desk_url(request: OrgRequest) -> str:
    return f"{_url(request, 'desk')}?{request.GET.urlencode()}" if request.GET else _url(request, "desk")


def _desk_page(request: OrgRequest) -> HttpResponse:
    context = _desk_context(request)
    context.update(redirect_form=_redirect_form(request), desk_url=_desk_url(request), transitions=MOVES)
    context["issue_form"] = DeskIssueForm(organisation=request.org)
    return render(request, "reception/desk.html", context)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def desk(request: OrgRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = DeskForm(request.POST, organisation=request.org)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return _back(request, _url(request, "desk"))
        site, service = form.cleaned_data["site"], form.cleaned_data["service"]
        try:
            ticket = actions.call_next(
                organisation=request.org,
                site=site,
                service=service,
                now=timezone.now(),
                actor=acting_user(request),
                counter=form.counter(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Ticket {ticket.number} appelé{_at_counter(ticket.counter)}.")
        return _back(request, _url(request, "desk"))
    return _desk_page(request)


def _errors(form: Form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _at_counter(counter: str) -> str:
    return f" au guichet {counter}" if counter else ""


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def desk_issue(request: OrgRequest) -> HttpResponseBase:
    """POST: a ticket issued by the agent (a priority one, for someone who cannot use the
    kiosk), then back to the desk. GET shows the desk."""
    if request.method != "POST":
        return _desk_page(request)
    form = DeskIssueForm(request.POST, organisation=request.org)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return _back(request, _url(request, "desk"))
    ticket = actions.issue_ticket(
        organisation=request.org,
        site=form.cleaned_data["site"],
        reason=form.cleaned_data["reason"],
        priority=form.cleaned_data["priority"],
        now=timezone.now(),
        actor=acting_user(request),
    )
    kind = "prioritaire " if ticket.is_priority else ""
    messages.success(request, f"Ticket {kind}{ticket.number} émis : donnez ce numéro à la personne.")
    return _back(request, _url(request, "desk"))


@org_view(read=Capability.CAPTURE)
def desk_status(request: OrgRequest) -> HttpResponse:
    """The waiting count and the longest wait, polled by htmx every few seconds. Without htmx
    (a bookmark, a browser without JavaScript) it shows the whole desk page."""
    if not getattr(request, "htmx", False):
        return _desk_page(request)
    return render(request, "reception/includes/queue_state.html", _desk_context(request))


# Ticket transitions


def _allowed(ticket: QueueTicket) -> list[Any]:
    return [move for move in MOVES.values() if ticket.allows(move.name)]


def _redirect_form(request: OrgRequest) -> RedirectForm:
    return RedirectForm(organisation=request.org)


def _move_ticket(request: OrgRequest, ticket: QueueTicket, transition: str, form: RedirectForm) -> None:
    """Apply the move and say in a message what happened or why it was refused."""
    redirected_to = None
    if transition == "redirect":
        if not form.is_valid():
            messages.error(request, " ".join(str(message) for message in form.errors["redirected_to"]))
            return
        redirected_to = form.cleaned_data["redirected_to"]
    try:
        moved = actions.apply_transition(
            ticket=ticket,
            transition=transition,
            now=timezone.now(),
            actor=acting_user(request),
            redirected_to=redirected_to,
            counter=CounterForm(request.POST).counter(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Ticket {moved.number} : {moved.get_status_display()}.")


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def ticket_transition(request: OrgRequest, ticket_id: int, transition: str) -> HttpResponseBase:
    """GET: a page that confirms the move; POST: the move, then back to where the agent was."""
    ticket = get_for_org(QueueTicket.objects.select_related("site", "service", "reason"), request, pk=ticket_id)
    form = RedirectForm(request.POST or None, organisation=request.org)
    if request.method == "POST":
        _move_ticket(request, ticket, transition, form)
        return _back(request, _url(request, "ticket_detail", ticket.pk))
    move = MOVES[transition]
    context = {**NAV, "ticket": ticket, "move": move, "allowed": ticket.allows(transition), "redirect_form": form}
    return render(request, "reception/ticket_transition.html", context)


# Visits without tickets


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def visit_log(request: OrgRequest) -> HttpResponseBase:
    desk = DeskForm(request.GET, organisation=request.org)
    site, _ = desk.queue()
    if request.method == "POST":
        form = VisitLogForm(request.POST, organisation=request.org)
        if form.is_valid():
            visit = actions.log_visit(
                organisation=request.org, now=timezone.now(), actor=acting_user(request), **form.cleaned_data
            )
            where = f" → {visit.oriented_to.name}" if visit.oriented_to else ""
            messages.success(request, f"Visite enregistrée : {visit.reason}{where}.")
            return redirect(f"{_url(request, 'visit_log')}?site={visit.site_id}")
    else:
        form = VisitLogForm(organisation=request.org, initial={"site": site.pk if site else None})
    listed = todays_visits(request.org, site, timezone.localdate()) if site else Visit.objects.none()
    context = {**NAV, "form": form, "desk": desk, "site": site, "today_visits": listed}
    return render(request, "reception/visit_log.html", {**context, "reasons": active_reasons(request.org)})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def visit_edit(request: OrgRequest, visit_id: int) -> HttpResponseBase:
    visit = get_for_org(Visit.objects.select_related("site", "reason", "oriented_to"), request, pk=visit_id)
    local = timezone.localtime(visit.at)
    initial = {"site": visit.site_id, "reason": visit.reason_id, "oriented_to": visit.oriented_to_id}
    form = VisitEditForm(
        request.POST or None, organisation=request.org, initial={**initial, "day": local.date(), "time": local.time()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_visit(visit=visit, actor=acting_user(request), **form.changes())
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "La visite a été corrigée.")
            return redirect(f"{_url(request, 'visit_log')}?site={visit.site_id}")
    return render(request, "reception/visit_form.html", {**NAV, "form": form, "visit": visit})


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def visit_delete(request: OrgRequest, visit_id: int) -> HttpResponseBase:
    visit = get_for_org(Visit.objects.select_related("site", "reason", "oriented_to"), request, pk=visit_id)
    if request.method == "POST":
        site_id = visit.site_id
        actions.delete_visit(visit=visit, actor=acting_user(request))
        messages.success(request, "La visite a été supprimée.")
        return redirect(f"{_url(request, 'visit_log')}?site={site_id}")
    return render(request, "reception/visit_confirm_delete.html", {**NAV, "visit": visit})


# Visit reasons


@org_view(read=Capability.MANAGE_QUALITY)
def reasons(request: OrgRequest) -> HttpResponse:
    listed = VisitReason.objects.for_org(request.org).select_related("service__site")
    return render(request, "reception/reasons.html", {**NAV, "reasons": listed})


def _reason_form_page(request: OrgRequest, reason: VisitReason | None) -> HttpResponseBase:
    initial = ReasonForm.initial_for(reason) if reason else None
    form = ReasonForm(request.POST or None, organisation=request.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if reason is None:
                saved = actions.create_reason(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
            else:
                saved = actions.update_reason(reason=reason, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Le motif « {saved.label} » est enregistré.")
            return redirect("reception:reasons", org_slug=request.org.slug)
    return render(request, "reception/reason_form.html", {**NAV, "form": form, "reason": reason})


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def reason_add(request: OrgRequest) -> HttpResponseBase:
    return _reason_form_page(request, None)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def reason_edit(request: OrgRequest, reason_id: int) -> HttpResponseBase:
    return _reason_form_page(request, get_for_org(VisitReason, request, pk=reason_id))


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def reason_toggle(request: OrgRequest, reason_id: int) -> HttpResponseBase:
    """GET: confirm; POST: stop or resume offering the reason (its history is kept)."""
    reason = get_for_org(VisitReason, request, pk=reason_id)
    if request.method == "POST":
        actions.set_reason_active(reason=reason, actor=acting_user(request), active=not reason.is_active)
        state = "est de nouveau proposé" if reason.is_active else "n'est plus proposé"
        messages.success(request, f"Le motif « {reason.label} » {state}.")
        return redirect("reception:reasons", org_slug=request.org.slug)
    return render(request, "reception/reason_toggle.html", {**NAV, "reason": reason})
