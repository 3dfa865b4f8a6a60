"""The act requests the daily reminder lists: still to deliver, overdue or due soon.

An act request has no agent in charge, so it goes where correspondence sends the requests nobody
handles: to the town's quality managers. The item names the act type, format, channel, day of
receipt and service, never anything about the person (there is none in this register anyway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from civil_registry.models import ActChannel, ActFormat, ActRequest, ActType
from civil_registry.queries import pending_acts_for_reminders
from core.models import Organisation, User
from registers.reminders import Recipients, ReminderItem

REGISTER = "Demandes d'actes d'état civil"

REQUESTED_THROUGH = {
    ActChannel.COUNTER: "au guichet",
    ActChannel.POST: "par courrier",
    ActChannel.WEB: "par internet",
    ActChannel.COMEDEC: "par COMEDEC",
    ActChannel.NOTARY: "par un notaire",
}


def reminder_item(act: ActRequest, organisation: Organisation) -> ReminderItem:
    """The item of one request, labelled like
    "Acte de naissance (copie intégrale) demandé le 10/07/2026 par courrier — État civil"."""
    service = f" — {act.service.name}" if act.service else ""
    return ReminderItem(
        register=REGISTER,
        reference=act.display_reference,
        label=(
            f"Acte de {ActType(act.act_type).label} ({ActFormat(act.act_format).label}) "
            f"demandé le {act.received_on:%d/%m/%Y} {REQUESTED_THROUGH[ActChannel(act.channel)]}{service}"
        ),
        due_on=act.due_on,
        path=reverse("civil_registry:detail", kwargs={"org_slug": organisation.slug, "act_id": act.pk}),
    )


def reminders(organisation: Organisation, today: dt.date, soon_until: dt.date) -> Iterator[tuple[User, ReminderItem]]:
    recipients = Recipients(organisation, today)
    for act in pending_acts_for_reminders(organisation, until=soon_until):
        item = reminder_item(act, organisation)
        for manager in recipients.of(None):  # nobody is in charge of an act request
            yield manager, item
