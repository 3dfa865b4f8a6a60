"""Two-factor login: who must have a second factor, enrolment, recovery codes and reset.

The factors are django-otp devices: one `TOTPDevice` (an authenticator application) and one
`StaticDevice` holding the recovery codes, each code usable once. Enrolment writes nothing
until the person proves the application works: the new secret travels signed in the form
(`enrolment_secret`), so opening the page writes nothing."""

from __future__ import annotations

import base64
import binascii

from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core.audit import record_event
from core.models import Membership, Organisation, Role, User

RECOVERY_CODE_COUNT = 10
ROLES_NEEDING_SECOND_FACTOR = (Role.ADMIN, Role.QUALITY_MANAGER)
ENROLMENT_SALT = "accounts.enrolment"
SECRET_MAX_AGE = 15 * 60  # seconds to scan the code and type the first number
TOTP_TOLERANCE = 1  # one 30-second step either side, for clocks a little apart


def second_factor_state(user: User) -> tuple[bool, bool]:
    """(must have a second factor, has one), in one query.

    A person must have one when they administer or manage quality in a town, or belong to a
    town that requires it of all its members."""
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    required = memberships.filter(Q(role__in=ROLES_NEEDING_SECOND_FACTOR) | Q(organisation__two_factor_required=True))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            required=Exists(required),
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .values_list("required", "has_totp")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Enrolment ---------------------------------------------------------------------------


def new_enrolment_secret(user: User) -> str:
    """A fresh TOTP secret (hex) signed for this person, to put in the enrolment form."""
    return signing.dumps({"user": user.pk, "key": random_hex(20)}, salt=ENROLMENT_SALT)


def enrolment_key(signed: str, user: User) -> str | None:
    """The hex secret of a signed enrolment value, if it is this person's and fresh."""
    try:
        data = signing.loads(signed, salt=ENROLMENT_SALT, max_age=SECRET_MAX_AGE)
    except signing.BadSignature:
        return None
    return str(data["key"]) if data.get("user") == user.pk else None


def provisioning_uri(user: User, key_hex: str) -> str:
    """The otpauth:// address an authenticator application reads from the QR code."""
    return TOTPDevice(user=user, key=key_hex, name="application").config_url


def base32_secret(key_hex: str) -> str:
    """The secret as people type it by hand in an application, in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


def code_matches(key_hex: str, token: str) -> int | None:
    """The time step of the six-digit code if it is right for the secret now, else None."""
    token = token.replace(" ", "")
    if not (token.isdigit() and len(token) == 6):
        return None
    totp = TOTP(binascii.unhexlify(key_hex))
    return totp.t() if totp.verify(int(token), tolerance=TOTP_TOLERANCE) else None


@transaction.atomic
def enrol(*, request: HttpRequest, user: User, key_hex: str, step: int) -> list[str]:
    """Keep the proven secret as the person's authenticator, mark the session verified and
    return new recovery codes (shown once, stored only as django-otp keeps them)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="application", key=key_hex, confirmed=True, last_t=step)
    codes = replace_recovery_codes(user)
    otp_login(request, device)
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Throw away the person's recovery codes and make new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="codes de secours", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Login -------------------------------------------------------------------------------


def verify(request: HttpRequest, user: User, token: str) -> Device | None:
    """Check a code from the application or a recovery code (used up); on success the session
    is verified. django-otp slows repeated failures down on each device."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    device = match_token(user, token)
    if device is not None:
        otp_login(request, device)
    return device


def is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


# --- Reset by an administrator -----------------------------------------------------------


@transaction.atomic
def reset_second_factor(*, user: User, actor: User | None, organisations: list[Organisation]) -> int:
    """Remove every second factor of a person (application and recovery codes), so that they
    enrol again at their next login; the reset is written in each town's journal given.
    Returns how many devices were removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    for organisation in organisations:
        membership = Membership.objects.filter(organisation=organisation, user=user).first()
        record_event(
            organisation=organisation,
            actor=actor,
            instance=membership or user,
            action="reset_second_factor",
            after={"appareils_supprimes": removed},
        )
    return removed
