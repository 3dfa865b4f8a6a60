"""The ticket screen of a paired kiosk tablet, at /borne/<town>/ticket/ (core.kiosk, ADR 0023):
a visitor taps the reason of their visit and gets a number; someone with reduced mobility or
pregnant first taps « Ticket prioritaire » (?prioritaire=1), then the reason. No agent's
session: the tablet is known by its device cookie (`kiosk_view`), its site is the device's,
the ticket is issued by nobody ("système" in the journal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core import kiosk
from core.access import KioskRequest, kiosk_view
from core.models import KioskDevice
from reception import actions
from reception.forms import IssueForm
from reception.models import QueueTicket
from reception.queries import active_reasons, people_ahead

SCREEN = "ticket"
PRIORITY_PARAMETER = "prioritaire"


def _screen_url(device: KioskDevice) -> str:
    return reverse("reception_kiosk:ticket", args=[device.organisation.slug])


def _issued_ticket(request: KioskRequest) -> tuple[QueueTicket | None, int]:
    """The ticket just issued on this tablet's site (named in the query string) and how many
    wait before it."""
    ticket_id = request.GET.get("ticket", "")
    if not ticket_id.isdigit():
        return None, 0
    issued = QueueTicket.objects.for_org(request.org).filter(pk=ticket_id, site=request.kiosk.site).first()
    if issued is None:
        return None, 0
    return issued, people_ahead(issued)


def _take_ticket(request: KioskRequest) -> HttpResponseBase:
    device = request.kiosk
    form = IssueForm(request.POST, organisation=request.org)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
        return redirect(_screen_url(device))
    now = timezone.now()
    ticket = actions.issue_ticket(
        organisation=request.org,
        site=device.site,
        reason=form.cleaned_data["reason"],
        priority=form.cleaned_data["priority"],
        now=now,
        actor=None,
    )
    kiosk.note_use(device, ticket.local_date)
    return redirect(f"{_screen_url(device)}?ticket={ticket.pk}")


@kiosk_view(screen=SCREEN)
def ticket(request: KioskRequest) -> HttpResponseBase:
    if request.method == "POST":
        return _take_ticket(request)
    issued, ahead = _issued_ticket(request)
    context: dict[str, Any] = {"site": request.kiosk.site, "issued": issued, "ahead": ahead}
    if issued is None:
        context["reasons"] = active_reasons(request.org)
        context["priority"] = request.GET.get(PRIORITY_PARAMETER) == "1"
        context["others"] = kiosk.linked_screens(request.kiosk, besides=SCREEN)
    elif issued.number.isdigit():  # the day's rank of the visitor: the survey invites one in N
        context["invitations"] = kiosk.invitations(request.kiosk, visitor=int(issued.number), today=issued.local_date)
    return render(request, "reception/kiosk.html", context | kiosk.screen_context(request.org, done=bool(issued)))


def register() -> None:
    from core.registries import KIOSK_SCREENS, KioskScreen

    screen = KioskScreen(label="Prendre un ticket", url_name="reception_kiosk:ticket", position=1, linked=True)
    KIOSK_SCREENS.register(SCREEN, screen)
