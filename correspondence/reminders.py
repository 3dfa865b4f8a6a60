"""The written requests each agent must see in their daily reminder: overdue or due soon.
A request nobody is in charge of, or whose agent has left, goes to the town's quality
managers (registers.reminders.Recipients)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from core.models import Organisation, User
from correspondence.models import Channel
from correspondence.queries import open_requests_for_reminders
from registers.reminders import Recipients, ReminderItem

REGISTER = "Courriers et demandes écrites"


def reminders(organisation: Organisation, today: dt.date, soon_until: dt.date) -> Iterator[tuple[User, ReminderItem]]:
    recipients = Recipients(organisation, today)
    for request in open_requests_for_reminders(organisation, today=today, until=soon_until):
        category = f" — {request.category.name}" if request.category else ""
        item = ReminderItem(
            register=REGISTER,
            reference=request.display_reference,
            label=f"{Channel(request.channel).label.capitalize()} du {request.received_on:%d/%m/%Y}{category}",
            due_on=request.due_on,
            path=reverse("correspondence:detail", kwargs={"org_slug": organisation.slug, "request_id": request.pk}),
        )
        for person in recipients.of(request.assigned_to_id):
            yield person, item
