"""What complaints offer to core's registries: the anonymiser, the register importer and the
daily reminders (complaints.reminders). Registered from ComplaintsConfig.ready()."""

from __future__ import annotations

from complaints.actions import anonymise_closed
from complaints.imports import LABEL, REGISTER, import_complaints
from complaints.reminders import reminders
from core.registries import Anonymiser, register_anonymiser
from registers.imports import register_importer
from registers.reminders import register_reminder_provider


def register_all() -> None:
    register_anonymiser(REGISTER, Anonymiser("Réclamations et suggestions", anonymise_closed))
    register_importer(REGISTER, LABEL, import_complaints)
    register_reminder_provider(REGISTER, reminders)
