"""Forms of the auditor's notes: the note itself, the quality manager's decision, the list's
filters. They read input; improvement.audit_notes validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from commitments.models import Commitment, Indicator
from core.models import Organisation
from improvement.audit_notes import years_under_audit
from improvement.models import AuditNote, AuditNoteKind
from improvement.note_queries import STATES

STATE_LABELS = {"a_examiner": "À examiner", "acceptees": "Acceptées", "ecartees": "Écartées"}


class CommitmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}. {obj.title}"


class AuditNoteForm(forms.Form):
    """A note on a commitment of a year under audit, optionally one of its indicators."""

    year = forms.TypedChoiceField(label="Exercice", coerce=int)
    commitment = CommitmentChoice(label="Engagement", queryset=Commitment.objects.none())
    indicator = forms.ModelChoiceField(
        label="Indicateur",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="— L'engagement dans son ensemble —",
        help_text="Facultatif : l'indicateur de l'engagement que la remarque concerne.",
    )
    kind = forms.ChoiceField(label="Nature", choices=[("", "— Choisissez —"), *AuditNoteKind.choices])
    text = forms.CharField(
        label="Remarque",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=AuditNote._meta.get_field("text").help_text,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years_under_audit(organisation)]  # type: ignore[attr-defined]
        self.fields["commitment"].queryset = (  # type: ignore[attr-defined]
            Commitment.objects.for_org(organisation)
            .filter(is_active=True)
            .order_by("framework__name", "module__number", "position", "code")
        )
        self.fields["indicator"].queryset = (  # type: ignore[attr-defined]
            Indicator.objects.for_org(organisation)
            .filter(commitment__is_active=True)
            .select_related("commitment")
            .order_by("commitment__framework__name", "commitment__position", "position", "code")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        commitment, indicator = data.get("commitment"), data.get("indicator")
        if commitment is not None and indicator is not None and indicator.commitment_id != commitment.pk:
            self.add_error("indicator", f"Cet indicateur ne mesure pas l'engagement {commitment.code}.")
        return data


class DecisionForm(forms.Form):
    """The version of the note the quality manager saw, posted with an accept or a decline."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DeclineForm(DecisionForm):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pourquoi la remarque n'appelle pas d'action d'amélioration. L'auditeur le lira.",
    )


class NoteFilterForm(forms.Form):
    annee = forms.TypedChoiceField(label="Exercice", coerce=int, required=False, empty_value=None)
    statut = forms.ChoiceField(
        label="État", required=False, choices=[("", "Toutes"), *((code, STATE_LABELS[code]) for code in STATES)]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Tous"), *((year, str(year)) for year in years)]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {"year": self.cleaned_data.get("annee"), "state": self.cleaned_data.get("statut") or ""}
