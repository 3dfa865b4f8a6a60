"""The one access helper: every view goes through `org_view` or `kiosk_view`, or is marked
`public_view`.

An organisation's pages live under /o/<org_slug>/; the screens of a paired tablet under
/borne/<org_slug>/, through `kiosk_view` (no account: the device's cookie, ADR 0023).
Someone who is not an active member of that organisation gets 404, never a hint that the
town or the object exists. A member whose role lacks the capability gets 403. Objects are
fetched with `get_for_org`, which scopes the lookup to the organisation of the request.

A confined role (`CONFINED_ROLES`: the tester, an outside person who fills the grids of mystery
visits, calls and letters) reaches only the views declared with its capability as `read`
(`org_view(Capability.FILL_GRIDS)`); every other page of the town answers it 404 as to an
outsider (not 403: the rest of the town's back office is none of its business), and nothing at
all after its end date. `may_open` applies the same rule to a URL (landing pages, menus).

A town's page runs in the town's own time (`use_town_time`): templates show times, forms read
them and `timezone.localdate()` gives the date of the town, La Réunion's or Nouméa's as Paris's;
`core.middleware.TownTimeMiddleware` puts the project's zone back after each request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control

from core import kiosk
from core.closing import correction_reason_from
from core.models import KioskDevice, Membership, Organisation, Role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Capability(StrEnum):
    VIEW = "view"
    CAPTURE = "capture"
    MANAGE_QUALITY = "manage_quality"
    ADMINISTER = "administer"
    # Requesters' and citizens' names, contacts and free text: for those who handle them.
    PERSONAL_DATA = "personal_data"
    # Fill the self-assessment and mystery grids (a tester: only those assigned to them).
    FILL_GRIDS = "fill_grids"
    # Write audit notes on the year under audit (the AFNOR auditor: improvement.AuditNote);
    # the quality manager accepts or declines them (MANAGE_QUALITY).
    NOTE_AUDIT = "note_audit"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.QUALITY_MANAGER: frozenset(
        {
            Capability.VIEW,
            Capability.CAPTURE,
            Capability.MANAGE_QUALITY,
            Capability.PERSONAL_DATA,
            Capability.FILL_GRIDS,
        }
    ),
    Role.AGENT: frozenset({Capability.VIEW, Capability.CAPTURE, Capability.PERSONAL_DATA, Capability.FILL_GRIDS}),
    Role.READER: frozenset({Capability.VIEW}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.NOTE_AUDIT}),
    Role.TESTER: frozenset({Capability.FILL_GRIDS}),
}

# Roles whose members reach only the views declared with this capability as `read`.
CONFINED_ROLES: dict[str, Capability] = {Role.TESTER: Capability.FILL_GRIDS}


class OrgRequest(HttpRequest):
    org: Organisation
    membership: Membership


def active_membership(user: Any, org_slug: str) -> Membership | None:
    """The user's membership of the town, if active on the town's own today."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("organisation").filter(user=user, organisation__slug=org_slug).first()
    )
    if membership is None or not membership.is_active_on(membership.organisation.today()):
        return None
    return membership


def active_memberships(user: Any, today: dt.date) -> list[Membership]:
    memberships = Membership.objects.filter(user__pk=user.pk).select_related("organisation")
    return [membership for membership in memberships if membership.is_active_on(today)]


def can(membership: Membership, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES[membership.role]


def is_confined(membership: Membership) -> bool:
    """Whether the member reaches only the views of one capability (a tester: FILL_GRIDS)."""
    return membership.role in CONFINED_ROLES


def reaches(membership: Membership, read: Capability) -> bool:
    """Whether the member may be shown at all a view declared with `read`: always, unless
    their role is confined to another capability (then the view answers 404)."""
    confined_to = CONFINED_ROLES.get(membership.role)
    return confined_to is None or read == confined_to


def may_open(membership: Membership, url: str) -> bool:
    """Whether a GET of `url` (a path of this site) would open for the member: a town's page
    of their own town that their role reaches and reads, or a page outside the towns."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    if getattr(match.func, "access_rule", None) != "organisation":
        return True
    read: Capability = match.func.read_capability  # type: ignore[attr-defined]
    in_town = match.kwargs.get("org_slug") == membership.organisation.slug
    return in_town and reaches(membership, read) and can(membership, read)


def sees_personal_data(membership: Membership) -> bool:
    """Whether the member may see, export and search requesters' and citizens' names,
    contacts and free text: agents, quality managers and administrators; readers and
    auditors see the figures and the dates, not the people."""
    return can(membership, Capability.PERSONAL_DATA)


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def org_view(read: Capability = Capability.VIEW, write: Capability | None = None) -> Callable[[ViewFunc], ViewFunc]:
    """Scope a view to the organisation named by its `org_slug` URL argument.

    `read` is needed for GET and HEAD. A view that takes POST names the capability `write`
    needs; without it the view is read-only and any other method gets 405.

    Who gets what, in this order: anonymous, the login page; not an active member of the town
    (never was, or past their end date), 404; a member of a confined role (a tester) on a view
    whose `read` is not their capability, 404 whatever the method (`reaches`); a method the
    view does not take, 405; a role without the capability needed, 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = active_membership(request.user, org_slug)
            if membership is None or not reaches(membership, read):
                raise Http404("Page introuvable.")
            if request.method not in SAFE_METHODS and write is None:
                return HttpResponseNotAllowed(SAFE_METHODS)
            needed = read if request.method in SAFE_METHODS else write
            if needed is None or not can(membership, needed):
                raise PermissionDenied("Votre rôle ne permet pas cette action.")
            request.org = membership.organisation  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            use_town_time(membership.organisation)
            with correction_reason_from(request):  # a change of a closed year's record (core.closing)
                return view(request, *args, **kwargs)

        wrapper.access_rule = "organisation"  # type: ignore[attr-defined]
        wrapper.read_capability = read  # type: ignore[attr-defined]
        wrapper.write_capability = write  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def use_town_time(organisation: Organisation) -> None:
    """Read and show the times of the current request in the town's time zone. Called by
    `org_view` and by the public pages of a town once they know it."""
    timezone.activate(organisation.time_zone)


def public_town(org_slug: str) -> Organisation:
    """The town a public page (under /p/<slug>/) belongs to, its time zone in use; 404 if unknown."""
    town = get_object_or_404(Organisation, slug=org_slug)
    use_town_time(town)
    return town


def public_view(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable without an organisation membership (login, public pages)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


class KioskRequest(HttpRequest):
    org: Organisation
    kiosk: KioskDevice


KIOSK_METHODS = ("GET", "HEAD", "POST")


def kiosk_view(screen: str | None) -> Callable[[ViewFunc], ViewFunc]:
    """Scope a kiosk screen to the tablet paired with the town named by `org_slug`.

    An unknown town, a tablet of another town, or a screen the tablet is not paired for: 404.
    No device cookie, or a revoked or unknown token: the pairing page. Nobody's account is read
    (an agent's session on the same browser changes nothing). `screen=None` for the start
    screen, which every paired tablet opens."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organisation = get_object_or_404(Organisation, slug=org_slug)
            try:
                device = kiosk.device_of_request(request, organisation)
            except kiosk.OtherTown:
                raise Http404("Page introuvable.") from None
            if device is None:
                return HttpResponseRedirect(kiosk.pairing_url(org_slug))
            if screen is not None and not device.shows(screen):
                raise Http404("Page introuvable.")
            if request.method not in KIOSK_METHODS:
                return HttpResponseNotAllowed(KIOSK_METHODS)
            request.org = organisation  # type: ignore[attr-defined]
            request.kiosk = device  # type: ignore[attr-defined]
            use_town_time(organisation)
            response = view(request, *args, **kwargs)
            kiosk.renew_cookie(request, response, device)
            patch_cache_control(response, private=True, no_store=True)  # a ticket is the visitor's
            return response

        wrapper.access_rule = "kiosk"  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


ModelT = TypeVar("ModelT", bound=models.Model)


def get_for_org(source: type[ModelT] | models.QuerySet[ModelT], request: HttpRequest, **lookup: Any) -> ModelT:
    """Fetch one object of the request's organisation, or 404."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    return get_object_or_404(queryset.filter(organisation=request.org), **lookup)  # type: ignore[attr-defined]
