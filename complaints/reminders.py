"""The complaints and suggestions the daily reminder lists: waiting for an acknowledgement or
an answer whose due date has passed or is near.

A complaint goes to the agent who handles it while they are still an active member of the town
who may capture; one nobody handles (filed on the public web page) or whose agent has left goes,
as in correspondence, to the town's quality managers. The item names the kind, day of receipt,
channel, service, commitment and awaited step: never the complainant, their contact or the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from complaints.imports import LABEL
from complaints.models import Channel, Complaint, Kind
from complaints.queries import complaints_for_reminders
from core.models import Organisation, User
from registers.reminders import Recipients, ReminderItem

ACKNOWLEDGEMENT = "accusé de réception à envoyer"
ANSWER = "réponse à envoyer"


def awaited_step(complaint: Complaint, until: dt.date) -> tuple[str, dt.date]:
    """The first step still awaited whose due date falls on `until` at the latest, and that date
    (an answer acknowledges too, so the acknowledgement comes first)."""
    ack_due, answer_due = complaint.acknowledge_due_on, complaint.answer_due_on
    if complaint.acknowledged_on is None and ack_due is not None and ack_due <= until:
        return ACKNOWLEDGEMENT, ack_due
    if complaint.answered_on is None and answer_due is not None and answer_due <= until:
        return ANSWER, answer_due
    raise ValueError(f"Complaint {complaint.pk} awaits nothing due by {until}.")


def _received_through(channel: str) -> str:
    return "au guichet" if channel == Channel.COUNTER else f"par {Channel(channel).label}"


def reminder_item(complaint: Complaint, organisation: Organisation, until: dt.date) -> ReminderItem:
    """The item of one complaint, labelled like "Réclamation reçue le 10/07/2026 par courriel —
    Accueil — engagement 21. Traiter systématiquement vos réclamations — accusé de réception à
    envoyer" (the service and the commitment when the complaint names them)."""
    step, due_on = awaited_step(complaint, until)
    parts = [
        f"{Kind(complaint.kind).label.capitalize()} reçue le {complaint.received_on:%d/%m/%Y} "
        f"{_received_through(complaint.channel)}"
    ]
    if complaint.service is not None:
        parts.append(complaint.service.name)
    if complaint.commitment_code:
        parts.append(f"engagement {complaint.commitment_label or complaint.commitment_code}")
    parts.append(step)
    return ReminderItem(
        register=LABEL,  # "Réclamations et suggestions"
        reference=complaint.tracking_number,
        label=" — ".join(parts),
        due_on=due_on,
        path=reverse("complaints:detail", kwargs={"org_slug": organisation.slug, "complaint_id": complaint.pk}),
    )


def reminders(organisation: Organisation, today: dt.date, soon_until: dt.date) -> Iterator[tuple[User, ReminderItem]]:
    recipients = Recipients(organisation, today)
    for complaint in complaints_for_reminders(organisation, until=soon_until):
        item = reminder_item(complaint, organisation, soon_until)
        for person in recipients.of(complaint.handled_by_id):
            yield person, item
