"""The acknowledgement of receipt of a complaint or suggestion, as a letter: for a person who
gave a postal address (a letter received, a complaint at the counter or on the phone), as the
e-mail acknowledges one filed on the web (complaints.workflow.acknowledge_by_email), with the
same facts and the same sender: the day received, the tracking number, the day by which the
town answers, where to follow it, and whom to reach (the service in charge when its contact is
complete, else the town hall; core.service_contact.acknowledging_lines)."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from complaints.models import Complaint, Kind
from core.models import Organisation
from core.service_contact import acknowledging_lines
from core.workdays import french_date
from documents.letters import Letter

MISSING_ADDRESS = (
    "L'accusé de réception par courrier demande le nom et l'adresse postale de l'usager : "
    "ajoutez-les à la réclamation (« Modifier »)."
)


def missing_recipient(complaint: Complaint) -> str:
    """Why the letter cannot be printed (no name or no postal address, or anonymised), or ""."""
    return "" if complaint.citizen_name.strip() and complaint.citizen_address.strip() else MISSING_ADDRESS


def acknowledgement_letter(
    complaint: Complaint, *, organisation: Organisation, today: dt.date, tracking_url: str
) -> Letter:
    """The letter of a complaint whose recipient is known (`missing_recipient` is empty)."""
    kind = complaint.get_kind_display()
    body: list[SafeString] = [
        escape("Madame, Monsieur,"),
        format_html(
            "{} a bien reçu le {} votre {}\u00a0: «\u00a0{}\u00a0». Elle est enregistrée sous le numéro de suivi {}.",
            organisation.name,
            french_date(complaint.received_on),
            kind,
            complaint.subject,
            complaint.tracking_number,
        ),
    ]
    if complaint.kind == Kind.COMPLAINT and complaint.answer_due_on:
        body.append(format_html("Nous vous répondrons au plus tard le {}.", french_date(complaint.answer_due_on)))
    else:
        body.append(escape("Nous l'étudierons avec attention et vous remercions de nous l'avoir adressée."))
    body.append(format_html("Vous pouvez suivre son avancement avec ce numéro sur {}.", tracking_url))
    body.append(escape("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."))
    body.append(format_html("{}, le {}", organisation.name, french_date(today)))
    return Letter(
        title=f"Accusé de réception de votre {kind} {complaint.tracking_number}",
        sender=acknowledging_lines(organisation, complaint.service),
        recipient=[
            complaint.citizen_name.strip(),
            *filter(None, map(str.strip, complaint.citizen_address.splitlines())),
        ],
        paragraphs=body,
    )
