"""The login lockouts of a town's members, as an administrator sees and lifts them (ADR 0014).

django-axes keeps one row of failures per e-mail, address and browser; a lockout is an e-mail
and an address past AXES_FAILURE_LIMIT failures within the cool-off, or an e-mail past
QUALIPILOTE_ACCOUNT_FAILURE_LIMIT from all addresses together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet, Sum

from core.lockout import lockout_window
from core.login_journal import UNLOCK, record_login_event
from core.models import Membership, Organisation, User


@dataclass(frozen=True)
class Lockout:
    membership: Membership
    address: str  # empty: the account is locked from every address
    failures: int
    last_failure: dt.datetime


def _recent_failures(members: dict[str, Membership], now: dt.datetime) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(username__in=list(members), attempt_time__gte=now - lockout_window())


def current_lockouts(organisation: Organisation, *, now: dt.datetime) -> list[Lockout]:
    """The town's members locked out now: per address, then account-wide."""
    members = {
        membership.user.email: membership
        for membership in Membership.objects.filter(organisation=organisation).select_related("user")
    }
    recent = _recent_failures(members, now)
    totals = {"failures": Sum("failures_since_start"), "last_failure": Max("attempt_time")}
    per_address = recent.values("username", "ip_address").annotate(**totals).order_by("username", "ip_address")
    per_account = recent.values("username").annotate(**totals).order_by("username")
    return [
        Lockout(members[row["username"]], row["ip_address"] or "", row["failures"], row["last_failure"])
        for row in per_address
        if row["failures"] >= settings.AXES_FAILURE_LIMIT
    ] + [
        Lockout(members[row["username"]], "", row["failures"], row["last_failure"])
        for row in per_account
        if row["failures"] >= settings.QUALIPILOTE_ACCOUNT_FAILURE_LIMIT
    ]


@transaction.atomic
def lift_lockout(*, membership: Membership, address: str, actor: User) -> int:
    """Forget the member's failures from `address` (from every address when empty), so that
    they can log in again; journaled in each of their towns. Returns the rows removed."""
    attempts = AccessAttempt.objects.filter(username=membership.user.email)
    if address:
        attempts = attempts.filter(ip_address=address)
    removed, _ = attempts.delete()
    if removed:
        record_login_event(user=membership.user, action=UNLOCK, address=address, actor=actor)
    return removed
