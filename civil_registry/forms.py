"""Forms of the civil-registry pages. No field asks for civil data of the person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from civil_registry.models import (
    DEFAULT_ACT_DEADLINES,
    DELIVERED_ON_RECEIPT_REFUSED,
    ActChannel,
    ActFormat,
    ActRequest,
    ActStatus,
    ActType,
    ErrorFinder,
    ErrorKind,
)
from core.models import Organisation, Service
from registers.forms import (
    DATE,
    FilterForm,
    RegisterImportForm,
    VersionForm,
    not_future,
    scope_choices,
    town_services,
)


class ActRequestForm(forms.Form):
    act_type = forms.ChoiceField(label="Type d'acte", choices=ActType.choices)
    act_format = forms.ChoiceField(label="Format", choices=ActFormat.choices, initial=ActFormat.FULL)
    channel = forms.ChoiceField(label="Canal", choices=ActChannel.choices, initial=ActChannel.COUNTER)
    copies = forms.IntegerField(label="Nombre d'exemplaires", min_value=1, max_value=50, initial=1)
    received_on = forms.DateField(label="Reçue le", widget=DATE)
    service = forms.ModelChoiceField(label="Service", queryset=Service.objects.none(), required=False)

    def __init__(self, *args: Any, organisation: Organisation, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["received_on"].initial = today
        scope_choices(self, "service", town_services(organisation))
        self.fields["service"].initial = town_services(organisation).filter(code="etat-civil").first()

    def clean_received_on(self) -> dt.date:
        received_on: dt.date = self.cleaned_data["received_on"]
        not_future(received_on, self.today)
        return received_on


class NewActRequestForm(ActRequestForm):
    delivered_now = forms.BooleanField(
        label="Délivré tout de suite (au guichet)",
        required=False,
        initial=False,
        help_text="Seulement pour une demande reçue au guichet : enregistre la délivrance à la date de réception.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delivered_now") and data.get("channel") not in (None, ActChannel.COUNTER):
            self.add_error("delivered_now", DELIVERED_ON_RECEIPT_REFUSED)
        return data


class ActRequestEditForm(ActRequestForm, VersionForm):
    """The registration fields, with the version of the request the page showed."""


STATES = [
    ("", "Toutes"),
    ("pending", "À délivrer"),
    ("overdue", "En retard"),
    ("soon", "Échéance proche"),
    (ActStatus.DELIVERED, "Délivrées"),
    (ActStatus.REFUSED, "Refusées"),
]


class ActFilterForm(FilterForm):
    q = forms.CharField(label="Référence", max_length=64, required=False)
    state = forms.ChoiceField(label="État", choices=STATES, required=False)
    channel = forms.ChoiceField(label="Canal", choices=[("", "Tous"), *ActChannel.choices], required=False)
    act_type = forms.ChoiceField(label="Type d'acte", choices=[("", "Tous"), *ActType.choices], required=False)
    act_format = forms.ChoiceField(label="Format", choices=[("", "Tous"), *ActFormat.choices], required=False)
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous"
    )
    received_from = forms.DateField(label="Reçues depuis le", required=False, widget=DATE)
    received_to = forms.DateField(label="Reçues jusqu'au", required=False, widget=DATE)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "service", town_services(organisation))


class ErrorFilterForm(FilterForm):
    q = forms.CharField(label="Référence", max_length=64, required=False)
    act_type = forms.ChoiceField(label="Type d'acte", choices=[("", "Tous"), *ActType.choices], required=False)
    found_by = forms.ChoiceField(label="Constatée par", choices=[("", "Tous"), *ErrorFinder.choices], required=False)
    kind = forms.ChoiceField(label="Nature", choices=[("", "Toutes"), *ErrorKind.choices], required=False)
    attributable = forms.ChoiceField(
        label="Imputable au service", choices=[("", "Toutes"), ("yes", "Oui"), ("no", "Non")], required=False
    )
    uncorrected = forms.BooleanField(label="Seulement les erreurs non corrigées", required=False)


class ErrorForm(forms.Form):
    act_request_reference = forms.CharField(
        label="Référence de la demande d'acte (facultatif)",
        max_length=64,
        required=False,
        help_text="Par exemple EC-2026-00123 : relie l'erreur à la délivrance enregistrée.",
    )
    act_type = forms.ChoiceField(label="Type d'acte", choices=ActType.choices)
    issued_on = forms.DateField(
        label="Acte délivré le", widget=DATE, required=False, help_text="Repris de la demande si elle est indiquée."
    )
    service = forms.ModelChoiceField(label="Service", queryset=Service.objects.none(), required=False)
    kind = forms.ChoiceField(label="Nature de l'erreur", choices=ErrorKind.choices)
    found_on = forms.DateField(label="Constatée le", widget=DATE)
    found_by = forms.ChoiceField(label="Constatée par", choices=ErrorFinder.choices)
    attributable = forms.BooleanField(label="Imputable au service", required=False, initial=True)
    corrected_on = forms.DateField(label="Corrigée le", widget=DATE, required=False)

    def __init__(self, *args: Any, organisation: Organisation, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation, self.today = organisation, today
        self.fields["found_on"].initial = today
        scope_choices(self, "service", town_services(organisation))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("issued_on", "found_on", "corrected_on"):
            try:
                not_future(data.get(field), self.today)
            except ValidationError as error:
                self.add_error(field, error)
        reference = (data.get("act_request_reference") or "").strip()
        data["act_request"] = None
        if reference:
            found = ActRequest.objects.filter(organisation=self.organisation, reference=reference).first()
            if found is None:
                self.add_error("act_request_reference", "Aucune demande d'acte n'a cette référence.")
            elif found.delivered_on is None or found.status != ActStatus.DELIVERED:
                self.add_error("act_request_reference", "Cette demande n'a pas été délivrée.")
            else:
                data["act_request"] = found
                data["issued_on"] = data.get("issued_on") or found.delivered_on
        if not data.get("issued_on") and "issued_on" not in self.errors:
            self.add_error("issued_on", "Indiquez la date de délivrance de l'acte, ou la référence de sa demande.")
        return data

    def entry(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("act_request_reference", None)
        data.pop("version", None)
        return data


class ErrorEditForm(ErrorForm, VersionForm):
    """The error's fields, with the version of the error the page showed."""


class DeadlinesForm(forms.Form):
    """One delivery deadline per channel."""

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for channel in DEFAULT_ACT_DEADLINES:
            label = ActChannel(channel).label
            self.fields[f"days_{channel}"] = forms.IntegerField(
                label=f"{label.capitalize()} : délai (jours)",
                min_value=0,
                max_value=366,
                initial=current[channel].days,
                help_text="0 : le jour même." if channel == ActChannel.COUNTER else "",
            )
            self.fields[f"business_{channel}"] = forms.BooleanField(
                label=f"{label.capitalize()} : compter en jours ouvrables (du lundi au samedi)",
                required=False,
                initial=current[channel].business_days,
            )

    def rules(self) -> dict[str, tuple[int, bool]]:
        return {
            channel: (self.cleaned_data[f"days_{channel}"], self.cleaned_data[f"business_{channel}"])
            for channel in DEFAULT_ACT_DEADLINES
        }


class ImportForm(RegisterImportForm):
    register = forms.ChoiceField(
        label="Registre",
        choices=[("acts", "Demandes d'actes"), ("act_errors", "Erreurs constatées sur des actes")],
        initial="acts",
    )
    field_order = ["register", "file", "all_or_nothing"]
