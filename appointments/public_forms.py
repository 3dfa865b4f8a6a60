"""Forms of the public booking pages. They read input; appointments.actions checks the slot
(offered, free, within the notice and the horizon) and the limit per e-mail address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

SLOT_REQUIRED = "Choisissez un créneau dans la liste."
SLOT_INVALID = "Ce créneau n'existe pas : choisissez-en un dans la liste."
MAX_SLOT_TEXT = 40


class SlotField(forms.Field):
    """A slot's start, sent as an ISO 8601 moment with its offset (the radio's value)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > MAX_SLOT_TEXT:
            raise forms.ValidationError(SLOT_INVALID, code="invalid")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(SLOT_INVALID, code="invalid") from None
        if moment.tzinfo is None:
            raise forms.ValidationError(SLOT_INVALID, code="invalid")
        return moment


class SlotForm(forms.Form):
    creneau = SlotField(label="Créneau", error_messages={"required": SLOT_REQUIRED})


class BookingForm(SlotForm):
    citizen_name = forms.CharField(
        label="Votre nom et prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Indiquez votre nom : l'agent vous appellera par ce nom."},
    )
    citizen_email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Pour recevoir la confirmation, le rappel la veille et le lien pour annuler. Format : nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez votre adresse e-mail : la confirmation et le lien pour annuler y sont envoyés.",
            "invalid": "Adresse e-mail invalide : écrivez-la sous la forme nom@exemple.fr.",
        },
    )
    citizen_phone = forms.CharField(
        label="Votre téléphone",
        max_length=30,
        required=False,
        help_text="Facultatif : pour vous prévenir d'un imprévu.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # The honeypot: hidden from people (and from assistive technologies), filled by robots.
    website = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
