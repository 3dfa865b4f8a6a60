"""Forms of the counter pages. They only read input, scoped to the town: the actions write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from core.localtime import aware_local
from core.models import Organisation, Service, Site
from core.periods import Granularity, Period, recent_periods
from reception.models import COUNTER_MAX_LENGTH, TicketStatus, VisitReason
from reception.queries import DEFAULT_THRESHOLD_MINUTES, TicketView

PERIOD_HELP = "Un mois (2026-03), un trimestre (2026-Q1) ou une année (2026)."
NO_ORIENTATION = "aucune"
NO_SITE = "Choisissez un site de la liste."
NO_DESK_SITE = "Choisissez un site de la liste avant d'appeler."


def _sites(organisation: Organisation) -> Any:
    return Site.objects.for_org(organisation)


def _services(organisation: Organisation) -> Any:
    return Service.objects.for_org(organisation).select_related("site")


def period_choices(today: dt.date, current: str = "") -> list[tuple[str, Any]]:
    """Recent months, quarters and years grouped, plus the period asked for if older."""
    groups: list[tuple[str, Any]] = [
        ("Mois", [(p.key, p.label.capitalize()) for p in recent_periods(Granularity.MONTH, today, 24)]),
        ("Trimestres", [(p.key, p.label) for p in recent_periods(Granularity.QUARTER, today, 8)]),
        ("Années", [(p.key, p.label) for p in recent_periods(Granularity.YEAR, today, 5)]),
    ]
    known = {key for _, choices in groups for key, _ in choices}
    try:
        asked = Period.parse(current) if current else None
    except ValueError:
        asked = None
    if asked is not None and asked.key not in known:
        groups.insert(0, ("Période demandée", [(asked.key, asked.label.capitalize())]))
    return groups


class ScopeForm(forms.Form):
    """Period, site and service of a figures page or a list, read from the query string.
    Invalid values get a French error and fall back to their default."""

    periode = forms.CharField(label="Période", required=False, help_text=PERIOD_HELP)
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False, empty_label="Tous")
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous"
    )
    seuil = forms.IntegerField(
        label="Délai d'appel (minutes)",
        min_value=1,
        max_value=240,
        required=False,
        initial=DEFAULT_THRESHOLD_MINUTES,
        help_text=f"Un ticket appelé dans ce délai est à temps ; {DEFAULT_THRESHOLD_MINUTES} par défaut.",
    )

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        if data:
            data = data.copy()
            data.setdefault("seuil", str(DEFAULT_THRESHOLD_MINUTES))
            data.setdefault("periode", Period.containing(today, Granularity.MONTH).key)
        super().__init__(data or None)
        self.today = today
        self.fields["site"].queryset = _sites(organisation)  # type: ignore[attr-defined]
        self.fields["service"].queryset = _services(organisation)  # type: ignore[attr-defined]
        self.fields["periode"].widget = forms.Select(choices=period_choices(today, (data or {}).get("periode", "")))
        self.fields["periode"].initial = Period.containing(today, Granularity.MONTH).key

    def clean_periode(self) -> Period | None:
        text = self.cleaned_data["periode"]
        if not text:
            return None
        try:
            return Period.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def value(self, name: str, default: Any = None) -> Any:
        if not self.is_bound or name not in self.fields:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def period(self) -> Period:
        return self.value("periode", Period.containing(self.today, Granularity.MONTH))  # type: ignore[no-any-return]

    @property
    def threshold(self) -> int:
        return self.value("seuil", DEFAULT_THRESHOLD_MINUTES)  # type: ignore[no-any-return]

    def scope(self) -> dict[str, Any]:
        return {"period": self.period, "site": self.value("site"), "service": self.value("service")}

    def query(self, *, threshold: bool = True) -> QueryDict:
        """The effective scope as a query string for the lists behind the figures."""
        query = QueryDict(mutable=True)
        query["periode"] = self.period.key
        for name in ("site", "service"):
            if self.value(name) is not None:
                query[name] = str(self.value(name).pk)
        if threshold and self.threshold != DEFAULT_THRESHOLD_MINUTES:
            query["seuil"] = str(self.threshold)
        return query


class TicketFilterForm(ScopeForm):
    etat = forms.ChoiceField(label="État", choices=[("", "Tous"), *TicketStatus.choices], required=False)
    motif = forms.ModelChoiceField(
        label="Motif", queryset=VisitReason.objects.none(), required=False, empty_label="Tous"
    )
    vue = forms.ChoiceField(label="Tickets", choices=TicketView.CHOICES, required=False)

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        super().__init__(data, organisation=organisation, today=today)
        self.fields["motif"].queryset = VisitReason.objects.for_org(organisation)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        return {
            **self.scope(),
            "status": self.value("etat", ""),
            "reason": self.value("motif"),
            "view": self.value("vue", ""),
            "threshold": self.threshold,
        }


class VisitFilterForm(ScopeForm):
    motif = forms.ModelChoiceField(
        label="Motif", queryset=VisitReason.objects.none(), required=False, empty_label="Tous"
    )
    orientation = forms.ChoiceField(label="Orienté vers", required=False)

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        super().__init__(data, organisation=organisation, today=today)
        del self.fields["seuil"]
        self.services = list(_services(organisation))
        self.fields["motif"].queryset = VisitReason.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["orientation"].choices = [  # type: ignore[attr-defined]
            ("", "Toutes"),
            (NO_ORIENTATION, "Non orienté"),
            *[(str(service.pk), str(service)) for service in self.services],
        ]

    def filters(self) -> dict[str, Any]:
        orientation = self.value("orientation", "")
        oriented_to = next((s for s in self.services if str(s.pk) == orientation), None)
        return {
            **self.scope(),
            "reason": self.value("motif"),
            "oriented_to": oriented_to,
            "unoriented": orientation == NO_ORIENTATION,
        }


def counter_label(text: str) -> str:
    """The counter as the waiting-room screen shows it under « Guichet »: spaces tidied and a
    leading "guichet" dropped ("  Guichet   2 " → "2", "bureau A" → "bureau A")."""
    words = text.split()
    if words and words[0].casefold() == "guichet":
        words = words[1:]
    return " ".join(words)


class CounterForm(forms.Form):
    """The counter the agent calls people to, shown on the waiting-room screen."""

    guichet = forms.CharField(
        label="Votre guichet",
        max_length=COUNTER_MAX_LENGTH,
        required=False,
        help_text="Son numéro ou son nom tel qu'il est affiché, par exemple 2 ou « Bureau A » ; jamais votre nom. "
        "L'écran de la salle d'attente l'affiche avec le numéro appelé.",
        error_messages={"max_length": f"Le guichet tient en {COUNTER_MAX_LENGTH} caractères au plus."},
    )

    def clean_guichet(self) -> str:
        return counter_label(self.cleaned_data["guichet"])

    def counter(self) -> str:
        """The counter typed, or "" when none (or an invalid one) was."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get("guichet", "")) if hasattr(self, "cleaned_data") else ""


class DeskForm(CounterForm):
    """Which queue the agent works on: a site, and optionally one service; and at which counter."""

    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"required": NO_DESK_SITE, "invalid_choice": NO_DESK_SITE},
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous les services du site"
    )
    field_order = ["site", "service", "guichet"]

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data or None)
        self.fields["site"].queryset = _sites(organisation)  # type: ignore[attr-defined]
        self.fields["service"].queryset = _services(organisation)  # type: ignore[attr-defined]
        first = _sites(organisation).first()
        self.default_site = first
        self.fields["site"].initial = first.pk if first else None

    def queue(self) -> tuple[Site | None, Service | None]:
        """The chosen site and service, or the first site when nothing valid was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["site"], self.cleaned_data["service"]
        return self.default_site, None


class DeskIssueForm(forms.Form):
    """A ticket the agent issues at the desk, for someone who cannot use the kiosk. Priority is
    the agent's explicit choice: ticked by default, every desk ticket jumped the queue and
    counted as a priority one."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), error_messages={"required": NO_SITE, "invalid_choice": NO_SITE}
    )
    reason = forms.ModelChoiceField(
        label="Motif",
        queryset=VisitReason.objects.none(),
        required=False,
        empty_label="Sans motif",
        error_messages={"invalid_choice": "Ce motif n'est plus proposé : choisissez-en un autre."},
    )
    priority = forms.BooleanField(label="Ticket prioritaire (mobilité réduite, handicap, grossesse…)", required=False)

    def __init__(self, data: Any = None, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.fields["site"].queryset = _sites(organisation)  # type: ignore[attr-defined]
        self.fields["reason"].queryset = VisitReason.objects.for_org(organisation).filter(is_active=True)  # type: ignore[attr-defined]


class IssueForm(forms.Form):
    """The reason tapped on a kiosk's ticket screen; the site is the kiosk's own."""

    reason = forms.ModelChoiceField(
        queryset=VisitReason.objects.none(),
        error_messages={
            "required": "Touchez le motif de votre visite.",
            "invalid_choice": "Ce motif n'est plus proposé : choisissez-en un autre.",
        },
    )
    priority = forms.BooleanField(required=False)

    def __init__(self, data: Any, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.fields["reason"].queryset = VisitReason.objects.for_org(organisation).filter(is_active=True)  # type: ignore[attr-defined]


class RedirectForm(forms.Form):
    redirected_to = forms.ModelChoiceField(
        label="Réorienter vers",
        queryset=Service.objects.none(),
        error_messages={
            "required": "Choisissez le service vers lequel la personne est réorientée.",
            "invalid_choice": "Ce service n'existe pas : choisissez-en un dans la liste.",
        },
    )

    def __init__(self, data: Any = None, *, organisation: Organisation) -> None:
        super().__init__(data)
        self.fields["redirected_to"].queryset = _services(organisation)  # type: ignore[attr-defined]


class VisitLogForm(forms.Form):
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    oriented_to = forms.ModelChoiceField(
        label="Orienté vers", queryset=Service.objects.none(), required=False, empty_label="Pas d'orientation"
    )
    reason = forms.ModelChoiceField(
        queryset=VisitReason.objects.none(),
        error_messages={
            "required": "Touchez le motif de la visite.",
            "invalid_choice": "Ce motif n'est plus proposé : choisissez-en un autre.",
        },
    )

    def __init__(self, data: Any = None, *, organisation: Organisation, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["site"].queryset = _sites(organisation)  # type: ignore[attr-defined]
        self.fields["oriented_to"].queryset = _services(organisation)  # type: ignore[attr-defined]
        self.fields["reason"].queryset = VisitReason.objects.for_org(organisation).filter(is_active=True)  # type: ignore[attr-defined]


class VisitEditForm(forms.Form):
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label=None)
    reason = forms.ModelChoiceField(label="Motif", queryset=VisitReason.objects.none(), required=False)
    oriented_to = forms.ModelChoiceField(
        label="Orienté vers", queryset=Service.objects.none(), required=False, empty_label="Pas d'orientation"
    )
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, data: Any = None, *, organisation: Organisation, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["site"].queryset = _sites(organisation)  # type: ignore[attr-defined]
        self.fields["reason"].queryset = VisitReason.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["oriented_to"].queryset = _services(organisation)  # type: ignore[attr-defined]
        self.zone = organisation.time_zone

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        at = aware_local(dt.datetime.combine(data["day"], data["time"]), self.zone)
        return {"site": data["site"], "reason": data["reason"], "oriented_to": data["oriented_to"], "at": at}


class ReasonForm(forms.Form):
    label = forms.CharField(label="Libellé du motif", max_length=120)
    service = forms.ModelChoiceField(
        label="Service concerné",
        queryset=Service.objects.none(),
        required=False,
        empty_label="Aucun",
        help_text="Les tickets pris pour ce motif sont comptés pour ce service.",
    )
    position = forms.IntegerField(
        label="Ordre d'affichage",
        min_value=0,
        max_value=1000,
        initial=0,
        help_text="Les motifs s'affichent du plus petit nombre au plus grand.",
    )
    is_active = forms.BooleanField(
        label="Proposé sur la borne et à la saisie des visites", required=False, initial=True
    )

    def __init__(self, data: Any = None, *, organisation: Organisation, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["service"].queryset = _services(organisation)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(reason: VisitReason) -> dict[str, Any]:
        return {
            "label": reason.label,
            "service": reason.service_id,
            "position": reason.position,
            "is_active": reason.is_active,
        }
