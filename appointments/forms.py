"""Forms of the agents' appointment pages and of the kiosk's check-in. They read input, scoped
to the town; appointments.actions writes and refuses in French."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from appointments.models import AppointmentKind, Channel
from appointments.slots import FreeSlot
from core.models import Organisation, Service, Site

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AGENT_CHANNELS = [(Channel.PHONE.value, "Par téléphone"), (Channel.COUNTER.value, "Au guichet")]


class DayForm(forms.Form):
    """The day, site and service of the day's list, read from the query string: today and
    every site by default; a bad value gets a French error and its default."""

    jour = forms.DateField(label="Jour", required=False, widget=DATE_INPUT)
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False, empty_label="Tous")
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.none(), required=False, empty_label="Tous"
    )

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        super().__init__(data or None, initial={"jour": today})
        self.today = today
        self.fields["site"].queryset = Site.objects.for_org(organisation)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.for_org(organisation)  # type: ignore[attr-defined]

    def _value(self, name: str, default: Any) -> Any:
        """The field's value when valid (the other fields may not be), else its default."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default

    @property
    def day(self) -> dt.date:
        return self._value("jour", self.today)  # type: ignore[no-any-return]

    @property
    def chosen_site(self) -> Site | None:
        return self._value("site", None)  # type: ignore[no-any-return]

    @property
    def chosen_service(self) -> Service | None:
        return self._value("service", None)  # type: ignore[no-any-return]

    def query(self) -> dict[str, str]:
        """The day, site and service chosen, as the list's query string holds them."""
        query = {"jour": self.day.isoformat()}
        site, service = self.chosen_site, self.chosen_service
        query |= {"site": str(site.pk)} if site else {}
        return query | ({"service": str(service.pk)} if service else {})


class KindDayForm(forms.Form):
    """Step one of a booking by an agent: which kind of appointment, which day (GET)."""

    type = forms.ModelChoiceField(label="Type de rendez-vous", queryset=AppointmentKind.objects.none())
    jour = forms.DateField(label="Jour", widget=DATE_INPUT)

    def __init__(self, data: Any, *, organisation: Organisation, today: dt.date) -> None:
        super().__init__(data or None, initial={"jour": today})
        kinds = AppointmentKind.objects.for_org(organisation).filter(is_active=True).select_related("service__site")
        self.fields["type"].queryset = kinds  # type: ignore[attr-defined]
        self.fields["type"].label_from_instance = lambda kind: f"{kind.label} ({kind.service.name})"  # type: ignore[attr-defined]

    def clean_jour(self) -> dt.date:
        day: dt.date = self.cleaned_data["jour"]
        if day < self.initial["jour"]:
            raise forms.ValidationError("Choisissez aujourd'hui ou un jour à venir.")
        return day


def slot_label(slot: FreeSlot, capacity: int) -> str:
    label = f"{slot.starts_at:%H:%M}"
    if capacity > 1:
        label += f" ({slot.seats_left} place{'s' if slot.seats_left > 1 else ''} sur {capacity})"
    return label


class SlotForm(forms.Form):
    """A free slot of the day, offered as radio buttons (their values: the slot's start in ISO)."""

    creneau = forms.CharField(label="Créneau", widget=forms.RadioSelect)

    def __init__(self, data: Any = None, *, slots: list[FreeSlot], capacity: int, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["creneau"].widget.choices = [  # type: ignore[attr-defined]
            (slot.starts_at.isoformat(), slot_label(slot, capacity)) for slot in slots
        ]
        self.fields["creneau"].error_messages["required"] = "Choisissez un créneau libre."

    def clean_creneau(self) -> dt.datetime:
        try:
            starts_at = dt.datetime.fromisoformat(self.cleaned_data["creneau"])
        except ValueError:
            raise forms.ValidationError("Choisissez un créneau de la liste.") from None
        if starts_at.tzinfo is None:
            raise forms.ValidationError("Choisissez un créneau de la liste.")
        return starts_at


class BookingForm(SlotForm):
    """Step two: the slot, the citizen and how the appointment was asked for (POST)."""

    citizen_name = forms.CharField(
        label="Nom de l'usager", max_length=150, error_messages={"required": "Donnez le nom de l'usager."}
    )
    citizen_email = forms.EmailField(
        label="Adresse e-mail", required=False, help_text="Facultative : pour la confirmation et le rappel."
    )
    citizen_phone = forms.CharField(label="Téléphone", max_length=30, required=False, help_text="Facultatif.")
    channel = forms.ChoiceField(
        label="Demande reçue", choices=AGENT_CHANNELS, widget=forms.RadioSelect, initial=Channel.PHONE
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["citizen_name"].widget.attrs["autocomplete"] = "off"
        self.fields["citizen_email"].widget.attrs["autocomplete"] = "off"
        self.fields["citizen_phone"].widget.attrs.update(autocomplete="off", inputmode="tel")


class MoveDayForm(forms.Form):
    """The day to move an appointment to (GET)."""

    jour = forms.DateField(label="Nouveau jour", widget=DATE_INPUT)


# The kiosk: the citizen types the number of their appointment


def parse_number(text: str, year: int) -> str | None:
    """The appointment number typed at the kiosk, written as the register writes it:
    "RDV-2026-00042", "rdv 2026 42", "202600042", "2026-42" or just "42" (this year's) →
    "RDV-2026-00042"; None when it cannot be a number."""
    cleaned = text.strip().upper().removeprefix("RDV")
    if not re.fullmatch(r"[\d\s./-]+", cleaned):
        return None
    groups = re.findall(r"\d+", cleaned)
    if len(groups) == 1 and len(groups[0]) >= 9:  # the year and the number typed without a dash
        groups = [groups[0][:4], groups[0][4:]]
    if len(groups) == 1:
        groups = [str(year), groups[0]]
    if len(groups) != 2 or len(groups[0]) != 4 or len(groups[1]) > 6 or int(groups[1]) == 0:
        return None
    return f"RDV-{groups[0]}-{int(groups[1]):05d}"


class CheckInForm(forms.Form):
    numero = forms.CharField(
        label="Numéro de votre rendez-vous",
        max_length=30,
        help_text="Il figure sur votre confirmation, par exemple RDV-2026-00042 : tapez 42 suffit.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
