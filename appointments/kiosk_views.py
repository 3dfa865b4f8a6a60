"""The check-in screen of a paired kiosk tablet, at /borne/<town>/rendez-vous/ (core.kiosk,
ADR 0023): a citizen with an appointment types its number ("RDV-2026-00042" or just "42") and
their arrival is noted, as an agent's "Arrivé" button would (appointments.actions.apply_step,
by nobody: "système" in the journal). Only today's appointments at the tablet's site are found;
the screen never shows a name. Each tablet may try RATE_LIMIT numbers per RATE_WINDOW."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from appointments import actions
from appointments.forms import CheckInForm, parse_number
from appointments.models import Appointment, AppointmentStatus
from core import kiosk
from core.access import KioskRequest, kiosk_view
from core.localtime import local_stamp
from core.ratelimit import allow

SCREEN = "rendez-vous"
RATE_LIMIT = 30
RATE_WINDOW = dt.timedelta(minutes=10)
NOT_FOUND = (
    "Nous ne trouvons pas de rendez-vous aujourd'hui ici avec ce numéro. Vérifiez le numéro sur "
    "votre confirmation (par exemple RDV-2026-00042, ou seulement 42) ou adressez-vous à l'accueil."
)
NOT_A_NUMBER = "Tapez le numéro de votre rendez-vous, par exemple 42 pour RDV-2026-00042."
TOO_MANY = "Trop d'essais sur cette borne : patientez quelques minutes ou adressez-vous à l'accueil."
ALREADY_HERE = "Votre arrivée est déjà enregistrée, vous serez appelé(e)."
SEE_RECEPTION = "Ce rendez-vous ne peut plus être noté à la borne : adressez-vous à l'accueil."


def _screen_url(request: KioskRequest) -> str:
    return reverse("appointments_kiosk:check_in", args=[request.org.slug])


def _todays_appointment(request: KioskRequest, number: str, today: dt.date) -> Appointment | None:
    """Today's appointment of that number at the tablet's site."""
    return (
        Appointment.objects.for_org(request.org)
        .filter(site=request.kiosk.site, local_date=today, number=number)
        .select_related("organisation")
        .first()
    )


def _check_in(request: KioskRequest, form: CheckInForm, now: dt.datetime) -> Appointment | str:
    """The appointment checked in, or why not (in French)."""
    if not allow(f"rendez-vous-borne:{request.kiosk.pk}", limit=RATE_LIMIT, window=RATE_WINDOW, now=now):
        return TOO_MANY
    today = local_stamp(now, request.org.time_zone).local_date
    number = parse_number(form.cleaned_data["numero"], today.year)
    if number is None:
        return NOT_A_NUMBER
    appointment = _todays_appointment(request, number, today)
    if appointment is None or appointment.status == AppointmentStatus.CANCELLED:
        return NOT_FOUND
    if appointment.status == AppointmentStatus.ARRIVED:
        return ALREADY_HERE
    try:
        actions.apply_step(appointment=appointment, step="check_in", actor=None, now=now)
    except ValidationError:
        return SEE_RECEPTION
    kiosk.note_use(request.kiosk, today)
    return appointment


def _checked_in(request: KioskRequest) -> Appointment | None:
    """The appointment just checked in on this tablet (named in the query string): today's,
    at its site, arrived."""
    pk = request.GET.get("arrivee", "")
    if not pk.isdigit():
        return None
    today = request.org.today()
    found = Appointment.objects.for_org(request.org).filter(pk=pk, site=request.kiosk.site, local_date=today)
    return found.filter(status=AppointmentStatus.ARRIVED).first()


@kiosk_view(screen=SCREEN)
def check_in(request: KioskRequest) -> HttpResponseBase:
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = _check_in(request, form, timezone.now())
        if isinstance(outcome, Appointment):
            return redirect(f"{_screen_url(request)}?arrivee={outcome.pk}")
        form.add_error("numero", outcome)
    if request.method == "POST":
        status = 400
    arrived = None if request.method == "POST" else _checked_in(request)
    context: dict[str, Any] = {
        "form": form,
        "arrived": arrived,
        "others": kiosk.linked_screens(request.kiosk, besides=SCREEN),
    }
    return render(
        request,
        "appointments/kiosk.html",
        context | kiosk.screen_context(request.org, done=bool(arrived)),
        status=status,
    )


def register() -> None:
    from core.registries import KIOSK_SCREENS, KioskScreen

    screen = KioskScreen(label="J'ai un rendez-vous", url_name="appointments_kiosk:check_in", position=4, linked=True)
    KIOSK_SCREENS.register(SCREEN, screen)
