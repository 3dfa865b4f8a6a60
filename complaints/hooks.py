"""What complaints offer to core's registries: the anonymiser, the register importer, the
daily reminders (complaints.reminders) and the due dates that follow the town's calendar.
Registered from ComplaintsConfig.ready()."""

from __future__ import annotations

from complaints.actions import anonymise_closed, follow_calendar
from complaints.imports import LABEL, REGISTER, import_complaints
from complaints.reminders import reminders
from core.registries import ANONYMISERS, CALENDAR_LISTENERS, Anonymiser
from registers.imports import IMPORTERS, RegisteredImporter
from registers.reminders import REMINDER_PROVIDERS


def register_all() -> None:
    ANONYMISERS.register(REGISTER, Anonymiser("Réclamations et suggestions", anonymise_closed))
    IMPORTERS.register(REGISTER, RegisteredImporter(REGISTER, LABEL, import_complaints))
    REMINDER_PROVIDERS.register(REGISTER, reminders)
    CALENDAR_LISTENERS.register(REGISTER, lambda organisation, actor, change: follow_calendar(organisation, change))
