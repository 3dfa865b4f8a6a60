"""The forms of the quality manager's publication pages."""

from __future__ import annotations

from typing import Any

from django import forms

from publication.models import PublicationSettings


class YearForm(forms.Form):
    """The year the draft shows (?annee=): the complete years with stored values."""

    annee = forms.TypedChoiceField(label="Année à publier", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["annee"].error_messages["invalid_choice"] = "Choisissez une année complète de la liste."

    def chosen(self, years: list[int]) -> int | None:
        """The year asked for, or by default the last complete one; None without any."""
        if self.is_bound and self.is_valid():
            return int(self.cleaned_data["annee"])
        return years[0] if years else None


class PublishForm(YearForm):
    """Valider et publier: the year previewed, the fingerprint of the draft read, and the
    quality manager's confirmation."""

    empreinte = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirmation = forms.BooleanField(
        label="J'ai relu l'aperçu ci-dessus : ces résultats peuvent être publiés.",
        error_messages={"required": "Cochez la case pour confirmer que vous avez relu l'aperçu."},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, years=years, **kwargs)
        self.fields["annee"].widget = forms.HiddenInput()


class LicenceForm(forms.ModelForm):
    class Meta:
        model = PublicationSettings
        fields = ["licence"]
        help_texts = {
            "licence": (
                "Elle s'applique aux prochaines publications ; "
                "chaque publication garde la licence sous laquelle elle a été publiée."
            )
        }
