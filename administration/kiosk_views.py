"""The town's kiosk tablets (parametres/bornes/, core.kiosk, ADR 0023): the list, pairing a new
one (a one-time code shown once), revoking one. Quality managers and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from administration.forms import KioskDeviceForm
from core import kiosk
from core.access import Capability, OrgRequest, get_for_org, org_view
from core.models import KioskDevice
from core.registries import KIOSK_SCREENS
from core.web import acting_user, show_refusal


def _screen_choices() -> list[tuple[str, str]]:
    return [(key, screen.label) for key, screen in kiosk.screens_in_order(KIOSK_SCREENS.keys())]


def _devices(request: OrgRequest) -> list[tuple[KioskDevice, str, list[str]]]:
    """Each device with its state now and the labels of its screens."""
    now, labels = timezone.now(), dict(_screen_choices())
    devices = KioskDevice.objects.for_org(request.org).select_related("site", "created_by")
    return [(device, device.state(now), [labels.get(key, key) for key in device.screens]) for device in devices]


def _page(request: OrgRequest, form: KioskDeviceForm, **more: object) -> HttpResponse:
    context = {"nav_section": "settings", "form": form, "devices": _devices(request), **more}
    context["pairing_url"] = request.build_absolute_uri(kiosk.pairing_url(request.org.slug))
    return render(request, "administration/kiosks.html", context)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def kiosks(request: OrgRequest) -> HttpResponseBase:
    """GET: the list and the pairing form; POST: a new device and its code, shown on this
    answer only (it is kept hashed)."""
    form = KioskDeviceForm(request.POST or None, organisation=request.org, screens=_screen_choices())
    if request.method == "POST" and form.is_valid():
        try:
            device, code = kiosk.create_device(
                organisation=request.org, actor=acting_user(request), now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            fresh = KioskDeviceForm(organisation=request.org, screens=_screen_choices())
            return _page(request, fresh, paired=device, code=kiosk.shown_code(code))
    return _page(request, form)


@org_view(read=Capability.MANAGE_QUALITY, write=Capability.MANAGE_QUALITY)
def kiosk_revoke(request: OrgRequest, kiosk_id: int) -> HttpResponseBase:
    """GET: confirm; POST: the device stops, its tablet shows the pairing page again."""
    device = get_for_org(KioskDevice.objects.select_related("site"), request, pk=kiosk_id)
    if request.method == "POST":
        try:
            kiosk.revoke_device(device=device, actor=acting_user(request), now=timezone.now())
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, f"La borne « {device.name} » est révoquée : elle n'ouvre plus aucun écran.")
        return redirect("administration:kiosks", org_slug=request.org.slug)
    blocker = "Cette borne est déjà révoquée." if device.revoked_at else None
    context = {"nav_section": "settings", "device": device, "blocker": blocker}
    return render(request, "administration/kiosk_revoke.html", context)
