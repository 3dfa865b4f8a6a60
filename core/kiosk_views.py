"""The tablet's side of a kiosk (core.kiosk, ADR 0023): the pairing page, public, and the start
screen of a paired tablet. The screens themselves belong to the apps that register them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import kiosk
from core.access import KioskRequest, kiosk_view, public_view
from core.forms import KioskPairingForm
from core.models import Organisation
from core.ratelimit import allow, client_key
from core.web import show_refusal

PAIRING_LIMIT = 10  # attempts per connection and hour: a code has 2^40 values
PAIRING_WINDOW = dt.timedelta(hours=1)
TOO_MANY_REQUESTS = 429
UNKNOWN_TOWN = "Aucune ville ne porte cet identifiant : recopiez celui de la page « Bornes » des paramètres."


def _pair(request: HttpRequest, form: KioskPairingForm) -> HttpResponseBase | None:
    """Pair the tablet and go to its start screen with its cookie; None when refused."""
    organisation = Organisation.objects.filter(slug=form.cleaned_data["ville"]).first()
    if organisation is None:
        form.add_error("ville", UNKNOWN_TOWN)
        return None
    try:
        device, token = kiosk.pair_device(organisation=organisation, code=form.cleaned_data["code"], now=timezone.now())
    except ValidationError as refusal:
        show_refusal(form, refusal)
        return None
    response = redirect(kiosk.start_url(organisation))
    kiosk.keep_cookie(response, device, token)
    return response


@public_view
@require_http_methods(["GET", "HEAD", "POST"])
def pair(request: HttpRequest) -> HttpResponseBase:
    form = KioskPairingForm(request.POST or None, initial={"ville": request.GET.get("ville", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        if allow(client_key(request, "borne", organisation=None), limit=PAIRING_LIMIT, window=PAIRING_WINDOW):
            paired = _pair(request, form)
            if paired is not None:
                return paired
        else:
            form.add_error(None, "Trop d'essais depuis cette connexion : réessayez dans une heure.")
            status = TOO_MANY_REQUESTS
    return render(request, "kiosk/pair.html", {"form": form}, status=status)


@kiosk_view(screen=None)
def start(request: KioskRequest) -> HttpResponse:
    """The tablet's start screen: the first screen it is paired for."""
    target = kiosk.first_screen_url(request.kiosk)
    if target is None:
        raise Http404("Page introuvable.")
    return redirect(target)
