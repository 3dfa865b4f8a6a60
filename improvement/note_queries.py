"""Reads of the auditor's notes' pages: the list (by year and state), a note's page, and the
notes of a year by commitment (the auditor's view, dashboards.audit_year)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from core.audit import history_of
from core.models import AuditEvent, Organisation
from improvement.models import AuditNote, AuditNoteStatus, AuditNoteStep

# The list's `statut=` filter, in the query string's French words.
STATES = {
    "a_examiner": AuditNoteStatus.PENDING,
    "acceptees": AuditNoteStatus.ACCEPTED,
    "ecartees": AuditNoteStatus.DECLINED,
}


def notes_of(organisation: Organisation, *, year: int | None = None, state: str = "") -> QuerySet[AuditNote]:
    """The town's notes, of one year and one state when given, the latest year first and, in a
    year, in the order of the commitments."""
    notes = AuditNote.objects.for_org(organisation)
    if year is not None:
        notes = notes.filter(year=year)
    if state in STATES:
        notes = notes.filter(status=STATES[state])
    return notes.select_related("commitment__module", "indicator", "action", "written_by").order_by(
        "-year", "commitment__framework__name", "commitment__module__number", "commitment__position", "pk"
    )


def notes_by_commitment(organisation: Organisation, year: int) -> dict[int, list[AuditNote]]:
    """A year's notes by commitment id. One query."""
    found: dict[int, list[AuditNote]] = defaultdict(list)
    for note in notes_of(organisation, year=year):
        found[note.commitment_id].append(note)
    return found


@dataclass(frozen=True)
class NotePage:
    note: AuditNote
    steps: list[AuditNoteStep]
    history: list[AuditEvent]


def note_page(note: AuditNote) -> NotePage:
    """A note with its steps (written, accepted or declined: who and when) and its journal."""
    return NotePage(
        note=note,
        steps=list(note.steps.select_related("actor").order_by("at", "pk")),
        history=list(history_of(note).order_by("-at", "-id")),
    )
