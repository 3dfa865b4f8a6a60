"""Daily reminders: each agent receives the list of their items overdue or due soon.

Registers with deadlines (written requests, complaints, ...) offer a provider here in their
`AppConfig.ready()`; `manage.py send_reminders` (cron, once a day) gathers every provider's
items per person and sends one e-mail each. Items carry no personal data (no names, no
free text): a reference, a short non-personal label, the due date and a link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.models import Organisation, User


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
_providers: dict[str, ReminderProvider] = {}


def register_reminder_provider(key: str, provider: ReminderProvider) -> None:
    _providers[key] = provider


def reminder_providers() -> list[tuple[str, ReminderProvider]]:
    return sorted(_providers.items())


def reminders_by_person(
    organisation: Organisation, today: dt.date, soon_until: dt.date
) -> dict[User, list[ReminderItem]]:
    """Every provider's items for the organisation, grouped by person, most urgent first."""
    grouped: dict[User, list[ReminderItem]] = {}
    for _, provider in reminder_providers():
        for person, item in provider(organisation, today, soon_until):
            grouped.setdefault(person, []).append(item)
    for items in grouped.values():
        items.sort(key=lambda item: (item.due_on, item.register, item.reference))
    return grouped
