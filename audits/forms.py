"""The grid editor's and the campaigns' forms. They read input; audits.editor and
audits.actions check and write. The editor's forms carry the grid's version the page showed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from audits.actions import assessor_memberships
from audits.editor import CriterionValues, GridValues
from audits.models import CheckCampaign, Criterion, Frequency, Grid, GridKind
from core.forms import DATE_WIDGET, commitment_field_choices
from core.models import Organisation, Service, Site, User
from core.periods import Granularity, Period

CHOOSE = ("", "— Choisissez l'engagement vérifié —")


class VersionForm(forms.Form):
    """The grid's version when the page was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Monter"), ("down", "Descendre")])


class GridForm(VersionForm):
    title = forms.CharField(label="Titre", max_length=200)
    kind = forms.ChoiceField(label="Type de contrôle", choices=GridKind.choices)
    frequency = forms.ChoiceField(
        label="Fréquence",
        choices=Frequency.choices,
        help_text="Une campagne s'ouvre d'elle-même chaque mois, trimestre ou année pour une grille en usage.",
    )
    instructions = forms.CharField(
        label="Consignes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lues par la personne qui remplit la grille. La grille évalue le service, jamais un agent.",
    )
    is_active = forms.BooleanField(
        label="En usage", required=False, help_text="Une grille retirée n'ouvre plus de campagne."
    )

    def __init__(self, *args: Any, creating: bool = False, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["version"].required = False
        if locked:  # its scores read its content: only its use changes
            for name in ("title", "kind", "instructions"):
                self.fields[name].disabled = True

    @staticmethod
    def initial_for(grid: Grid) -> dict[str, Any]:
        names = ("title", "kind", "frequency", "instructions", "is_active")
        return {"version": grid.version} | {name: getattr(grid, name) for name in names}

    def values(self) -> GridValues:
        data = self.cleaned_data
        return GridValues(
            title=data["title"],
            kind=data["kind"],
            frequency=data["frequency"],
            instructions=data["instructions"],
            is_active=data["is_active"],
        )


class CriterionForm(VersionForm):
    commitment_code = forms.ChoiceField(label="Engagement vérifié")
    question = forms.CharField(
        label="Point à vérifier",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une phrase que l'on peut vérifier par oui ou par non, sans nommer personne.",
    )
    expected = forms.CharField(label="Réponse attendue", max_length=300, required=False)
    weight = forms.IntegerField(
        label="Poids",
        min_value=1,
        max_value=10,
        initial=1,
        help_text="De 1 à 10 : « oui » rapporte le poids, « en partie » la moitié, « non » rien.",
    )

    def __init__(
        self, *args: Any, organisation: Organisation, criterion: Criterion | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        current = (criterion.commitment_code, criterion.commitment_code) if criterion is not None else None
        choices = [choice for choice in commitment_field_choices(organisation, current) if choice[0]]
        field = self.fields["commitment_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [CHOOSE, *choices]

    @staticmethod
    def initial_for(criterion: Criterion, version: int) -> dict[str, Any]:
        names = ("commitment_code", "question", "expected", "weight")
        return {"version": version} | {name: getattr(criterion, name) for name in names}

    def values(self) -> CriterionValues:
        data = self.cleaned_data
        return CriterionValues(
            commitment_code=data["commitment_code"],
            question=data["question"],
            expected=data["expected"],
            weight=data["weight"],
        )


class CampaignForm(forms.Form):
    grid = forms.ModelChoiceField(label="Grille", queryset=Grid.objects.none(), empty_label="— Choisissez —")
    starts_on = forms.DateField(label="Début", widget=DATE_WIDGET)
    ends_on = forms.DateField(label="Fin", widget=DATE_WIDGET)
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        required=False,
        help_text="Laissez vide pour « titre de la grille — période ».",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grid"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Grid.objects.for_org(organisation).filter(is_active=True).order_by("kind", "title", "pk")

    @staticmethod
    def initial_on(today: dt.date) -> dict[str, Any]:
        month = Period.containing(today, Granularity.MONTH)
        return {"starts_on": month.start, "ends_on": month.last_day}


class AssignForm(forms.Form):
    assessor = forms.TypedChoiceField(label="Contrôleur", coerce=int)
    site = forms.ModelChoiceField(
        label="Site contrôlé", queryset=Site.objects.none(), required=False, empty_label="— Aucun en particulier —"
    )
    service = forms.ModelChoiceField(
        label="Service contrôlé",
        queryset=Service.objects.none(),
        required=False,
        empty_label="— Aucun en particulier —",
    )
    due_on = forms.DateField(label="À remettre avant le", widget=DATE_WIDGET)

    def __init__(self, *args: Any, campaign: CheckCampaign, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = campaign.organisation
        members = assessor_memberships(organisation, today)
        assessor = self.fields["assessor"]
        assert isinstance(assessor, forms.TypedChoiceField)
        assessor.choices = [("", "— Choisissez —")] + [
            (
                membership.user_id,
                f"{membership.user.full_name or membership.user.email} ({membership.get_role_display()})",
            )
            for membership in members
        ]
        site, service = self.fields["site"], self.fields["service"]
        assert isinstance(site, forms.ModelChoiceField) and isinstance(service, forms.ModelChoiceField)
        site.queryset = Site.objects.for_org(organisation).order_by("name")
        service.queryset = Service.objects.for_org(organisation).order_by("name")
        self.members = {membership.user_id: membership.user for membership in members}

    def assessor_user(self) -> User:
        return self.members[self.cleaned_data["assessor"]]
