"""Forms of the written-request pages. Plain forms: the actions need the instance untouched
to record "before" in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.models import Organisation, Service, User
from correspondence.letters import PLACEHOLDERS, REQUIRED_PLACEHOLDERS, unknown_placeholders
from correspondence.models import Category, Channel
from correspondence.queries import assignable_members
from registers.forms import DATE, DayStepForm, FilterForm, VersionForm, not_future, scope_choices, town_services

SEARCH_MAX_LENGTH = 100


def _categories(organisation: Organisation, *, keep: Category | None = None) -> Any:
    categories = Category.objects.filter(organisation=organisation, is_active=True)
    if keep is not None:
        categories = categories | Category.objects.filter(pk=keep.pk, organisation=organisation)
    return categories


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else str(obj.email)


class RequestForm(forms.Form):
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices, initial=Channel.LETTER)
    received_on = forms.DateField(label="Reçue le", widget=DATE)
    service = forms.ModelChoiceField(label="Service chargé", queryset=Service.objects.none(), required=False)
    category = forms.ModelChoiceField(label="Catégorie", queryset=Category.objects.none(), required=False)
    subject = forms.CharField(
        label="Objet", max_length=200, required=False, help_text="Quelques mots, sans donnée sensible."
    )
    requester_name = forms.CharField(label="Nom du demandeur (facultatif)", max_length=150, required=False)
    requester_contact = forms.CharField(
        label="Coordonnées du demandeur (facultatif)",
        max_length=250,
        required=False,
        help_text="Adresse postale, courriel ou téléphone, pour l'accusé de réception.",
    )
    assigned_to = UserChoiceField(label="Agent chargé", queryset=User.objects.none(), required=False)

    def __init__(
        self, *args: Any, organisation: Organisation, today: dt.date, category: Category | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["received_on"].initial = today
        scope_choices(self, "service", town_services(organisation))
        scope_choices(self, "category", _categories(organisation, keep=category))
        scope_choices(self, "assigned_to", assignable_members(organisation))

    def clean_received_on(self) -> dt.date:
        received_on: dt.date = self.cleaned_data["received_on"]
        not_future(received_on, self.today)
        return received_on


class RequestEditForm(RequestForm, VersionForm):
    """The registration fields, with the version of the request the page showed."""


class DuePreviewForm(forms.Form):
    """The fields that decide a due date, read leniently while the agent types."""

    channel = forms.ChoiceField(choices=Channel.choices, required=False)
    category = forms.IntegerField(required=False)
    received_on = forms.DateField(required=False)


class DuePreviewPageForm(forms.Form):
    """The same three fields, for the page that computes a due date without JavaScript."""

    channel = forms.ChoiceField(label="Canal", choices=Channel.choices, initial=Channel.LETTER)
    category = forms.ModelChoiceField(label="Catégorie", queryset=Category.objects.none(), required=False)
    received_on = forms.DateField(label="Reçue le", widget=DATE)

    def __init__(self, *args: Any, organisation: Organisation, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = today
        scope_choices(self, "category", _categories(organisation))


class HoldingReplyForm(DayStepForm):
    promised_on = forms.DateField(label="Réponse complète promise pour le", widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on") and data.get("promised_on") and data["promised_on"] < data["on"]:
            self.add_error("promised_on", "La date promise doit suivre la réponse d'attente.")
        return data


class ReassignForm(VersionForm):
    assigned_to = UserChoiceField(
        label="Confier à", queryset=User.objects.none(), required=False, empty_label="Personne"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "assigned_to", assignable_members(organisation))


STATES = [
    ("", "Toutes"),
    ("open", "En cours"),
    ("overdue", "En retard"),
    ("soon", "Échéance proche"),
    ("answered", "Répondues"),
    ("closed", "Closes"),
]


class RequestFilterForm(FilterForm):
    q = forms.CharField(
        label="Rechercher", max_length=SEARCH_MAX_LENGTH, required=False, help_text="Référence, objet ou nom."
    )
    state = forms.ChoiceField(label="État", choices=STATES, required=False)
    channel = forms.ChoiceField(label="Canal", choices=[("", "Tous"), *Channel.choices], required=False)
    category = forms.ModelChoiceField(
        label="Catégorie", queryset=Category.objects.none(), required=False, empty_label="Toutes"
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous"
    )
    mine = forms.BooleanField(label="Seulement les miennes", required=False)
    received_from = forms.DateField(label="Reçues depuis le", required=False, widget=DATE)
    received_to = forms.DateField(label="Reçues jusqu'au", required=False, widget=DATE)

    def __init__(self, *args: Any, organisation: Organisation, personal: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "category", Category.objects.filter(organisation=organisation))
        scope_choices(self, "service", town_services(organisation))
        if not personal:  # core.access.sees_personal_data: the search matches references only
            self.fields["q"].help_text = "Référence."


class RuleForm(forms.Form):
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices)
    category = forms.ModelChoiceField(
        label="Catégorie",
        queryset=Category.objects.none(),
        required=False,
        empty_label="Toutes les catégories",
        help_text="Une règle pour une catégorie l'emporte sur la règle générale du canal.",
    )
    days = forms.IntegerField(label="Délai (jours)", min_value=0, max_value=366)
    business_days = forms.BooleanField(
        label="Compter en jours ouvrables (du lundi au samedi)",
        required=False,
        help_text="Sinon, jours ouvrés : du lundi au vendredi. Jours fériés et fermetures ne comptent jamais.",
    )
    holding_reply_counts = forms.BooleanField(
        label="Une réponse d'attente annonçant une date compte comme réponse dans les délais", required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "category", Category.objects.filter(organisation=organisation))


class CategoryForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=40, help_text="Lettres minuscules, chiffres et tirets.")
    name = forms.CharField(label="Nom", max_length=120)


class CategoryEditForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120)
    is_active = forms.BooleanField(label="Proposée à l'enregistrement des demandes", required=False)


class TemplateForm(VersionForm):
    title = forms.CharField(label="Titre du courrier", max_length=150)
    body = forms.CharField(
        label="Texte du courrier",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Champs remplacés : " + ", ".join(f"{{{name}}} ({label})" for name, label in PLACEHOLDERS.items()),
    )
    signature = forms.CharField(label="Signature", max_length=200)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        unknown = unknown_placeholders(body)
        if unknown:
            raise ValidationError(
                "Champ(s) inconnu(s) : "
                + ", ".join(f"{{{name}}}" for name in unknown)
                + ". Voir la liste sous le texte."
            )
        for needed in REQUIRED_PLACEHOLDERS:
            if f"{{{needed}}}" not in body:
                raise ValidationError(
                    f"Le texte doit mentionner {{{needed}}} : la loi l'exige dans l'accusé de réception."
                )
        return body
