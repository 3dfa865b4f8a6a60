"""What complaints offer to core's registries: the anonymiser, the register importer, the
daily reminders (complaints.reminders) and the due dates that follow the town's calendar.
Registered from ComplaintsConfig.ready()."""

from __future__ import annotations

from complaints.actions import anonymise_closed, follow_calendar
from complaints.imports import LABEL, REGISTER, import_complaints
from complaints.reminders import reminders
from core.deadlines import register_due_date_recomputer
from core.register_imports import register_importer
from core.registries import Anonymiser, register_anonymiser
from core.reminders import register_reminder_provider


def register_all() -> None:
    register_anonymiser(REGISTER, Anonymiser("Réclamations et suggestions", anonymise_closed))
    register_importer(REGISTER, LABEL, import_complaints)
    register_reminder_provider(REGISTER, reminders)
    register_due_date_recomputer(REGISTER, lambda organisation, actor: follow_calendar(organisation, actor=actor))
