"""The kinds of data an app can import (calls, tickets): what it registers with the engine.

An app describes each kind once, in a `KindSpec`: its file formats, the table fields it reads,
the `RowImporter` that converts a source's files, and the codes its line map may name. The
pages, the forms and the commands read these descriptions; `import_file` asks `kind_spec` for
the importer of a source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.imports.importers import RowImporter
    from core.models import ImportSource, Organisation

ASTERISK_CDR = "asterisk_cdr"
TABLE = "table"
FILE_FORMATS = {ASTERISK_CDR: "Asterisk (Master.csv)", TABLE: "tableau CSV, XLSX ou ODS"}


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
    formats: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    factory: Callable[[ImportSource], RowImporter]
    targets: Callable[[Organisation], list[tuple[str, str]]]  # (code, label) a line_map may name
    command: str
    outcome_field: str = ""  # the table field whose values `options["values"]` maps to codes
    outcome_choices: tuple[tuple[str, str], ...] = ()
    line_fields: tuple[str, ...] = ()  # Asterisk columns that may name the line


_kinds: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    _kinds[spec.kind] = spec


def kind_spec(kind: str) -> KindSpec:
    try:
        return _kinds[kind]
    except KeyError:
        raise ImportConfigError(f"Aucun import n'est disponible pour les données « {kind} ».") from None


def kind_specs() -> list[KindSpec]:
    return [_kinds[kind] for kind in sorted(_kinds)]
