"""The administrator's page of login lockouts: see the town's members locked out, lift one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from administration.forms import LiftLockoutForm
from administration.lockouts import current_lockouts, lift_lockout
from core.access import Capability, OrgRequest, get_for_org, org_view
from core.models import Membership
from core.web import acting_user


@org_view(read=Capability.ADMINISTER, write=Capability.ADMINISTER)
def lockouts(request: OrgRequest) -> HttpResponseBase:
    if request.method == "POST":
        form = LiftLockoutForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Ce blocage n'existe pas ou plus.")
            return redirect("administration:lockouts", org_slug=request.org.slug)
        membership = get_for_org(Membership.objects.select_related("user"), request, pk=form.cleaned_data["membre"])
        address = form.cleaned_data["adresse"] or ""
        lifted = lift_lockout(membership=membership, address=address, actor=acting_user(request))
        if lifted:
            messages.success(request, f"{membership.user} peut de nouveau se connecter.")
        else:
            messages.info(request, f"{membership.user} n'était plus bloqué.")
        return redirect("administration:lockouts", org_slug=request.org.slug)
    context = {
        "nav_section": "settings",
        "lockouts": current_lockouts(request.org, now=timezone.now()),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "account_limit": settings.QUALIPILOTE_ACCOUNT_FAILURE_LIMIT,
    }
    return render(request, "administration/lockouts.html", context)
