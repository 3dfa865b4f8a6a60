"""Forms of the appointments' configuration pages. They read input; appointments.config
validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model

from appointments.config import KIND_FIELDS, RULE_FIELDS
from appointments.models import AppointmentKind, AppointmentSettings
from core.models import Organisation, Service, Weekday

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {"invalid": "Saisissez une heure au format HH:MM."}


class KindForm(forms.Form):
    """A kind of appointment: its fields are the model's (labels, limits and help in French)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(AppointmentKind, fields=KIND_FIELDS))
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.for_org(organisation).select_related("site").order_by("name", "pk")
        service.empty_label = None
        self.fields["documents"].widget.attrs["rows"] = 4
        self.fields["label"].help_text = "Ce que l'usager lit en choisissant : « Carte d'identité ou passeport »."
        self.fields[
            "notice_hours"
        ].help_text = "Le public réserve au plus tard ce nombre d'heures avant le rendez-vous."
        self.fields["horizon_days"].help_text = "Le public réserve au plus tôt ce nombre de jours à l'avance."
        self.fields["is_active"].help_text = "Décochez pour ne plus proposer ce type, ni en ligne ni au guichet."

    @classmethod
    def initial_for(cls, kind: AppointmentKind) -> dict[str, Any]:
        return {"version": kind.version, **{name: getattr(kind, name) for name in KIND_FIELDS}}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in KIND_FIELDS}


class BookingHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Jour", choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label="De", widget=TIME_WIDGET, error_messages=TIME_ERRORS)
    ends_at = forms.TimeField(label="À", widget=TIME_WIDGET, error_messages=TIME_ERRORS)


class RulesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(AppointmentSettings, fields=RULE_FIELDS))
        self.fields[
            "send_reminders"
        ].help_text = "La veille du rendez-vous, un e-mail le rappelle à l'usager qui a donné son adresse."
