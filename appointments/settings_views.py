"""The configuration pages of the appointments, under /o/<slug>/rendez-vous/parametres/: the
kinds of appointment, their booking hours, the booking rules. Every member reads them (no
personal data here); the quality manager and the administrator change them (appointments.config)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from appointments import config
from appointments.models import AppointmentKind, AppointmentSettings, BookingHours
from appointments.settings_forms import BookingHoursForm, KindForm, RulesForm
from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.models import Weekday
from core.web import acting_user, form_page, show_refusal

NAV = {"nav_section": "appointments"}
READ_WRITE = {"read": Capability.VIEW, "write": Capability.MANAGE_QUALITY}
MANAGE = {"read": Capability.MANAGE_QUALITY, "write": Capability.MANAGE_QUALITY}


def _may_change(request: OrgRequest) -> bool:
    return can(request.membership, Capability.MANAGE_QUALITY)


def _kind_url(kind: AppointmentKind) -> str:
    return reverse("appointments:kind", args=[kind.organisation.slug, kind.pk])


@org_view()
def overview(request: OrgRequest) -> HttpResponse:
    kinds = AppointmentKind.objects.for_org(request.org).select_related("service").order_by("position", "label", "pk")
    hours = BookingHours.objects.for_org(request.org).order_by("kind_id", "weekday", "starts_at")
    hours_of: dict[int, list[BookingHours]] = {}
    for row in hours:
        hours_of.setdefault(row.kind_id, []).append(row)
    context = {
        **NAV,
        "kinds": [(kind, hours_of.get(kind.pk, [])) for kind in kinds],
        "rules": AppointmentSettings.for_org(request.org),
        "may_change": _may_change(request),
    }
    return render(request, "appointments/settings/overview.html", context)


@org_view(**MANAGE)
def kind_create(request: OrgRequest) -> HttpResponseBase:
    form = KindForm(request.POST or None, organisation=request.org)

    def save(cleaned: dict[str, object]) -> AppointmentKind:
        return config.create_kind(organisation=request.org, actor=acting_user(request), **form.values())

    def done(kind: object) -> tuple[str, str]:
        assert isinstance(kind, AppointmentKind)
        return _kind_url(kind), f"Le type « {kind.label} » est créé : ajoutez ses plages de rendez-vous."

    context = {**NAV, "kind": None}
    return form_page(request, form, save, template="appointments/settings/kind_form.html", context=context, done=done)


@org_view(**MANAGE)
def kind_edit(request: OrgRequest, kind_id: int) -> HttpResponseBase:
    kind = get_for_org(AppointmentKind.objects.select_related("service"), request, pk=kind_id)
    form = KindForm(request.POST or None, initial=KindForm.initial_for(kind), organisation=request.org)

    def save(cleaned: dict[str, object]) -> bool:
        seen = cleaned.get("version")
        return config.update_kind(
            kind=kind,
            actor=acting_user(request),
            seen_version=seen if isinstance(seen, int) else kind.version,
            **form.values(),
        )

    def done(changed: object) -> tuple[str, str]:
        return _kind_url(kind), "Le type de rendez-vous est enregistré." if changed else "Rien n'a changé."

    context = {**NAV, "kind": kind}
    return form_page(request, form, save, template="appointments/settings/kind_form.html", context=context, done=done)


@org_view(**READ_WRITE)
def kind_detail(request: OrgRequest, kind_id: int) -> HttpResponseBase:
    """The kind, its booking hours with the slots each gives, and the form to add a range."""
    kind = get_for_org(AppointmentKind.objects.select_related("service__site"), request, pk=kind_id)
    form = BookingHoursForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                config.add_booking_hours(kind=kind, actor=acting_user(request), **form.cleaned_data)
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, "La plage de rendez-vous est ajoutée.")
                return redirect(_kind_url(kind))
    opening = config.opening_of(kind)
    hours = [
        (row, config.offered_starts(kind, row.weekday, row.starts_at, row.ends_at, opening))
        for row in BookingHours.objects.filter(organisation=request.org, kind=kind)
    ]
    context = {
        **NAV,
        "kind": kind,
        "hours": hours,
        "opening": [(Weekday(weekday).label, opens, closes) for weekday, opens, closes in opening],
        "form": form,
        "may_change": _may_change(request),
    }
    return render(request, "appointments/settings/kind_detail.html", context, status=status)


@org_view(**MANAGE)
def hours_delete(request: OrgRequest, hours_id: int) -> HttpResponseBase:
    hours = get_for_org(BookingHours.objects.select_related("kind"), request, pk=hours_id)
    if request.method == "POST":
        config.delete_booking_hours(hours=hours, actor=acting_user(request))
        messages.success(request, f"La plage du {hours} est supprimée.")
        return redirect(_kind_url(hours.kind))
    return render(request, "appointments/settings/hours_delete.html", {**NAV, "hours": hours})


@org_view(**MANAGE)
def rules(request: OrgRequest) -> HttpResponseBase:
    current = AppointmentSettings.for_org(request.org)
    initial = {"bookings_per_email": current.bookings_per_email, "send_reminders": current.send_reminders}
    form = RulesForm(request.POST or None, initial=initial)

    def save(cleaned: dict[str, object]) -> bool:
        return config.update_rules(organisation=request.org, actor=acting_user(request), **cleaned)

    def done(changed: object) -> tuple[str, str]:
        address = reverse("appointments:settings", args=[request.org.slug])
        return address, "Les règles de réservation sont enregistrées." if changed else "Rien n'a changé."

    return form_page(request, form, save, template="appointments/settings/rules.html", context=NAV, done=done)
