"""Appointments (commitment 9, « recevoir à l'heure les usagers qui ont pris rendez-vous »):
the kinds of appointment a service offers and when, the appointments booked (by an agent, by
the public online, or imported from another booking tool), and what happened at the counter.

On time (docs/appointments.md, domain.md): `started_at − scheduled_at` ≤ the indicator's
tolerance, over the appointments whose citizen arrived before `scheduled_at + tolerance`;
no-shows and late arrivals are counted apart.

Double booking is impossible: a booked appointment holds one of its slot's seats (1 to the
kind's capacity), and one seat of one slot belongs to one live appointment at most (a unique
constraint, so two requests at the same instant cannot both win, on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.concurrency import Versioned
from core.models import Organisation, OrgOwned, Service, Site, User, Weekday
from core.workflow import Transition, WorkflowEvent
from imports.models import ImportSource

DEFAULT_BOOKINGS_PER_EMAIL = 3


class AppointmentKind(OrgOwned, Versioned):
    """What a service books appointments for: « Carte d'identité ou passeport », « Dossier de
    mariage ». Its slots last `duration_minutes`, `capacity` citizens can be received in each,
    from `notice_hours` ahead up to `horizon_days` ahead, within its booking hours."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name="service")
    label = models.CharField("intitulé", max_length=120)
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", default=20, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    documents = models.TextField(
        "pièces à apporter", blank=True, help_text="Une pièce par ligne ; rappelées dans la confirmation."
    )
    capacity = models.PositiveSmallIntegerField(
        "rendez-vous simultanés",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Le nombre d'usagers reçus en même temps (guichets ouverts pour ces rendez-vous).",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "réservable jusqu'à (jours)", default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    notice_hours = models.PositiveSmallIntegerField(
        "délai de prévenance (heures)", default=2, validators=[MaxValueValidator(24 * 30)]
    )
    bookable_online = models.BooleanField("réservable en ligne par le public", default=True)
    is_active = models.BooleanField("proposé", default=True)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "type de rendez-vous"
        ordering = ["position", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "service", "label"], name="appointment_kind_unique_label")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def site(self) -> Site:
        return self.service.site


class BookingHours(OrgOwned):
    """A range of a weekday when a kind's appointments are given (local time). Slots follow one
    another from `starts_at`; the last one ends by `ends_at`. Only the hours within the
    service's opening hours, on working days (no public holiday, no closure day), are offered."""

    kind = models.ForeignKey(AppointmentKind, on_delete=models.CASCADE, related_name="hours", verbose_name="type")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    starts_at = models.TimeField("de")
    ends_at = models.TimeField("à")

    class Meta:
        verbose_name = "plage de rendez-vous"
        ordering = ["weekday", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_hours_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class AppointmentSettings(OrgOwned):
    """The town's booking rules (one row per town, created with the town)."""

    bookings_per_email = models.PositiveSmallIntegerField(
        "rendez-vous à venir par adresse e-mail",
        default=DEFAULT_BOOKINGS_PER_EMAIL,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Au-delà, la réservation en ligne est refusée jusqu'à ce qu'un rendez-vous soit passé ou annulé.",
    )
    send_reminders = models.BooleanField("rappel par e-mail la veille", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres des rendez-vous"
        constraints = [models.UniqueConstraint(fields=["organisation"], name="appointment_settings_one_per_org")]

    def __str__(self) -> str:
        return "Règles de réservation"

    @classmethod
    def for_org(cls, organisation: Organisation) -> AppointmentSettings:
        """The town's row, or the defaults (unsaved) for a town created before this app."""
        return cls.objects.filter(organisation=organisation).first() or cls(organisation=organisation)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "réservé"
    ARRIVED = "arrived", "arrivé"
    STARTED = "started", "en cours"
    DONE = "done", "terminé"
    NO_SHOW = "no_show", "absent"
    CANCELLED = "cancelled", "annulé"


class Channel(models.TextChoices):
    PHONE = "phone", "par téléphone"
    COUNTER = "counter", "au guichet"
    ONLINE = "online", "en ligne"
    IMPORTED = "imported", "importé"


S = AppointmentStatus
LIVE_STATUSES = (S.BOOKED, S.ARRIVED, S.STARTED, S.DONE, S.NO_SHOW)  # holding their seat

# The workflow (core.workflow runs it: appointments.actions).
TRANSITIONS: dict[str, Transition] = {
    "book": Transition("réservation", frozenset(), S.BOOKED),
    "import_appointment": Transition("import", frozenset(), None),
    "move_booking": Transition("déplacement", frozenset({S.BOOKED}), None),
    "check_in": Transition("arrivée", frozenset({S.BOOKED}), S.ARRIVED),
    "start": Transition("début", frozenset({S.BOOKED, S.ARRIVED}), S.STARTED),
    "end": Transition("fin", frozenset({S.STARTED}), S.DONE),
    "no_show": Transition("absence", frozenset({S.BOOKED}), S.NO_SHOW),
    "cancel_booking": Transition("annulation", frozenset({S.BOOKED}), S.CANCELLED),
}


class Appointment(OrgOwned, Versioned):
    """A booked slot. The citizen's name and contacts are personal data: shown to the town's
    agents and quality manager, never to readers, auditors or public pages; the journal keeps
    none of them. `number` is what the citizen types at the kiosk to say they arrived."""

    kind = models.ForeignKey(
        AppointmentKind, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="type"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name="service")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name="site")
    number = models.CharField("numéro", max_length=20)  # "RDV-2026-00001": 14 characters
    status = models.CharField("état", max_length=12, choices=AppointmentStatus.choices, default=S.BOOKED)
    channel = models.CharField("pris", max_length=10, choices=Channel.choices)
    scheduled_at = models.DateTimeField("heure prévue")
    ends_at = models.DateTimeField("fin prévue")
    seat = models.PositiveSmallIntegerField(null=True, blank=True)  # None once cancelled, and for imports
    citizen_name = models.CharField("nom", max_length=150, blank=True)
    citizen_email = models.EmailField("adresse e-mail", blank=True)
    citizen_phone = models.CharField("téléphone", max_length=30, blank=True)
    arrived_at = models.DateTimeField("arrivée", null=True, blank=True)
    started_at = models.DateTimeField("début", null=True, blank=True)
    ended_at = models.DateTimeField("fin", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    # The citizen's link to cancel or move, for this appointment only: its hash, never the token.
    manage_token_hash = models.CharField(max_length=64, blank=True, default="")
    booked_at = models.DateTimeField("réservé le")
    booked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="réservé par"
    )
    local_date = models.DateField()
    local_month = models.DateField()
    source = models.ForeignKey(ImportSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dedupe_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["scheduled_at", "pk"]
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "dedupe_key"], name="appointment_unique_dedupe_key"),
            # Numbers given here are unique in the town; imported ones follow their booking tool.
            models.UniqueConstraint(
                fields=["organisation", "number"], condition=Q(source__isnull=True), name="appointment_unique_number"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "scheduled_at", "seat"],
                condition=Q(seat__isnull=False),
                name="appointment_one_per_seat",
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("scheduled_at")), name="appointment_ends_after"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=False, ended_at__gte=models.F("started_at")),
                name="appointment_ended_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "local_month", "service", "status"], name="appointment_month_idx"),
            models.Index(fields=["organisation", "site", "local_date", "scheduled_at"], name="appointment_day_idx"),
            models.Index(fields=["organisation", "citizen_email", "status"], name="appointment_email_idx"),
        ]

    def __str__(self) -> str:
        return f"Rendez-vous {self.number}"

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.scheduled_at


class AppointmentEvent(WorkflowEvent):
    """The appointment's workflow log (no personal data)."""

    RECORD_FIELD = "appointment"
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = "étape d'un rendez-vous"
