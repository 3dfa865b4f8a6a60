"""Per-request account rules, after authentication: the idle timeout, the session's activity,
and the second-factor gate.

A person who must have a second factor and has none reaches only the enrolment page (and
logout); a person who has one reaches only the verification page until they give a code.
Whether a person must or does have one is read once a minute with the activity (one query)
and kept in the session, so a page view adds no query for people without a second factor,
and one (django-otp reading the verified device) for people with one.

A paired kiosk tablet's pages (/borne/) are left alone: they read no account, so an agent's
session left open on the tablet's browser neither shows there nor ends there (ADR 0023)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts import second_factor, sessions
from core.kiosk import COOKIE_PATH as KIOSK_PATH

STATE_KEY = "accounts_second_factor"  # [must have one, has one], refreshed with the activity
# Pages a person between password and second factor may open (by URL name).
OPEN_BEFORE_SECOND_FACTOR = ("accounts:enrol", "accounts:verify", "core:logout", "core:theme_css", "core:logo")


def note_second_factor_state(request: HttpRequest) -> None:
    request.session[STATE_KEY] = list(second_factor.second_factor_state(request.user))  # type: ignore[arg-type]


class AccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and not request.path_info.startswith(KIOSK_PATH):
            answer = self.check(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponseBase | None:
        now = timezone.now()
        if sessions.is_idle(request.session, now=now):
            return self.end_idle_session(request)
        if sessions.needs_refresh(request.session, now=now):
            sessions.refresh(request, request.user, now=now)  # type: ignore[arg-type]
            note_second_factor_state(request)
        return self.second_factor_gate(request)

    def end_idle_session(self, request: HttpRequest) -> HttpResponseBase:
        auth.logout(request)  # its user_logged_out signal drops the session's row
        minutes = sessions.idle_limit().total_seconds() // 60
        messages.info(
            request, f"Votre session a pris fin après {minutes:.0f} minutes sans activité : reconnectez-vous."
        )
        return redirect_to_login(request.get_full_path())

    def second_factor_gate(self, request: HttpRequest) -> HttpResponseBase | None:
        required, has_one = request.session.get(STATE_KEY, (False, False))
        if not (required or has_one) or second_factor.is_verified(request):
            return None
        if _opens_before_second_factor(request.path_info):
            return None
        target = reverse("accounts:verify" if has_one else "accounts:enrol")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _opens_before_second_factor(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in OPEN_BEFORE_SECOND_FACTOR
