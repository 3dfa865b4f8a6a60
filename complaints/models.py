"""Complaints and suggestions: what a citizen reported, the deadlines the town owes them,
and how it was handled. Names, contacts and free text are personal: they stay out of the
audit trail and are erased once the retention period after closure has passed."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.codes import READABLE_ALPHABET, readable_code
from core.concurrency import Versioned
from core.models import Organisation, OrgOwned, OrgQuerySet, Service, User
from core.workflow import Transition, WorkflowEvent

# Read aloud on the phone and copied from paper (core.codes).
TRACKING_ALPHABET = READABLE_ALPHABET
TRACKING_LENGTH = 8


class Kind(models.TextChoices):
    COMPLAINT = "reclamation", "réclamation"
    SUGGESTION = "suggestion", "suggestion"


class Channel(models.TextChoices):
    COUNTER = "guichet", "guichet"
    PHONE = "telephone", "téléphone"
    LETTER = "courrier", "courrier"
    EMAIL = "courriel", "courriel"
    WEB = "formulaire", "formulaire web"


class Justified(models.TextChoices):
    YES = "oui", "fondée"
    NO = "non", "non fondée"
    UNDETERMINED = "indetermine", "à déterminer"


class Status(models.TextChoices):
    RECEIVED = "received", "reçue"
    ACKNOWLEDGED = "acknowledged", "réception accusée"
    ANSWERED = "answered", "répondue"
    CLOSED = "closed", "close"


# The workflow: which step may follow which (complaints.workflow runs it).
TRANSITIONS: dict[str, Transition] = {
    "create": Transition("enregistrement", frozenset(), Status.RECEIVED),
    "import": Transition("import d'un registre", frozenset(), None),
    "acknowledge": Transition("accusé de réception", frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "answer": Transition("réponse", frozenset({Status.RECEIVED, Status.ACKNOWLEDGED}), Status.ANSWERED),
    "close": Transition("clôture", frozenset({Status.ANSWERED}), Status.CLOSED),
    # Reopening goes back to the last step reached: the status the dates imply once the
    # closure is erased (Complaint.status_implied_by_dates, declared in complaints.workflow).
    "reopen": Transition("réouverture", frozenset({Status.CLOSED}), None),
}
# A suggestion expects no answer: it may be closed once received.
SUGGESTION_TRANSITIONS: dict[str, Transition] = TRANSITIONS | {
    "close": Transition("clôture", frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.ANSWERED}), Status.CLOSED),
}
# The steps a complaint's dates record, in their order: what an imported or generated
# complaint's log shows it went through.
DATED_STEPS = (("acknowledge", "acknowledged_on"), ("answer", "answered_on"), ("close", "closed_on"))


@dataclass(frozen=True)
class PastStep:
    action: str
    on: dt.date
    from_status: str
    to_status: str


def new_tracking_number(year: int, *, choose: Callable[[str], str] = secrets.choice) -> str:
    """ "R2026-K7QH3MZP": the year, then 8 characters drawn at random (32⁸, about 10¹² values),
    so that numbers cannot be guessed from one another. `choose` lets the demo be seeded."""
    return f"R{year}-" + readable_code(TRACKING_LENGTH, choose=choose)


def normalise_tracking_number(text: str) -> str:
    """What a citizen typed, as stored: upper case, without spaces."""
    return "".join(text.split()).upper()


class ComplaintSettings(OrgOwned):
    """The town's deadlines for complaints (one row per town; defaults from the commitment 21)."""

    acknowledge_days = models.PositiveSmallIntegerField(
        "délai d'accusé de réception (jours)", default=2, validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    acknowledge_business_days = models.BooleanField(
        "accusé de réception compté en jours ouvrables",
        default=False,
        help_text="Cochez pour compter du lundi au samedi (jours ouvrables) ; sinon du lundi au vendredi (ouvrés).",
    )
    answer_days = models.PositiveSmallIntegerField(
        "délai de réponse (jours)", default=10, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    answer_days_letter = models.PositiveSmallIntegerField(
        "délai de réponse à un courrier (jours)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    answer_business_days = models.BooleanField(
        "réponse comptée en jours ouvrables",
        default=False,
        help_text="Cochez pour compter du lundi au samedi (jours ouvrables) ; sinon du lundi au vendredi (ouvrés).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres des réclamations"
        constraints = [models.UniqueConstraint(fields=["organisation"], name="complaint_settings_one_per_org")]

    def __str__(self) -> str:
        return "Délais des réclamations"

    @classmethod
    def for_org(cls, organisation: Organisation) -> ComplaintSettings:
        """The town's row, or the defaults (unsaved) when it never changed them."""
        found = cls.objects.filter(organisation=organisation).first()
        return found or cls(organisation=organisation)

    def answer_days_for(self, channel: str) -> int:
        return self.answer_days_letter if channel == Channel.LETTER else self.answer_days


# Statuses still waiting for a step (a closed complaint waits for nothing).
OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ANSWERED)


def overdue_q(today: dt.date) -> Q:
    """Waiting for an acknowledgement or an answer whose due date has passed (open ones only)."""
    late_ack = Q(acknowledged_on__isnull=True, acknowledge_due_on__lt=today)
    late_answer = Q(answered_on__isnull=True, answer_due_on__lt=today)
    return late_ack | late_answer


def due_soon_q(today: dt.date, until: dt.date) -> Q:
    """Waiting for an acknowledgement or an answer due from `today` to `until` (open ones only)."""
    waiting_ack = Q(acknowledged_on__isnull=True, acknowledge_due_on__gte=today, acknowledge_due_on__lte=until)
    waiting_answer = Q(answered_on__isnull=True, answer_due_on__gte=today, answer_due_on__lte=until)
    return waiting_ack | waiting_answer


# The step an open complaint waits for (the list's filter `attente`, the homes' "À faire"):
# code → (what is awaited, which open complaints await it). A suggestion expects no answer.
AWAITED_STEPS: dict[str, tuple[str, Q]] = {
    "accuse": ("accusé de réception à envoyer", Q(status=Status.RECEIVED)),
    "reponse": (
        "réponse à envoyer",
        Q(kind=Kind.COMPLAINT, status__in=[Status.RECEIVED, Status.ACKNOWLEDGED]),
    ),
    "cloture": ("répondue, à clore", Q(status=Status.ANSWERED)),
    "bien_fonde": (
        "répondue, bien-fondé à juger",
        Q(kind=Kind.COMPLAINT, status=Status.ANSWERED, justified=Justified.UNDETERMINED),
    ),
}


class ComplaintQuerySet(OrgQuerySet):
    def for_org(self, organisation: Organisation) -> ComplaintQuerySet:
        return self.filter(organisation=organisation)

    def complaints(self) -> ComplaintQuerySet:
        """Réclamations only: a suggestion expects no answer and enters no deadline indicator."""
        return self.filter(kind=Kind.COMPLAINT)

    def open(self) -> ComplaintQuerySet:
        """Not closed. A closed complaint has its closure day (reopening erases it): saying both
        lets the index (organisation, status, closed_on) find the few open ones among many."""
        return self.filter(status__in=OPEN_STATUSES, closed_on__isnull=True)

    def overdue(self, *, today: dt.date) -> ComplaintQuerySet:
        """Still waiting for an acknowledgement or an answer whose due date has passed."""
        return self.open().filter(overdue_q(today))

    def due_soon(self, *, today: dt.date, until: dt.date) -> ComplaintQuerySet:
        return self.open().filter(due_soon_q(today, until))

    def awaiting(self, step: str) -> ComplaintQuerySet:
        """Open complaints waiting for `step` (a code of AWAITED_STEPS)."""
        return self.open().filter(AWAITED_STEPS[step][1])


class Complaint(OrgOwned, Versioned):
    """One complaint (réclamation) or suggestion, from any channel."""

    tracking_number = models.CharField("numéro de suivi", max_length=20)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField("canal", max_length=12, choices=Channel.choices)
    received_on = models.DateField("reçue le")
    received_at = models.DateTimeField("reçue à", null=True, blank=True)
    received_month = models.DateField()
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="service"
    )
    commitment_code = models.CharField("engagement concerné", max_length=40, blank=True)
    commitment_label = models.CharField("libellé de l'engagement", max_length=300, blank=True)
    # Personal data: never in the audit trail, erased by the anonymiser.
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("description", blank=True)
    citizen_name = models.CharField("nom de l'usager", max_length=150, blank=True)
    citizen_email = models.EmailField("courriel de l'usager", blank=True)
    citizen_phone = models.CharField("téléphone de l'usager", max_length=30, blank=True)
    citizen_address = models.TextField("adresse postale de l'usager", blank=True)
    answer = models.TextField("réponse", blank=True)
    # Handling.
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    acknowledge_due_on = models.DateField("accusé de réception attendu le", null=True, blank=True)
    answer_due_on = models.DateField("réponse attendue le", null=True, blank=True)
    acknowledged_on = models.DateField("réception accusée le", null=True, blank=True)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    justified = models.CharField("bien-fondé", max_length=12, choices=Justified.choices, default=Justified.UNDETERMINED)
    action_note = models.TextField(
        "action d'amélioration",
        blank=True,
        help_text="L'action ouverte à la suite de la réclamation. N'y écrivez aucune donnée personnelle.",
    )
    handled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="agent chargé"
    )
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)
    import_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "réclamation"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "tracking_number"], name="complaint_unique_tracking"),
            models.UniqueConstraint(
                fields=["organisation", "import_key"], condition=~Q(import_key=""), name="complaint_unique_import_key"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=models.F("received_on")),
                name="complaint_acknowledged_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("received_on")),
                name="complaint_answered_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "received_month", "kind", "service"], name="complaint_month_idx"),
            models.Index(fields=["organisation", "acknowledge_due_on", "kind"], name="complaint_ack_due_idx"),
            models.Index(fields=["organisation", "answer_due_on", "kind"], name="complaint_answer_due_idx"),
            models.Index(fields=["organisation", "status", "closed_on"], name="complaint_status_idx"),
        ]

    def __str__(self) -> str:
        # Shown in the audit trail: never the subject or the citizen's name.
        return f"{self.get_kind_display().capitalize()} {self.tracking_number}"

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def next_due(self) -> tuple[str, dt.date] | None:
        """The next step awaited and its due date, or None when nothing is awaited."""
        if self.status == Status.CLOSED:
            return None
        if self.acknowledged_on is None and self.acknowledge_due_on is not None:
            return "accusé de réception", self.acknowledge_due_on
        if self.answered_on is None and self.answer_due_on is not None:
            return "réponse", self.answer_due_on
        return None

    def status_implied_by_dates(self) -> str:
        """The status the complaint's dates say it reached: what an imported or generated
        complaint is given, and where reopening returns once the closure is erased."""
        if self.closed_on is not None:
            return Status.CLOSED
        if self.answered_on is not None:
            return Status.ANSWERED
        if self.acknowledged_on is not None:
            return Status.ACKNOWLEDGED
        return Status.RECEIVED

    def dated_history(self, first: str) -> list[PastStep]:
        """The steps its dates record, in order, from its receipt (step `first`: "create",
        "import"), each to the status the transitions table gives."""
        steps = [PastStep(first, self.received_on, "", Status.RECEIVED)]
        for action, field in DATED_STEPS:
            day = getattr(self, field)
            if day is not None:
                steps.append(PastStep(action, day, steps[-1].to_status, TRANSITIONS[action].to_status or ""))
        return steps

    def is_overdue(self, *, today: dt.date) -> bool:
        """Waiting past a due date (what the list's "en retard" filter shows)."""
        if self.status == Status.CLOSED:
            return False
        ack_due, answer_due = self.acknowledge_due_on, self.answer_due_on
        late_ack = self.acknowledged_on is None and ack_due is not None and today > ack_due
        late_answer = self.answered_on is None and answer_due is not None and today > answer_due
        return late_ack or late_answer


class ComplaintTransition(WorkflowEvent):
    """The workflow log (core.workflow.WorkflowEvent): one row per step of a complaint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("ancien statut", max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=12, choices=Status.choices)
    on = models.DateField("date")
    actor_label = models.CharField(max_length=254, blank=True)

    RECORD_FIELD = "complaint"

    class Meta(WorkflowEvent.Meta):
        verbose_name = "changement de statut"
        indexes = [models.Index(fields=["organisation", "complaint", "at"], name="complaint_transition_idx")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @classmethod
    def of(
        cls,
        record: OrgOwned,
        *,
        action: str,
        actor: User | None = None,
        from_status: str = "",
        to_status: str | None = None,
        **fields: Any,
    ) -> Self:
        label = actor.email if actor is not None and actor.pk else "système"
        return super().of(
            record,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            actor_label=label,
            **fields,
        )
