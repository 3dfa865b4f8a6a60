from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.models import Organisation
from core.registries import commitment_choices

# A day typed in the browser's own date picker (the value travels as 2026-12-03).
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_COMMITMENT = ("", "— Aucun en particulier —")


def commitment_field_choices(
    organisation: Organisation, current: tuple[str, str] | None = None
) -> list[tuple[str, str]]:
    """The choices of a "commitment concerned" select: none, then the commitments the town
    follows; `current` (code, label), the record's own, stays offered when the town stopped
    following it, so that saving the form does not drop it."""
    choices = [NO_COMMITMENT, *commitment_choices(organisation)]
    if current and current[0] and current[0] not in dict(choices):
        choices.append(current)
    return choices


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class KioskPairingForm(forms.Form):
    """What a tablet types to pair itself (core.kiosk): the town's identifier and the code."""

    ville = forms.SlugField(
        label="Identifiant de la ville",
        max_length=60,
        help_text="Tel qu'il figure dans les adresses de la ville, par exemple « ville-de-test ».",
        error_messages={"required": "Saisissez l'identifiant de la ville.", "invalid": "Identifiant invalide."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="Code d'appairage",
        max_length=20,
        help_text="8 caractères, affichés sur la page « Bornes » des paramètres.",
        error_messages={"required": "Saisissez le code d'appairage."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_ville(self) -> str:
        return str(self.cleaned_data["ville"]).strip().lower()
