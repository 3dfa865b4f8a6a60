"""Written requests (courriers, courriels, demandes en ligne, messages téléphoniques) that need a
reply within a deadline, the town's deadline rules and categories, and the acknowledgement
letter template."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.concurrency import Versioned
from core.models import OrgOwned
from registers.models import RegisterEvent, RegisterItem, Transition


class Channel(models.TextChoices):
    LETTER = "letter", "courrier"
    EMAIL = "email", "courriel"
    WEB = "web", "demande en ligne"
    PHONE = "phone", "message téléphonique"


# Domain.md, commitment 17: letters within 15 working days, e-mails and web requests within 5.
DEFAULT_DEADLINES = {Channel.LETTER: 15, Channel.EMAIL: 5, Channel.WEB: 5, Channel.PHONE: 5}
DEFAULT_CATEGORIES = [
    ("information", "Demande d'information"),
    ("urbanisme", "Urbanisme"),
    ("voirie", "Voirie et propreté"),
    ("etat-civil", "État civil et citoyenneté"),
    ("scolaire", "Enfance et scolaire"),
    ("social", "Action sociale"),
    ("autre", "Autre"),
]


class Category(OrgOwned):
    """A subject category of the town's requests (urbanisme, voirie...)."""

    code = models.SlugField("code", max_length=40)
    name = models.CharField("nom", max_length=120)
    is_active = models.BooleanField("proposée à l'enregistrement", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "catégorie"
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="request_category_unique_code")]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(OrgOwned):
    """The deadline of a channel, optionally for one category (a rule with a category wins)."""

    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="rules", verbose_name="catégorie"
    )
    days = models.PositiveSmallIntegerField("délai (jours)")
    business_days = models.BooleanField(
        "jours ouvrables",
        default=False,
        help_text="Compter du lundi au samedi (sinon jours ouvrés, du lundi au vendredi).",
    )
    holding_reply_counts = models.BooleanField(
        "la réponse d'attente compte",
        default=False,
        help_text=(
            "Une réponse d'attente qui annonce une date, envoyée dans le délai, "
            "compte comme une réponse dans les délais."
        ),
    )

    class Meta:
        ordering = ["channel", "category__name"]
        verbose_name = "règle de délai"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "channel", "category"],
                condition=Q(category__isnull=False),
                name="request_rule_unique_category",
            ),
            models.UniqueConstraint(
                fields=["organisation", "channel"],
                condition=Q(category__isnull=True),
                name="request_rule_unique_channel",
            ),
        ]

    def __str__(self) -> str:
        unit = "jours ouvrables" if self.business_days else "jours ouvrés"
        scope = f" — {self.category}" if self.category_id else ""
        return f"{Channel(self.channel).label.capitalize()}{scope} : {self.days} {unit}"


class Status(models.TextChoices):
    RECEIVED = "received", "reçue"
    ACKNOWLEDGED = "acknowledged", "accusé de réception envoyé"
    WAITING = "waiting", "réponse d'attente envoyée"
    ANSWERED = "answered", "répondue"
    CLOSED = "closed", "close"


OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.WAITING)

# The workflow: which step may follow which.
TRANSITIONS = {
    "register": Transition("enregistrement", frozenset(), Status.RECEIVED),
    "import": Transition("import d'un registre", frozenset(), None),
    "acknowledge": Transition("accusé de réception", frozenset({Status.RECEIVED}), Status.ACKNOWLEDGED),
    "holding_reply": Transition("réponse d'attente", frozenset(OPEN_STATUSES), Status.WAITING),
    "answer": Transition("réponse", frozenset(OPEN_STATUSES), Status.ANSWERED),
    "close": Transition("clôture", frozenset({Status.ANSWERED}), Status.CLOSED),
    # Reopening goes back to the last open step reached: the status its dates imply
    # (WrittenRequest.status_implied_by_dates, declared in actions.WORKFLOW).
    "reopen": Transition("réouverture", frozenset({Status.ANSWERED, Status.CLOSED}), None),
    "reassign": Transition("réattribution", frozenset(Status), None),
    "edit": Transition("modification", frozenset(Status), None),
}


class WrittenRequest(RegisterItem):
    """A letter, e-mail, web request or phone message that needs an answer.

    The requester's name and contact and the subject are personal: they are erased
    (`anonymised_at`) once the request has been closed for the town's retention period, and
    never written to the audit trail. The deadline applied at registration is the one
    announced in the acknowledgement (registers.models.RegisterItem)."""

    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="requests", verbose_name="catégorie"
    )
    subject = models.CharField("objet", max_length=200, blank=True)
    requester_name = models.CharField("nom du demandeur", max_length=150, blank=True)
    requester_contact = models.CharField("coordonnées du demandeur", max_length=250, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agent chargé",
    )
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)
    holding_reply_on = models.DateField("réponse d'attente le", null=True, blank=True)
    promised_on = models.DateField("réponse promise pour le", null=True, blank=True)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)
    status = models.CharField("état", max_length=15, choices=Status.choices, default=Status.RECEIVED)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    OPEN_STATUSES = OPEN_STATUSES
    ANSWER_FIELD = "answered_on"

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "demande écrite"
        verbose_name_plural = "demandes écrites"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=~Q(reference=""), name="request_unique_reference"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="request_due_after_receipt"),
        ]
        indexes = [
            models.Index(fields=["organisation", "due_on", "channel", "service"], name="request_due_idx"),
            models.Index(fields=["organisation", "received_on", "channel"], name="request_received_idx"),
            models.Index(fields=["organisation", "assigned_to", "status", "due_on"], name="request_agent_idx"),
            # The unanswered requests overdue or due soon of a whole town (a home's "À faire"):
            # partial, so it stays as small as the work in hand whatever the register's size.
            models.Index(
                fields=["organisation", "status", "due_on"],
                condition=Q(answered_on__isnull=True),
                name="request_open_due_idx",
            ),
            models.Index(fields=["organisation", "closed_on"], name="request_closed_idx"),
        ]

    def __str__(self) -> str:
        # No subject nor name here: this text goes to the audit trail.
        return f"{Channel(self.channel).label.capitalize()} {self.display_reference} du {self.received_on:%d/%m/%Y}"

    def dated_holding_reply(self) -> dt.date | None:
        return self.holding_reply_on if self.promised_on else None

    def status_implied_by_dates(self) -> str:
        """The status the request's dates say it reached: what an imported or generated
        request is given, and where reopening it returns once its answer is erased."""
        if self.closed_on:
            return Status.CLOSED
        if self.answered_on:
            return Status.ANSWERED
        if self.holding_reply_on:
            return Status.WAITING
        if self.acknowledged_on:
            return Status.ACKNOWLEDGED
        return Status.RECEIVED

    def check_dates(self) -> None:
        received = self.received_on
        named = {
            "acknowledged_on": "L'accusé de réception",
            "holding_reply_on": "La réponse d'attente",
            "answered_on": "La réponse",
            "closed_on": "La clôture",
        }
        for field, label in named.items():
            day = getattr(self, field)
            if day is not None and day < received:
                raise ValidationError({field: f"{label} ne peut précéder la réception ({received:%d/%m/%Y})."})
        if self.promised_on and self.holding_reply_on and self.promised_on < self.holding_reply_on:
            raise ValidationError({"promised_on": "La date promise doit suivre la réponse d'attente."})
        if self.closed_on and self.answered_on and self.closed_on < self.answered_on:
            raise ValidationError({"closed_on": "La clôture ne peut précéder la réponse."})


class RequestEvent(RegisterEvent):
    """The workflow log: one row per change of a request (no personal free text)."""

    request = models.ForeignKey(WrittenRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices)
    on = models.DateField("date de l'étape", null=True, blank=True)

    RECORD_FIELD = "request"

    class Meta(RegisterEvent.Meta):
        verbose_name = "étape d'une demande écrite"
        verbose_name_plural = "étapes des demandes écrites"
        indexes = [models.Index(fields=["organisation", "request", "at"], name="request_event_idx")]


DEFAULT_ACKNOWLEDGEMENT_BODY = (
    "Madame, Monsieur,\n"
    "\n"
    "Nous avons bien reçu le {date_reception} votre {canal} concernant : {categorie}.\n"
    "\n"
    "Votre demande a été transmise au service {service}, chargé de son traitement.\n"
    "Vous pouvez le joindre : {contact_service}.\n"
    "\n"
    "Nous nous engageons à vous répondre au plus tard le {echeance} ({delai}).\n"
    "\n"
    "Lorsque votre demande appelle une décision de l'administration, le silence gardé pendant deux mois "
    "vaut accord, sauf disposition contraire : faute de réponse, votre demande sera réputée acceptée le "
    "{date_decision_implicite}, et vous pourrez obtenir sur simple demande une attestation de cette "
    "décision (article L232-3 du Code des relations entre le public et l'administration). Lorsque la "
    "demande relève d'une exception prévue par la loi ou un décret, ce silence vaut rejet à la même date : "
    "vous pouvez alors former un recours gracieux auprès de la mairie ou un recours devant le tribunal "
    "administratif dans un délai de deux mois à compter de cette décision implicite. Si votre demande est "
    "incomplète, nous vous indiquerons les pièces manquantes et le délai pour les fournir ; ce délai "
    "suspend alors les délais ci-dessus.\n"
    "\n"
    "Référence à rappeler dans toute correspondance : {reference}.\n"
    "\n"
    "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n"
    "\n"
    "{signature}"
)


class AcknowledgementTemplate(OrgOwned, Versioned):
    """The town's acknowledgement of receipt letter, with placeholders between braces. The
    contact of the service in charge comes from the service (core.models.Service), not from here."""

    title = models.CharField("titre du courrier", max_length=150, default="Accusé de réception")
    body = models.TextField("texte du courrier", default=DEFAULT_ACKNOWLEDGEMENT_BODY)
    signature = models.CharField("signature", max_length=200, default="Le Maire")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "modèle d'accusé de réception"
        constraints = [models.UniqueConstraint(fields=["organisation"], name="ack_template_one_per_org")]

    def __str__(self) -> str:
        return self.title
