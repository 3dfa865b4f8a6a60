"""Forms of the commitment pages. They only read input: the actions validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from commitments.actions import allowed_services
from commitments.metrics import MANUAL_COUNT, MANUAL_SCORE, MANUAL_SHARE, MANUAL_YES_NO
from commitments.models import Commitment, Comparator, Indicator
from commitments.queries import sites_with_values
from core.models import ClosedYearChanges, Service, Site
from core.periods import GRANULARITY_LABELS, Granularity, Period, recent_periods
from documents.evidence import check_evidence

RECENT_PERIODS = {Granularity.MONTH: 12, Granularity.QUARTER: 8, Granularity.YEAR: 5}


class CommitmentForm(forms.Form):
    title = forms.CharField(label="Libellé de l'engagement", max_length=300)
    description = forms.CharField(label="Précisions", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    is_active = forms.BooleanField(
        label="La ville suit cet engagement",
        required=False,
        help_text="Décochez pour ne plus suivre l'engagement : son historique est conservé.",
    )
    is_public = forms.BooleanField(
        label="Engagement affiché au public",
        required=False,
        help_text="Proposé dans le formulaire de réclamation et montré dans les résultats publiés. "
        "Décochez pour un engagement interne (sensibilisation des agents, comité de pilotage).",
    )

    @staticmethod
    def initial_for(commitment: Commitment) -> dict[str, Any]:
        return {
            "title": commitment.title,
            "description": commitment.description,
            "is_active": commitment.is_active,
            "is_public": commitment.is_public,
        }


class IndicatorForm(forms.Form):
    label = forms.CharField(label="Libellé de l'indicateur", max_length=300)
    comparator = forms.ChoiceField(label="Comparaison à la cible", choices=Comparator.choices)
    target_value = forms.DecimalField(label="Cible", max_digits=10, decimal_places=2)
    granularity = forms.ChoiceField(
        label="Période de mesure", choices=[(g.value, GRANULARITY_LABELS[g]) for g in Granularity]
    )
    services = forms.ModelMultipleChoiceField(
        label="Services concernés",
        queryset=Service.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucun service coché : l'indicateur concerne tous les services.",
    )
    is_active = forms.BooleanField(label="La ville suit cet indicateur", required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = self.fields["services"]
        assert isinstance(services, forms.ModelMultipleChoiceField)
        services.queryset = Service.objects.for_org(indicator.organisation).select_related("site")
        self.fields["target_value"].label = f"Cible ({indicator.unit})"
        self.fields["target_value"].help_text = _target_help(indicator.unit)
        self.param_names = [param.name for param, _value in indicator.settings]
        for param, _value in indicator.settings:
            self.fields[f"param_{param.name}"] = forms.IntegerField(
                label=f"{param.label} ({param.unit})",
                help_text=f"Paramètre de la mesure : {param.default} par défaut, "
                f"de {param.minimum} à {param.maximum}. Les valeurs déjà calculées sont recalculées.",
            )

    def changes(self) -> dict[str, Any]:
        """The keyword arguments of update_indicator, from a valid form."""
        data = dict(self.cleaned_data)
        params = {name: data.pop(f"param_{name}") for name in self.param_names}
        return {**data, "services": list(data["services"]), "params": params}

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        return {
            "label": indicator.label,
            "comparator": indicator.comparator,
            "target_value": indicator.target_value,
            "granularity": indicator.granularity,
            "services": list(indicator.services.all()),
            "is_active": indicator.is_active,
        } | {f"param_{param.name}": value for param, value in indicator.settings}


def _target_help(unit: str) -> str:
    if unit == "%":
        return "Un pourcentage entre 0 et 100, par exemple 90 ou 0,5."
    if unit == "oui/non":
        return "1 pour oui, 0 pour non."
    return f"Une valeur en {unit}."


def _value_fields(metric_key: str) -> dict[str, forms.Field]:
    """The input fields of a manual value, which depend on its metric."""
    if metric_key == MANUAL_SHARE:
        return {
            "numerator": forms.FloatField(
                label="Numérateur",
                min_value=0,
                help_text="Le nombre d'éléments conformes, par exemple 9 agents formés.",
            ),
            "denominator": forms.FloatField(
                label="Dénominateur", min_value=0, help_text="Le nombre d'éléments vérifiés, par exemple 10 agents."
            ),
        }
    if metric_key == MANUAL_YES_NO:
        return {"value": forms.TypedChoiceField(label="Réponse", choices=[("1", "Oui"), ("0", "Non")], coerce=float)}
    if metric_key == MANUAL_COUNT:
        return {"value": forms.IntegerField(label="Nombre", min_value=0)}
    if metric_key == MANUAL_SCORE:
        return {"value": forms.FloatField(label="Score (%)", min_value=0, max_value=100)}
    return {}


class ValueForm(forms.Form):
    """A manual value: period, optional service, value or numerator and denominator, comment, evidence."""

    period = forms.ChoiceField(label="Période", required=False)
    period_text = forms.CharField(
        label="Ou une autre période",
        required=False,
        max_length=10,
        help_text="Écrivez-la sous la forme 2026-03 (mois), 2026-Q1 (trimestre) ou 2026 (année).",
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous les services"
    )
    site = forms.ModelChoiceField(
        label="Ou un site",
        queryset=Site.objects.none(),
        required=False,
        empty_label="Toute la ville",
        help_text="Une valeur d'un site (mairie annexe, mairie de quartier) compte tous ses services.",
    )
    comment = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(
        label="Pièce justificative",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: Any, indicator: Indicator, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.today = today
        granularity = Granularity(indicator.granularity)
        periods = recent_periods(granularity, today, RECENT_PERIODS[granularity])
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(p.key, p.label) for p in periods]
        period.initial = periods[1].key
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = Service.objects.filter(pk__in=[s.pk for s in allowed_services(indicator)]).select_related(
            "site"
        )
        sites = sites_with_values(indicator.organisation)
        if sites:
            site = self.fields["site"]
            assert isinstance(site, forms.ModelChoiceField)
            site.queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
        else:
            del self.fields["site"]
        self.fields[
            "evidence"
        ].help_text = f"PDF, PNG ou JPEG, {filesizeformat(settings.EVIDENCE_MAX_BYTES)} au plus. Facultatif."
        for name, field in _value_fields(indicator.metric_key).items():
            self.fields[name] = field
        self.order_fields(["period", "period_text", "service", "site", "value", "numerator", "denominator"])

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_evidence(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = (cleaned.get("period_text") or "").strip()
        try:
            period = Period.parse(typed or cleaned.get("period") or "")
        except ValueError as error:
            self.add_error("period_text" if typed else "period", str(error))
            return cleaned
        field = "period_text" if typed else "period"
        if period.granularity != self.indicator.granularity:
            label = GRANULARITY_LABELS[Granularity(self.indicator.granularity)]
            self.add_error(field, f"Cet indicateur se mesure par {label} : choisissez une période de ce type.")
        elif period.start > self.today:
            self.add_error(field, "Cette période n'a pas encore commencé : choisissez une période passée ou en cours.")
        cleaned["resolved_period"] = period
        return cleaned

    def entry(self) -> dict[str, Any]:
        """The keyword arguments of record_manual_value, from a valid form."""
        data = self.cleaned_data
        return {
            "period": data["resolved_period"],
            "service": data["service"],
            "site": data.get("site"),
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "comment": data["comment"],
            "evidence": data["evidence"],
        }


class ClosedYearChangesForm(forms.Form):
    mode = forms.ChoiceField(
        label="Une modification d'un enregistrement d'un exercice clôturé est",
        choices=[
            (ClosedYearChanges.REFUSE, "refusée (le responsable qualité doit rouvrir l'exercice)"),
            (ClosedYearChanges.CORRECTION, "enregistrée comme correction datée après clôture, avec son motif"),
        ],
        widget=forms.RadioSelect,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la réouverture",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Inscrit au journal des modifications et gardé avec la clôture.",
    )
