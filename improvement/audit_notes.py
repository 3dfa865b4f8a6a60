"""The auditor's notes (improvement.AuditNote, *remarques d'audit*): written by the external
auditor on a commitment of the year under audit, then accepted by the quality manager, which
opens an improvement action through `open_action` (its origin names the note, the note links
to it), or declined with a reason. Each step runs through core.workflow: a log row and an audit
event whose snapshot keeps the kind, the year, the commitment and the state, never the note's
text nor the reason (free text stays on the note, as an action's description stays on it)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.models import Commitment, Indicator
from core.closing import closed_years, last_complete_year
from core.models import Organisation, User
from core.workflow import Workflow
from improvement.actions import FROM_RECORD_DAYS, open_action
from improvement.models import (
    AUDIT_NOTE_TRANSITIONS,
    AuditNote,
    AuditNoteKind,
    AuditNoteStatus,
    AuditNoteStep,
    ImprovementAction,
    Origin,
)

WRITE = "write_audit_note"
ACCEPT = "accept_audit_note"
DECLINE = "decline_audit_note"

NOTE_WORKFLOW: Workflow[AuditNote] = Workflow(
    transitions=AUDIT_NOTE_TRANSITIONS,
    event_model=AuditNoteStep,
    statuses=AuditNoteStatus,
    audit_fields=["year", "commitment", "indicator", "kind", "status", "action", "decided_by"],
    metric_prefix="improvement",  # a note feeds no indicator: nothing is ever told
    refusal="Étape « {step} » impossible : la remarque est déjà « {status} ».",
)


def years_under_audit(organisation: Organisation) -> list[int]:
    """The years an auditor reads and notes, the latest first: every year closed now, and the
    last complete year even before it is closed (the auditor may come first). One query."""
    return sorted(closed_years(organisation) | {last_complete_year(organisation)}, reverse=True)


def year_under_audit(organisation: Organisation) -> int:
    """The year an auditor lands on: the latest year closed and in force, else the last
    complete year (not closed yet: the auditor's view says so). One query."""
    closed = closed_years(organisation)
    return max(closed) if closed else last_complete_year(organisation)


def note_label(note: AuditNote) -> str:
    """How an action names the note it comes from: its number, year, commitment and kind."""
    return (
        f"Remarque d'audit n° {note.pk}, exercice {note.year}, engagement {note.commitment.code} "
        f"({note.get_kind_display()})"
    )[:200]


def _check_note(
    organisation: Organisation, *, year: int, commitment: Commitment, indicator: Indicator | None, kind: str, text: str
) -> None:
    errors: dict[str, str] = {}
    if year not in years_under_audit(organisation):
        errors["year"] = "Choisissez un exercice clôturé ou la dernière année complète."
    if commitment.organisation_id != organisation.pk:
        raise ValidationError("Cet engagement n'appartient pas à la commune.")
    if indicator is not None and indicator.commitment_id != commitment.pk:
        errors["indicator"] = f"Cet indicateur ne mesure pas l'engagement {commitment.code}."
    if kind not in AuditNoteKind.values:
        errors["kind"] = "Choisissez la nature de la remarque."
    if not text:
        errors["text"] = "Écrivez la remarque."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def write_audit_note(
    *,
    organisation: Organisation,
    actor: User | None,
    year: int,
    commitment: Commitment,
    kind: str,
    text: str,
    indicator: Indicator | None = None,
) -> AuditNote:
    """The auditor notes something on a commitment (and maybe one of its indicators) of a year
    under audit: « à examiner » until the quality manager decides. Refused in French, writing
    nothing, for a year not under audit, an indicator of another commitment, an empty text."""
    text = text.strip()
    _check_note(organisation, year=year, commitment=commitment, indicator=indicator, kind=kind, text=text)
    note = AuditNote.objects.create(
        organisation=organisation,
        year=year,
        commitment=commitment,
        indicator=indicator,
        kind=kind,
        text=text,
        written_by=actor if actor is not None and actor.pk else None,
    )
    return NOTE_WORKFLOW.created(note, actor=actor, action=WRITE)


@transaction.atomic
def accept_audit_note(*, note: AuditNote, actor: User, seen_version: int, today: dt.date) -> ImprovementAction:
    """The quality manager accepts the note: an improvement action opens on its commitment,
    owned by them and due in 30 days (as every one-click action), describing what the auditor
    wrote; the note links to it and the action names the note as its origin."""
    NOTE_WORKFLOW.check(note, ACCEPT)
    action = open_action(
        organisation=note.organisation,
        actor=actor,
        origin=Origin.AUDIT_NOTE,
        title=f"Suite à la remarque d'audit {note.year} ({note.get_kind_display()}, engagement {note.commitment.code})",
        owner=actor,
        due_on=today + dt.timedelta(days=FROM_RECORD_DAYS),
        description=note.text,
        origin_record=note,
        origin_label=note_label(note),
        commitment=note.commitment,
    )
    changes = {"action": action, "decided_by": actor, "decided_at": timezone.now()}
    NOTE_WORKFLOW.step(note, ACCEPT, actor=actor, changes=changes, seen_version=seen_version)
    return action


@transaction.atomic
def decline_audit_note(*, note: AuditNote, actor: User, seen_version: int, reason: str) -> AuditNote:
    """The quality manager declines the note, saying why (required): no action opens."""
    reason = reason.strip()
    NOTE_WORKFLOW.check(note, DECLINE)
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi la remarque est écartée."})
    changes = {"decline_reason": reason, "decided_by": actor, "decided_at": timezone.now()}
    return NOTE_WORKFLOW.step(note, DECLINE, actor=actor, changes=changes, seen_version=seen_version)
