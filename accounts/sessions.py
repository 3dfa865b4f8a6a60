"""Session bookkeeping: the idle timeout, the rows of "Mes sessions", and ending sessions.

The moment of a session's last activity is kept in the session itself and refreshed at most
once a minute (`REFRESH`): a page view costs no write, and the idle timeout is exact to the
minute. The same refresh updates the session's `UserSession` row and its expiry date."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import UserSession
from core.models import User

LAST_SEEN_KEY = "accounts_last_seen"
REFRESH = dt.timedelta(minutes=1)
USER_AGENT_MAX = 300


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.QUALIPILOTE_SESSION_IDLE_MINUTES)


def last_seen(session: SessionBase) -> dt.datetime | None:
    stamp = session.get(LAST_SEEN_KEY)
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC) if isinstance(stamp, int | float) else None


def is_idle(session: SessionBase, *, now: dt.datetime) -> bool:
    """Whether the session saw no request for longer than the idle timeout."""
    seen = last_seen(session)
    return seen is not None and now - seen > idle_limit()


def needs_refresh(session: SessionBase, *, now: dt.datetime) -> bool:
    seen = last_seen(session)
    return seen is None or now - seen >= REFRESH


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the request gives it (behind a trusted proxy, the address the
    proxy handling of item 1 of issue 10 puts in REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None


def refresh(request: HttpRequest, user: User, *, now: dt.datetime) -> None:
    """Note the session's activity now: in the session (pushing its expiry back by the idle
    timeout) and in its `UserSession` row, created the first time."""
    session = request.session
    session[LAST_SEEN_KEY] = int(now.timestamp())
    # Django drops the session a while after the timeout; until then the middleware ends it
    # itself and can tell the person why.
    session.set_expiry(int(idle_limit().total_seconds() * 2))
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "ip_address": client_address(request),
            "last_activity": now,
        },
        create_defaults={
            "user": user,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "ip_address": client_address(request),
            "last_activity": now,
            "started_at": now,
        },
    )


def open_sessions(user: User, *, now: dt.datetime) -> QuerySet[UserSession]:
    """The person's sessions still alive: their Django session exists, has not expired, and
    saw a request within the idle timeout."""
    alive = Session.objects.filter(expire_date__gt=now).values("session_key")
    return UserSession.objects.filter(user=user, last_activity__gt=now - idle_limit(), session_key__in=alive)


def end_sessions(user: User, session_keys: list[str]) -> int:
    """End the person's sessions among `session_keys` (a key of someone else's is ignored)."""
    mine = list(
        UserSession.objects.filter(user=user, session_key__in=session_keys).values_list("session_key", flat=True)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in mine:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=mine).delete()
    return len(mine)


def end_other_sessions(user: User, current_key: str | None) -> int:
    keys = UserSession.objects.filter(user=user).exclude(session_key=current_key or "")
    return end_sessions(user, list(keys.values_list("session_key", flat=True)))


def forget_session(session_key: str | None) -> None:
    """Drop the row of a session that ends (logout, idle timeout)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def browser_label(user_agent: str) -> str:
    """A short French description of a browser from its User-Agent, for people to recognise."""
    agent = user_agent.lower()
    browser = next(
        (name for marker, name in BROWSERS if marker in agent),
        "navigateur inconnu",
    )
    system = next((name for marker, name in SYSTEMS if marker in agent), "système inconnu")
    return f"{browser} sous {system}"


BROWSERS = [
    ("edg/", "Edge"),
    ("opr/", "Opera"),
    ("firefox/", "Firefox"),
    ("chromium/", "Chromium"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
    ("curl/", "curl"),
]
SYSTEMS = [
    ("android", "Android"),
    ("iphone", "iOS"),
    ("ipad", "iPadOS"),
    ("windows", "Windows"),
    ("mac os", "macOS"),
    ("cros", "ChromeOS"),
    ("linux", "Linux"),
]


def forget_logged_out_session(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        forget_session(request.session.session_key)
