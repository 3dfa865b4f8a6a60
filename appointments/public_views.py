"""The town's public booking pages, at /p/<slug>/rendez-vous/: choose a kind of appointment,
a free slot, give a name and an e-mail address, and book with no account; then cancel or move
it through the link of the confirmation e-mail (a token for this appointment only, kept
hashed, valid until the slot begins).

Django's CSRF protection applies; bookings and changes are rate-limited per connection (its
address hashed, never stored), confirmations per e-mail address; a honeypot field catches
robots. Opening a page writes nothing. No page shows the citizen's name or contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from appointments import actions, emails
from appointments.models import Appointment, AppointmentKind, AppointmentStatus, Channel
from appointments.public_forms import BookingForm, SlotForm
from appointments.public_slots import parse_day, week_of_slots
from core.access import public_view, use_town_time
from core.models import Organisation
from core.ratelimit import allow, client_key, email_key
from core.web import keep_receipt, read_receipt, show_refusal

BOOK_LIMIT = 10  # bookings per connection and hour
MANAGE_LIMIT = 20  # cancellations and moves per connection and hour
EMAIL_LIMIT = 5  # confirmations e-mailed to one address per hour
WINDOW = dt.timedelta(hours=1)
TOO_MANY, REFUSED, GONE = 429, 400, 404
# The confirmation page reads what was booked from a signed cookie: no session row is left.
BOOKED_COOKIE = "rendez_vous_pris"
BOOKED_SALT = "appointments.booked"


def _town(org_slug: str) -> Organisation:
    town = get_object_or_404(Organisation, slug=org_slug)
    use_town_time(town)
    return town


def _bookable(organisation: Organisation) -> QuerySet[AppointmentKind]:
    return (
        AppointmentKind.objects.for_org(organisation)
        .filter(is_active=True, bookable_online=True, hours__isnull=False)
        .distinct()
        .select_related("service__site")
        .order_by("position", "label", "pk")
    )


def _limited(request: HttpRequest, organisation: Organisation, message: str) -> HttpResponse:
    return render(
        request, "appointments/public/limited.html", {"org": organisation, "message": message}, status=TOO_MANY
    )


def _may_use(request: HttpRequest, organisation: Organisation, scope: str, limit: int) -> bool:
    return allow(client_key(request, scope, organisation=organisation), limit=limit, window=WINDOW)


def _may_email(email: str) -> bool:
    """A few confirmations per address and hour: the form cannot flood someone's mailbox."""
    return allow(email_key("rendez-vous-courriel", email), limit=EMAIL_LIMIT, window=WINDOW)


def _week_context(
    request: HttpRequest, kind: AppointmentKind, now: dt.datetime, leave_out: dt.datetime | None = None
) -> dict[str, object]:
    week = week_of_slots(kind, now=now, start=parse_day(request.GET.get("debut")), leave_out=leave_out)
    return {"week": week, "retention_years": kind.organisation.retention_years}


@public_view
def kinds(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = _town(org_slug)
    return render(request, "appointments/public/kinds.html", {"org": organisation, "kinds": _bookable(organisation)})


@public_view
def book(request: HttpRequest, org_slug: str, kind_id: int) -> HttpResponseBase:
    organisation = _town(org_slug)
    kind = get_object_or_404(_bookable(organisation), pk=kind_id)
    now = timezone.now()
    form = BookingForm(request.POST or None)
    if request.method == "POST" and (form.is_robot or form.is_valid()):
        if not _may_use(request, organisation, "rendez-vous", BOOK_LIMIT):
            return _limited(
                request,
                organisation,
                "Trop de réservations depuis votre connexion : réessayez dans une heure, ou appelez la mairie.",
            )
        if form.is_robot:
            return redirect("appointments_public:booked", org_slug=organisation.slug)
        try:
            return _book(request, kind, form, now)
        except ValidationError as error:
            show_refusal(form, error)
    context = {"org": organisation, "kind": kind, "form": form, **_week_context(request, kind, now)}
    return render(request, "appointments/public/book.html", context, status=REFUSED if form.is_bound else 200)


def _book(request: HttpRequest, kind: AppointmentKind, form: BookingForm, now: dt.datetime) -> HttpResponseRedirect:
    data = form.cleaned_data
    citizen = actions.Citizen(data["citizen_name"], data["citizen_email"], data["citizen_phone"])
    appointment, token = actions.book(
        kind=kind, starts_at=data["creneau"], citizen=citizen, channel=Channel.ONLINE, actor=None, now=now
    )
    manage_path = emails.manage_path(appointment, token)
    emailed = _may_email(appointment.citizen_email)
    if emailed:
        manage_url = emails.absolute_url(manage_path, request)
        emails.send_on_commit([emails.confirmation(appointment, manage_url=manage_url, now=now)])
    return _booked_redirect(appointment, manage_path, emailed)


def _booked_redirect(appointment: Appointment, manage_path: str, emailed: bool) -> HttpResponseRedirect:
    organisation = appointment.organisation
    response = redirect("appointments_public:booked", org_slug=organisation.slug)
    values = {"number": appointment.number, "manage": manage_path, "emailed": emailed}
    return keep_receipt(response, name=BOOKED_COOKIE, salt=BOOKED_SALT, organisation=organisation, values=values)


@public_view
def booked(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = _town(org_slug)
    last = read_receipt(request, name=BOOKED_COOKIE, salt=BOOKED_SALT, organisation=organisation)
    appointment = (
        Appointment.objects.for_org(organisation)
        .select_related("kind", "service", "site")
        .filter(number=last.get("number"))
        .first()
        if last
        else None
    )
    context = {
        "org": organisation,
        "appointment": appointment,
        "manage_path": last.get("manage", ""),
        "emailed": last.get("emailed"),
    }
    return render(request, "appointments/public/booked.html", context)


def _by_link(organisation: Organisation, number: str, token: str, now: dt.datetime) -> Appointment | None:
    """The appointment the link names while its slot has not begun; None when the number or
    the token is wrong or the link has expired (the citizen is told the same in each case)."""
    appointment = (
        Appointment.objects.for_org(organisation)
        .select_related("organisation", "kind", "service", "site")
        .filter(number=number)
        .first()
    )
    if (
        appointment is None
        or not appointment.manage_token_hash
        or not constant_time_compare(appointment.manage_token_hash, actions.token_hash(token))
        or now >= appointment.scheduled_at
    ):
        return None
    return appointment


LinkView = Callable[[HttpRequest, Appointment, str, dt.datetime], HttpResponseBase]


def link_view(view: LinkView) -> Callable[..., HttpResponseBase]:
    """A page of the citizen's link: called with the appointment it names, while valid; else
    the French page « Ce lien n'est pas valable » (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, org_slug: str, number: str, token: str) -> HttpResponseBase:
        organisation = _town(org_slug)
        now = timezone.now()
        appointment = _by_link(organisation, number, token, now)
        if appointment is None:
            return render(request, "appointments/public/link_gone.html", {"org": organisation}, status=GONE)
        return view(request, appointment, token, now)

    return public_view(wrapper)


def _manage_page(
    request: HttpRequest,
    appointment: Appointment,
    token: str,
    now: dt.datetime,
    form: SlotForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = appointment.kind
    context = {
        "org": appointment.organisation,
        "appointment": appointment,
        "token": token,
        "form": form or SlotForm(),
        "may_change": appointment.status == AppointmentStatus.BOOKED and kind is not None,
        "done": request.GET.get("fait", ""),
    }
    if context["may_change"] and kind is not None:
        context |= _week_context(request, kind, now, leave_out=appointment.scheduled_at)
    return render(request, "appointments/public/manage.html", context, status=status)


def _back_to_manage(appointment: Appointment, token: str, done: str) -> HttpResponseRedirect:
    return redirect(f"{emails.manage_path(appointment, token)}?fait={done}")


def _too_many_changes(request: HttpRequest, organisation: Organisation) -> HttpResponse | None:
    if _may_use(request, organisation, "rendez-vous-gestion", MANAGE_LIMIT):
        return None
    return _limited(
        request,
        organisation,
        "Trop de changements depuis votre connexion : réessayez dans une heure, ou appelez la mairie.",
    )


@link_view
def manage(request: HttpRequest, appointment: Appointment, token: str, now: dt.datetime) -> HttpResponseBase:
    return _manage_page(request, appointment, token, now)


@link_view
def cancel(request: HttpRequest, appointment: Appointment, token: str, now: dt.datetime) -> HttpResponseBase:
    organisation = appointment.organisation
    if request.method != "POST":
        context = {"org": organisation, "appointment": appointment, "token": token}
        return render(request, "appointments/public/cancel.html", context)
    if limited := _too_many_changes(request, organisation):
        return limited
    try:
        cancelled = actions.cancel(appointment=appointment, actor=None, now=now)
    except ValidationError:  # no longer booked: the page says what it is
        return _back_to_manage(appointment, token, "")
    if cancelled.citizen_email:
        emails.send_on_commit([emails.cancellation(cancelled, now=now)])
    return _back_to_manage(appointment, token, "annule")


@link_view
def move(request: HttpRequest, appointment: Appointment, token: str, now: dt.datetime) -> HttpResponseBase:
    if request.method != "POST":
        return _back_to_manage(appointment, token, "")
    form = SlotForm(request.POST)
    if form.is_valid():
        if limited := _too_many_changes(request, appointment.organisation):
            return limited
        try:
            moved = actions.move(appointment=appointment, starts_at=form.cleaned_data["creneau"], actor=None, now=now)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if moved.citizen_email and _may_email(moved.citizen_email):
                manage_url = emails.absolute_url(emails.manage_path(moved, token), request)
                emails.send_on_commit([emails.confirmation(moved, manage_url=manage_url, now=now, moved=True)])
            return _back_to_manage(moved, token, "deplace")
    return _manage_page(request, appointment, token, now, form=form, status=REFUSED)
