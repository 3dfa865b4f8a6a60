"""Forms of the improvement plan's pages. They read input; improvement.actions validates and
writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from commitments.models import Commitment, Indicator
from core.forms import DATE_WIDGET
from core.models import Organisation, Service, User
from improvement.actions import EDITABLE, check_errors
from improvement.models import ImprovementAction, Origin
from improvement.queries import STATES, possible_owners

# The origins a form may give; a complaint's, a decision's and an auditor's note's actions are
# opened from them.
ALL_ORIGINS = [(o.value, o.label.capitalize()) for o in Origin]
OPENED_FROM_THEIR_RECORD = (Origin.COMPLAINT, Origin.DECISION, Origin.AUDIT_NOTE)
FORM_ORIGINS = [(code, label) for code, label in ALL_ORIGINS if code not in OPENED_FROM_THEIR_RECORD]


class ActionForm(forms.Form):
    """A new action, or what may change of one (its origin stays as it was opened)."""

    origin = forms.ChoiceField(label="Origine", choices=FORM_ORIGINS, initial=Origin.SUGGESTION)
    origin_indicator = forms.ModelChoiceField(
        label="Indicateur non atteint",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="— Aucun —",
        help_text="Pour une action née d'un indicateur non atteint.",
    )
    origin_label = forms.CharField(
        label="À l'origine",
        max_length=200,
        required=False,
        help_text="Par exemple « Enquête de satisfaction 2026, question 4 ». Aucune donnée personnelle.",
    )
    title = forms.CharField(label="Intitulé", max_length=200)
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=ImprovementAction._meta.get_field("description").help_text,
    )
    owner = forms.ModelChoiceField(label="Responsable", queryset=User.objects.none())
    due_on = forms.DateField(label="Échéance", widget=DATE_WIDGET)
    commitment = forms.ModelChoiceField(
        label="Engagement", queryset=Commitment.objects.none(), required=False, empty_label="— Aucun en particulier —"
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="— Tous —"
    )
    check_indicator = forms.ModelChoiceField(
        label="Indicateur à faire bouger",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="— Aucun : vérification à la main —",
        help_text="L'efficacité est jugée sur la dernière période complète à la date de vérification, tous services.",
    )
    expected_value = forms.DecimalField(
        label="Valeur attendue", max_digits=10, decimal_places=2, required=False, help_text="Comparée comme la cible."
    )
    check_on = forms.DateField(label="Date de vérification", widget=DATE_WIDGET, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        today: dt.date,
        action: ImprovementAction | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        indicators = (
            Indicator.objects.for_org(organisation)
            .select_related("commitment")
            .order_by("commitment__position", "position", "code")
        )
        self._choose("origin_indicator", indicators)
        self._choose("check_indicator", indicators)
        self._choose("owner", possible_owners(organisation, today, current=action.owner if action else None))
        self._choose("commitment", Commitment.objects.for_org(organisation).order_by("position", "code"))
        self._choose("service", Service.objects.for_org(organisation).order_by("name"))
        self.action = action
        if action is not None:
            for name in ("origin", "origin_indicator", "origin_label"):
                del self.fields[name]
            self.fields["version"].required = True

    def _choose(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    @staticmethod
    def initial_for(action: ImprovementAction) -> dict[str, Any]:
        initial = {name: getattr(action, name) for name in EDITABLE}
        for name in ("commitment", "service", "owner", "check_indicator"):
            initial[name] = getattr(action, f"{name}_id")
        return initial | {"version": action.version}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.action is None and data.get("origin") == Origin.INDICATOR and not data.get("origin_indicator"):
            self.add_error("origin_indicator", "Choisissez l'indicateur non atteint à l'origine de l'action.")
        probe = ImprovementAction(
            check_indicator=data.get("check_indicator"),
            expected_value=data.get("expected_value"),
            check_on=data.get("check_on"),
        )
        for name, message in check_errors(probe).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def changes(self) -> dict[str, Any]:
        """What to write: the editable fields (and, for a new action, its origin)."""
        names = list(EDITABLE) + ([] if self.action else ["origin", "origin_indicator", "origin_label"])
        return {name: self.cleaned_data[name] for name in names}


class StepForm(forms.Form):
    step = forms.CharField(max_length=20)
    note = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class FilterForm(forms.Form):
    """The list's filters (GET), named as other pages link to them; unknown values are ignored."""

    etat = forms.ChoiceField(label="État", required=False, choices=[(k, v.capitalize()) for k, v in STATES.items()])
    responsable = forms.ModelChoiceField(
        label="Responsable", queryset=User.objects.none(), required=False, empty_label="Tous"
    )
    origine = forms.ChoiceField(label="Origine", required=False, choices=[("", "Toutes"), *ALL_ORIGINS])
    q = forms.CharField(label="Rechercher", required=False, help_text="Numéro ou intitulé.")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsable"]
        assert isinstance(field, forms.ModelChoiceField)
        owners = ImprovementAction.objects.for_org(organisation).values("owner")
        field.queryset = User.objects.filter(pk__in=owners).order_by("full_name", "email")

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a wrong value is dropped, never an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        owner = data.get("responsable")
        return {
            "state": data.get("etat") or "",
            "owner": owner.pk if owner else None,
            "origin": data.get("origine") or "",
            "q": data.get("q") or "",
        }
