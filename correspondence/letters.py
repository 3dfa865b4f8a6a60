"""The acknowledgement of receipt (accusé de réception) of a written request.

Code des relations entre le public et l'administration, art. L112-3 and R112-5: the
acknowledgement states the date of receipt, the designation, postal and e-mail address and
phone number of the service in charge, and the date after which the silence of the
administration means acceptance (or refusal, with the means of appeal). The service's contact
comes from its settings and heads every letter, whatever the town wrote; a letter for a
request without a service, or for a service lacking part of its contact, is not printed
(core.service_contact.missing_contact_message). The town edits the text; placeholders between
braces are filled from the request."""

from __future__ import annotations

import datetime as dt
import re

from core.models import Organisation, Service
from core.periods import same_day_months_later
from core.service_contact import contact_line, sender_lines
from core.text import paragraphs
from core.workdays import french_date
from correspondence.models import AcknowledgementTemplate, Channel, WrittenRequest
from correspondence.rules import Deadline
from documents.letters import Letter

# CRPA L231-1: the silence kept two months on a request for a decision means acceptance.
SILENCE_MONTHS = 2
PLACEHOLDERS = {
    "date_reception": "date de réception de la demande",
    "canal": "courrier, courriel, demande en ligne ou message téléphonique",
    "categorie": "catégorie de la demande",
    "objet": "objet de la demande",
    "service": "service chargé de la demande",
    "contact_service": "adresse postale, téléphone et courriel du service (paramètres du service)",
    "echeance": "date limite de réponse annoncée",
    "delai": "délai, en jours ouvrés ou ouvrables",
    "date_decision_implicite": "date à laquelle le silence de l'administration vaut décision (deux mois)",
    "reference": "référence de la demande",
    "demandeur": "nom du demandeur",
    "ville": "nom de la ville",
    "signature": "signature",
    "date_courrier": "date du jour",
}
# What the law asks of the letter's text itself (the service's contact heads every letter).
REQUIRED_PLACEHOLDERS = ("date_reception", "service", "echeance", "date_decision_implicite")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def letter_values(
    request: WrittenRequest, service: Service, template: AcknowledgementTemplate, *, today: dt.date, town: str
) -> dict[str, str]:
    deadline = Deadline(request.deadline_days, request.business_days)
    return {
        "date_reception": french_date(request.received_on),
        "canal": Channel(request.channel).label,
        "categorie": request.category.name.lower() if request.category else "votre demande",
        "objet": request.subject or "votre demande",
        "service": service.name,
        "contact_service": contact_line(service),
        "echeance": french_date(request.due_on),
        "delai": deadline.label,
        "date_decision_implicite": french_date(same_day_months_later(request.received_on, SILENCE_MONTHS)),
        "reference": request.display_reference,
        "demandeur": request.requester_name,
        "ville": town,
        "signature": template.signature,
        "date_courrier": french_date(today),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders only (no attribute lookups as str.format would allow)."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def acknowledgement_letter(
    request: WrittenRequest,
    service: Service,
    template: AcknowledgementTemplate,
    *,
    today: dt.date,
    organisation: Organisation,
) -> Letter:
    """The letter of `request`, sent by `service` (the request's: its contact checked by the
    caller with core.service_contact.missing_contact_message)."""
    values = letter_values(request, service, template, today=today, town=organisation.name)
    recipient = [line for line in (request.requester_name, request.requester_contact) if line]
    return Letter(
        title=fill(template.title, values),
        sender=sender_lines(service, organisation),
        recipient=recipient,
        paragraphs=paragraphs(fill(template.body, values)),
    )


def sample_request() -> tuple[WrittenRequest, Service]:
    """A made-up request and service to preview the template with."""
    request = WrittenRequest(
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
    service = Service(
        name="Urbanisme",
        postal_address="Service de l'urbanisme\n1 place de la Mairie\n00000 Exemple-sur-Loire",
        email="urbanisme@exemple.fr",
        phone="01 99 00 00 42",
    )
    return request, service
