"""The questionnaire on a paired kiosk tablet, at /borne/<town>/enquete/ (core.kiosk, ADR 0023):
the town's campaign open today on the kiosk, in the public questionnaire's templates laid out
for the tablet. Answers go through the one recording path (surveys.answers.record_response)
with the kiosk channel and the tablet's site, nothing of the tablet itself: its device cookie
names a tablet, and no response keeps it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core import kiosk
from core.access import KioskRequest, kiosk_view
from core.models import KioskDevice, Organisation
from surveys.models import Campaign, Channel
from surveys.public_views import answer_page

SCREEN = "enquete"


def kiosk_campaign(organisation: Organisation, today: dt.date) -> Campaign | None:
    """The campaign the kiosk offers today: open and offered on the kiosk, the latest opened."""
    return (
        Campaign.objects.for_org(organisation)
        .open_on(today)
        .filter(on_kiosk=True)
        .select_related("organisation", "questionnaire")
        .order_by("-opens_on", "-pk")
        .first()
    )


def invites(device: KioskDevice, visitor: int, today: dt.date) -> bool:
    """After a ticket: the day's `visitor`-th visitor is invited when a campaign runs on the
    kiosk and its sampling rule picks them."""
    campaign = kiosk_campaign(device.organisation, today)
    return campaign is not None and campaign.invites_visitor(visitor)


def _no_campaign(request: KioskRequest) -> HttpResponse:
    return render(request, "surveys/kiosk/no_campaign.html", kiosk.screen_context(request.org))


@kiosk_view(screen=SCREEN)
def answer(request: KioskRequest) -> HttpResponse:
    today = request.org.today()
    campaign = kiosk_campaign(request.org, today)
    if campaign is None:
        return _no_campaign(request)
    thanks_url = reverse("surveys_kiosk:thanks", args=[request.org.slug])
    return answer_page(
        request,
        campaign,
        channel=Channel.KIOSK,
        today=today,
        thanks_url=thanks_url,
        site=request.kiosk.site,
        limited=False,
        more=kiosk.screen_context(request.org),
    )


@kiosk_view(screen=SCREEN)
def thanks(request: KioskRequest) -> HttpResponse:
    campaign = kiosk_campaign(request.org, request.org.today())
    if campaign is None:
        return _no_campaign(request)
    context = {"campaign": campaign, "questionnaire": campaign.questionnaire}
    return render(request, "surveys/public/thanks.html", context | kiosk.screen_context(request.org, done=True))


def register() -> None:
    from core.registries import KIOSK_SCREENS, KioskScreen

    screen = KioskScreen(label="Donner mon avis", url_name="surveys_kiosk:answer", position=2, invites=invites)
    KIOSK_SCREENS.register(SCREEN, screen)
