"""Form pieces the register pages share (registers.models): a workflow step that happens on a
day, the version a page showed (core.concurrency), the list filters and the upload of a
register file. Plain forms: the actions need the instance untouched to record "before" in the
audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.text import capfirst

from core.models import Organisation, Service
from registers.deadlines import future_day_error
from registers.imports import MAX_IMPORT_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def scope_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a model choice field to the town's own objects."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def town_services(organisation: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(organisation=organisation).select_related("site")


def not_future(day: dt.date | None, today: dt.date) -> None:
    if error := future_day_error(day, today):
        raise ValidationError(capfirst(error))


class VersionForm(forms.Form):
    """The version of the record the page showed: a save after someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DayStepForm(VersionForm):
    """A workflow step that happens on a day, today or before (delivery, answer, closure...)."""

    on = forms.DateField(label="Date", widget=DATE)

    def __init__(self, *args: Any, today: dt.date, label: str = "Date", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["on"].initial = today
        self.fields["on"].label = label

    def clean_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["on"]
        not_future(day, self.today)
        return day


class FilterForm(forms.Form):
    """The search and filters of a register's list, read from the query string."""

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class RegisterImportForm(forms.Form):
    """A register file to import (registers.imports)."""

    file = forms.FileField(label="Fichier (CSV, XLSX ou ODS)")
    all_or_nothing = forms.BooleanField(
        label="Tout ou rien",
        required=False,
        help_text="Ne rien enregistrer si une seule ligne est rejetée (sinon les bonnes lignes sont gardées).",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is None or upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(f"Le fichier dépasse {MAX_IMPORT_BYTES // (1024 * 1024)} Mo : découpez-le.")
        if not (upload.name or "").lower().endswith((".csv", ".txt", ".xlsx", ".ods")):
            raise ValidationError("Format non pris en charge : envoyez un fichier CSV, XLSX ou ODS.")
        return upload
