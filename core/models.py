"""The tenant (organisation), its sites, services, calendar, people and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self
from zoneinfo import ZoneInfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from core.colors import contrast_with_white
from core.localtime import town_time_zone

HEX_COLOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Saisissez une couleur au format #RRGGBB.")
MIN_CONTRAST = 4.5
# A phone number as a person writes it: "02 61 91 00 10", "+33 2 61 91 00 10", "3939".
PHONE_NUMBER = RegexValidator(
    r"^\+?[0-9][0-9 .()-]{2,28}[0-9]$",
    "Saisissez un numéro de téléphone : des chiffres, séparés au besoin par des espaces ou des points.",
)


class HolidayZone(models.TextChoices):
    METROPOLE = "", "France métropolitaine"
    MOSELLE = "57", "Moselle (57)"
    ALSACE = "6AE", "Alsace (Bas-Rhin 67, Haut-Rhin 68)"
    GUADELOUPE = "971", "Guadeloupe (971)"
    MARTINIQUE = "972", "Martinique (972)"
    GUYANE = "973", "Guyane (973)"
    REUNION = "974", "La Réunion (974)"
    MAYOTTE = "976", "Mayotte (976)"
    SAINT_BARTHELEMY = "BL", "Saint-Barthélemy"
    SAINT_MARTIN = "MF", "Saint-Martin"
    SAINT_PIERRE = "PM", "Saint-Pierre-et-Miquelon"
    NOUVELLE_CALEDONIE = "NC", "Nouvelle-Calédonie"
    POLYNESIE = "PF", "Polynésie française"
    WALLIS = "WF", "Wallis-et-Futuna"


def validate_brand_color(value: str) -> None:
    HEX_COLOR(value)
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"Le contraste de {value} avec le blanc est de {ratio:.2f}:1, sous le minimum de "
            f"{MIN_CONTRAST}:1 exigé par le RGAA pour un texte blanc sur cette couleur. "
            "Choisissez une teinte plus foncée."
        )


def phone_uri(number: str) -> str:
    return "".join(char for char in number if char.isdigit() or char == "+")


class AccessibilityStatus(models.TextChoices):
    """The three statuses of the RGAA (référentiel général d'amélioration de l'accessibilité)."""

    NOT_COMPLIANT = "non", "non conforme"
    PARTIAL = "partiel", "partiellement conforme"
    FULL = "total", "totalement conforme"


class ClosedYearChanges(models.TextChoices):
    """What happens to a change of a record of a closed year (core.closing, ADR 0025)."""

    REFUSE = "refuse", "refuser la modification"
    CORRECTION = "correction", "l'enregistrer comme correction datée après clôture"


class Organisation(models.Model):
    """A town (or any body) using Qualipilote: every record belongs to one."""

    slug = models.SlugField("identifiant", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    logo = models.FileField("logo", upload_to="logos/", blank=True)
    brand_color = models.CharField(
        "couleur principale", max_length=7, default="#1f4e79", validators=[validate_brand_color]
    )
    holiday_zone = models.CharField(
        "zone des jours fériés", max_length=4, choices=HolidayZone.choices, blank=True, default=""
    )
    works_whit_monday = models.BooleanField(
        "lundi de Pentecôte travaillé",
        default=False,
        help_text="Journée de solidarité : la mairie ouvre ce jour férié, qui compte alors dans les délais.",
    )
    retention_years = models.PositiveSmallIntegerField(
        "durée de conservation des données personnelles (années)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Après la clôture d'une demande ou d'une réclamation, noms, contacts et textes libres sont effacés.",
    )
    ring_cycle_seconds = models.DecimalField(
        "durée d'une sonnerie (secondes)",
        max_digits=4,
        decimal_places=1,
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    two_factor_required = models.BooleanField(
        "double authentification exigée de tous les membres",
        default=False,
        help_text=(
            "Les administrateurs et responsables qualité l'ont toujours ; "
            "cochée, elle est aussi exigée des agents, lecteurs et auditeurs."
        ),
    )
    # What every public page shows of the town, and what its legal pages say (core.legal_texts):
    # a blank text means "the default", written at display time from the town's data.
    contact_address = models.TextField("adresse postale de la mairie", blank=True)
    contact_phone = models.CharField("téléphone de la mairie", max_length=30, blank=True, validators=[PHONE_NUMBER])
    contact_email = models.EmailField("adresse e-mail de la mairie", blank=True)
    website = models.URLField("site internet de la ville", blank=True)
    legal_host = models.TextField("hébergeur de ces pages", blank=True)
    legal_notice = models.TextField("mentions légales", blank=True)
    accessibility_status = models.CharField(
        "état de conformité au RGAA",
        max_length=10,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.NOT_COMPLIANT,
    )
    accessibility_audit_on = models.DateField("date du dernier audit d'accessibilité", null=True, blank=True)
    accessibility_statement = models.TextField("déclaration d'accessibilité", blank=True)


    closed_year_changes = models.CharField(
        "modification d'un exercice clôturé",
        max_length=12,
        choices=ClosedYearChanges.choices,
        default=ClosedYearChanges.REFUSE,
        help_text="Une fois un exercice clôturé, une modification d'un de ses enregistrements est refusée, "
        "ou enregistrée comme correction datée, avec son motif.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone(self) -> ZoneInfo:
        """The town's own time: Paris, or the zone of its overseas territory."""
        return town_time_zone(self.holiday_zone)

    def today(self) -> dt.date:
        """The town's own date now (it decides whether a period is complete)."""
        return timezone.localdate(timezone=self.time_zone)

    def has_local_stamps(self) -> bool:
        """Whether the town holds records stamped with their local day at entry or import
        (calls, tickets, visits: any table of a town with a `local_date` column). Those stamps
        were read in the town's time zone, so the zone cannot change under them."""
        from django.apps import apps

        for model in apps.get_models():
            stamped = issubclass(model, OrgOwned) and any(f.name == "local_date" for f in model._meta.get_fields())
            if stamped and model._default_manager.filter(organisation=self).exists():
                return True
        return False

    @property
    def phone_uri(self) -> str:
        """The town's phone number for a tel: link: its digits (and a leading +) only."""
        return phone_uri(self.contact_phone)

    @property
    def theme_version(self) -> str:
        """Changes whenever the town's colour or logo may have changed, to bust caches."""
        return f"{self.updated_at:%Y%m%d%H%M%S%f}" if self.updated_at else "0"


class OrgQuerySet(models.QuerySet):
    def for_org(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)


class OrgOwned(models.Model):
    """Base for every table holding a town's data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    objects = OrgQuerySet.as_manager()

    class Meta:
        abstract = True


class Site(OrgOwned):
    name = models.CharField("nom", max_length=120)
    address = models.CharField("adresse", max_length=250, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The site as the command line names it: the slug of its name ("mairie-annexe-du-port")."""
        return slugify(self.name)


class Service(OrgOwned):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="services", verbose_name="site")
    code = models.SlugField("code", max_length=40)
    name = models.CharField("nom", max_length=120)
    # The service's contact, printed on every acknowledgement of receipt (Code des relations
    # entre le public et l'administration, R112-5: designation, postal and e-mail address, phone).
    postal_address = models.TextField("adresse postale", blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True, validators=[PHONE_NUMBER])

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="service_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.site.name})"

    def missing_contact(self) -> list[str]:
        """What an acknowledgement of receipt needs of the service and it lacks, in French
        ("adresse postale", "adresse e-mail", "téléphone"); empty when a letter may be printed."""
        fields = (("postal_address", "adresse postale"), ("email", "adresse e-mail"), ("phone", "téléphone"))
        return [label for name, label in fields if not getattr(self, name).strip()]

    @property
    def postal_lines(self) -> list[str]:
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"


class OpeningHours(OrgOwned):
    """One opening slot of a site, or of one of its services when `service` is set.

    A service without slots of its own follows its site's slots."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours", verbose_name="site")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="opening_hours", verbose_name="service"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    opens_at = models.TimeField("ouverture")
    closes_at = models.TimeField("fermeture")

    class Meta:
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["site", "service", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="opening_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosureDay(OrgOwned):
    """A day the town closes on top of public holidays (bridge day, staff day)."""

    date = models.DateField("date")
    label = models.CharField("motif", max_length=120)

    class Meta:
        verbose_name = "jour de fermeture"
        verbose_name_plural = "jours de fermeture"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["organisation", "date"], name="closure_day_unique_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.label}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. Not owned by one organisation:
    a provider's staff may belong to several through memberships."""

    email = models.EmailField("adresse e-mail", unique=True)
    full_name = models.CharField("nom complet", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    ADMIN = "admin", "administrateur"
    QUALITY_MANAGER = "quality_manager", "responsable qualité"
    AGENT = "agent", "agent"
    READER = "reader", "lecteur"
    AUDITOR = "auditor", "auditeur"
    TESTER = "tester", "testeur"


# Outside people whose access must end: an auditor, a tester (mystery visits, calls, letters).
ROLES_WITH_END_DATE = (Role.AUDITOR, Role.TESTER)


class Membership(OrgOwned):
    """A user's role in one organisation. An auditor's or a tester's access ends on `ends_on`
    (ROLES_WITH_END_DATE)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    ends_on = models.DateField("fin d'accès", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_WITH_END_DATE) | Q(ends_on__isnull=False),
                name="membership_outsider_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"

    def is_active_on(self, today: dt.date) -> bool:
        return self.ends_on is None or today <= self.ends_on


class AuditEventQuerySet(OrgQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Le journal d'audit est en ajout seul.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Le journal d'audit est en ajout seul.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        """New events join their towns' hash chains (core.chain) in the inserting transaction."""
        from core.chain import link_new_events  # core.chain reads this model

        events = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            link_new_events(events)
            return super().bulk_create(events, *args, **kwargs)


class AuditEvent(models.Model):
    """Append-only trail of who changed what, one hash chain per town (core.chain). The
    database refuses UPDATE, DELETE and TRUNCATE (triggers of migrations 0002 and 0013), and
    the model refuses them before reaching it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, db_constraint=False)
    # DO_NOTHING: the trail keeps the id of a deleted account (its label stays in actor_label).
    actor = models.ForeignKey(User, on_delete=models.DO_NOTHING, null=True, blank=True, db_constraint=False)
    actor_label = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField(default=timezone.now)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=250)
    action = models.CharField(max_length=40)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The town's hash chain (core.chain): place, previous event's hash, own hash.
    seq = models.PositiveBigIntegerField("n° dans la chaîne de la commune")
    prev_hash = models.CharField("empreinte de l'événement précédent", max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "object_type", "object_id", "at"], name="audit_object_idx"),
            models.Index(fields=["organisation", "at"], name="audit_org_time_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["organisation", "seq"], name="audit_chain_unique_seq")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Le journal d'audit est en ajout seul.")
        from core.chain import link_new_events  # core.chain reads this model

        with transaction.atomic(savepoint=False):
            link_new_events([self])
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Le journal d'audit est en ajout seul.")


class RateLimitBucket(models.Model):
    """How many times a key (a public form and a hashed address) was used in one time window.
    A table, because django-ratelimit refuses the database cache and SQLite is the default."""

    key = models.CharField(max_length=128)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de limitation"
        verbose_name_plural = "compteurs de limitation"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_limit_unique_window")]
        indexes = [models.Index(fields=["window_start"], name="rate_limit_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M} ×{self.hits}"


class DailyRun(OrgOwned):
    """One run of the daily jobs (core.daily) for a town on one of its own days: its presence
    says the values whose truth depends on the date were refreshed that day."""

    day = models.DateField("jour (heure locale de la commune)")
    finished_at = models.DateTimeField("terminé le")
    results = models.JSONField("résultats par tâche", default=dict)

    class Meta:
        verbose_name = "passage quotidien"
        verbose_name_plural = "passages quotidiens"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["organisation", "day"], name="daily_run_unique_day")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day:%d/%m/%Y}"


class KioskState:
    """What a kiosk device is at a given moment (`KioskDevice.state`), as a French label."""

    WAITING = "en attente d'appairage"
    CODE_EXPIRED = "code expiré"
    PAIRED = "appairée"
    REVOKED = "révoquée"


class KioskDevice(OrgOwned):
    """A tablet of the town that shows public screens (take a ticket, answer the survey) without
    anyone's account (core.kiosk, ADR 0023). Created with a one-time pairing code, then known by
    a long random token kept in the tablet's cookie and stored here only hashed. The token names
    the tablet, never a person, and nothing else stores it."""

    name = models.CharField("nom", max_length=120, help_text="Par exemple « Tablette du hall ».")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="kiosks", verbose_name="site")
    # The keys of the screens it shows (core.registries.KIOSK_SCREENS: "ticket", "enquete",
    # "salle-attente").
    screens = models.JSONField("écrans", default=list)
    token_hash = models.CharField(max_length=64, blank=True, default="")
    pairing_code_hash = models.CharField(max_length=64, blank=True, default="")
    pairing_expires_at = models.DateTimeField("code valable jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("créée le")
    paired_at = models.DateTimeField("appairée le", null=True, blank=True)
    last_seen_on = models.DateField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "borne"
        verbose_name_plural = "bornes"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "token_hash"], condition=~Q(token_hash=""), name="kiosk_unique_token"
            ),
            models.UniqueConstraint(
                fields=["organisation", "pairing_code_hash"],
                condition=~Q(pairing_code_hash=""),
                name="kiosk_unique_pairing_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return KioskState.REVOKED
        if self.paired_at is not None:
            return KioskState.PAIRED
        if self.pairing_expires_at is not None and now < self.pairing_expires_at:
            return KioskState.WAITING
        return KioskState.CODE_EXPIRED

    def shows(self, screen: str) -> bool:
        return screen in self.screens


class YearClosing(OrgOwned):
    """A year closed by the quality manager once its values are final (core.closing, ADR 0025):
    its stored values, evidence files and annual review are frozen, and a later change of one
    of its records is refused or kept as a `YearCorrection`. A reopening is written on the row
    (kept, with its reason); closing the year again adds a new row."""

    year = models.PositiveSmallIntegerField("exercice")
    closed_at = models.DateTimeField("clôturé le")
    closed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="clôturé par"
    )
    values_frozen = models.PositiveIntegerField("valeurs figées", default=0)
    reopened_at = models.DateTimeField("rouvert le", null=True, blank=True)
    reopened_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="rouvert par"
    )
    reopen_reason = models.TextField("motif de la réouverture", blank=True)

    class Meta:
        verbose_name = "clôture d'exercice"
        verbose_name_plural = "clôtures d'exercice"
        ordering = ["-year", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(reopened_at__isnull=True),
                name="year_closing_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"Exercice {self.year}"

    @property
    def in_force(self) -> bool:
        return self.reopened_at is None


class YearCorrection(OrgOwned):
    """A change of a record of a closed year saved after its closing, in the town's « correction »
    mode: who, when, which record, what changed (the record's audit snapshot, never personal free
    text) and the reason its author gave. The year's frozen values do not move; `rows` counts the
    lines of an imported file a correction covers (one for a record changed on a page)."""

    closing = models.ForeignKey(
        YearClosing, on_delete=models.PROTECT, related_name="corrections", verbose_name="clôture"
    )
    year = models.PositiveSmallIntegerField("exercice")
    at = models.DateTimeField("corrigé le", default=timezone.now)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("enregistrement", max_length=250)
    action = models.CharField("modification", max_length=40)
    changes = models.JSONField("avant et après", default=dict, blank=True)
    reason = models.TextField("motif")
    metric_prefix = models.CharField(max_length=40, blank=True)
    rows = models.PositiveIntegerField("lignes", default=1)

    class Meta:
        verbose_name = "correction après clôture"
        verbose_name_plural = "corrections après clôture"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "year"], name="year_correction_year_idx"),
            models.Index(fields=["organisation", "object_type", "object_id"], name="year_correction_object_idx"),
        ]

    def __str__(self) -> str:
        return f"Correction de {self.object_repr} ({self.year})"
