"""`/.well-known/security.txt` (RFC 9116): whom a person who found a flaw should write to."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.access import public_view

# RFC 9116 asks for an expiry less than a year ahead; the file is written on each request from
# the settings, so it never goes stale while the contact is kept up to date.
EXPIRES_AFTER = dt.timedelta(days=180)


def security_contact() -> str:
    """The contact setting as a URI (a bare address becomes `mailto:`), else the first administrator."""
    contact = settings.SECURITY_CONTACT or (settings.ADMINS[0][1] if settings.ADMINS else "")
    if contact and ":" not in contact:
        contact = f"mailto:{contact}"
    return contact


def security_txt_lines(*, contact: str, canonical: str, now: dt.datetime) -> list[str]:
    expires = (now + EXPIRES_AFTER).astimezone(dt.UTC).replace(microsecond=0)
    return [
        f"Contact: {contact}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {canonical}",
    ]


@public_view
@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    contact = security_contact()
    if not contact:
        raise Http404("Aucun contact de sécurité n'est configuré.")
    lines = security_txt_lines(contact=contact, canonical=request.build_absolute_uri(), now=timezone.now())
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
