"""The public questionnaire of a campaign, at /p/<town>/enquete/<code>/: no account, nothing
kept about who answers (ADR 0022). Django's CSRF protection applies (its cookie is the only
one); submissions are rate-limited per address (hashed, never stored with the response); a
honeypot field and a minimum filling time catch robots, which are thanked and leave nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.access import public_view, use_town_time
from core.models import Organisation, Site
from core.ratelimit import allow, client_key
from surveys.answers import by_section, campaign_questions, record_response
from surveys.forms import AnswerForm
from surveys.models import Campaign, Channel

ANSWER_LIMIT = 20  # questionnaires per address and hour: a town hall's public Wi-Fi shares one
WINDOW = dt.timedelta(hours=1)
TOO_MANY = 429
# The channel a link names (?canal=courriel in the e-mail invitations); the web by default.
LINK_CHANNELS = {"courriel": Channel.EMAIL}
# The page the questionnaire's templates extend: the public pages', or the kiosk's (kiosk_views).
PUBLIC_LAYOUT = "public/base.html"


def _campaign(org_slug: str, code: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("organisation", "questionnaire"), organisation__slug=org_slug, code=code
    )
    use_town_time(campaign.organisation)
    return campaign


def _channel(request: HttpRequest) -> str:
    return LINK_CHANNELS.get(request.GET.get("canal", ""), Channel.WEB)


def _client(request: HttpRequest, campaign: Campaign) -> str:
    return client_key(request, "enquete", organisation=campaign.organisation)


def _context(campaign: Campaign, **more: object) -> dict[str, object]:
    organisation: Organisation = campaign.organisation
    context = {"org": organisation, "campaign": campaign, "questionnaire": campaign.questionnaire}
    return {"layout": PUBLIC_LAYOUT, **context, **more}


@public_view
def answer(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    campaign = _campaign(org_slug, code)
    today = campaign.organisation.today()
    channel = _channel(request)
    if not campaign.is_open(today) or channel not in campaign.channels:
        return render(request, "surveys/public/closed.html", _context(campaign, today=today))
    thanks_url = reverse("surveys_public:thanks", args=[org_slug, code])
    return answer_page(request, campaign, channel=channel, today=today, thanks_url=thanks_url)


def answer_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    channel: str,
    today: dt.date,
    thanks_url: str,
    site: Site | None = None,
    limited: bool = True,
    more: dict[str, object] | None = None,
) -> HttpResponse:
    """The questionnaire of an open campaign and its submission, on the web or the kiosk
    (`more`: the kiosk's layout). `limited`: submissions are rate-limited per address (not on
    a paired kiosk, whose device cookie is the gate)."""
    more = more or {}
    questions = campaign_questions(campaign)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and (form.is_robot or form.is_valid()):
        if limited and not allow(_client(request, campaign), limit=ANSWER_LIMIT, window=WINDOW):
            message = "Trop de questionnaires envoyés depuis votre connexion : réessayez dans une heure."
            context = _context(campaign, message=message, **more)
            return render(request, "surveys/public/limited.html", context, status=TOO_MANY)
        if form.is_robot:
            return redirect(thanks_url)
        try:
            submission = form.submission(channel=channel, answered_on=today, site=site)
            record_response(campaign=campaign, submission=submission)
        except ValidationError as refused:
            for field, messages in refused.message_dict.items():
                form.add_error(None if field == "__all__" else field, messages)
        else:
            return redirect(thanks_url)
    sections = by_section(questions, lambda question: (question, form[question.key]))
    return render(request, "surveys/public/answer.html", _context(campaign, form=form, sections=sections, **more))


@public_view
def thanks(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    campaign = _campaign(org_slug, code)
    return render(request, "surveys/public/thanks.html", _context(campaign))
