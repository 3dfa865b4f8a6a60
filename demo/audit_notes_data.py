"""The demo auditor's visit (docs/audit-view.md): two days ago the town's auditor wrote two
notes on the closed year through the product's own action, a minor non-conformity on the
letters' deadlines (its worst month, read from the stored values) and a track for progress on
the counter's queue; yesterday the quality manager accepted the first, which opened an
improvement action, and left the second to examine. Run once the year is closed
(`demo.generator.build_demo`)."""

from __future__ import annotations

import copy
import datetime as dt

from commitments.models import Commitment, Indicator, IndicatorValue, format_measure
from core.localtime import aware_local
from core.models import Membership, Organisation, Role
from improvement.audit_notes import accept_audit_note, write_audit_note, year_under_audit
from improvement.models import ActionTransition, AuditNote, AuditNoteKind, AuditNoteStep, ImprovementAction

PROGRESS_TEXT = (
    "Les relevés de la file d'attente sont suivis au mois : un suivi par demi-journée (le lundi matin "
    "surtout) aiderait le comité de pilotage à dimensionner les renforts qu'il a décidés."
)


def _as_of(organisation: Organisation, day: dt.date) -> Organisation:
    """The town as seen on `day`: an action opened that day is numbered in its year."""
    dated = copy.copy(organisation)
    dated.today = lambda: day  # type: ignore[method-assign]
    return dated


def _letters_text(organisation: Organisation, indicator: Indicator, year: int) -> str:
    """The minor non-conformity, on the year's worst stored month of the letters' deadlines."""
    worst = (
        IndicatorValue.objects.for_org(organisation)
        .filter(
            indicator=indicator,
            granularity=indicator.granularity,
            period_start__year=year,
            service=None,
            site=None,
            value__isnull=False,
        )
        .order_by("value", "period_start")
        .first()
    )
    if worst is None:
        return "Aucune valeur des délais de réponse aux courriers n'est enregistrée pour l'exercice."
    return (
        f"{worst.period.label.capitalize()} : {format_measure(worst.value, indicator.unit)} des courriers "
        f"répondus dans les délais, pour une cible de {indicator.target_label}. Le registre ne montre de réponse "
        "d'attente que pour une partie des courriers en retard ; aucune action du plan ne vise ce mois-là."
    )


def add_audit_notes(organisation: Organisation, *, today: dt.date) -> list[AuditNote]:
    """The two notes of the year under audit, the first accepted into an action."""
    members = Membership.objects.for_org(organisation).select_related("user")
    auditor = members.get(role=Role.AUDITOR).user
    manager = members.get(role=Role.QUALITY_MANAGER).user
    year = year_under_audit(organisation)
    commitments = {commitment.code: commitment for commitment in Commitment.objects.for_org(organisation)}
    letters = Indicator.objects.for_org(organisation).get(commitment=commitments["17"], code="17.1")
    written_on, decided_on = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    written_at = aware_local(dt.datetime.combine(written_on, dt.time(15)), organisation.time_zone)
    decided_at = aware_local(dt.datetime.combine(decided_on, dt.time(10)), organisation.time_zone)
    notes = [
        write_audit_note(
            organisation=organisation,
            actor=auditor,
            year=year,
            commitment=commitments["17"],
            indicator=letters,
            kind=AuditNoteKind.MINOR,
            text=_letters_text(organisation, letters, year),
        ),
        write_audit_note(
            organisation=organisation,
            actor=auditor,
            year=year,
            commitment=commitments["8"],
            kind=AuditNoteKind.PROGRESS,
            text=PROGRESS_TEXT,
        ),
    ]
    AuditNote.objects.filter(pk__in=[note.pk for note in notes]).update(written_at=written_at)
    AuditNoteStep.objects.filter(note__in=notes).update(at=written_at)
    accepted = notes[0]
    accepted.organisation = _as_of(organisation, decided_on)
    action = accept_audit_note(note=accepted, actor=manager, seen_version=accepted.version, today=decided_on)
    accepted.organisation = organisation
    AuditNote.objects.filter(pk=accepted.pk).update(decided_at=decided_at)
    AuditNoteStep.objects.filter(note=accepted, action="accept_audit_note").update(at=decided_at)
    ImprovementAction.objects.filter(pk=action.pk).update(created_at=decided_at)
    ActionTransition.objects.filter(action_record=action, action="create").update(at=decided_at)
    return notes
