"""The improvement actions in the daily reminder (registers.reminders, `manage.py
send_reminders`): to their owner, the actions still to carry out that are overdue or due within
7 days, and the done actions whose effectiveness check has come. An owner who left the town (or
may no longer capture) hands them to the quality managers (`Recipients`). An item names the
action by its number and title, written by staff for staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from core.models import Organisation, User
from improvement.models import OPEN_STATUSES, ActionStatus, ImprovementAction
from registers.reminders import Recipients, ReminderItem

REGISTER = "Plan d'amélioration"
SOON_DAYS = 7
TO_CARRY_OUT = "à réaliser"
TO_CHECK = "efficacité à vérifier"


def actions_for_reminders(organisation: Organisation, today: dt.date) -> list[ImprovementAction]:
    """Open actions due by a week from today, and done ones whose check date has come."""
    soon = today + dt.timedelta(days=SOON_DAYS)
    due = Q(status__in=OPEN_STATUSES, due_on__lte=soon)
    check = Q(status=ActionStatus.DONE, check_on__lte=today)
    return list(ImprovementAction.objects.for_org(organisation).filter(due | check).order_by("due_on", "pk"))


def reminder_item(action: ImprovementAction, organisation: Organisation) -> ReminderItem:
    """ "A-2026-00003 Signalétique du hall — à réaliser", due on its due date (or check date)."""
    awaited, due_on = (TO_CARRY_OUT, action.due_on) if action.is_open else (TO_CHECK, action.check_on)
    assert due_on is not None
    return ReminderItem(
        register=REGISTER,
        reference=action.number,
        label=f"{action.title} — {awaited}",
        due_on=due_on,
        path=reverse("improvement:action_detail", kwargs={"org_slug": organisation.slug, "action_id": action.pk}),
    )


def reminders(organisation: Organisation, today: dt.date, soon_until: dt.date) -> Iterator[tuple[User, ReminderItem]]:
    """The provider (REMINDER_PROVIDERS): actions have their own week of notice, whatever
    the registers' `soon_until`."""
    recipients = Recipients(organisation, today)
    for action in actions_for_reminders(organisation, today):
        item = reminder_item(action, organisation)
        for person in recipients.of(action.owner_id):
            yield person, item
