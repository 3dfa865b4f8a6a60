"""The organisation's administration screens (parametres): the town, its sites, services,
opening hours, closure days and members. Administrators only; every change goes through
administration.actions, which records it in the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from administration import actions
from administration.forms import (
    ClosureDayForm,
    MemberInviteForm,
    MemberSearchForm,
    MembershipForm,
    OpeningHoursForm,
    OrganisationForm,
    ServiceForm,
    SiteForm,
)
from administration.models import Invitation
from core.access import Capability, OrgRequest, get_for_org, org_view, public_view
from core.models import ClosureDay, Membership, OpeningHours, Role, Service, Site
from core.web import acting_user, page_of, show_refusal
from core.workdays import calendar_for

MEMBERS_PER_PAGE = 25
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _page(request: OrgRequest, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, f"administration/{template}", {"nav_section": "settings", **(context or {})})


def _posted(request: OrgRequest) -> dict[str, Any]:
    """The bound data of a form on POST, nothing on GET (so the form shows its initial values)."""
    if request.method != "POST":
        return {}
    return {"data": request.POST, "files": request.FILES}


def _year(request: OrgRequest) -> int:
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


def _sites_with_counts(request: OrgRequest) -> QuerySet[Site]:
    return Site.objects.filter(organisation=request.org).annotate(
        service_count=Count("services", distinct=True), slot_count=Count("opening_hours", distinct=True)
    )


def _goto(name: str, request: OrgRequest, *, query: str = "", **kwargs: Any) -> HttpResponseBase:
    url = reverse(f"administration:{name}", kwargs={"org_slug": request.org.slug, **kwargs})
    return redirect(f"{url}?{query}" if query else url)


# --- Overview and the town -------------------------------------------------------------


@org_view(read=Capability.ADMINISTER)
def overview(request: OrgRequest) -> HttpResponse:
    org, year = request.org, timezone.localdate().year
    counts = {
        "sites": Site.objects.filter(organisation=org).count(),
        "services": Service.objects.filter(organisation=org).count(),
        "members": Membership.objects.filter(organisation=org).count(),
        "closures": ClosureDay.objects.filter(organisation=org, date__year=year).count(),
    }
    return _page(request, "overview.html", {"counts": counts, "year": year})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def organisation_edit(request: OrgRequest) -> HttpResponseBase:
    form = OrganisationForm(**_posted(request), organisation=request.org)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_organisation(
                organisation=request.org,
                actor=acting_user(request),
                name=data["name"],
                brand_color=data["brand_color"],
                holiday_zone=data["holiday_zone"],
                ring_cycle_seconds=data["ring_cycle_seconds"],
                works_whit_monday=data["works_whit_monday"],
                two_factor_required=data["two_factor_required"],
                logo=data["logo"],
                remove_logo=data.get("remove_logo", False),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, "Les informations de la ville ont été enregistrées.")
            return _goto("settings", request)
    return _page(request, "organisation_form.html", {"form": form})


# --- Sites ------------------------------------------------------------------------------


@org_view(read=Capability.ADMINISTER)
def sites(request: OrgRequest) -> HttpResponse:
    return _page(request, "sites.html", {"sites": _sites_with_counts(request)})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def site_add(request: OrgRequest) -> HttpResponseBase:
    form = SiteForm(**_posted(request), organisation=request.org)
    if form.is_bound and form.is_valid():
        site = actions.create_site(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Le site « {site.name} » a été ajouté.")
        return _goto("sites", request)
    return _page(request, "site_form.html", {"form": form})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def site_edit(request: OrgRequest, site_id: int) -> HttpResponseBase:
    site = get_for_org(Site, request, pk=site_id)
    form = SiteForm(**_posted(request), organisation=request.org, site=site)
    if form.is_bound and form.is_valid():
        actions.update_site(site=site, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Le site « {site.name} » a été modifié.")
        return _goto("sites", request)
    return _page(request, "site_form.html", {"form": form, "site": site})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def site_delete(request: OrgRequest, site_id: int) -> HttpResponseBase:
    site = get_for_org(Site, request, pk=site_id)
    if request.method == "POST":
        try:
            actions.delete_site(site=site, actor=acting_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Le site « {site.name} » a été supprimé.")
        return _goto("sites", request)
    return _page(request, "site_delete.html", {"site": site, "blocker": actions.site_deletion_blocker(site)})


# --- Services ---------------------------------------------------------------------------


@org_view(read=Capability.ADMINISTER)
def services(request: OrgRequest) -> HttpResponse:
    services = (
        Service.objects.filter(organisation=request.org)
        .select_related("site")
        .annotate(slot_count=Count("opening_hours"))
    )
    return _page(request, "services.html", {"services": services})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def service_add(request: OrgRequest) -> HttpResponseBase:
    form = ServiceForm(**_posted(request), organisation=request.org)
    if form.is_bound and form.is_valid():
        service = actions.create_service(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Le service « {service.name} » a été ajouté.")
        return _goto("services", request)
    return _page(request, "service_form.html", {"form": form})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def service_edit(request: OrgRequest, service_id: int) -> HttpResponseBase:
    service = get_for_org(Service.objects.select_related("site"), request, pk=service_id)
    form = ServiceForm(**_posted(request), organisation=request.org, service=service)
    if form.is_bound and form.is_valid():
        actions.update_service(service=service, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Le service « {service.name} » a été modifié.")
        return _goto("services", request)
    return _page(request, "service_form.html", {"form": form, "service": service})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def service_delete(request: OrgRequest, service_id: int) -> HttpResponseBase:
    service = get_for_org(Service.objects.select_related("site"), request, pk=service_id)
    if request.method == "POST":
        try:
            actions.delete_service(service=service, actor=acting_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Le service « {service.name} » a été supprimé.")
        return _goto("services", request)
    blocker = actions.service_deletion_blocker(service)
    return _page(request, "service_delete.html", {"service": service, "blocker": blocker})


# --- Opening hours ----------------------------------------------------------------------


@org_view(read=Capability.ADMINISTER)
def opening_hours(request: OrgRequest) -> HttpResponse:
    return _page(request, "opening_hours.html", {"sites": _sites_with_counts(request)})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def opening_hours_site(request: OrgRequest, site_id: int) -> HttpResponseBase:
    site = get_for_org(Site, request, pk=site_id)
    form = OpeningHoursForm(**_posted(request), site=site)
    if form.is_bound and form.is_valid():
        actions.add_opening_hours(site=site, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, "Le créneau a été ajouté.")
        return _goto("opening_hours_site", request, site_id=site.pk)
    slots = (
        OpeningHours.objects.filter(organisation=request.org, site=site)
        .select_related("service")
        .order_by(F("service__name").asc(nulls_first=True), "weekday", "opens_at")
    )
    following_site = Service.objects.filter(organisation=request.org, site=site, opening_hours__isnull=True)
    context = {"site": site, "form": form, "slots": slots, "following_site": following_site}
    return _page(request, "opening_hours_site.html", context)


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def opening_hours_delete(request: OrgRequest, slot_id: int) -> HttpResponseBase:
    slot = get_for_org(OpeningHours.objects.select_related("site", "service"), request, pk=slot_id)
    if request.method == "POST":
        actions.delete_opening_hours(slot=slot, actor=acting_user(request))
        messages.success(request, f"Le créneau du {slot} a été supprimé.")
        return _goto("opening_hours_site", request, site_id=slot.site_id)
    return _page(request, "opening_hours_delete.html", {"slot": slot})


# --- Closure days -----------------------------------------------------------------------


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def closure_days(request: OrgRequest) -> HttpResponseBase:
    form = ClosureDayForm(**_posted(request), organisation=request.org)
    if form.is_bound and form.is_valid():
        closure = actions.add_closure_day(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"Le {closure.date:%d/%m/%Y} a été ajouté aux jours de fermeture.")
        return _goto("closure_days", request, query=f"annee={closure.date.year}")
    year = _year(request)
    closures = ClosureDay.objects.filter(organisation=request.org, date__year=year)
    context = {
        "form": form,
        "year": year,
        "closures": closures,
        "closure_dates": {closure.date for closure in closures},
        "days_off": calendar_for(request.org).days_off(year),
    }
    return _page(request, "closure_days.html", context)


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def closure_day_delete(request: OrgRequest, closure_id: int) -> HttpResponseBase:
    closure = get_for_org(ClosureDay, request, pk=closure_id)
    if request.method == "POST":
        actions.delete_closure_day(closure=closure, actor=acting_user(request))
        messages.success(request, f"Le jour de fermeture du {closure.date:%d/%m/%Y} a été supprimé.")
        return _goto("closure_days", request, query=f"annee={closure.date.year}")
    return _page(request, "closure_day_delete.html", {"closure": closure})


# --- Members ----------------------------------------------------------------------------


@org_view(read=Capability.ADMINISTER)
def members(request: OrgRequest) -> HttpResponse:
    search = MemberSearchForm(request.GET)
    memberships = search.filter(
        Membership.objects.filter(organisation=request.org)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    page = page_of(request, memberships, per_page=MEMBERS_PER_PAGE)
    return _page(request, "members.html", {"search": search, "page": page, "today": timezone.localdate()})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def member_invite(request: OrgRequest) -> HttpResponseBase:
    form = MemberInviteForm(**_posted(request), organisation=request.org, today=timezone.localdate())
    if form.is_bound and form.is_valid():
        actions.invite_member(
            organisation=request.org,
            invited_by=acting_user(request),
            base_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(request, f"Une invitation a été envoyée à {form.cleaned_data['email']}.")
        return _goto("members", request)
    invitations = Invitation.objects.filter(organisation=request.org)
    return _page(request, "member_invite.html", {"form": form, "invitations": invitations})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def member_edit(request: OrgRequest, membership_id: int) -> HttpResponseBase:
    membership = get_for_org(Membership.objects.select_related("user"), request, pk=membership_id)
    form = MembershipForm(**_posted(request), membership=membership, today=timezone.localdate())
    if form.is_bound and form.is_valid():
        try:
            actions.update_membership(membership=membership, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"L'accès de {membership.user} a été modifié.")
            if membership.pk == request.membership.pk and membership.role != Role.ADMIN:
                return redirect("core:home")
            return _goto("members", request)
    return _page(request, "member_form.html", {"form": form, "membership": membership})


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponseBase:
    membership = get_for_org(Membership.objects.select_related("user"), request, pk=membership_id)
    if request.method == "POST":
        try:
            actions.remove_membership(membership=membership, actor=acting_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _goto("members", request)
        messages.success(request, f"{membership.user} n'a plus accès à {request.org.name}.")
        return redirect("core:home") if membership.user_id == request.user.pk else _goto("members", request)
    blocker = actions.last_administrator_blocker(membership, removing=True)
    return _page(request, "member_remove.html", {"membership": membership, "blocker": blocker})


# --- Invitations, answered by the person invited ----------------------------------------


@public_view
@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations waiting for the logged-in person, each to accept or refuse."""
    pending = Invitation.objects.filter(user=acting_user(request)).select_related("organisation")
    return render(request, "administration/invitations.html", {"invitations": pending})


@public_view
@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponseBase:
    """Accept or refuse one's own invitation; anyone else's is a 404."""
    user = acting_user(request)
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=invitation_id, user=user)
    town = invitation.organisation.name
    if request.POST.get("answer") == "accept":
        actions.accept_invitation(invitation=invitation, user=user)
        messages.success(request, f"Vous avez rejoint {town}.")
        return redirect("core:home")
    actions.decline_invitation(invitation=invitation, user=user)
    messages.success(request, f"Vous avez refusé l'invitation de {town}.")
    return redirect("administration:invitations")
