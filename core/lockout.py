"""Login lockout (ADR 0014): django-axes locks an e-mail *and* an address together after
AXES_FAILURE_LIMIT failures, so that nobody can lock a named account from elsewhere; a slower
account-wide limit (QUALIPILOTE_ACCOUNT_FAILURE_LIMIT failures within the cool-off, from any
address) stops a password being guessed from many addresses. The handler also writes the
logins, failures and lockouts in the journal of the person's towns (core/login_journal.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from core.login_journal import LOCKOUT, LOGIN, LOGIN_FAILED, account_of, record_login_event


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The e-mail typed at login, as the login form reads it (AXES_USERNAME_CALLABLE): one
    counter per account however its letters are cased."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get(settings.AXES_USERNAME_FORM_FIELD) or "").strip().lower()


def lockout_window() -> dt.timedelta:
    return get_cool_off() or dt.timedelta(hours=1)


def account_failures(username: str, *, now: dt.datetime) -> int:
    """Failed logins of an account from every address within the cool-off."""
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - lockout_window())
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_locked(username: str, *, now: dt.datetime) -> bool:
    return bool(username) and account_failures(username, now=now) >= settings.QUALIPILOTE_ACCOUNT_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the account-wide limit and the town's journal."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return account_locked(login_username(request, credentials), now=timezone.now())

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        refused_unheard = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_unheard:  # a locked client's attempts are not counted again
            return
        user = account_of(login_username(request, credentials))
        if user is None:
            return
        address = request.axes_ip_address
        record_login_event(user=user, action=LOGIN_FAILED, address=address)
        pair_failures = getattr(request, "axes_failures_since_start", 0)
        if pair_failures == get_failure_limit(request, credentials):
            record_login_event(user=user, action=LOCKOUT, address=address, failures=pair_failures)
        total = account_failures(user.email, now=timezone.now())
        if total == settings.QUALIPILOTE_ACCOUNT_FAILURE_LIMIT:
            request.axes_locked_out = True  # answered as a lockout at once, like axes' own limit
            record_login_event(user=user, action=LOCKOUT, address="", failures=total)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        record_login_event(user=user, action=LOGIN, address=request.axes_ip_address, actor=user)
