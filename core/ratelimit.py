"""Rate limits for public forms, counted in a database table (works on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from core.models import Organisation, RateLimitBucket


def client_key(request: HttpRequest, scope: str, *, organisation: Organisation | None) -> str:
    """A key for the scope, the town (None for a page of no town, the password reset) and the
    client's address (REMOTE_ADDR, the client's own behind trusted proxies:
    core/client_address.py); the address is hashed, never stored."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"{scope}:{organisation.pk if organisation else '-'}:{digest}"


def allow(key: str, *, limit: int, window: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """Count one use of `key`; False once it was used `limit` times in the current window."""
    now = now or timezone.now()
    seconds = int(window.total_seconds())
    window_start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
    with transaction.atomic():
        updated = RateLimitBucket.objects.filter(key=key, window_start=window_start, hits__lt=limit).update(
            hits=F("hits") + 1
        )
        if updated:
            return True
        if RateLimitBucket.objects.filter(key=key, window_start=window_start).exists():
            return False
        try:
            with transaction.atomic():
                RateLimitBucket.objects.create(key=key, window_start=window_start, hits=1)
        except IntegrityError:  # another request created it first
            return allow(key, limit=limit, window=window, now=now)
    RateLimitBucket.objects.filter(window_start__lt=window_start - dt.timedelta(days=1)).delete()
    return True


def email_key(scope: str, email: str) -> str:
    """A key for the scope and an e-mail address (throttling the mail sent to it); the address
    is hashed, never stored."""
    normalised = email.strip().lower()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:email:{normalised}".encode()).hexdigest()[:32]
    return f"{scope}:{digest}"
