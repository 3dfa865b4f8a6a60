"""The acknowledgement of receipt (accusé de réception) of a written request.

Code des relations entre le public et l'administration, art. L112-3 and R112-5: the
acknowledgement states the date of receipt, the designation, address and contact of the
service in charge, and the deadline after which the silence of the administration means
acceptance (or refusal, with the means of appeal). The town edits the text; placeholders
between braces are filled from the request."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.workdays import french_date
from correspondence.models import AcknowledgementTemplate, Channel, WrittenRequest
from correspondence.rules import Deadline

PLACEHOLDERS = {
    "date_reception": "date de réception de la demande",
    "canal": "courrier, courriel, demande en ligne ou message téléphonique",
    "categorie": "catégorie de la demande",
    "objet": "objet de la demande",
    "service": "service chargé de la demande",
    "contact_service": "coordonnées du service (réglées ci-dessous)",
    "echeance": "date limite de réponse annoncée",
    "delai": "délai, en jours ouvrés ou ouvrables",
    "reference": "référence de la demande",
    "demandeur": "nom du demandeur",
    "ville": "nom de la ville",
    "signature": "signature",
    "date_courrier": "date du jour",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


@dataclass(frozen=True)
class Letter:
    title: str
    recipient: list[str]
    paragraphs: list[SafeString]


def letter_values(
    request: WrittenRequest, template: AcknowledgementTemplate, *, today: dt.date, organisation_name: str
) -> dict[str, str]:
    deadline = Deadline(request.deadline_days, request.business_days)
    service = request.service.name if request.service else "de l'accueil de la mairie"
    return {
        "date_reception": french_date(request.received_on),
        "canal": Channel(request.channel).label,
        "categorie": request.category.name.lower() if request.category else "votre demande",
        "objet": request.subject or "votre demande",
        "service": service,
        "contact_service": template.service_contact or "à l'accueil de la mairie, aux heures d'ouverture",
        "echeance": french_date(request.due_on),
        "delai": deadline.label,
        "reference": request.display_reference,
        "demandeur": request.requester_name,
        "ville": organisation_name,
        "signature": template.signature,
        "date_courrier": french_date(today),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders only (no attribute lookups as str.format would allow)."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def paragraphs(text: str) -> list[SafeString]:
    """Blank lines separate paragraphs; a single line break stays a line break."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    return [mark_safe("<br>".join(escape(line) for line in block.split("\n"))) for block in blocks]  # noqa: S308


def acknowledgement_letter(
    request: WrittenRequest, template: AcknowledgementTemplate, *, today: dt.date, organisation_name: str
) -> Letter:
    values = letter_values(request, template, today=today, organisation_name=organisation_name)
    recipient = [line for line in (request.requester_name, request.requester_contact) if line]
    return Letter(
        title=fill(template.title, values), recipient=recipient, paragraphs=paragraphs(fill(template.body, values))
    )


def sample_request(organisation_name: str) -> WrittenRequest:
    """A made-up request to preview the template with."""
    return WrittenRequest(
        reference="2026-00042",
        channel=Channel.LETTER,
        received_on=dt.date(2026, 7, 10),
        subject="Demande d'autorisation de travaux",
        requester_name="Mme Camille Exemple",
        requester_contact="3 rue des Tilleuls",
        deadline_days=15,
        business_days=False,
        due_on=dt.date(2026, 8, 3),
    )
