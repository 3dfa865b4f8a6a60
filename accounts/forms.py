"""Forms of the account pages."""

from __future__ import annotations

from django import forms

CODE_ATTRS = {
    "autofocus": True,
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "spellcheck": "false",
    "autocapitalize": "off",
}


class EnrolForm(forms.Form):
    secret = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label="Code à six chiffres affiché par l'application",
        max_length=7,
        widget=forms.TextInput(attrs={**CODE_ATTRS, "pattern": "[0-9 ]*"}),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Code de l'application ou code de secours",
        max_length=20,
        help_text="Six chiffres affichés par votre application, ou l'un de vos codes de secours (utilisable une fois).",
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "text"}),
    )


class EndSessionForm(forms.Form):
    session = forms.CharField(max_length=40)
