"""The kinds of data an app can import (calls, tickets): what it registers with the engine.
The engine itself knows one file format, the table; an app adds its own (telephony: Asterisk).

An app describes each kind once, in a `KindSpec`: its file formats, the table fields it reads,
the `RowImporter` that converts a source's files, and the codes its line map may name. The
pages, the forms and the commands read these descriptions; `import_file` asks `kind_spec` for
the importer of a source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.registries import Registry

if TYPE_CHECKING:
    from core.models import Organisation
    from imports.importers import RowImporter
    from imports.models import ImportSource

TABLE = "table"


@dataclass(frozen=True)
class FileFormat:
    """A file format a kind accepts. `line_fields` are the fixed fields of a log without
    header that may name the line (an exchange's own format); a table names its line through
    its column mapping instead."""

    code: str
    label: str  # "tableau CSV, XLSX ou ODS"
    extensions: tuple[str, ...]
    line_fields: tuple[str, ...] = ()


TABLE_FORMAT = FileFormat(TABLE, "tableau CSV, XLSX ou ODS", (".csv", ".txt", ".xlsx", ".ods"))


class ImportConfigError(Exception):
    """The source's configuration cannot read this file (a column that is missing, a mapping
    to a line that does not exist). The message is in French and says what to fix."""


@dataclass(frozen=True)
class FieldSpec:
    """One field an importer reads from a table: its name in `ImportSource.columns`."""

    name: str
    label: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class KindSpec:
    """What an app offers for one kind of data (calls, tickets)."""

    kind: str
    label: str  # "Appels téléphoniques"
    of_label: str  # "d'appels téléphoniques": "Nouvelle source d'appels téléphoniques"
    formats: tuple[FileFormat, ...]
    fields: tuple[FieldSpec, ...]
    factory: Callable[[ImportSource], RowImporter]
    targets: Callable[[Organisation], list[tuple[str, str]]]  # (code, label) a line_map may name
    command: str
    outcome_field: str = ""  # the table field whose values `options["values"]` maps to codes
    outcome_choices: tuple[tuple[str, str], ...] = ()
    # The source form's wording, in the kind's own words (a phone line, a calendar, a queue).
    intro: str = ""
    line_field_label: str = "Champ du fichier qui désigne la ligne"
    line_map_label: str = "Correspondance des lignes"
    line_map_help: str = (
        "Une ligne par valeur : « valeur = code du service ». Un préfixe se termine par *, "
        "« * = code » vaut pour les autres valeurs, « valeur = » (sans code) écarte ces lignes."
    )

    def file_format(self, code: str) -> FileFormat | None:
        return next((found for found in self.formats if found.code == code), None)

    def format_label(self, code: str) -> str:
        found = self.file_format(code)
        return found.label if found else code

    @property
    def line_fields(self) -> tuple[str, ...]:
        """The fields that may name the line, in the formats that have fixed fields."""
        return tuple(name for found in self.formats for name in found.line_fields)


# The kinds apps offer, by `KindSpec.kind`: `KINDS.register(spec.kind, spec)` in AppConfig.ready().
KINDS: Registry[KindSpec] = Registry("import kinds")


def kind_spec(kind: str) -> KindSpec:
    """The kind's description, or a French ImportConfigError for a kind no app offers."""
    if kind not in KINDS:
        raise ImportConfigError(f"Aucun import n'est disponible pour les données « {kind} ».")
    return KINDS.get(kind)
