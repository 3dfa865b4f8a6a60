"""E-mail invitations after a request is closed: the daily job `surveys.email_invitations`.

Each day, for each campaign open on the e-mail channel, the citizens whose request (a complaint,
a written request: core.registries.CLOSED_REQUESTS) was closed in the last 7 days get one
message with the campaign's public link, marked `?canal=courriel` so that their answers count
on the e-mail channel. A request is invited once (`SurveyInvitation`, unique per request); a
campaign sampling one in N invites the requests its draw picks; an address the town was asked
to set aside (surveys.refusals) is never invited. The link carries no token:
nothing ties an answer to the invitation or to the request (ADR 0022). The messages leave once
the day's transaction commits; the journal keeps the number sent per campaign, never an address."""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from core.audit import record_event
from core.contacts import single_email_address
from core.models import Organisation
from core.registries import ClosedRequest, closed_requests
from surveys.models import Campaign, SurveyInvitation
from surveys.refusals import refused_addresses

logger = logging.getLogger(__name__)

WINDOW_DAYS = 7  # today and the six days before
LINK_MARK = {"canal": "courriel"}  # read back by surveys.public_views.LINK_CHANNELS
NO_SITE_URL = (
    "adresse du site non réglée (QUALIPILOTE_SITE_URL) : aucune invitation envoyée, "
    "le lien du questionnaire ne peut pas être écrit"
)


def public_link(campaign: Campaign, site_url: str) -> str:
    """The questionnaire's absolute address, marked as reached from an e-mail invitation."""
    path = reverse("surveys_public:answer", kwargs={"org_slug": campaign.organisation.slug, "code": campaign.code})
    return f"{site_url.rstrip('/')}{path}?{urlencode(LINK_MARK)}"


def is_drawn(campaign: Campaign, request_key: str) -> bool:
    """Whether a campaign sampling one request in N invites this one: a fixed draw from the
    campaign's code and the request's key (one in N on average), so that running again gives
    the same answer and needs nothing stored."""
    if not campaign.sample_every:
        return True
    return zlib.crc32(f"{campaign.code}/{request_key}".encode()) % campaign.sample_every == 0


def invitation_message(campaign: Campaign, address: str, link: str) -> EmailMessage:
    organisation = campaign.organisation
    body = render_to_string("surveys/email/invitation.txt", {"org": organisation, "campaign": campaign, "link": link})
    subject = f"{organisation.name} : votre avis sur la réponse à votre demande"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def _with_valid_address(requests: list[ClosedRequest]) -> list[ClosedRequest]:
    """The requests whose address is one valid e-mail address, as written to send to."""
    return [replace(request, email=address) for request in requests if (address := single_email_address(request.email))]


def _not_refused(organisation: Organisation, requests: list[ClosedRequest]) -> list[ClosedRequest]:
    """The requests whose address did not ask for no more invitations. A request skipped is not
    recorded as invited: should its address come off the list within the week, it is invited."""
    refused = refused_addresses(organisation, (request.email for request in requests))
    return [request for request in requests if request.email not in refused]


def _to_invite(campaign: Campaign, requests: list[ClosedRequest], taken: set[str]) -> list[ClosedRequest]:
    """The requests this campaign invites: not invited before, and drawn."""
    return [request for request in requests if request.key not in taken and is_drawn(campaign, request.key)]


def _one_per_address(requests: list[ClosedRequest]) -> list[ClosedRequest]:
    """The first request of each address: a citizen with two requests closed the same week
    gets one message (both requests count as invited)."""
    first: dict[str, ClosedRequest] = {}
    for request in requests:
        first.setdefault(request.email, request)
    return list(first.values())


def _send(messages: list[EmailMessage]) -> None:
    """Hand the messages to the mail server. A failure is logged without the addresses: the
    invitations stay recorded and are not sent again (ADR 0022, e-mail invitations)."""
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception as error:  # the day's run is committed: say it, do not raise
        logger.error(
            "Invitations aux enquêtes : envoi de %d message(s) en échec (%s).", len(messages), type(error).__name__
        )


def _invite(campaign: Campaign, requests: list[ClosedRequest], *, site_url: str, today: dt.date) -> list[EmailMessage]:
    """Record the campaign's invitations of the day, journal their number, and write the messages."""
    organisation = campaign.organisation
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(organisation=organisation, campaign=campaign, request_key=request.key, sent_on=today)
        for request in requests
    )
    addressed = _one_per_address(requests)
    record_event(
        organisation=organisation,
        actor=None,
        instance=campaign,
        action="email_invitations",
        after={"invitations_sent": len(addressed)},
    )
    link = public_link(campaign, site_url)
    return [invitation_message(campaign, request.email, link) for request in addressed]


def _open_email_campaigns(organisation: Organisation, today: dt.date) -> list[Campaign]:
    """The campaigns open today on the e-mail channel, the one opened first first."""
    campaigns = Campaign.objects.for_org(organisation).open_on(today).filter(on_email=True)
    return list(campaigns.select_related("organisation").order_by("opens_on", "pk"))


@transaction.atomic
def email_invitations(organisation: Organisation, today: dt.date) -> str:
    """The daily job (core.registries.DAILY_JOBS): invite the citizens of the requests closed in
    the last 7 days to each open campaign with the e-mail channel. Returns what it did, in
    French, for `manage.py daily`."""
    campaigns = _open_email_campaigns(organisation, today)
    if not campaigns:
        return "aucune enquête par courriel en cours"
    site_url: str = settings.QUALIPILOTE_SITE_URL
    if not site_url:
        return NO_SITE_URL
    closed = closed_requests(organisation, today - dt.timedelta(days=WINDOW_DAYS - 1), today)
    requests = _not_refused(organisation, _with_valid_address(closed))
    invited = SurveyInvitation.objects.for_org(organisation).filter(request_key__in=[r.key for r in requests])
    taken = set(invited.values_list("request_key", flat=True))
    messages: list[EmailMessage] = []
    for campaign in campaigns:
        chosen = _to_invite(campaign, requests, taken)
        if chosen:
            messages += _invite(campaign, chosen, site_url=site_url, today=today)
            taken.update(request.key for request in chosen)
    if messages:
        transaction.on_commit(lambda: _send(messages))
    return f"{len(messages)} invitation{'s' if len(messages) > 1 else ''} par courriel"


def invitations_sent(campaign: Campaign) -> int:
    return SurveyInvitation.objects.filter(campaign=campaign).count()
