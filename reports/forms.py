"""The survey form: a span of days, the site (in a town with several), the lines and the
agents present on each line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict

from core.models import Organisation, Site
from core.periods import Granularity, Period
from reports.telephony_survey import MAX_SPAN_DAYS, SurveyRequest
from telephony.models import PhoneLine

MAX_AGENTS_PRESENT = 99


def agents_field_name(line: PhoneLine) -> str:
    return f"agents_{line.code}"


def default_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete month: the span a survey most often covers."""
    previous = Period.containing(today, Granularity.MONTH).previous()
    return previous.start, previous.last_day


class TelephonySurveyForm(forms.Form):
    du = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    lignes = forms.ModelMultipleChoiceField(
        label="Lignes",
        queryset=PhoneLine.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sans ligne cochée, toutes les lignes sont prises en compte.",
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None, *, organisation: Organisation) -> None:
        lines = list(PhoneLine.objects.for_org(organisation).select_related("service").order_by("name"))
        if data is not None:  # an agent count left out is the default, shown as such
            data = data.copy()
            for line in lines:
                if not data.get(agents_field_name(line)):
                    data[agents_field_name(line)] = "1"
        super().__init__(data)
        self.organisation = organisation
        self.lines = lines
        self.fields["lignes"].queryset = (  # type: ignore[attr-defined]
            PhoneLine.objects.for_org(organisation).select_related("service").order_by("name")
        )
        self.sites = {site.code: site for site in Site.objects.for_org(organisation).order_by("name")}
        if len(self.sites) > 1:
            self.fields["site"] = forms.ChoiceField(
                label="Site",
                required=False,
                choices=[("", "Toute la ville"), *((code, site.name) for code, site in self.sites.items())],
                help_text="Les lignes des services d'un site (mairie annexe, mairie de quartier) ; "
                "toute la ville par défaut.",
            )
        for line in self.lines:
            self.fields[agents_field_name(line)] = forms.IntegerField(
                label=f"Agents présents sur la ligne {line.name}",
                min_value=0,
                max_value=MAX_AGENTS_PRESENT,
                initial=1,
                required=False,
                help_text="Nombre d'agents qui répondent à cette ligne pendant les heures d'ouverture (1 par défaut).",
            )

    @classmethod
    def with_defaults(cls, *, organisation: Organisation, today: dt.date) -> TelephonySurveyForm:
        start, end = default_dates(today)
        return cls({"du": start.isoformat(), "au": end.isoformat()}, organisation=organisation)

    @property
    def site_field(self) -> forms.BoundField | None:
        return self["site"] if "site" in self.fields else None

    @property
    def agent_fields(self) -> list[forms.BoundField]:
        return [self[agents_field_name(line)] for line in self.lines]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end:
            if end < start:
                self.add_error("au", "La date de fin doit suivre la date de début.")
            elif (end - start).days >= MAX_SPAN_DAYS:
                self.add_error("au", f"Une enquête couvre au plus {MAX_SPAN_DAYS} jours : raccourcissez la période.")
        return cleaned

    def survey_request(self) -> SurveyRequest:
        """The survey the valid form asks for."""
        agents = {}
        for line in self.lines:
            chosen = self.cleaned_data.get(agents_field_name(line))
            agents[line.code] = 1 if chosen is None else chosen
        return SurveyRequest(
            organisation=self.organisation,
            start=self.cleaned_data["du"],
            end=self.cleaned_data["au"],
            lines=tuple(self.cleaned_data["lignes"]),
            agents_present=agents,
            site=self.sites.get(self.cleaned_data.get("site") or ""),
        )
