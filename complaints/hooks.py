"""What complaints offer to core's registries: the anonymiser, the register importer and the
daily reminders. Registered from ComplaintsConfig.ready()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from complaints.actions import anonymise_closed
from complaints.imports import LABEL, REGISTER, import_complaints
from complaints.models import Complaint
from core.access import Capability, can
from core.models import Membership, Organisation, Role, User
from core.register_imports import register_importer
from core.registries import Anonymiser, register_anonymiser
from core.reminders import ReminderItem, register_reminder_provider


def _reminder_item(complaint: Complaint, today: dt.date) -> ReminderItem:
    waiting_ack = complaint.acknowledged_on is None and complaint.acknowledge_due_on is not None
    due_on = complaint.acknowledge_due_on if waiting_ack else complaint.answer_due_on
    assert due_on is not None
    step = "accusé de réception à envoyer" if waiting_ack else "réponse à envoyer"
    service = f" ({complaint.service.name})" if complaint.service else ""
    return ReminderItem(
        register=LABEL,
        reference=complaint.tracking_number,
        label=f"{complaint.get_kind_display().capitalize()} reçue le {complaint.received_on:%d/%m/%Y} "
        f"par {complaint.get_channel_display()}{service}, {step}",
        due_on=due_on,
        path=reverse("complaints:detail", args=[complaint.organisation.slug, complaint.pk]),
    )


def reminders(organisation: Organisation, today: dt.date, soon_until: dt.date) -> Iterator[tuple[User, ReminderItem]]:
    """Each open complaint waiting past, or soon at, a due date goes to the agent who handles
    it; one nobody handles (filed on the web) goes to the quality managers."""
    complaints = Complaint.objects.for_org(organisation).select_related("service", "handled_by", "organisation")
    waiting = complaints.overdue(today=today) | complaints.due_soon(today=today, until=soon_until)
    members = {
        membership.user_id: membership
        for membership in Membership.objects.for_org(organisation).select_related("user")
        if membership.is_active_on(today)
    }
    managers = [m.user for m in members.values() if m.role == Role.QUALITY_MANAGER]
    for complaint in waiting.distinct().order_by("pk"):
        item = _reminder_item(complaint, today)
        handler = members.get(complaint.handled_by_id) if complaint.handled_by_id else None
        if handler is not None and can(handler, Capability.CAPTURE):
            yield handler.user, item
        else:
            for manager in managers:
                yield manager, item


def register_all() -> None:
    register_anonymiser(REGISTER, Anonymiser("Réclamations et suggestions", anonymise_closed))
    register_importer(REGISTER, LABEL, import_complaints)
    register_reminder_provider(REGISTER, reminders)
