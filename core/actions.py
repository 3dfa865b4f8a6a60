"""State changes of the organisation's people and settings, each with its audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.audit import record_event, snapshot
from core.models import Membership, Organisation, User


def account_link(user: User, base_url: str) -> str:
    """A one-time link where the user chooses a password (Django's reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("core:password_reset_confirm", args=[uid, token])


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: User | None,
    base_url: str,
    full_name: str = "",
    ends_on: dt.date | None = None,
) -> Membership:
    """Give `email` a role in the organisation, creating the account if needed, and e-mail
    an invitation with a link to choose a password."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
    membership = Membership.objects.create(organisation=organisation, user=user, role=role, ends_on=ends_on)
    record_event(
        organisation=organisation,
        actor=invited_by,
        instance=membership,
        action="invitation",
        after=snapshot(membership, ["user", "role", "ends_on"]) | {"email": email},
    )
    body = render_to_string(
        "core/email/invitation.txt",
        {
            "organisation": organisation,
            "role": membership.get_role_display(),
            "link": account_link(user, base_url),
            "ends_on": ends_on,
        },
    )
    transaction.on_commit(
        lambda: send_mail(f"Invitation à Qualipilote — {organisation.name}", body, settings.DEFAULT_FROM_EMAIL, [email])
    )
    return membership
