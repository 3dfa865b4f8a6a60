"""Kiosk devices: a town's tablet that shows public screens without anyone's account (ADR 0023).

A quality manager asks for a pairing code (8 readable characters, valid 24 hours, used once);
on the tablet, the pairing page (/borne/) takes the town and the code and leaves in the tablet
a long-lived cookie holding the town's id and a random token. The database keeps the token
only hashed. Every kiosk screen goes through `core.access.kiosk_view`, which finds the device
from that cookie. The cookie names the tablet, never a person: no response, ticket or journal
event stores it.

The screens a tablet may show are registered by the apps that own them in
`core.registries.KIOSK_SCREENS` (reception: "ticket" and the waiting room's "salle-attente",
surveys: "enquete")."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.crypto import salted_hmac

from core.audit import create_audited, record_event
from core.codes import READABLE_ALPHABET, readable_code
from core.models import KioskDevice, Organisation, Site, User
from core.registries import KIOSK_SCREENS, KioskScreen

COOKIE_NAME = "qualipilote_borne"
COOKIE_PATH = "/borne/"  # sent to the kiosk pages only, never to the back office
COOKIE_MAX_AGE = int(dt.timedelta(days=400).total_seconds())  # browsers cap a cookie at 400 days
PAIRING_VALIDITY = dt.timedelta(hours=24)
PAIRING_CODE_LENGTH = 8
PAIRING_SALT = "core.kiosk.pairing"
REFUSED_CODE = (
    "Ce code ne permet pas d'appairer la borne : il est inconnu, déjà utilisé ou expiré (un code "
    "vaut 24 heures). Demandez un nouveau code au responsable qualité."
)


def token_hash(token: str) -> str:
    """A token is 256 random bits: a plain SHA-256 is enough to keep it unreadable."""
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(code: str) -> str:
    """A pairing code is only 40 bits: keyed with the project's secret, so that a copy of the
    database alone does not give it away by trying every code."""
    return salted_hmac(PAIRING_SALT, normalised_code(code), algorithm="sha256").hexdigest()


def normalised_code(text: str) -> str:
    """The code as typed: capitals, without spaces or dashes ("abcd-efgh" → "ABCDEFGH")."""
    return "".join(character for character in text.upper() if character not in " -")


def shown_code(code: str) -> str:
    """The code as shown, in two groups of four to read aloud: "ABCD EFGH"."""
    return f"{code[:4]} {code[4:]}"


def check_screens(screens: Iterable[str]) -> list[str]:
    """The screens asked, in the registry's order; refuses an empty or unknown choice."""
    chosen = set(screens)
    if not chosen:
        raise ValidationError({"screens": "Choisissez au moins un écran pour la borne."})
    unknown = chosen - set(KIOSK_SCREENS.keys())
    if unknown:
        raise ValidationError({"screens": f"Écran inconnu : {', '.join(sorted(unknown))}."})
    return [key for key, _ in screens_in_order(chosen)]


def screens_in_order(keys: Iterable[str]) -> list[tuple[str, KioskScreen]]:
    """(key, screen) of the registered screens among `keys`, in their order of position."""
    wanted = set(keys)
    return sorted(
        ((key, screen) for key, screen in KIOSK_SCREENS.items() if key in wanted), key=lambda item: item[1].position
    )


def linked_screens(device: KioskDevice, *, besides: str) -> list[tuple[str, str]]:
    """(label, address) of the device's linked screens other than `besides`: the buttons a
    screen offers to reach them."""
    return [
        (screen.label, reverse(screen.url_name, args=[device.organisation.slug]))
        for key, screen in screens_in_order(device.screens)
        if screen.linked and key != besides
    ]


def _new_code(organisation: Organisation) -> str:
    code = readable_code(PAIRING_CODE_LENGTH)
    while KioskDevice.objects.filter(organisation=organisation, pairing_code_hash=code_hash(code)).exists():
        code = readable_code(PAIRING_CODE_LENGTH)
    return code


AUDITED_FIELDS = ["name", "site", "screens", "pairing_expires_at"]


@transaction.atomic
def create_device(
    *, organisation: Organisation, actor: User | None, name: str, site: Site, screens: Iterable[str], now: dt.datetime
) -> tuple[KioskDevice, str]:
    """A new device waiting to be paired, and its pairing code (shown once, kept only hashed)."""
    if site.organisation_id != organisation.pk:
        raise ValidationError({"site": "Ce site appartient à une autre organisation."})
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom à la borne, par exemple « Tablette du hall »."})
    code = _new_code(organisation)
    device = KioskDevice(
        organisation=organisation,
        name=name,
        site=site,
        screens=check_screens(screens),
        pairing_code_hash=code_hash(code),
        pairing_expires_at=now + PAIRING_VALIDITY,
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
    )
    create_audited(device, actor=actor, fields=AUDITED_FIELDS)
    return device, code


@transaction.atomic
def pair_device(*, organisation: Organisation, code: str, now: dt.datetime) -> tuple[KioskDevice, str]:
    """Pair the tablet that typed `code`: returns the device and its new token (for the
    tablet's cookie only). The code is used once: the update only succeeds on a device still
    waiting, so two tablets typing the same code at once get one device."""
    waiting = KioskDevice.objects.filter(
        organisation=organisation,
        pairing_code_hash=code_hash(code),
        paired_at__isnull=True,
        revoked_at__isnull=True,
        pairing_expires_at__gt=now,
    )
    device = waiting.first()
    token = secrets.token_urlsafe(32)
    if device is None or not waiting.filter(pk=device.pk).update(
        token_hash=token_hash(token), pairing_code_hash="", paired_at=now, last_seen_on=now.date()
    ):
        raise ValidationError({"code": REFUSED_CODE})
    device.refresh_from_db()
    record_event(organisation=organisation, actor=None, instance=device, action="pair", after={"site": device.site_id})
    return device, token


@transaction.atomic
def revoke_device(*, device: KioskDevice, actor: User | None, now: dt.datetime) -> KioskDevice:
    """Stop the device: its token and any pending code no longer open anything; the tablet
    shows the pairing page again."""
    if device.revoked_at is not None:
        raise ValidationError("Cette borne est déjà révoquée.")
    device.revoked_at = now
    device.token_hash = ""
    device.pairing_code_hash = ""
    device.save(update_fields=["revoked_at", "token_hash", "pairing_code_hash"])
    record_event(
        organisation=device.organisation,
        actor=actor,
        instance=device,
        action="revoke",
        after={"revoked_at": now.isoformat()},
    )
    return device


def note_use(device: KioskDevice, today: dt.date) -> None:
    """Keep the last day the device was used (a ticket taken, a questionnaire sent): one
    UPDATE a day at most, only on a POST (a page shown never writes)."""
    if device.last_seen_on != today:
        KioskDevice.objects.filter(pk=device.pk).update(last_seen_on=today)
        device.last_seen_on = today


# The tablet's cookie: "<town id>:<token>".


class OtherTown(Exception):
    """The tablet is paired with another town than the one of the address."""


def device_of_request(request: HttpRequest, organisation: Organisation) -> KioskDevice | None:
    """The active device whose cookie the request carries, None without one (or a revoked or
    unknown token); raises OtherTown for a tablet of another town."""
    town_id, _, token = request.COOKIES.get(COOKIE_NAME, "").partition(":")
    if not token or not town_id.isdigit():
        return None
    if int(town_id) != organisation.pk:
        raise OtherTown
    return (
        KioskDevice.objects.select_related("organisation", "site")
        .filter(organisation=organisation, token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def keep_cookie(response: HttpResponseBase, device: KioskDevice, token: str) -> None:
    """Give the tablet its device cookie: HttpOnly, SameSite=Strict, Secure when the site's
    cookies are (DJANGO_SECURE_COOKIES), for the kiosk pages only."""
    response.set_cookie(
        COOKIE_NAME,
        f"{device.organisation_id}:{token}",
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def renew_cookie(request: HttpRequest, response: HttpResponseBase, device: KioskDevice) -> None:
    """Push the cookie's end back at each page, so that a tablet in use never loses it."""
    _, _, token = request.COOKIES.get(COOKIE_NAME, "").partition(":")
    keep_cookie(response, device, token)


def pairing_url(org_slug: str = "") -> str:
    base = reverse("kiosk:pair")
    return f"{base}?ville={org_slug}" if org_slug else base


def start_url(organisation: Organisation) -> str:
    return reverse("kiosk:start", args=[organisation.slug])


def first_screen_url(device: KioskDevice) -> str | None:
    """The device's start screen: the first of its screens, in the registry's order."""
    shown = screens_in_order(device.screens)
    return reverse(shown[0][1].url_name, args=[device.organisation.slug]) if shown else None


def invitations(device: KioskDevice, *, visitor: int, today: dt.date) -> list[tuple[str, str]]:
    """(label, URL) of the device's screens that invite the day's `visitor`-th visitor
    (the survey, one visitor in N)."""
    return [
        (screen.label, reverse(screen.url_name, args=[device.organisation.slug]))
        for _key, screen in screens_in_order(device.screens)
        if screen.invites is not None and screen.invites(device, visitor, today)
    ]


def is_readable_code(text: str) -> bool:
    code = normalised_code(text)
    return len(code) == PAIRING_CODE_LENGTH and all(character in READABLE_ALPHABET for character in code)


def screen_context(organisation: Organisation, *, done: bool = False, resets: bool = True) -> dict[str, object]:
    """What the kiosk layout needs (templates/kiosk/base.html): the layout to extend, the start
    screen the reset script goes back to, and its delays (settings KIOSK_IDLE_SECONDS,
    KIOSK_DONE_SECONDS: 60 and 10; shorter in the browser test). `resets=False` for a screen
    nobody touches (the waiting room's TV): no reset script."""
    return {
        "layout": "kiosk/base.html",
        "org": organisation,
        "kiosk_home": start_url(organisation) if resets else None,
        "kiosk_idle": settings.KIOSK_IDLE_SECONDS,
        "kiosk_done": settings.KIOSK_DONE_SECONDS if done else None,
    }
