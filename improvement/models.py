"""The improvement loop: the improvement plan (actions with their origin, owner, due date,
workflow and effectiveness check), the steering committee (meetings and their decisions), the
annual review (versions, the validated one frozen as a PDF) and the auditor's notes on the year
under audit (accepted, each opens an action).

No personal data of citizens here: an action opened from a complaint names the complaint by
its number, never its author, and its description is written by staff for staff."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.db import models
from django.db.models import Q

from commitments.models import Commitment, Indicator
from core.concurrency import Versioned
from core.models import OrgOwned, Service, User
from core.workflow import Transition, WorkflowEvent


class Origin(models.TextChoices):
    INDICATOR = "indicator", "indicateur non atteint"
    COMPLAINT = "complaint", "réclamation"
    SURVEY = "survey", "réponse à une enquête"
    AUDIT = "audit", "constat d'audit"
    DECISION = "decision", "décision du comité de pilotage"
    SUGGESTION = "suggestion", "suggestion d'un agent"
    # An external auditor's note accepted by the quality manager (AuditNote), not a grid's finding.
    AUDIT_NOTE = "audit_note", "remarque de l'auditeur"


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "proposée"
    PLANNED = "planned", "planifiée"
    IN_PROGRESS = "in_progress", "en cours"
    DONE = "done", "réalisée"
    EFFECTIVE = "effective", "efficacité vérifiée"
    INEFFECTIVE = "ineffective", "non efficace"
    RELAUNCHED = "relaunched", "relancée"
    CANCELLED = "cancelled", "abandonnée"


S = ActionStatus
# The workflow (core.workflow runs it): proposée → planifiée → en cours → réalisée → efficacité
# vérifiée, or non efficace → relancée → réalisée again. The effectiveness verdict is given by
# the check (by hand, or judged from the stored values when the check date comes).
ACTION_TRANSITIONS: dict[str, Transition] = {
    "create": Transition("création", frozenset(), S.PROPOSED),
    "plan": Transition("planification", frozenset({S.PROPOSED}), S.PLANNED),
    "begin": Transition("démarrage", frozenset({S.PLANNED}), S.IN_PROGRESS),
    "complete": Transition("réalisation", frozenset({S.PLANNED, S.IN_PROGRESS, S.RELAUNCHED}), S.DONE),
    "confirm_effective": Transition("efficacité vérifiée", frozenset({S.DONE}), S.EFFECTIVE),
    "find_ineffective": Transition("constat de non-efficacité", frozenset({S.DONE}), S.INEFFECTIVE),
    "relaunch": Transition("relance", frozenset({S.INEFFECTIVE}), S.RELAUNCHED),
    "cancel": Transition("abandon", frozenset({S.PROPOSED, S.PLANNED, S.IN_PROGRESS, S.RELAUNCHED}), S.CANCELLED),
}
# Statuses in which the action is still to be carried out (its due date can be missed).
OPEN_STATUSES = frozenset({S.PROPOSED, S.PLANNED, S.IN_PROGRESS, S.RELAUNCHED})


class ImprovementAction(OrgOwned, Versioned):
    """One action of the improvement plan (*plan d'amélioration*)."""

    number = models.CharField("numéro", max_length=20)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField(
        "description", blank=True, help_text="Ce qui sera fait et pourquoi. N'y écrivez aucune donnée personnelle."
    )
    origin = models.CharField("origine", max_length=12, choices=Origin.choices)
    # The record the action comes from, when it is one (a complaint, a survey answer, an audit
    # finding), named as the audit trail names objects ("complaints.complaint", its id), with a
    # label without personal data ("Réclamation R2026-00012"): the link both ways.
    origin_type = models.CharField(max_length=100, blank=True)
    origin_id = models.CharField(max_length=64, blank=True)
    origin_label = models.CharField("à l'origine", max_length=200, blank=True)
    # The missed indicator it comes from (origin "indicator"), or the committee's decision.
    origin_indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="indicateur"
    )
    decision = models.OneToOneField(
        "Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="action", verbose_name="décision"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="engagement"
    )
    service = models.ForeignKey(
        Service, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="responsable")
    due_on = models.DateField("échéance")
    status = models.CharField("statut", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PROPOSED)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    # The effectiveness check: the indicator the action should move, the value expected
    # (compared as the indicator's target compares) and the day to judge it from the stored
    # values (the latest complete period on that day, all services together).
    check_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="indicateur à faire bouger",
    )
    expected_value = models.DecimalField("valeur attendue", max_digits=10, decimal_places=2, null=True, blank=True)
    check_on = models.DateField("date de vérification", null=True, blank=True)
    checked_on = models.DateField("vérifiée le", null=True, blank=True)
    checked_value = models.FloatField("valeur mesurée", null=True, blank=True)
    checked_period_start = models.DateField("période mesurée", null=True, blank=True)
    check_note = models.TextField("constat", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "action d'amélioration"
        verbose_name_plural = "actions d'amélioration"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="improvement_action_unique_number"),
            models.CheckConstraint(
                condition=Q(origin_type="") | ~Q(origin_id=""), name="improvement_action_origin_named"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="improvement_action_due_idx"),
            models.Index(fields=["organisation", "owner", "status"], name="improvement_action_owner_idx"),
            models.Index(fields=["organisation", "origin_type", "origin_id"], name="improvement_action_origin_idx"),
            models.Index(fields=["organisation", "check_on"], name="improvement_action_check_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        """Still to be carried out: its due date can be missed."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        """Still to be carried out and past its due date."""
        return self.is_open and self.due_on < today

    def awaits_check(self, today: dt.date) -> bool:
        """Done and waiting for its effectiveness verdict: its check date has come, or it has
        none (the verdict is then given by hand)."""
        return self.status == ActionStatus.DONE and (self.check_on is None or self.check_on <= today)


class ActionTransition(WorkflowEvent):
    """The action's workflow log (core.workflow.WorkflowEvent): one row per step."""

    action_record = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("ancien statut", max_length=12, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=12, choices=ActionStatus.choices)
    note = models.TextField("commentaire", blank=True)

    RECORD_FIELD = "action_record"

    class Meta(WorkflowEvent.Meta):
        verbose_name = "étape d'une action"
        indexes = [models.Index(fields=["organisation", "action_record", "at"], name="improvement_transition_idx")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @property
    def step_label(self) -> str:
        """The step's name in the action's own table ("démarrage", not the counter's "début du service")."""
        transition = ACTION_TRANSITIONS.get(self.action)
        return transition.label if transition is not None else self.action


class SteeringMeeting(OrgOwned, Versioned):
    """A meeting of the steering committee (*comité de pilotage, COPIL*). It counts as held
    (indicator 23.1) once its minutes are recorded (`held`)."""

    held_on = models.DateField("date")
    title = models.CharField("intitulé", max_length=200, default="Comité de pilotage qualité")
    place = models.CharField("lieu", max_length=200, blank=True)
    attendees = models.TextField("participants", blank=True, help_text="Une personne par ligne, avec sa fonction.")
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    held = models.BooleanField("tenu", default=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "comité de pilotage"
        verbose_name_plural = "comités de pilotage"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"], name="steering_meeting_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} du {self.held_on:%d/%m/%Y}"


class Decision(OrgOwned):
    """A decision of a meeting; each becomes an improvement action (`ImprovementAction.decision`)."""

    meeting = models.ForeignKey(SteeringMeeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("décision")

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "brouillon"
    VALIDATED = "validated", "validé"


def review_path(instance: AnnualReview, filename: str) -> str:
    """Served only through a scoped view; the name says the town, year and version."""
    suffix = PurePath(filename).suffix.lower()[:5] or ".pdf"
    return f"reviews/{instance.organisation_id}/bilan-{instance.year}-v{instance.number}{suffix}"


class AnnualReview(OrgOwned, Versioned):
    """A version of the annual review (*bilan annuel*) of one year. A validated version is
    frozen: its PDF is stored with its SHA-256 and never rewritten; a change makes a new
    version."""

    year = models.PositiveSmallIntegerField("année")
    number = models.PositiveSmallIntegerField("version", default=1)
    status = models.CharField("statut", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    conclusions = models.TextField("conclusions", blank=True)
    objectives = models.TextField("objectifs de l'année suivante", blank=True)
    pdf = models.FileField("bilan validé (PDF)", upload_to=review_path, blank=True, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bilan annuel"
        verbose_name_plural = "bilans annuels"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "number"], name="annual_review_unique_version"),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT) | (~Q(pdf="") & ~Q(pdf_sha256="")),
                name="annual_review_validated_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"Bilan {self.year} (version {self.number})"


class AuditNoteKind(models.TextChoices):
    """What an auditor's note says of the commitment, gravest first (the words of an AFNOR report)."""

    MAJOR = "major", "non-conformité majeure"
    MINOR = "minor", "non-conformité mineure"
    SENSITIVE = "sensitive", "point sensible"
    PROGRESS = "progress", "piste de progrès"


class AuditNoteStatus(models.TextChoices):
    PENDING = "pending", "à examiner"
    ACCEPTED = "accepted", "acceptée"
    DECLINED = "declined", "écartée"


N = AuditNoteStatus
# Written by the auditor (« à examiner »), then accepted by the quality manager (an improvement
# action opens) or declined with a reason; a decision is final.
AUDIT_NOTE_TRANSITIONS: dict[str, Transition] = {
    "write_audit_note": Transition("remarque d'audit notée", frozenset(), N.PENDING),
    "accept_audit_note": Transition("remarque d'audit acceptée", frozenset({N.PENDING}), N.ACCEPTED),
    "decline_audit_note": Transition("remarque d'audit écartée", frozenset({N.PENDING}), N.DECLINED),
}


class AuditNote(OrgOwned, Versioned):
    """A note of the external auditor (*remarque d'audit*, *écart*) on a commitment of the year
    under audit, optionally one of its indicators: distinct from a grid's finding (*constat*,
    audits.CriterionAnswer). Accepted, it opens an improvement action (`action`, whose origin
    names the note back); declined, it keeps the quality manager's reason."""

    year = models.PositiveSmallIntegerField("exercice")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+", verbose_name="engagement")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="indicateur"
    )
    kind = models.CharField("nature", max_length=10, choices=AuditNoteKind.choices)
    text = models.TextField(
        "remarque", help_text="Ce qui a été constaté et sur quelle pièce. N'y écrivez aucune donnée personnelle."
    )
    status = models.CharField("statut", max_length=10, choices=AuditNoteStatus.choices, default=AuditNoteStatus.PENDING)
    decline_reason = models.TextField("motif du refus", blank=True)
    action = models.OneToOneField(
        ImprovementAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_note",
        verbose_name="action d'amélioration",
    )
    written_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="auditeur"
    )
    written_at = models.DateTimeField("notée le", auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décidée par"
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "remarque d'audit"
        verbose_name_plural = "remarques d'audit"
        ordering = ["-year", "-written_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "year", "status"], name="audit_note_year_idx")]

    def __str__(self) -> str:
        return f"Remarque d'audit n° {self.pk} (exercice {self.year})"


class AuditNoteStep(WorkflowEvent):
    """The note's workflow log (core.workflow.WorkflowEvent): one row per step."""

    note = models.ForeignKey(AuditNote, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("ancien statut", max_length=10, choices=AuditNoteStatus.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=10, choices=AuditNoteStatus.choices)

    RECORD_FIELD = "note"

    class Meta(WorkflowEvent.Meta):
        verbose_name = "étape d'une remarque d'audit"
        indexes = [models.Index(fields=["organisation", "note", "at"], name="audit_note_step_idx")]

    @property
    def step_label(self) -> str:
        transition = AUDIT_NOTE_TRANSITIONS.get(self.action)
        return transition.label if transition is not None else self.action
