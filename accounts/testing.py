"""For tests: sign a test client in as a person, second factor included.

`log_in_verified` is `Client.force_login` plus what a real login with a second factor
leaves in the session: an authenticator (created when the person has none and must have one)
marked as verified, and the activity noted, so that the first page opened costs what every
later page costs."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.middleware import STATE_KEY
from accounts.models import UserSession
from accounts.second_factor import second_factor_state
from core.models import User


def log_in_verified(client: Client, user: User) -> Client:
    client.force_login(user)
    required, has_one = second_factor_state(user)
    session = client.session
    if required or has_one:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="application", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    now = timezone.now()
    session[sessions.LAST_SEEN_KEY] = int(now.timestamp())
    session[STATE_KEY] = [required, required or has_one]
    session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "last_activity": now},
        create_defaults={"user": user, "last_activity": now, "started_at": now},
    )
    return client
