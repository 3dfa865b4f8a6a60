"""Import sources: their validation, their JSON file (to share a configuration between towns
with the same exchange), the forms of their pages, and the actions that save them.

The JSON file of a source (documented in docs/imports.md):

    {"format": "qualipilote-source-import", "version": 1, "kind": "calls",
     "name": "asterisk", "label": "Standard Asterisk", "file_format": "asterisk_cdr",
     "line_field": "dst", "line_map": {"0130000001": "accueil", "*": ""},
     "columns": {}, "options": {}, "all_or_nothing": false}
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from core.audit import create_audited, delete_audited, save_audited
from core.models import Organisation, User
from core.web import show_refusal
from imports import IGNORE, TABLE, ImportConfigError, KindSpec, kind_spec
from imports.models import ImportSource

JSON_FORMAT = "qualipilote-source-import"
JSON_VERSION = 1
JSON_MAX_BYTES = 256 * 1024
SOURCE_FIELDS = [
    "kind",
    "name",
    "label",
    "file_format",
    "columns",
    "options",
    "line_field",
    "line_map",
    "all_or_nothing",
]
SEPARATOR_CHOICES = [("", "détecté"), (";", "point-virgule ;"), (",", "virgule ,"), ("\t", "tabulation")]
ENCODING_CHOICES = [("", "détecté (UTF-8, sinon Windows-1252)"), ("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
UNIT_CHOICES = [("s", "secondes"), ("min", "minutes")]
MAP_LINE = re.compile(r"^(?P<key>.+?)\s*=\s*(?P<value>[^=]*)$")


def import_max_bytes() -> int:
    return int(settings.QUALIPILOTE_IMPORT_MAX_BYTES)


# --- Validation ---------------------------------------------------------------------------------


def _check_columns(spec: KindSpec, file_format: str, columns: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(columns, dict):
        errors.setdefault("columns", []).append("Les colonnes doivent être un objet JSON {champ: colonne}.")
        return
    known = {field.name for field in spec.fields}
    for name, column in columns.items():
        if name not in known:
            errors.setdefault("columns", []).append(
                f"Champ « {name} » inconnu ; champs possibles : {', '.join(sorted(known))}."
            )
        elif not isinstance(column, str | int) or (isinstance(column, int) and column < 0):
            errors.setdefault("columns", []).append(
                f"Colonne du champ « {name} » : un nom ou un numéro (0 pour la première)."
            )
    if file_format == TABLE:
        for field in spec.fields:
            if field.required and columns.get(field.name) in (None, ""):
                errors.setdefault(f"col_{field.name}", []).append(f"Indiquez la colonne de « {field.label} ».")


def _check_options(spec: KindSpec, options: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(options, dict):
        errors.setdefault("options", []).append("Les options doivent être un objet JSON.")
        return
    checks = {
        "separator": {value for value, _ in SEPARATOR_CHOICES},
        "encoding": {value for value, _ in ENCODING_CHOICES},
        "duration_unit": {"", *(value for value, _ in UNIT_CHOICES)},
    }
    for key, allowed in checks.items():
        if options.get(key, "") not in allowed:
            errors.setdefault(key, []).append(f"Valeur « {options.get(key)} » non prise en charge.")
    if not isinstance(options.get("header", True), bool):
        errors.setdefault("header", []).append("« header » vaut true ou false.")
    values = options.get("values", {})
    codes = {code for code, _ in spec.outcome_choices}
    if not isinstance(values, dict) or any(str(code) not in codes for code in values.values()):
        errors.setdefault("values_text", []).append(
            f"Chaque valeur renvoie vers l'un de ces codes : {', '.join(sorted(codes))}."
        )
    unknown = set(options) - {"separator", "encoding", "duration_unit", "header", "values"}
    if unknown:
        errors.setdefault("options", []).append(f"Option(s) inconnue(s) : {', '.join(sorted(unknown))}.")


def _check_line_map(organisation: Organisation, spec: KindSpec, line_map: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(line_map, dict) or not all(isinstance(value, str) for value in line_map.values()):
        errors.setdefault("line_map_text", []).append("La correspondance est un objet JSON {valeur: code}.")
        return
    if not line_map:
        errors.setdefault("line_map_text", []).append(
            "Indiquez au moins une correspondance (ou « * = code » pour toutes)."
        )
    codes = {code for code, _ in spec.targets(organisation)}
    for key, code in line_map.items():
        if code != IGNORE and code not in codes:
            errors.setdefault("line_map_text", []).append(
                f"« {key} = {code} » : « {code} » n'est ni une ligne ni un service de la ville."
            )


def source_errors(
    organisation: Organisation, values: dict[str, Any], *, exclude: int | None = None
) -> dict[str, list[str]]:
    """What is wrong with a source's configuration, by field (French messages)."""
    errors: dict[str, list[str]] = {}
    try:
        spec = kind_spec(str(values.get("kind")))
    except ImportConfigError as error:
        return {"kind": [str(error)]}
    name = values.get("name")
    if not isinstance(name, str) or not name or slugify(name) != name:
        errors["name"] = ["Un nom court en minuscules, chiffres et tirets (par exemple « asterisk »)."]
    elif ImportSource.objects.for_org(organisation).filter(kind=spec.kind, name=name).exclude(pk=exclude).exists():
        errors["name"] = [f"Une source « {name} » existe déjà pour ces données."]
    if not isinstance(values.get("label"), str) or not values["label"].strip():
        errors["label"] = ["Donnez un libellé à la source."]
    file_format = values.get("file_format")
    chosen = spec.file_format(str(file_format))
    if chosen is None:
        errors["file_format"] = [f"Format possible : {', '.join(found.code for found in spec.formats)}."]
    elif chosen.line_fields and values.get("line_field") not in chosen.line_fields:
        errors["line_field"] = [f"Champ possible : {', '.join(chosen.line_fields)}."]
    _check_columns(spec, str(file_format), values.get("columns", {}), errors)
    _check_options(spec, values.get("options", {}), errors)
    _check_line_map(organisation, spec, values.get("line_map", {}), errors)
    if not isinstance(values.get("all_or_nothing", False), bool):
        errors["all_or_nothing"] = ["« all_or_nothing » vaut true ou false."]
    return errors


# --- JSON -------------------------------------------------------------------------------------


def source_to_json(source: ImportSource) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        **{name: getattr(source, name) for name in SOURCE_FIELDS},
    }


def values_from_json(text: str | bytes) -> dict[str, Any]:
    """The source values of a JSON file, or ValidationError saying what is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"Fichier JSON illisible ({error}).") from None
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise ValidationError(f"Ce fichier n'est pas une source d'import Qualipilote (« format » : « {JSON_FORMAT} »).")
    if data.get("version") != JSON_VERSION:
        raise ValidationError(f"Version {data.get('version')} non prise en charge (version {JSON_VERSION} attendue).")
    values = {
        "columns": {},
        "options": {},
        "line_field": "",
        "line_map": {},
        "all_or_nothing": False,
    } | {name: data[name] for name in SOURCE_FIELDS if name in data}
    unknown = set(data) - {*SOURCE_FIELDS, "format", "version"}
    if unknown:
        raise ValidationError(f"Clé(s) inconnue(s) : {', '.join(sorted(unknown))}.")
    return values


def source_from_mapping_file(organisation: Organisation, path: Path, *, kind: str) -> ImportSource:
    """The source a command's --mapping FILE.json describes: the town's source of that name
    when its configuration is the same, else a new source created from the file."""
    values = values_from_json(path.read_bytes())
    if values.get("kind") != kind:
        raise ValidationError(f"Ce fichier décrit une source de « {values.get('kind')} », pas de « {kind} ».")
    existing = ImportSource.objects.for_org(organisation).filter(kind=kind, name=values.get("name")).first()
    if existing is None:
        return create_source(organisation=organisation, actor=None, values=values)
    if source_to_json(existing) != {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        **{name: values[name] for name in SOURCE_FIELDS},
    }:
        raise ValidationError(
            f"La source « {existing.name} » existe déjà avec une autre configuration : utilisez --source "
            f"{existing.name}, ou changez « name » dans le fichier."
        )
    return existing


def errors_text(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages in errors.values() for message in messages)


# --- Actions ------------------------------------------------------------------------------------


@transaction.atomic
def create_source(*, organisation: Organisation, actor: User | None, values: dict[str, Any]) -> ImportSource:
    errors = source_errors(organisation, values)
    if errors:
        raise ValidationError(errors)
    source = ImportSource(organisation=organisation, **{name: values[name] for name in SOURCE_FIELDS})
    create_audited(source, actor=actor, fields=SOURCE_FIELDS, organisation=organisation)
    return source


@transaction.atomic
def update_source(*, source: ImportSource, actor: User | None, values: dict[str, Any]) -> ImportSource:
    values = {**values, "kind": source.kind}
    errors = source_errors(source.organisation, values, exclude=source.pk)
    if errors:
        raise ValidationError(errors)
    save_audited(source, actor=actor, values={name: values[name] for name in SOURCE_FIELDS})
    return source


def source_deletion_blocker(source: ImportSource) -> str:
    """Why `source` cannot be deleted, or "": the records it imported keep it (PROTECT or
    RESTRICT), and so do those that keep a record deleted with it (its runs). Asked with one
    query per kind of record, without reading them: trying the deletion read every call a
    town's telephone exchange ever sent into memory (seconds on a page)."""
    if _kept_by_references(ImportSource, ImportSource._base_manager.filter(pk=source.pk), seen=()):
        return "Des données importées par cette source existent : elle ne peut pas être supprimée."
    return ""


def _kept_by_references(model: type[models.Model], rows: models.QuerySet[Any], *, seen: tuple[type, ...]) -> bool:
    """Whether a record refers to one of `rows` and keeps them (PROTECT, RESTRICT), or to a
    record that deleting them would delete too (CASCADE), and so on down."""
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        related: type[models.Model] = relation.related_model  # type: ignore[assignment]
        referring = related._base_manager.filter(**{f"{relation.field.name}__in": rows})  # type: ignore[union-attr]
        on_delete = relation.on_delete  # type: ignore[union-attr]
        if on_delete in (models.PROTECT, models.RESTRICT) and referring.exists():
            return True
        if (
            on_delete is models.CASCADE
            and related not in (*seen, model)
            and _kept_by_references(related, referring, seen=(*seen, model))
        ):
            return True
    return False


@transaction.atomic
def delete_source(*, source: ImportSource, actor: User | None) -> None:
    delete_audited(source, actor=actor, fields=SOURCE_FIELDS, blocker=source_deletion_blocker)


# --- Forms --------------------------------------------------------------------------------------


def parse_mapping(text: str) -> dict[str, str]:
    """ "valeur = code" lines (# starts a comment) as a dict; ValidationError naming the line."""
    mapping: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = MAP_LINE.match(line)
        if match is None:
            raise ValidationError(f"Ligne {number} : écrivez « valeur = code » (« {line} »).")
        mapping[match["key"].strip()] = match["value"].strip()
    return mapping


def mapping_text(mapping: dict[str, Any]) -> str:
    return "\n".join(f"{key} = {value}" for key, value in mapping.items())


class SourceForm(forms.Form):
    """A source's configuration; the table columns appear as one field per data field."""

    label = forms.CharField(label="Libellé", max_length=200)
    name = forms.SlugField(
        label="Nom court",
        max_length=60,
        help_text="Lettres minuscules, chiffres et tirets : le nom à donner à la commande.",
    )
    file_format = forms.ChoiceField(label="Format du fichier")
    line_field = forms.ChoiceField(required=False)
    line_map_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    separator = forms.ChoiceField(label="Séparateur (CSV)", choices=SEPARATOR_CHOICES, required=False)
    encoding = forms.ChoiceField(label="Encodage (CSV)", choices=ENCODING_CHOICES, required=False)
    header = forms.BooleanField(label="La première ligne porte les noms des colonnes", required=False, initial=True)
    duration_unit = forms.ChoiceField(label="Unité des durées écrites en nombre", choices=UNIT_CHOICES)
    values_text = forms.CharField(
        label="Valeurs de la colonne d'issue",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif : « Perdu = abandoned ». Les mots courants (répondu, perdu, messagerie, occupé) "
        "sont reconnus.",
    )
    all_or_nothing = forms.BooleanField(
        label="Tout ou rien : refuser tout le fichier si une seule ligne est illisible", required=False
    )

    def __init__(
        self, *args: Any, organisation: Organisation, spec: KindSpec, source: ImportSource | None = None, **kwargs: Any
    ) -> None:
        if source is not None and not args and "data" not in kwargs:
            kwargs["initial"] = self.initial_of(source)
        super().__init__(*args, **kwargs)
        self.organisation, self.spec, self.source = organisation, spec, source
        self.fields["file_format"].choices = [(found.code, found.label) for found in spec.formats]  # type: ignore[attr-defined]
        self.fields["line_field"].choices = [("", "—"), *[(name, name) for name in spec.line_fields]]  # type: ignore[attr-defined]
        self.fields["line_field"].label = spec.line_field_label
        self.fields["line_map_text"].label = spec.line_map_label
        self.fields["line_map_text"].help_text = spec.line_map_help
        if spec.line_fields:
            formats = ", ".join(found.label for found in spec.formats if found.line_fields)
            self.fields["line_field"].help_text = f"Pour le format {formats} seulement."
        else:
            del self.fields["line_field"]
        if not spec.outcome_choices:
            del self.fields["values_text"]
        else:
            codes = ", ".join(f"{code} ({label})" for code, label in spec.outcome_choices)
            self.fields["values_text"].help_text += f" Codes : {codes}."
        for field in spec.fields:
            self.fields[f"col_{field.name}"] = forms.CharField(
                label=field.label,
                required=False,
                max_length=120,
                help_text="Nom de la colonne (ou numéro si le fichier n'a pas d'en-tête)." if field.required else "",
            )

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{field.name}"] for field in self.spec.fields]

    @staticmethod
    def initial_of(source: ImportSource) -> dict[str, Any]:
        options = source.options or {}
        initial = {
            "label": source.label,
            "name": source.name,
            "file_format": source.file_format,
            "line_field": source.line_field,
            "line_map_text": mapping_text(source.line_map or {}),
            "separator": options.get("separator", ""),
            "encoding": options.get("encoding", ""),
            "header": options.get("header", True),
            "duration_unit": options.get("duration_unit", "s"),
            "values_text": mapping_text(options.get("values", {})),
            "all_or_nothing": source.all_or_nothing,
        }
        initial |= {f"col_{name}": str(column) for name, column in (source.columns or {}).items()}
        return initial

    def _has_line_fields(self, code: Any) -> bool:
        chosen = self.spec.file_format(str(code))
        return bool(chosen and chosen.line_fields)

    def _mapping(self, name: str) -> dict[str, str]:
        try:
            return parse_mapping(self.cleaned_data.get(name) or "")
        except ValidationError as error:
            self.add_error(name, error)
            return {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        columns: dict[str, Any] = {}
        for field in self.spec.fields:
            column = (data.get(f"col_{field.name}") or "").strip()
            if column:
                columns[field.name] = int(column) if column.isdigit() and not data.get("header") else column
        options: dict[str, Any] = {"duration_unit": data.get("duration_unit") or "s"}
        if data.get("file_format") == TABLE:
            options |= {
                "separator": data.get("separator", ""),
                "encoding": data.get("encoding", ""),
                "header": bool(data.get("header")),
            }
        values_map = self._mapping("values_text") if "values_text" in self.fields else {}
        if values_map:
            options["values"] = values_map
        self.values = {
            "kind": self.spec.kind,
            "name": data["name"],
            "label": data["label"],
            "file_format": data["file_format"],
            "columns": columns if data.get("file_format") == TABLE else {},
            "options": options,
            "line_field": data.get("line_field", "") if self._has_line_fields(data.get("file_format")) else "",
            "line_map": self._mapping("line_map_text"),
            "all_or_nothing": bool(data.get("all_or_nothing")),
        }
        if not self.errors:
            errors = source_errors(self.organisation, self.values, exclude=self.source.pk if self.source else None)
            show_refusal(self, ValidationError(errors))
        return data


class SourceJsonForm(forms.Form):
    file = forms.FileField(
        label="Fichier JSON de la source", help_text="Exporté depuis la page d'une source (256 Kio au plus)."
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size is None or upload.size > JSON_MAX_BYTES:
            raise ValidationError("Fichier trop gros pour une source (256 Kio au plus).")
        values = values_from_json(upload.read())
        errors = source_errors(self.organisation, values)
        if errors:
            raise ValidationError(errors_text(errors))
        return values


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier à importer")
    replace = forms.BooleanField(
        label="Remplacer les appels déjà importés de cette période",
        help_text="Les appels de cette source entre le premier et le dernier jour du fichier sont supprimés, "
        "puis le fichier est importé à nouveau, en une seule fois.",
        required=False,
    )

    def __init__(self, *args: Any, source: ImportSource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        file_format = kind_spec(source.kind).file_format(source.file_format)
        self.extensions = file_format.extensions if file_format else ()
        allowed = ", ".join(self.extensions)
        limit = import_max_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"Formats acceptés : {allowed} ; {limit} Mio au plus."
        if kind_spec(source.kind).command != "import_calls":
            del self.fields["replace"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is None or upload.size > import_max_bytes():
            raise ValidationError(f"Fichier trop gros : {import_max_bytes() // (1024 * 1024)} Mio au plus.")
        name = (upload.name or "").lower()
        if not name.endswith(self.extensions):
            raise ValidationError("Ce type de fichier ne correspond pas au format de la source.")
        return upload
