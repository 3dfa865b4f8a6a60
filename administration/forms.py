"""Forms of the organisation's administration screens (parametres).

Plain forms rather than ModelForms: a ModelForm writes the cleaned values into its instance
while validating, and the actions need the instance untouched to record "before" in the
audit trail."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from PIL import Image

from administration.models import Invitation
from core.models import (
    HEX_COLOR,
    PHONE_NUMBER,
    ROLES_WITH_END_DATE,
    ClosureDay,
    HolidayZone,
    Membership,
    OpeningHours,
    Organisation,
    Role,
    Service,
    Site,
    Weekday,
    validate_brand_color,
)

# Magic bytes of the accepted logo formats, and the Pillow format each must decode as.
LOGO_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG", "png"),
    (b"\xff\xd8\xff", "JPEG", "jpg"),
)
LOGO_MAX_SIDE = 4096
SEARCH_MAX_LENGTH = 100


def _logo_signature(head: bytes) -> tuple[str, str] | None:
    """The (Pillow format, extension) that the first bytes of a file announce, if accepted."""
    for magic, image_format, extension in LOGO_SIGNATURES:
        if head.startswith(magic):
            return image_format, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", "webp"
    return None


def check_logo(upload: UploadedFile) -> str:
    """Refuse anything but a real PNG, JPEG or WebP image under the size cap; return its extension.

    The size is read from the upload's metadata before a byte of the file is read."""
    max_bytes: int = settings.LOGO_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            f"Le logo dépasse la taille maximale autorisée ({max_bytes // 1024} Ko). Réduisez l'image et réessayez.",
            code="too_large",
        )
    refused = ValidationError(
        "Ce fichier n'est pas une image PNG, JPEG ou WebP valide. Le SVG et les autres formats sont refusés.",
        code="bad_format",
    )
    upload.seek(0)
    signature = _logo_signature(upload.read(16))
    upload.seek(0)
    if signature is None:
        raise refused
    image_format, extension = signature
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != image_format:
                    raise refused
                if max(image.size) > LOGO_MAX_SIDE:
                    raise ValidationError(
                        f"Le logo ne doit pas dépasser {LOGO_MAX_SIDE} pixels de côté.", code="too_many_pixels"
                    )
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused from None
    finally:
        upload.seek(0)
    return extension


class OrganisationForm(forms.Form):
    name = forms.CharField(label="Nom de la ville", max_length=200)
    logo = forms.FileField(
        label="Nouveau logo",
        required=False,
        help_text=(
            "Image PNG, JPEG ou WebP (le SVG est refusé), "
            f"{settings.LOGO_MAX_BYTES // 1024} Ko au plus. Laissez vide pour garder le logo actuel."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Supprimer le logo actuel", required=False)
    brand_color = forms.CharField(
        label="Couleur principale (valeur hexadécimale)",
        max_length=7,
        help_text=(
            "Format #RRGGBB. Le texte blanc des bandeaux et des boutons doit rester lisible sur cette couleur "
            "(contraste d'au moins 4,5:1). Si vous modifiez ce champ, sa valeur l'emporte sur le sélecteur."
        ),
        widget=forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}", "spellcheck": "false", "autocomplete": "off"}),
    )
    brand_color_picker = forms.CharField(
        label="Couleur principale (sélecteur)",
        required=False,
        validators=[HEX_COLOR],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    holiday_zone = forms.ChoiceField(
        label="Zone des jours fériés",
        choices=HolidayZone.choices,
        required=False,
        help_text="L'Alsace-Moselle et les outre-mer ont des jours fériés propres.",
    )
    works_whit_monday = forms.BooleanField(
        label="La mairie ouvre le lundi de Pentecôte (journée de solidarité)",
        required=False,
        help_text="Ce jour férié compte alors comme jour ouvré dans le calcul des délais.",
    )
    two_factor_required = forms.BooleanField(
        label="Exiger la double authentification de tous les membres",
        required=False,
        help_text=(
            "Les administrateurs et responsables qualité l'ont toujours. Cochée, les agents, lecteurs et "
            "auditeurs devront aussi l'activer à leur prochaine connexion."
        ),
    )
    ring_cycle_seconds = forms.DecimalField(
        label="Durée d'un cycle de sonnerie (secondes)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="5 secondes en France (1,5 s de sonnerie puis 3,5 s de silence). Sert à compter les sonneries.",
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "1", "max": "30"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": organisation.name,
                "brand_color": organisation.brand_color,
                "brand_color_picker": organisation.brand_color,
                "holiday_zone": organisation.holiday_zone,
                "ring_cycle_seconds": organisation.ring_cycle_seconds,
                "works_whit_monday": organisation.works_whit_monday,
                "two_factor_required": organisation.two_factor_required,
            },
        )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not organisation.logo:
            del self.fields["remove_logo"]

    def clean_logo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo")
        if not upload:
            return None
        # The stored name comes from the detected format, never from the visitor's file name.
        upload.name = f"logo.{check_logo(upload)}"
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            self.add_error("remove_logo", "Choisissez : remplacer le logo ou le supprimer, pas les deux.")
        # Two inputs for one value and no script to sync them: the text wins when it was
        # edited, otherwise the colour picker does.
        text, picker = cleaned.get("brand_color"), cleaned.get("brand_color_picker")
        if text and "brand_color" not in self.changed_data and picker and "brand_color_picker" in self.changed_data:
            text = picker
        if text:
            try:
                validate_brand_color(text.lower())
            except ValidationError as error:
                self.add_error("brand_color", error)
            else:
                cleaned["brand_color"] = text.lower()
        return cleaned


class SiteForm(forms.Form):
    name = forms.CharField(label="Nom du site", max_length=120)
    address = forms.CharField(label="Adresse", max_length=250, required=False)

    def __init__(self, *args: Any, organisation: Organisation, site: Site | None = None, **kwargs: Any) -> None:
        if site is not None:
            kwargs.setdefault("initial", {"name": site.name, "address": site.address})
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.site = site

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = Site.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.site is not None:
            others = others.exclude(pk=self.site.pk)
        if others.exists():
            raise ValidationError("Un site porte déjà ce nom dans votre ville.")
        return name


class ServiceForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label="— choisissez un site —",
        error_messages={"invalid_choice": "Choisissez un site de votre ville dans la liste."},
    )
    name = forms.CharField(label="Nom du service", max_length=120)
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="Identifiant court et stable, utilisé dans les imports : lettres minuscules, chiffres et tirets.",
        error_messages={
            "invalid": "Le code ne peut contenir que des lettres non accentuées, des chiffres et des tirets."
        },
    )

    postal_address = forms.CharField(
        label="Adresse postale",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=(
            "Sur plusieurs lignes : la rue (ou la boîte postale), puis le code postal et la commune. "
            "Le nom de la ville et celui du service figurent déjà en tête du courrier."
        ),
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        help_text="Format : service@ville.fr",
        error_messages={"invalid": "Adresse e-mail invalide : écrivez-la sous la forme service@ville.fr."},
    )
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        validators=[PHONE_NUMBER],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, service: Service | None = None, **kwargs: Any) -> None:
        if service is not None:
            kwargs.setdefault(
                "initial",
                {
                    "site": service.site_id,
                    "name": service.name,
                    "code": service.code,
                    "postal_address": service.postal_address,
                    "email": service.email,
                    "phone": service.phone,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.service = service
        site_field: forms.ModelChoiceField = self.fields["site"]  # type: ignore[assignment]
        site_field.queryset = Site.objects.filter(organisation=organisation)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].lower()
        others = Service.objects.filter(organisation=self.organisation, code=code)
        if self.service is not None:
            others = others.exclude(pk=self.service.pk)
        if others.exists():
            raise ValidationError("Un autre service de votre ville utilise déjà ce code.")
        return code


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Jour", choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(
        label="Ouverture",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Saisissez une heure au format HH:MM."},
    )
    closes_at = forms.TimeField(
        label="Fermeture",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Saisissez une heure au format HH:MM."},
    )
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        required=False,
        empty_label="Tout le site",
        help_text="Laissez « Tout le site » pour un horaire commun aux services qui n'ont pas d'horaire propre.",
        error_messages={"invalid_choice": "Choisissez un service de ce site dans la liste."},
    )

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        service_field: forms.ModelChoiceField = self.fields["service"]  # type: ignore[assignment]
        service_field.queryset = Service.objects.filter(organisation_id=site.organisation_id, site=site).select_related(
            "site"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at is None or closes_at is None or "weekday" not in cleaned:
            return cleaned
        if closes_at <= opens_at:
            self.add_error("closes_at", "L'heure de fermeture doit être après l'heure d'ouverture.")
            return cleaned
        clash = (
            OpeningHours.objects.filter(
                organisation_id=self.site.organisation_id,
                site=self.site,
                service=cleaned.get("service"),
                weekday=cleaned["weekday"],
                opens_at__lt=closes_at,
                closes_at__gt=opens_at,
            )
            .order_by("opens_at")
            .first()
        )
        if clash is not None:
            self.add_error(
                None,
                f"Ce créneau chevauche celui du {clash.get_weekday_display()} "
                f"de {clash.opens_at:%H:%M} à {clash.closes_at:%H:%M}. "
                "Modifiez les heures ou supprimez l'ancien créneau.",
            )
        return cleaned


class ClosureDayForm(forms.Form):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    label = forms.CharField(
        label="Motif", max_length=120, help_text="Par exemple : pont de l'Ascension, journée de formation du personnel."
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        existing = ClosureDay.objects.filter(organisation=self.organisation, date=date).first()
        if existing is not None:
            raise ValidationError(f"Le {date:%d/%m/%Y} est déjà un jour de fermeture ({existing.label}).")
        return date


END_DATE_REQUIRED = {
    Role.AUDITOR: "Un auditeur n'a accès que pour une durée limitée : indiquez une date de fin d'accès.",
    Role.TESTER: "Un testeur n'a accès que pour une durée limitée : indiquez une date de fin d'accès.",
}


def _check_end_date(role: str | None, ends_on: dt.date | None, today: dt.date) -> dict[str, str]:
    """Errors by field for an end of access date: required for an auditor and a tester
    (ROLES_WITH_END_DATE), always after today."""
    if role in ROLES_WITH_END_DATE and ends_on is None:
        return {"ends_on": END_DATE_REQUIRED[Role(role)]}
    if ends_on is not None and ends_on <= today:
        return {"ends_on": f"La date de fin d'accès doit être postérieure à aujourd'hui ({today:%d/%m/%Y})."}
    return {}


ROLE_HELP = (
    "Administrateur : tout, y compris les paramètres. Responsable qualité : engagements, indicateurs, enquêtes. "
    "Agent : saisie de l'activité. Lecteur : consultation. Auditeur : consultation pour une durée limitée. "
    "Testeur : personne extérieure qui remplit les grilles de visite, d'appel ou de courrier mystère "
    "qui lui sont confiées, jusqu'à la date de fin ; elle ne voit rien d'autre de la ville."
)
END_DATE_HELP = (
    "Obligatoire pour un auditeur et pour un testeur. Après cette date, la personne n'a plus accès à la ville."
)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": "Saisissez une adresse e-mail valide."},
    )
    full_name = forms.CharField(label="Nom complet", max_length=150, required=False)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, help_text=ROLE_HELP)
    ends_on = forms.DateField(
        label="Fin d'accès",
        required=False,
        help_text=END_DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )

    def __init__(self, *args: Any, organisation: Organisation, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.today = today

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        # One message for a member and for a pending invitation: the page tells nothing more
        # of the address than the town's own lists do.
        members = Membership.objects.filter(organisation=self.organisation, user__email__iexact=email)
        invited = Invitation.objects.filter(organisation=self.organisation, email__iexact=email)
        if members.exists() or invited.exists():
            raise ValidationError(
                "Cette personne a déjà un accès à votre ville ou une invitation en attente : modifiez plutôt son rôle."
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, message in _check_end_date(cleaned.get("role"), cleaned.get("ends_on"), self.today).items():
            self.add_error(field, message)
        return cleaned


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, help_text=ROLE_HELP)
    ends_on = forms.DateField(
        label="Fin d'accès",
        required=False,
        help_text=END_DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )

    def __init__(self, *args: Any, membership: Membership, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"role": membership.role, "ends_on": membership.ends_on})
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ends_on = cleaned.get("ends_on")
        # A date already past is kept as is unless it is changed: the form must not block a role change.
        if ends_on is not None and ends_on == self.membership.ends_on:
            ends_on = max(ends_on, self.today + dt.timedelta(days=1))
        for field, message in _check_end_date(cleaned.get("role"), ends_on, self.today).items():
            self.add_error(field, message)
        return cleaned


class MemberSearchForm(forms.Form):
    q = forms.CharField(label="Nom ou adresse e-mail", required=False)

    def filter(self, memberships: QuerySet[Membership]) -> QuerySet[Membership]:
        """`memberships` narrowed to the people whose name or e-mail contains the search."""
        query = self.cleaned_data.get("q", "").strip()[:SEARCH_MAX_LENGTH] if self.is_valid() else ""
        if query:
            memberships = memberships.filter(Q(user__full_name__icontains=query) | Q(user__email__icontains=query))
        return memberships


class LiftLockoutForm(forms.Form):
    """The lockout an administrator lifts: a member, and an address (none: the whole account)."""

    membre = forms.IntegerField(min_value=1)
    adresse = forms.GenericIPAddressField(required=False)


class KioskDeviceForm(forms.Form):
    """A tablet to pair (core.kiosk): its name, its site, the screens it shows."""

    name = forms.CharField(
        label="Nom de la borne",
        max_length=120,
        help_text="Par exemple « Tablette du hall ».",
        error_messages={"required": "Donnez un nom à la borne, par exemple « Tablette du hall »."},
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez le site de la borne.", "invalid_choice": "Site inconnu."},
    )
    screens = forms.MultipleChoiceField(
        label="Écrans proposés",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins un écran pour la borne.",
            "invalid_choice": "Écran inconnu : %(value)s.",
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, screens: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_org(organisation)  # type: ignore[attr-defined]
        # Nothing ticked: a tablet in the hall and the waiting room's TV show different screens,
        # and the one pairing it says which.
        self.fields["screens"].choices = screens  # type: ignore[attr-defined]
