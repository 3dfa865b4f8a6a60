"""Civil-registry act requests (copies and extracts) and the register of errors found on
issued acts. No civil data of the person is stored (no name, no date of birth): only the act
type, format, channel, dates and outcome (domain.md, "Civil registry")."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import OrgOwned
from registers.models import RegisterEvent, RegisterItem, RegisterQuerySet, RegisterRecord, Transition


class ActType(models.TextChoices):
    BIRTH = "birth", "naissance"
    MARRIAGE = "marriage", "mariage"
    DEATH = "death", "décès"
    RECOGNITION = "recognition", "reconnaissance"


class ActFormat(models.TextChoices):
    FULL = "full", "copie intégrale"
    WITH_PARENTAGE = "with_parentage", "extrait avec filiation"
    WITHOUT_PARENTAGE = "without_parentage", "extrait sans filiation"
    MULTILINGUAL = "multilingual", "extrait plurilingue"


class ActChannel(models.TextChoices):
    COUNTER = "counter", "guichet"
    POST = "post", "courrier"
    WEB = "web", "internet"
    COMEDEC = "comedec", "COMEDEC"
    NOTARY = "notary", "notaire"


# Domain.md, commitment 19: counter the same day; post, web, COMEDEC (and notaries) 5 working days.
DEFAULT_ACT_DEADLINES = {
    ActChannel.COUNTER: 0,
    ActChannel.POST: 5,
    ActChannel.WEB: 5,
    ActChannel.COMEDEC: 5,
    ActChannel.NOTARY: 5,
}


# Only a request made at the counter may be delivered on receipt (registered delivered).
DELIVERED_ON_RECEIPT_REFUSED = (
    "Seule une demande reçue au guichet peut être délivrée à sa réception : décochez la case, "
    "enregistrez la demande, puis sa délivrance le jour venu."
)


class ActDeadlineRule(OrgOwned):
    """The town's delivery deadline for one channel."""

    channel = models.CharField("canal", max_length=10, choices=ActChannel.choices)
    days = models.PositiveSmallIntegerField("délai (jours)", validators=[MaxValueValidator(366)])
    business_days = models.BooleanField("jours ouvrables", default=False)

    class Meta:
        ordering = ["channel"]
        verbose_name = "délai de délivrance"
        constraints = [models.UniqueConstraint(fields=["organisation", "channel"], name="act_rule_unique_channel")]

    def __str__(self) -> str:
        unit = "jours ouvrables" if self.business_days else "jours ouvrés"
        return f"{ActChannel(self.channel).label} : {self.days} {unit}"


class ActStatus(models.TextChoices):
    PENDING = "pending", "à délivrer"
    DELIVERED = "delivered", "délivré"
    REFUSED = "refused", "refusé"


PENDING_STATUSES = (ActStatus.PENDING,)

# Which step may follow which. A request is registered pending, or delivered at once.
TRANSITIONS = {
    "register": Transition("enregistrement", frozenset(), None),
    "import": Transition("import d'un registre", frozenset(), None),
    "deliver": Transition("délivrance", frozenset({ActStatus.PENDING}), ActStatus.DELIVERED),
    "refuse": Transition("refus", frozenset({ActStatus.PENDING}), ActStatus.REFUSED),
    "reopen": Transition("remise à délivrer", frozenset({ActStatus.DELIVERED, ActStatus.REFUSED}), ActStatus.PENDING),
    "edit": Transition("modification", frozenset(ActStatus), None),
}


class ActRequestQuerySet(RegisterQuerySet):
    def pending(self) -> ActRequestQuerySet:
        return self.open()

    def issued(self) -> ActRequestQuerySet:
        return self.filter(status=ActStatus.DELIVERED)


class ActRequest(RegisterItem):
    """A request for copies or extracts of one act. `delivered_on` is the day the act was
    delivered, or the day the request was refused (not entitled, act not held here): both
    answer the request. The deadline is the town's rule for the channel at registration
    (registers.models.RegisterItem)."""

    act_type = models.CharField("type d'acte", max_length=12, choices=ActType.choices)
    act_format = models.CharField("format", max_length=20, choices=ActFormat.choices)
    channel = models.CharField("canal", max_length=10, choices=ActChannel.choices)
    copies = models.PositiveSmallIntegerField(
        "nombre d'exemplaires", default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    delivered_on = models.DateField("délivrée ou refusée le", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=ActStatus.choices, default=ActStatus.PENDING)

    OPEN_STATUSES = PENDING_STATUSES
    ANSWER_FIELD = "delivered_on"

    objects = ActRequestQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "demande d'acte"
        verbose_name_plural = "demandes d'actes"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=~Q(reference=""), name="act_request_unique_reference"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="act_due_after_receipt"),
            models.CheckConstraint(
                condition=Q(status="pending", delivered_on__isnull=True)
                | (~Q(status="pending") & Q(delivered_on__gte=models.F("received_on"))),
                name="act_delivery_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "due_on", "channel", "service"], name="act_due_idx"),
            models.Index(fields=["organisation", "delivered_on", "status", "service"], name="act_delivered_idx"),
            models.Index(fields=["organisation", "status", "due_on"], name="act_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Demande d'acte {self.display_reference} du {self.received_on:%d/%m/%Y}"

    @property
    def is_pending(self) -> bool:
        return self.is_open

    def check_dates(self) -> None:
        if self.delivered_on is not None and self.delivered_on < self.received_on:
            raise ValidationError({"delivered_on": "La délivrance ne peut précéder la réception."})

    def indicator_days(self) -> tuple[dt.date | None, ...]:
        # Delivery dates count too: the error rate's denominator is the acts issued in a period.
        return (self.received_on, self.due_on, self.delivered_on)


class ActRequestEvent(RegisterEvent):
    """The workflow log of an act request: one row per change."""

    act_request = models.ForeignKey(ActRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ActStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ActStatus.choices)
    on = models.DateField(null=True, blank=True)

    RECORD_FIELD = "act_request"

    class Meta(RegisterEvent.Meta):
        verbose_name = "étape d'une demande d'acte"
        verbose_name_plural = "étapes des demandes d'acte"
        indexes = [models.Index(fields=["organisation", "act_request", "at"], name="act_event_idx")]


class ErrorFinder(models.TextChoices):
    INTERNAL = "internal", "contrôle interne"
    CITIZEN = "citizen", "usager"
    OTHER_TOWN = "other_town", "autre commune"
    COURT = "court", "tribunal ou parquet"


class ErrorKind(models.TextChoices):
    SPELLING = "spelling", "orthographe d'un nom ou d'un lieu"
    DATE = "date", "date erronée"
    MARGINAL_NOTE = "marginal_note", "mention marginale absente ou erronée"
    PARENTAGE = "parentage", "filiation"
    FORMAT = "format", "mauvais format délivré"
    OTHER = "other", "autre"


class ActError(RegisterRecord):
    """An error found on an issued act, attributable to the service or not, and its correction.
    No free text: the kind of error is a choice, so that no civil data slips in."""

    act_request = models.ForeignKey(
        ActRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="errors",
        verbose_name="demande d'acte",
    )
    act_type = models.CharField("type d'acte", max_length=12, choices=ActType.choices)
    issued_on = models.DateField("acte délivré le")
    kind = models.CharField("nature de l'erreur", max_length=20, choices=ErrorKind.choices, default=ErrorKind.OTHER)
    found_on = models.DateField("constatée le")
    found_by = models.CharField("constatée par", max_length=12, choices=ErrorFinder.choices)
    attributable = models.BooleanField("imputable au service", default=True)
    corrected_on = models.DateField("corrigée le", null=True, blank=True)

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = "erreur sur un acte"
        verbose_name_plural = "erreurs sur des actes"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=~Q(reference=""), name="act_error_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(found_on__gte=models.F("issued_on")), name="act_error_found_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(corrected_on__isnull=True) | Q(corrected_on__gte=models.F("found_on")),
                name="act_error_corrected_after_found",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "found_on", "attributable", "service"], name="act_error_idx")]

    def __str__(self) -> str:
        return f"Erreur {self.display_reference} constatée le {self.found_on:%d/%m/%Y}"

    def indicator_days(self) -> tuple[dt.date | None, ...]:
        # The error rate counts an error in the period its act was ISSUED, whenever it was found.
        return (self.issued_on, self.act_request.delivered_on if self.act_request else None)
