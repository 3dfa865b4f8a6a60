"""The town's public contact and legal pages (core.legal_texts): what every public page shows
of the town, its legal notice and its accessibility statement, changed with their audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import save_audited
from core.models import AccessibilityStatus, Organisation, User

PUBLIC_FIELDS = [
    "contact_address",
    "contact_phone",
    "contact_email",
    "website",
    "legal_host",
    "legal_notice",
    "accessibility_status",
    "accessibility_audit_on",
    "accessibility_statement",
]


def check_accessibility(status: str, audit_on: dt.date | None, today: dt.date) -> None:
    """The RGAA gives a status only from an audit: "partially" or "fully compliant" needs its date."""
    if status not in AccessibilityStatus.values:
        raise ValidationError({"accessibility_status": "Choisissez un état de conformité dans la liste."})
    if audit_on is not None and audit_on > today:
        raise ValidationError({"accessibility_audit_on": "La date de l'audit ne peut pas être dans le futur."})
    if status != AccessibilityStatus.NOT_COMPLIANT and audit_on is None:
        raise ValidationError(
            {
                "accessibility_audit_on": "Un état « partiellement » ou « totalement conforme » résulte d'un audit "
                "de conformité au RGAA : indiquez sa date, ou gardez « non conforme »."
            }
        )


@transaction.atomic
def update_public_pages(
    *,
    organisation: Organisation,
    actor: User | None,
    today: dt.date,
    contact_address: str,
    contact_phone: str,
    contact_email: str,
    website: str,
    legal_host: str,
    legal_notice: str,
    accessibility_status: str,
    accessibility_audit_on: dt.date | None,
    accessibility_statement: str,
) -> Organisation:
    """Save the town's public contact and legal texts. An empty text (or one left as the
    default the form showed: see PublicPagesForm) stores nothing, so the default keeps
    following the town's data."""
    check_accessibility(accessibility_status, accessibility_audit_on, today)
    values = {
        "contact_address": _lines(contact_address),
        "contact_phone": contact_phone.strip(),
        "contact_email": contact_email.strip(),
        "website": website.strip(),
        "legal_host": _lines(legal_host),
        "legal_notice": _lines(legal_notice),
        "accessibility_status": accessibility_status,
        "accessibility_audit_on": accessibility_audit_on,
        "accessibility_statement": _lines(accessibility_statement),
    }
    save_audited(organisation, organisation=organisation, actor=actor, values=values)
    return organisation


def _lines(text: str) -> str:
    """A text as typed in a browser's text area (CRLF line ends), stored with LF, trimmed."""
    return text.replace("\r\n", "\n").strip()
