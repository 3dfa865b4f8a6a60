"""The waiting-room screen of a paired device, at /borne/<town>/salle-attente/ (core.kiosk,
ADR 0023): a TV in the waiting room shows the numbers called at the device's site with the
counter to go to, and the estimated wait of each service (reception.waiting_room). A small
script asks for the board (`board`, same device scope) every few seconds and swaps it in
without reloading the page; without JavaScript the page reloads itself. No agent's name, no
reason of visit, nothing about a person: numbers, counters and services only."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from core import kiosk
from core.access import KioskRequest, kiosk_view
from reception.waiting_room import POLL_SECONDS, RELOAD_SECONDS, waiting_room_board

SCREEN = "salle-attente"


def _board_context(request: KioskRequest) -> dict[str, object]:
    return {"board": waiting_room_board(request.org, request.kiosk.site, timezone.now()), "site": request.kiosk.site}


def _page(request: KioskRequest) -> TemplateResponse:
    context = _board_context(request) | kiosk.screen_context(request.org, resets=False)
    context |= {
        "board_url": reverse("reception_waiting_room:board", args=[request.org.slug]),
        "poll_seconds": POLL_SECONDS,
        "reload_seconds": RELOAD_SECONDS,
    }
    return TemplateResponse(request, "reception/waiting_room.html", context)


@kiosk_view(screen=SCREEN)
def screen(request: KioskRequest) -> TemplateResponse:
    return _page(request)


@kiosk_view(screen=SCREEN)
def board(request: KioskRequest) -> HttpResponse:
    """The board alone, asked for by the screen's script (header HX-Request, as htmx sends
    it); any other request gets the whole screen."""
    if not getattr(request, "htmx", False):
        return _page(request)
    return render(request, "reception/includes/waiting_board.html", _board_context(request))


def register() -> None:
    from core.registries import KIOSK_SCREENS, KioskScreen

    screen_entry = KioskScreen(
        label="Salle d'attente (écran des appels)", url_name="reception_waiting_room:screen", position=3
    )
    KIOSK_SCREENS.register(SCREEN, screen_entry)
