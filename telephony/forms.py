"""Forms of the phone pages: figure filters, the tally, corrections and phone lines.

Plain forms rather than ModelForms, so that actions receive the instance untouched and can
record "before" in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from core.localtime import aware_local
from core.models import Organisation, Service, Site
from core.periods import Granularity, Period, recent_periods
from telephony.actions import MAX_RINGS, TALLY_OUTCOMES
from telephony.models import CallOutcome, PhoneLine
from telephony.queries import DEFAULT_RINGS, DRILLDOWNS

MAX_FILTER_RINGS = 20


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    periods = [
        *recent_periods(Granularity.MONTH, today, 13),
        *recent_periods(Granularity.QUARTER, today, 5),
        *recent_periods(Granularity.YEAR, today, 3),
    ]
    return [(period.key, period.label.capitalize()) for period in periods]


class FigureFilterForm(forms.Form):
    """Which calls the figures count: a period, then optionally a site, a service, a line."""

    periode = forms.CharField(
        label="Période", max_length=7, help_text="Un mois (2026-03), un trimestre (2026-Q1) ou une année."
    )
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False, empty_label="Tous")
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous"
    )
    ligne = forms.ModelChoiceField(
        label="Ligne", queryset=PhoneLine.objects.none(), required=False, empty_label="Toutes"
    )
    sonneries = forms.IntegerField(
        label="Décroché en N sonneries au plus",
        min_value=1,
        max_value=MAX_FILTER_RINGS,
        required=False,
        initial=DEFAULT_RINGS,
    )

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        data = data.copy()
        data.setdefault("periode", Period.containing(today, Granularity.MONTH).key)
        super().__init__(data)
        self.fields["site"].queryset = Site.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.for_org(organisation).select_related("site")  # type: ignore[attr-defined]
        self.fields["ligne"].queryset = PhoneLine.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["periode"].widget = forms.Select(choices=self._choices(today, data.get("periode")))

    @staticmethod
    def _choices(today: dt.date, current: str | None) -> list[tuple[str, str]]:
        choices = period_choices(today)
        if current and current not in dict(choices):
            try:
                chosen = Period.parse(current)
            except ValueError:
                return choices
            choices.insert(0, (chosen.key, chosen.label.capitalize()))
        return choices

    def clean_periode(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["periode"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    @property
    def rings(self) -> int:
        return (self.cleaned_data.get("sonneries") if self.is_valid() else None) or DEFAULT_RINGS


class CallListForm(FigureFilterForm):
    vue = forms.ChoiceField(label="Appels", choices=list(DRILLDOWNS.items()), required=False)
    issue = forms.ChoiceField(label="Issue", choices=[("", "Toutes"), *CallOutcome.choices], required=False)


class TallyForm(forms.Form):
    """One tap: the line that rang, what happened, and the rings when known."""

    line = forms.ModelChoiceField(queryset=PhoneLine.objects.none(), widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=[(outcome.value, outcome.label) for outcome in TALLY_OUTCOMES])
    rings = forms.IntegerField(label="Sonneries (si connues)", min_value=0, max_value=MAX_RINGS, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = PhoneLine.objects.for_org(organisation)  # type: ignore[attr-defined]


class TallyCorrectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Issue", choices=[(outcome.value, outcome.label) for outcome in TALLY_OUTCOMES], widget=forms.RadioSelect
    )
    rings = forms.IntegerField(label="Sonneries (si connues)", min_value=0, max_value=MAX_RINGS, required=False)
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = organisation.time_zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("time") is not None:
            moment = aware_local(dt.datetime.combine(data["day"], data["time"]), self.zone)
            if moment > timezone.now() + dt.timedelta(minutes=5):
                self.add_error("time", "Un appel relevé ne peut pas être dans le futur.")
            data["started_at"] = moment
        return data


class PhoneLineForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=120, help_text="Par exemple « Standard » ou « État civil ».")
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="Court, en minuscules : c'est lui que nomme la correspondance d'un import.",
    )
    service = forms.ModelChoiceField(label="Service qui répond", queryset=Service.objects.none())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.for_org(organisation).select_related("site")  # type: ignore[attr-defined]
