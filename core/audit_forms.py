"""The filters of the audit journal page (core.views.audit_trail) and its export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst

from core.audit import journal_events
from core.journal import MOVED_MODELS, action_label, person_name
from core.models import AuditEvent, Organisation, User
from core.templatetags.audit_tags import choice_label, field_label, model_label, readable

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

JOURNAL_HEADERS = ["Date", "Heure", "Personne", "Action", "Type d'objet", "Objet", "Avant", "Après"]


class LocalDayField(forms.DateField):
    """A day of the town's calendar, as the browser's date picker sends it or typed JJ/MM/AAAA;
    an unreadable value is quoted back in the message."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, widget=DATE_INPUT, input_formats=DATE_FORMATS, **kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                f"« {value} » n'est pas une date lisible : écrivez-la sous la forme JJ/MM/AAAA, "
                "par exemple 31/03/2026.",
                code="invalid",
            ) from None


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else str(obj.email)


class AuditFilterForm(forms.Form):
    """Read from the query string; every filter is optional."""

    du = LocalDayField(label="Du")
    au = LocalDayField(label="Au")
    par = MemberChoiceField(
        label="Par",
        queryset=User.objects.none(),
        required=False,
        empty_label="Toutes les personnes",
        error_messages={"invalid_choice": "Choisissez une personne de la ville dans la liste."},
    )
    type = forms.ChoiceField(
        label="Type d'objet",
        required=False,
        error_messages={"invalid_choice": "Choisissez un type d'objet dans la liste."},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        members = self.fields["par"]
        assert isinstance(members, forms.ModelChoiceField)
        members.queryset = town_members(organisation)
        types = self.fields["type"]
        assert isinstance(types, forms.ChoiceField)
        types.choices = [("", "Tous"), *object_type_choices(organisation)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("du"), cleaned.get("au")
        if first is not None and last is not None and first > last:
            self.add_error(
                "au",
                f"La date « Au » ({last:%d/%m/%Y}) est avant la date « Du » ({first:%d/%m/%Y}) : "
                "inversez-les ou corrigez l'une des deux.",
            )
        return cleaned

    def events(self) -> QuerySet[AuditEvent]:
        """The filtered trail; nothing while a filter is wrong, rather than a list that
        looks filtered and is not."""
        if not self.is_valid():
            return AuditEvent.objects.none()
        data = self.cleaned_data
        return journal_events(
            self.organisation,
            first_day=data["du"],
            last_day=data["au"],
            actor=data["par"],
            object_type=data["type"],
        )


def town_members(organisation: Organisation) -> QuerySet[User]:
    """Everyone who has or had a membership of the town (an ended access stays listed: the
    auditor may ask what a former member changed)."""
    return User.objects.filter(memberships__organisation=organisation).order_by("full_name", "email")


def object_type_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """The kinds of record the town's trail names. `order_by()` drops the trail's ordering,
    which DISTINCT would otherwise apply to (time, id), that is to every row."""
    events = AuditEvent.objects.filter(organisation=organisation).order_by()
    types = {MOVED_MODELS.get(name, name) for name in events.values_list("object_type", flat=True).distinct()}
    return sorted(((name, model_label(name)) for name in types), key=lambda choice: choice[1])


def values_text(event: AuditEvent, side: str) -> str:
    """An event's "before" or "after" as one line: "Nom : Accueil ; Service : 3"."""
    values = (event.before if side == "before" else event.after) or {}
    return " ; ".join(
        f"{capfirst(field_label(event.object_type, key))} : {readable(choice_label(event.object_type, key, value))}"
        for key, value in values.items()
    )


def journal_rows(events: Iterable[AuditEvent], *, zone: ZoneInfo) -> Iterator[list[Any]]:
    """The export's rows: the day and time in the town's zone (`zone`), the person by name,
    the action's French label."""
    for event in events:
        local = event.at.astimezone(zone)
        yield [
            local.date(),
            f"{local:%H:%M:%S}",
            person_name(event),
            action_label(event.action),
            model_label(event.object_type),
            event.object_repr,
            values_text(event, "before"),
            values_text(event, "after"),
        ]
