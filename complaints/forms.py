"""Forms of the complaint pages. They read input; the actions validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from complaints.models import AWAITED_STEPS, Channel, Complaint, ComplaintSettings, Justified, Kind, Status
from core.access import ROLE_CAPABILITIES, Capability
from core.forms import DATE_WIDGET, commitment_field_choices
from core.models import Membership, Organisation, Service, User
from core.registries import commitment_choices, public_commitment_choices
from registers.imports import MAX_IMPORT_BYTES

CAPTURE_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.CAPTURE in capabilities]


class VersionForm(forms.Form):
    """Every form that changes a complaint carries the version the agent saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ComplaintForm(VersionForm):
    kind = forms.ChoiceField(label="Nature", choices=Kind.choices, initial=Kind.COMPLAINT)
    channel = forms.ChoiceField(label="Canal de réception", choices=Channel.choices)
    received_on = forms.DateField(label="Reçue le", widget=DATE_WIDGET)
    service = forms.ModelChoiceField(
        label="Service concerné", queryset=Service.objects.none(), required=False, empty_label="— Non précisé —"
    )
    commitment_code = forms.ChoiceField(label="Engagement concerné", required=False)
    subject = forms.CharField(label="Objet", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    citizen_name = forms.CharField(label="Nom de l'usager", max_length=150, required=False)
    citizen_email = forms.EmailField(label="Courriel de l'usager", required=False)
    citizen_phone = forms.CharField(label="Téléphone de l'usager", max_length=30, required=False)
    citizen_address = forms.CharField(
        label="Adresse postale de l'usager",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        required=False,
        help_text="Pour lui envoyer l'accusé de réception et la réponse par courrier.",
    )
    handled_by = forms.ModelChoiceField(
        label="Agent chargé", queryset=User.objects.none(), required=False, empty_label="— Personne —"
    )

    def __init__(self, *args: Any, organisation: Organisation, complaint: Complaint | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.for_org(organisation).select_related("site")
        handler = self.fields["handled_by"]
        assert isinstance(handler, forms.ModelChoiceField)
        handler.queryset = User.objects.filter(
            pk__in=Membership.objects.for_org(organisation).filter(role__in=CAPTURE_ROLES).values("user")
        )
        current = (complaint.commitment_code, complaint.commitment_label) if complaint else None
        commitment = self.fields["commitment_code"]
        assert isinstance(commitment, forms.ChoiceField)
        commitment.choices = commitment_field_choices(organisation, current)
        if complaint is None:
            self.fields["version"].required = False
        else:
            self._add_step_fields(complaint)

    def _add_step_fields(self, complaint: Complaint) -> None:
        """Steps already reached can be corrected here; the workflow actions reach new ones."""
        self.fields["justified"] = forms.ChoiceField(label="Bien-fondé", choices=Justified.choices)
        self.fields["action_note"] = forms.CharField(
            label="Action d'amélioration",
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            help_text=Complaint._meta.get_field("action_note").help_text,
        )
        if complaint.acknowledged_on:
            self.fields["acknowledged_on"] = forms.DateField(label="Réception accusée le", widget=DATE_WIDGET)
        if complaint.answered_on:
            self.fields["answered_on"] = forms.DateField(label="Répondue le", widget=DATE_WIDGET)
            self.fields["answer"] = forms.CharField(
                label="Réponse", widget=forms.Textarea(attrs={"rows": 5}), required=False
            )

    @staticmethod
    def initial_for(complaint: Complaint) -> dict[str, Any]:
        names = [
            "kind", "channel", "received_on", "service", "commitment_code", "subject", "description",
            "citizen_name", "citizen_email", "citizen_phone", "citizen_address", "handled_by", "justified",
            "action_note",
            "acknowledged_on", "answered_on", "answer", "version",
        ]  # fmt: skip
        initial = {name: getattr(complaint, name) for name in names}
        initial["service"] = complaint.service_id
        initial["handled_by"] = complaint.handled_by_id
        return initial

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AcknowledgeForm(VersionForm):
    on = forms.DateField(label="Réception accusée le", widget=DATE_WIDGET)


class AnswerForm(VersionForm):
    on = forms.DateField(label="Répondue le", widget=DATE_WIDGET)
    text = forms.CharField(
        label="Réponse apportée",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Le texte, ou son résumé si la réponse a été donnée de vive voix.",
    )
    justified = forms.ChoiceField(label="Bien-fondé", choices=Justified.choices, initial=Justified.UNDETERMINED)


class CloseForm(VersionForm):
    on = forms.DateField(label="Close le", widget=DATE_WIDGET)


class ReopenForm(VersionForm):
    pass


class JudgeForm(VersionForm):
    justified = forms.ChoiceField(label="Bien-fondé", choices=Justified.choices)
    action_note = forms.CharField(
        label="Action d'amélioration",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=Complaint._meta.get_field("action_note").help_text,
    )


ACTION_FORMS: dict[str, type[VersionForm]] = {
    "acknowledge": AcknowledgeForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "judge": JudgeForm,
}


class FilterForm(forms.Form):
    """The list's search and filters (GET). Unknown values are ignored, never an error page."""

    q = forms.CharField(label="Rechercher", required=False, help_text="Numéro de suivi, objet ou nom.")
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *Status.choices])
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes"), *Kind.choices])
    channel = forms.ChoiceField(label="Canal", required=False, choices=[("", "Tous"), *Channel.choices])
    commitment = forms.ChoiceField(label="Engagement", required=False)
    justified = forms.ChoiceField(label="Bien-fondé", required=False, choices=[("", "Tous"), *Justified.choices])
    overdue = forms.BooleanField(label="En retard seulement", required=False)
    echeance = forms.BooleanField(label="À échéance proche (3 jours ouvrés)", required=False)
    attente = forms.ChoiceField(
        label="Étape attendue",
        required=False,
        choices=[("", "Toutes"), *((code, label) for code, (label, _) in AWAITED_STEPS.items())],
    )
    miennes = forms.BooleanField(label="Seulement celles dont je suis chargé·e", required=False)

    def __init__(self, *args: Any, organisation: Organisation, personal: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not personal:  # core.access.sees_personal_data: the search matches tracking numbers only
            self.fields["q"].help_text = "Numéro de suivi."
        commitment = self.fields["commitment"]
        assert isinstance(commitment, forms.ChoiceField)
        commitment.choices = [("", "Tous"), *commitment_choices(organisation)]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return self.cleaned_data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ComplaintSettings
        fields = [
            "acknowledge_days",
            "acknowledge_business_days",
            "answer_days",
            "answer_days_letter",
            "answer_business_days",
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier du registre",
        help_text="CSV (séparateur ; ou ,), XLSX ou ODS, avec les en-têtes du modèle. 20 Mo au plus.",
    )
    all_or_nothing = forms.BooleanField(
        label="Tout ou rien : refuser tout le fichier si une seule ligne est rejetée", required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"Le fichier pèse {upload.size // (1024 * 1024)} Mo : la limite est de "
                f"{MAX_IMPORT_BYTES // (1024 * 1024)} Mo. Découpez-le en plusieurs fichiers."
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".ods")):
            raise ValidationError("Format non pris en charge : choisissez un fichier CSV, XLSX ou ODS.")
        return upload


class StatsForm(forms.Form):
    period = forms.CharField(
        label="Période", required=False, help_text="Une année (2026), un trimestre (2026-Q1) ou un mois (2026-03)."
    )


# --- Public pages -----------------------------------------------------------------------


class PublicComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="Vous souhaitez faire",
        choices=[(Kind.COMPLAINT, "une réclamation"), (Kind.SUGGESTION, "une suggestion")],
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    commitment_code = forms.ChoiceField(
        label="Engagement de service concerné",
        required=False,
        help_text="Facultatif : laissez « Je ne sais pas » si aucun ne correspond.",
    )
    subject = forms.CharField(label="Objet", max_length=200, help_text="En quelques mots.")
    description = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 7}), max_length=5000)
    citizen_name = forms.CharField(
        label="Votre nom", max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    citizen_email = forms.EmailField(
        label="Votre adresse e-mail",
        required=False,
        help_text="Facultative : pour recevoir un accusé de réception et la réponse. Format : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    citizen_phone = forms.CharField(
        label="Votre téléphone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # The honeypot: hidden from people (and from assistive technologies), filled by robots.
    website = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commitment = self.fields["commitment_code"]
        assert isinstance(commitment, forms.ChoiceField)
        # Only the commitments the town shows the public: an internal one (Qualivilles 22, 23)
        # is neither offered nor accepted if posted.
        commitment.choices = [("", "Je ne sais pas"), *public_commitment_choices(organisation)]
        commitment.error_messages["invalid_choice"] = (
            "Choisissez un engagement dans la liste, ou « Je ne sais pas » si aucun ne correspond."
        )
        for name, message in (
            ("subject", "Indiquez l'objet de votre message."),
            ("description", "Écrivez votre message."),
        ):
            self.fields[name].error_messages["required"] = message
        self.fields["citizen_email"].error_messages["invalid"] = (
            "Adresse e-mail invalide : écrivez-la sous la forme nom@exemple.fr."
        )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class TrackingForm(forms.Form):
    numero = forms.CharField(
        label="Numéro de suivi",
        max_length=40,
        help_text="Il figure sur la page de confirmation et dans l'accusé de réception. Format : R2026-XXXXXXXX",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["numero"].error_messages["required"] = "Saisissez votre numéro de suivi."


def today_initial(day: dt.date) -> dict[str, Any]:
    return {"on": day}
