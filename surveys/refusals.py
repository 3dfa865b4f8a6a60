"""The addresses that asked for no more survey invitations (the e-mail promises it: "reply and
your address will be set aside"): a quality manager types the address from the reply, the daily
job `surveys.email_invitations` skips it from then on.

An address is kept as its keyed hash only (`InvitationRefusal.address_digest`): HMAC-SHA256
(django.utils.crypto.salted_hmac) of the normalised address, with a key derived from the site's
secret key and the town, so the same address hashes differently in two towns and nobody holding
the database alone can test guesses. The list therefore cannot be shown, only checked against
an address typed again. A secret key moved to SECRET_KEY_FALLBACKS still matches the refusals
recorded under it. The journal keeps the action and the town's count, never an address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from core.audit import record_event
from core.models import Organisation, User
from surveys.models import InvitationRefusal

COUNT = "invitation_refusals"  # the value the journal keeps (core.journal.VALUE_LABELS)


def _secret_keys() -> list[str]:
    """The current secret key first, then the former ones still accepted."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def address_digest(organisation: Organisation, address: str, *, secret: str | None = None) -> str:
    """The keyed hash (64 hex digits) of a normalised address (core.contacts.single_email_address)
    in this town, under the current secret key or the one given."""
    key_salt = f"qualipilote.surveys.invitation_refusal:{organisation.pk}"
    return salted_hmac(key_salt, address, secret=secret, algorithm="sha256").hexdigest()


def _digests(organisation: Organisation, address: str) -> list[str]:
    """The address's hash under each accepted secret key, the current one first."""
    return [address_digest(organisation, address, secret=key) for key in _secret_keys()]


def refusal_of(organisation: Organisation, address: str) -> InvitationRefusal | None:
    """The town's refusal of this normalised address, if recorded."""
    return (
        InvitationRefusal.objects.for_org(organisation)
        .filter(address_digest__in=_digests(organisation, address))
        .first()
    )


def refused_addresses(organisation: Organisation, addresses: Iterable[str]) -> set[str]:
    """Those of the normalised addresses the town must no longer invite (one query)."""
    by_digest = {digest: address for address in set(addresses) for digest in _digests(organisation, address)}
    if not by_digest:
        return set()
    listed = InvitationRefusal.objects.for_org(organisation).filter(address_digest__in=list(by_digest))
    return {by_digest[digest] for digest in listed.values_list("address_digest", flat=True)}


def refusal_count(organisation: Organisation) -> int:
    return InvitationRefusal.objects.for_org(organisation).count()


def _journal(organisation: Organisation, actor: User | None, action: str) -> None:
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action=action,
        after={COUNT: refusal_count(organisation)},
    )


@transaction.atomic
def refuse_invitations(
    *, organisation: Organisation, actor: User | None, address: str, today: dt.date
) -> tuple[InvitationRefusal, bool]:
    """Set a normalised address aside from the town's invitations. Returns the refusal and
    whether it is new (an address already listed changes nothing and is not journaled)."""
    existing = refusal_of(organisation, address)
    if existing is not None:
        return existing, False
    refusal, created = InvitationRefusal.objects.get_or_create(
        organisation=organisation, address_digest=address_digest(organisation, address), defaults={"recorded_on": today}
    )
    if created:
        _journal(organisation, actor, "refuse_invitations")
    return refusal, created


@transaction.atomic
def restore_invitations(*, organisation: Organisation, actor: User | None, address: str) -> bool:
    """Take a normalised address off the town's list (typed in by mistake, or the citizen asks
    again to be invited). Returns whether it was listed."""
    listed = InvitationRefusal.objects.for_org(organisation).filter(address_digest__in=_digests(organisation, address))
    deleted, _ = listed.delete()
    if deleted:
        _journal(organisation, actor, "restore_invitations")
    return bool(deleted)
