"""Forms of the training pages. They read input; the actions validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.forms import DATE_WIDGET
from core.models import Membership, Organisation, Service, User
from core.registries import commitment_choices
from documents.evidence import check_evidence
from training.models import Agent, Kind, TrainingSession, TrainingSettings
from training.queries import ROSTER_STATES

AGENT_CHOICE_LOOK_BACK = dt.timedelta(days=2 * 366)  # departed agents a session may still name


class RosterFilterForm(forms.Form):
    q = forms.CharField(label="Nom", required=False, max_length=100)
    etat = forms.ChoiceField(label="Agents", choices=list(ROSTER_STATES.items()), required=False)


class AgentForm(forms.Form):
    full_name = forms.CharField(label="Nom et prénom", max_length=150)
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="— Non précisé —"
    )
    front_line = forms.BooleanField(
        label="En contact avec le public",
        required=False,
        help_text="Agent d'accueil, au guichet ou au téléphone : compté dans l'indicateur 11.1.",
    )
    arrived_on = forms.DateField(label="Date d'arrivée", widget=DATE_WIDGET)
    departed_on = forms.DateField(
        label="Date de départ", widget=DATE_WIDGET, required=False, help_text="Dernier jour en poste. Facultatif."
    )
    user = forms.ModelChoiceField(
        label="Compte de l'agent",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Sans compte —",
        help_text="Facultatif : tous les agents n'ont pas de compte.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.for_org(organisation).select_related("site")
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)
        user.queryset = User.objects.filter(pk__in=Membership.objects.for_org(organisation).values("user")).order_by(
            "full_name", "email"
        )

    @staticmethod
    def initial_for(agent: Agent) -> dict[str, Any]:
        return {
            "full_name": agent.full_name,
            "service": agent.service_id,
            "front_line": agent.front_line,
            "arrived_on": agent.arrived_on,
            "departed_on": agent.departed_on,
            "user": agent.user_id,
        }


class DepartureForm(forms.Form):
    departed_on = forms.DateField(label="Dernier jour en poste", widget=DATE_WIDGET)


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=Kind.choices)
    topic = forms.CharField(label="Thème", max_length=200)
    held_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    trainer = forms.CharField(label="Animée par", max_length=150, help_text="Formateur, organisme ou agent.")
    duration_hours = forms.DecimalField(
        label="Durée (heures)",
        min_value=0,
        max_value=99,
        decimal_places=1,
        required=False,
        localize=True,
        help_text="Par exemple 3,5.",
    )
    commitments = forms.MultipleChoiceField(
        label="Engagements abordés",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Une formation compte pour l'indicateur 11.1 si elle aborde au moins un engagement.",
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Participants",
        queryset=Agent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Participants : agent inconnu."},
    )
    attendance_sheet = forms.FileField(
        label="Feuille d'émargement",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        today: dt.date,
        session: TrainingSession | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = commitment_choices(organisation)
        known = {code for code, _ in choices}
        current = [code for code in (session.commitments if session else []) if code not in known]
        commitments = self.fields["commitments"]
        assert isinstance(commitments, forms.MultipleChoiceField)
        commitments.choices = choices + [(code, f"{code} (engagement qui n'est plus suivi)") for code in current]
        attendees = self.fields["attendees"]
        assert isinstance(attendees, forms.ModelMultipleChoiceField)
        recent = Agent.objects.for_org(organisation).exclude(departed_on__lt=today - AGENT_CHOICE_LOOK_BACK)
        if session is not None:
            recent = recent | Agent.objects.for_org(organisation).filter(attendances__session=session)
        attendees.queryset = recent.distinct().select_related("service").order_by("full_name", "pk")
        sheet = self.fields["attendance_sheet"]
        sheet.help_text = f"PDF, PNG ou JPEG, {filesizeformat(settings.EVIDENCE_MAX_BYTES)} au plus. Facultatif."
        if session is not None and session.attendance_sheet:
            sheet.help_text += " Un nouveau fichier remplace celui enregistré."

    @staticmethod
    def initial_for(session: TrainingSession) -> dict[str, Any]:
        return {
            "kind": session.kind,
            "topic": session.topic,
            "held_on": session.held_on,
            "trainer": session.trainer,
            "duration_hours": session.duration_hours,
            "commitments": session.commitments,
            "attendees": list(session.attendees.values_list("pk", flat=True)),
        }

    def clean_attendance_sheet(self) -> Any:
        upload = self.cleaned_data.get("attendance_sheet")
        if upload:
            check_evidence(upload)
        return upload

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "topic": data["topic"],
            "held_on": data["held_on"],
            "trainer": data["trainer"],
            "duration_hours": data["duration_hours"],
            "commitments": list(data["commitments"]),
            "attendees": list(data["attendees"]),
            "attendance_sheet": data["attendance_sheet"] or None,
        }


class SessionFilterForm(forms.Form):
    nature = forms.ChoiceField(label="Nature", choices=[("", "Toutes"), *Kind.choices], required=False)
    annee = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = TrainingSettings
        fields = ["briefing_days"]
