"""Pages of the appointments for the town's members: the day's list with the counter's buttons,
an appointment's page and history, booking, moving and cancelling by an agent, and the list
behind indicator 9.1. Citizens' names and contacts are shown only to those who handle them
(Capability.PERSONAL_DATA), never to readers or auditors; buttons only to those who capture.

Thin: read a form, call appointments.actions, say what happened in French, redirect."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from appointments import actions
from appointments.desk import (
    COUNTER_STEPS,
    STEP_DONE,
    VERDICT_LABELS,
    day_appointments,
    day_rows,
    history,
    status_counts,
    verdicts,
)
from appointments.forms import BookingForm, DayForm, KindDayForm, MoveDayForm, SlotForm
from appointments.metrics import TOLERANCE, punctuality
from appointments.models import Appointment, AppointmentKind
from appointments.queries import appointments_of
from appointments.slots import FreeSlot, free_slots
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.metrics import MetricQuery
from core.periods import Period
from core.web import acting_user, page_of, show_refusal

NAV = {"nav_section": "appointments"}
PAGE_SIZE = 50
NEXT_FREE_DAYS = 30  # how far the booking page looks for the next free slot of a full day


def _url(request: OrgRequest, name: str, *args: Any) -> str:
    return reverse(f"appointments:{name}", args=[request.org.slug, *args])


def _shows_citizen(request: OrgRequest) -> bool:
    return can(request.membership, Capability.PERSONAL_DATA)


def _appointment(request: OrgRequest, appointment_id: int) -> Appointment:
    return get_for_org(Appointment.objects.select_related("kind", "service", "site"), request, pk=appointment_id)


# The day's list


def _day_url(request: OrgRequest, form: DayForm, day: dt.date) -> str:
    return f"{_url(request, 'home')}?{urlencode(form.query() | {'jour': day.isoformat()})}"


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    """The appointments of a day (today by default) at a site or service, with their buttons."""
    form = DayForm(request.GET, organisation=request.org, today=timezone.localdate())
    now = timezone.now()
    rows = day_rows(day_appointments(request.org, form.day, site=form.chosen_site, service=form.chosen_service), now)
    context = {
        **NAV,
        "form": form,
        "day": form.day,
        "rows": rows,
        "counts": status_counts(rows),
        "now": now,
        "shows_citizen": _shows_citizen(request),
        "day_query": form.query(),
        "previous_day": _day_url(request, form, form.day - dt.timedelta(days=1)),
        "next_day": _day_url(request, form, form.day + dt.timedelta(days=1)),
    }
    if getattr(request, "htmx", False):  # the list polled every 30 s (arrivals from the kiosk)
        return render(request, "appointments/includes/day_list.html", context)
    return render(request, "appointments/home.html", context)


def _list_back(request: OrgRequest) -> str:
    """Back to the day's list the buttons were pressed on (its day, site and service)."""
    form = DayForm(request.POST, organisation=request.org, today=timezone.localdate())
    return f"{_url(request, 'home')}?{urlencode(form.query())}"


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def step(request: OrgRequest, appointment_id: int) -> HttpResponseBase:
    """Arrival, start, end or no-show, from a button of the day's list or of the appointment's page."""
    appointment = _appointment(request, appointment_id)  # another town's: 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = request.POST.get("step", "")
    if name not in COUNTER_STEPS:
        messages.error(request, "Étape inconnue : choisissez un bouton de la page.")
    else:
        try:
            actions.apply_step(appointment=appointment, step=name, actor=acting_user(request), now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Rendez-vous {appointment.number} : {STEP_DONE[name]}.")
    if request.POST.get("retour") == "jour":
        return redirect(_list_back(request))
    return redirect(_url(request, "detail", appointment.pk))


# One appointment


@org_view()
def detail(request: OrgRequest, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, appointment_id)
    now = timezone.now()
    day = timezone.localtime(appointment.scheduled_at).date()
    context = {
        **NAV,
        "appointment": appointment,
        "row": day_rows([appointment], now)[0],
        "now": now,
        "day_label": f"Rendez-vous du {day:%d/%m/%Y}",
        "day_url": f"{_url(request, 'home')}?{urlencode({'jour': day.isoformat()})}",
        "history": history(appointment),
        "shows_citizen": _shows_citizen(request),
        "may_move": actions.WORKFLOW.allows(appointment, "move_booking") and appointment.kind_id is not None,
        "may_cancel": actions.WORKFLOW.allows(appointment, "cancel_booking"),
    }
    return render(request, "appointments/detail.html", context)


# Booking, moving, cancelling by an agent


def _next_free(kind: AppointmentKind, day: dt.date, now: dt.datetime) -> FreeSlot | None:
    """The first free slot after a full day, within NEXT_FREE_DAYS."""
    later = free_slots(kind, day + dt.timedelta(days=1), day + dt.timedelta(days=NEXT_FREE_DAYS), now=now, public=False)
    return later[0] if later else None


def _slots_context(kind: AppointmentKind, day: dt.date, now: dt.datetime, query: dict[str, Any]) -> dict[str, Any]:
    """The day's free slots; on a full day, the next free one and the page's address on its day."""
    slots = free_slots(kind, day, day, now=now, public=False)
    context = {"kind": kind, "day": day, "slots": slots, "next_free_days": NEXT_FREE_DAYS, "next_free": None}
    if not slots and (found := _next_free(kind, day, now)) is not None:
        next_day = timezone.localtime(found.starts_at).date().isoformat()
        context |= {"next_free": found, "next_url": f"?{urlencode(query | {'jour': next_day})}"}
    return context


def _book(request: OrgRequest, kind: AppointmentKind, form: BookingForm) -> Appointment | None:
    """Book from a valid form; None when the action refuses (its reason shown on the form)."""
    data = form.cleaned_data
    citizen = actions.Citizen(data["citizen_name"], data["citizen_email"], data["citizen_phone"])
    try:
        appointment, _token = actions.book(
            kind=kind,
            starts_at=data["creneau"],
            citizen=citizen,
            channel=data["channel"],
            actor=acting_user(request),
            now=timezone.now(),
        )
    except ValidationError as error:
        show_refusal(form, error)
        return None
    return appointment


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def book(request: OrgRequest) -> HttpResponse:
    """Step one (GET): a kind and a day; step two (POST, same address): a free slot and the citizen."""
    choice = KindDayForm(request.GET, organisation=request.org, today=timezone.localdate())
    context: dict[str, Any] = {**NAV, "choice": choice}
    if not choice.is_valid():
        return render(request, "appointments/book.html", context, status=400 if request.method == "POST" else 200)
    kind, day = choice.cleaned_data["type"], choice.cleaned_data["jour"]
    context |= _slots_context(kind, day, timezone.now(), {"type": kind.pk})
    form = BookingForm(request.POST or None, slots=context["slots"], capacity=context["kind"].capacity)
    if request.method == "POST" and form.is_valid():
        appointment = _book(request, context["kind"], form)
        if appointment is not None:
            when = timezone.localtime(appointment.scheduled_at)
            messages.success(request, f"Rendez-vous {appointment.number} pris le {when:%d/%m/%Y à %H:%M}.")
            return redirect(_url(request, "detail", appointment.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "appointments/book.html", context | {"form": form}, status=status)


def _move(request: OrgRequest, appointment: Appointment, form: SlotForm) -> bool:
    try:
        actions.move(
            appointment=appointment,
            starts_at=form.cleaned_data["creneau"],
            actor=acting_user(request),
            now=timezone.now(),
        )
    except ValidationError as error:
        show_refusal(form, error)
        return False
    return True


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def move(request: OrgRequest, appointment_id: int) -> HttpResponse:
    """A new day (GET), then one of its free slots (POST, same address)."""
    appointment = _appointment(request, appointment_id)
    current_day = timezone.localtime(appointment.scheduled_at).date()
    day_form = MoveDayForm(request.GET or {"jour": current_day.isoformat()})
    context: dict[str, Any] = {**NAV, "appointment": appointment, "day_form": day_form}
    context["may_move"] = actions.WORKFLOW.allows(appointment, "move_booking") and appointment.kind is not None
    if context["may_move"] and day_form.is_valid() and appointment.kind is not None:
        context |= _slots_context(appointment.kind, day_form.cleaned_data["jour"], timezone.now(), {})
        form = SlotForm(request.POST or None, slots=context["slots"], capacity=appointment.kind.capacity)
        if request.method == "POST" and form.is_valid() and _move(request, appointment, form):
            messages.success(request, f"Rendez-vous {appointment.number} déplacé.")
            return redirect(_url(request, "detail", appointment.pk))
        context["form"] = form
    return render(request, "appointments/move.html", context, status=400 if request.method == "POST" else 200)


@org_view(read=Capability.CAPTURE, write=Capability.CAPTURE)
def cancel(request: OrgRequest, appointment_id: int) -> HttpResponseBase:
    """GET: a page that asks to confirm; POST: the cancellation, then the appointment's page."""
    appointment = _appointment(request, appointment_id)
    if request.method == "POST":
        try:
            actions.cancel(appointment=appointment, actor=acting_user(request), now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Rendez-vous {appointment.number} annulé : son créneau est libre.")
        return redirect(_url(request, "detail", appointment.pk))
    context = {**NAV, "appointment": appointment, "may_cancel": actions.WORKFLOW.allows(appointment, "cancel_booking")}
    return render(request, "appointments/cancel.html", context)


# Indicator 9.1's drill-down


def _period(request: OrgRequest) -> Period | None:
    return Period.parse_or_none(request.GET.get("periode", ""))


def _tolerance(request: OrgRequest) -> int:
    """The indicator's tolerance, named by its drill-down link (`tolerance=`), else the default."""
    raw = request.GET.get("tolerance", "")
    value = int(raw) if raw.isdigit() else TOLERANCE.default
    return value if TOLERANCE.refusal(value) is None else TOLERANCE.default


def _punctuality_context(request: OrgRequest, period: Period) -> dict[str, Any]:
    """How indicator 9.1 counted the period: each appointment's verdict, the count of each,
    the rate, and the verdict chosen to list alone (`compte=`)."""
    tolerance = _tolerance(request)
    counted = punctuality(MetricQuery(request.org, period, params={TOLERANCE.name: tolerance}))
    judged = verdicts(counted)
    counts = Counter(judged.values())
    shown = request.GET.get("compte", "")
    return {
        "tolerance": tolerance,
        "verdicts": judged,
        "verdict_counts": [(key, label, counts[key]) for key, label in VERDICT_LABELS.items()],
        "rate": 100 * len(counted.on_time) / len(counted.counted) if counted.counted else None,
        "shown": shown,
        "shown_label": VERDICT_LABELS.get(shown, ""),
    }


def _verdict(key: str | None) -> tuple[str, str] | None:
    return (key, VERDICT_LABELS[key]) if key else None


@org_view()
def appointment_list(request: OrgRequest) -> HttpResponse:
    """Every appointment, or those of a period: what indicator 9.1's drill-down opens, each
    with how the indicator counted it, and the counts of each verdict at the top."""
    period = _period(request)
    found = appointments_of(request.org, period)
    context: dict[str, Any] = {**NAV, "period": period, "shows_citizen": _shows_citizen(request)}
    judged: dict[int, str] = {}
    if period is not None:
        context |= _punctuality_context(request, period)
        judged = context["verdicts"]
        if context["shown_label"]:
            found = found.filter(pk__in=[pk for pk, verdict in judged.items() if verdict == context["shown"]])
    context["page"] = page = page_of(request, found, per_page=PAGE_SIZE)
    context["rows"] = [(a, _verdict(judged.get(a.pk))) for a in page]
    return render(request, "appointments/list.html", context)
