"""Daily reminders: each agent receives the list of their items overdue or due soon.

Registers with deadlines (written requests, complaints, ...) offer a provider here in their
`AppConfig.ready()`; `manage.py send_reminders` (cron, once a day) gathers every provider's
items per person and sends one e-mail each. Items carry no personal data (no names, no
free text): a reference, a short non-personal label, the due date and a link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.access import Capability, can
from core.models import Membership, Organisation, Role, User
from core.registries import Registry


@dataclass(frozen=True)
class ReminderItem:
    register: str  # "Courriers et demandes écrites"
    reference: str
    label: str  # non-personal: "Courrier reçu le 10/07/2026 — Urbanisme"
    due_on: dt.date
    path: str  # the item's page, relative to the site root

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_on < today


# Called with the organisation, today and the last day that counts as "due soon"; yields
# (person, item) pairs, a person receiving as many items as they have to handle.
ReminderProvider = Callable[[Organisation, dt.date, dt.date], Iterable[tuple[User, ReminderItem]]]
REMINDER_PROVIDERS: Registry[ReminderProvider] = Registry("reminder providers")


class Recipients:
    """Who receives a register's item: the person in charge while they are an active member of
    the town who may capture; otherwise (nobody in charge, filed on the web, the agent has left)
    the town's quality managers. The memberships are read once, on the first question."""

    def __init__(self, organisation: Organisation, today: dt.date) -> None:
        self.organisation = organisation
        self.today = today
        self._members: dict[int, Membership] | None = None

    def _active(self) -> dict[int, Membership]:
        if self._members is None:
            memberships = Membership.objects.for_org(self.organisation).select_related("user")
            self._members = {m.user_id: m for m in memberships if m.is_active_on(self.today)}
        return self._members

    def of(self, in_charge_id: int | None) -> list[User]:
        members = self._active()
        handler = members.get(in_charge_id) if in_charge_id is not None else None
        if handler is not None and can(handler, Capability.CAPTURE):
            return [handler.user]
        return [m.user for m in members.values() if m.role == Role.QUALITY_MANAGER]


def reminders_by_person(
    organisation: Organisation, today: dt.date, soon_until: dt.date
) -> dict[User, list[ReminderItem]]:
    """Every provider's items for the organisation, grouped by person, most urgent first."""
    grouped: dict[User, list[ReminderItem]] = {}
    for provider in REMINDER_PROVIDERS.values():
        for person, item in provider(organisation, today, soon_until):
            grouped.setdefault(person, []).append(item)
    for items in grouped.values():
        items.sort(key=lambda item: (item.due_on, item.register, item.reference))
    return grouped
