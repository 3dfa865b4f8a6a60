"""Logins, failed logins, lockouts and unlocks in the journal of each town the person belongs
to (the journal is per organisation). An address typed by nobody (an unknown e-mail) belongs
to no town and is kept by django-axes alone."""

from __future__ import annotations

from core.audit import record_event
from core.models import Membership, User

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKOUT = "lockout"
UNLOCK = "unlock"


def account_of(username: str | None) -> User | None:
    """The account an e-mail typed at login names, if any."""
    if not username:
        return None
    return User.objects.filter(email=username.strip().lower()).first()


def record_login_event(
    *, user: User, action: str, address: str, actor: User | None = None, failures: int | None = None
) -> None:
    """Append the event to the journal of each of the person's towns. `actor` is who did it:
    the person for a login, the administrator for an unlock, nobody (the system) otherwise."""
    after: dict[str, str | int] = {"client_address": address or "toutes adresses"}
    if failures is not None:
        after["failures"] = failures
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        record_event(organisation=membership.organisation, actor=actor, instance=user, action=action, after=after)
