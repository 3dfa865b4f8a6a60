"""The form of the town's public contact and legal pages (administration.public_pages)."""

from __future__ import annotations

from typing import Any

from django import forms

from core.legal_texts import default_accessibility_statement, default_legal_notice
from core.models import PHONE_NUMBER, AccessibilityStatus, Organisation

# The texts whose default the form shows, and the function that writes it.
DEFAULT_TEXTS = {"legal_notice": default_legal_notice, "accessibility_statement": default_accessibility_statement}
TEXT_HELP = (
    "Texte simple : une ligne vide entre deux paragraphes, « ## » devant un intertitre, « - » devant chaque "
    "élément d'une liste ; les adresses web deviennent des liens. "
)


class PublicPagesForm(forms.Form):
    contact_address = forms.CharField(
        label="Adresse postale de la mairie",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sur plusieurs lignes : la rue, puis le code postal et la commune.",
    )
    contact_phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        validators=[PHONE_NUMBER],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    contact_email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        help_text="Format : contact@ville.fr",
        error_messages={"invalid": "Adresse e-mail invalide : écrivez-la sous la forme contact@ville.fr."},
    )
    website = forms.URLField(
        label="Site internet de la ville",
        required=False,
        assume_scheme="https",
        help_text="Format : https://www.ville.fr",
        error_messages={"invalid": "Adresse web invalide : écrivez-la sous la forme https://www.ville.fr."},
    )
    legal_host = forms.CharField(
        label="Hébergeur de ces pages",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Son nom, son adresse et son téléphone, que les mentions légales doivent donner (loi pour la "
        "confiance dans l'économie numérique, article 6).",
    )
    legal_notice = forms.CharField(
        label="Mentions légales",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=TEXT_HELP + "Videz le champ pour revenir au texte par défaut, qui suit les informations ci-dessus.",
    )
    accessibility_status = forms.ChoiceField(
        label="État de conformité au RGAA",
        choices=AccessibilityStatus.choices,
        help_text=(
            "Sans audit de conformité, l'état est « non conforme ». Il est affiché en bas de chaque page publique."
        ),
    )
    accessibility_audit_on = forms.DateField(
        label="Date du dernier audit de conformité",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    accessibility_statement = forms.CharField(
        label="Déclaration d'accessibilité",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=TEXT_HELP + "Videz le champ pour revenir au texte par défaut, qui suit les informations ci-dessus.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        initial = {name: getattr(organisation, name) for name in self.base_fields}
        # A text the town never wrote shows the default it reads today, to start from.
        self.shown_defaults = {name: write(organisation) for name, write in DEFAULT_TEXTS.items()}
        for name, default in self.shown_defaults.items():
            initial[name] = initial[name] or default
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, shown in self.shown_defaults.items():
            text = cleaned.get(name, "").replace("\r\n", "\n").strip()
            # The default sent back untouched is not the town's own text: store nothing, so
            # that it keeps following the town's name, contact and settings.
            if not getattr(self.organisation, name).strip() and text == shown.strip():
                cleaned[name] = ""
        return cleaned
