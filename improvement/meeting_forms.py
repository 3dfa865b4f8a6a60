"""Forms of the steering committee and the annual review, in French."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.access import ROLE_CAPABILITIES, Capability
from core.forms import DATE_WIDGET
from core.models import Membership, Organisation, User
from improvement.meetings import MEETING_FIELDS
from improvement.models import AnnualReview, SteeringMeeting

# Who may own an action: the members who act (agents, quality managers, administrators).
OWNER_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.CAPTURE in capabilities]
FIRST_YEAR = 2000
NEW_VERSION_HELP = (
    "Une nouvelle version reprend le texte de la dernière version de l'année ; une version validée reste telle quelle."
)


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    held_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    title = forms.CharField(label="Intitulé", max_length=200, initial="Comité de pilotage qualité")
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    attendees = forms.CharField(
        label="Participants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Une personne par ligne, avec sa fonction (par exemple « Mme Martin, directrice générale »).",
    )
    agenda = forms.CharField(label="Ordre du jour", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="N'y écrivez aucune donnée personnelle d'usager.",
    )
    held = forms.BooleanField(
        label="Le comité s'est tenu",
        required=False,
        help_text="Cochez une fois le comité tenu : il compte alors dans l'indicateur 23.1.",
    )

    @classmethod
    def initial_for(cls, meeting: SteeringMeeting) -> dict[str, Any]:
        return {name: getattr(meeting, name) for name in [*MEETING_FIELDS, "version"]}

    def clean_attendees(self) -> str:
        """One person a line, without the blank lines a paste leaves."""
        lines = [line.strip() for line in self.cleaned_data["attendees"].splitlines()]
        return "\n".join(line for line in lines if line)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on = data.get("held_on")
        if data.get("held") and held_on is not None and held_on > self.today:
            self.add_error("held", "Un comité daté d'un jour à venir ne peut pas être déjà tenu.")
        return data

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MEETING_FIELDS}


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Décision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que le comité a décidé. N'y écrivez aucune donnée personnelle d'usager.",
    )
    title = forms.CharField(label="Intitulé de l'action", max_length=200)
    owner = forms.ModelChoiceField(label="Responsable de l'action", queryset=User.objects.none())
    due_on = forms.DateField(label="Échéance de l'action", widget=DATE_WIDGET)

    def __init__(self, *args: Any, organisation: Organisation, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        members = Membership.objects.for_org(organisation).filter(role__in=OWNER_ROLES)
        owner.queryset = User.objects.filter(pk__in=members.values("user")).order_by("full_name", "email")
        owner.label_from_instance = lambda user: user.full_name or user.email  # type: ignore[method-assign,assignment]

    def clean_due_on(self) -> dt.date:
        due_on: dt.date = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError("L'échéance ne peut pas être passée.")
        return due_on


class ReviewNewForm(forms.Form):
    year = forms.IntegerField(label="Année du bilan")

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.widget.attrs.update({"min": FIRST_YEAR, "max": today.year})
        year.help_text = NEW_VERSION_HELP
        self.today = today

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= self.today.year:
            raise forms.ValidationError(f"Choisissez une année entre {FIRST_YEAR} et {self.today.year}.")
        return year


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    conclusions = forms.CharField(
        label="Conclusions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Ce que l'année a montré : engagements tenus ou non, causes, effets des actions.",
    )
    objectives = forms.CharField(
        label="Objectifs de l'année suivante", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    @classmethod
    def initial_for(cls, review: AnnualReview) -> dict[str, Any]:
        return {
            "version": review.version,
            "conclusions": review.conclusions,
            "objectives": review.objectives,
        }
