"""The town's public pages: file a complaint or suggestion, follow it with its tracking number.

No account. Django's CSRF protection applies; submissions and lookups are rate-limited per
address (hashed, never stored); a honeypot field catches robots, which are told "thank you"
and leave nothing behind. The tracking page shows dates and status, never personal data."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from complaints.actions import file_public_complaint
from complaints.forms import PublicComplaintForm, TrackingForm
from complaints.models import normalise_tracking_number
from complaints.queries import public_status
from core.access import public_town, public_view
from core.models import Organisation
from core.ratelimit import allow, client_key, email_key
from core.web import keep_receipt, read_receipt

FORM_LIMIT = 5  # complaints per address and hour
TRACKING_LIMIT = 30  # lookups per address and hour
EMAIL_LIMIT = 3  # acknowledgements e-mailed to one e-mail address per hour
WINDOW = dt.timedelta(hours=1)
# The confirmation page reads what was sent from a signed cookie, not from a session: an
# anonymous visitor leaves no session row behind (issue 10, item 4).
SENT_COOKIE = "reclamation_envoyee"
SENT_SALT = "complaints.sent"
TOO_MANY = 429


def _limited(request: HttpRequest, organisation: Organisation, template: str, message: str) -> HttpResponse:
    context = {"org": organisation, "message": message}
    return render(request, template, context, status=TOO_MANY)


def _sent(
    request: HttpRequest, organisation: Organisation, number: str, emailed: bool, email_held: bool = False
) -> HttpResponseRedirect:
    response = redirect("complaints_public:complaint_sent", org_slug=organisation.slug)
    values = {"number": number, "emailed": emailed, "held": email_held}
    return keep_receipt(response, name=SENT_COOKIE, salt=SENT_SALT, organisation=organisation, values=values)


def _may_email(email: str) -> bool:
    """Whether the acknowledgement may be e-mailed: a few per address and hour, so the form
    cannot be used to flood someone's mailbox from many connections."""
    return not email or allow(email_key("reclamation-courriel", email), limit=EMAIL_LIMIT, window=WINDOW)


@public_view
def complaint_form(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_town(org_slug)
    form = PublicComplaintForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and (form.is_robot or form.is_valid()):
        if not allow(client_key(request, "reclamation", organisation=organisation), limit=FORM_LIMIT, window=WINDOW):
            message = (
                "Trop de messages envoyés depuis votre connexion : réessayez dans une heure, ou contactez la mairie."
            )
            return _limited(request, organisation, "complaints/public/limited.html", message)
        if form.is_robot:
            return _sent(request, organisation, "", False)
        tracking_url = request.build_absolute_uri(reverse("complaints_public:complaint_tracking", args=[org_slug]))
        data = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "website"}
        email_allowed = _may_email(data.get("citizen_email", ""))
        complaint = file_public_complaint(
            organisation=organisation,
            now=timezone.now(),
            tracking_url=tracking_url,
            email_allowed=email_allowed,
            **data,
        )
        has_email = bool(complaint.citizen_email)
        return _sent(
            request,
            organisation,
            complaint.tracking_number,
            has_email and email_allowed,
            has_email and not email_allowed,
        )
    return render(request, "complaints/public/form.html", {"org": organisation, "form": form})


@public_view
def complaint_sent(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_town(org_slug)
    sent = read_receipt(request, name=SENT_COOKIE, salt=SENT_SALT, organisation=organisation)
    mine = bool(sent)
    context = {
        "org": organisation,
        "submitted": mine,
        "number": sent.get("number", "") if mine else "",
        "emailed": mine and sent.get("emailed", False),
        "email_held": mine and sent.get("held", False),
    }
    return render(request, "complaints/public/sent.html", context)


@public_view
def complaint_tracking(request: HttpRequest, org_slug: str) -> HttpResponse:
    organisation = public_town(org_slug)
    form = TrackingForm(request.GET if "numero" in request.GET else None)
    found = None
    if form.is_valid():
        if not allow(client_key(request, "suivi", organisation=organisation), limit=TRACKING_LIMIT, window=WINDOW):
            message = "Trop de recherches depuis votre connexion : réessayez dans une heure."
            return _limited(request, organisation, "complaints/public/limited.html", message)
        found = public_status(organisation, normalise_tracking_number(form.cleaned_data["numero"]))
        if found is None:
            form.add_error(
                "numero", "Aucune réclamation ni suggestion ne porte ce numéro dans notre commune. Vérifiez-le."
            )
    return render(request, "complaints/public/tracking.html", {"org": organisation, "form": form, "found": found})
