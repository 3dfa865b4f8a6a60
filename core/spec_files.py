"""Reading the template files shipped with the product (TOML: the commitment frameworks, the
default survey questionnaire): each table read through a TableReader, whose errors say in
French which file and which place is wrong. The file is read and checked whole before a
loader writes anything."""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn


class SpecFileError(ValueError):
    """A template file that cannot be loaded; the message, in French, names the file and the place."""


def read_toml(path: Path, error: type[SpecFileError] = SpecFileError) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise error(f"Fichier {path.name} illisible : {problem}.") from problem


class TableReader:
    """Reads one table of a file, raising `error` with where the problem is."""

    def __init__(self, filename: str, where: str, table: Any, error: type[SpecFileError] = SpecFileError) -> None:
        self.filename = filename
        self.where = where
        self.error = error
        if not isinstance(table, dict):
            self.fail("une table était attendue")
        self.table: dict[str, Any] = table

    def fail(self, problem: str) -> NoReturn:
        raise self.error(f"Fichier {self.filename}, {self.where} : {problem}.")

    def text(self, key: str, *, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            self.fail(f"la clé « {key} » manque")
        if not isinstance(value, str) or (default is None and not value.strip()):
            self.fail(f"la clé « {key} » doit être un texte non vide")
        return str(value).strip()

    def integer(self, key: str, *, default: int | None = None) -> int:
        value = self.table.get(key, default)
        if value is None:
            self.fail(f"la clé « {key} » manque")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(f"la clé « {key} » doit être un entier positif")
        return int(value)

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"la clé « {key} » doit valoir true ou false")
        return value

    def decimal(self, key: str) -> Decimal:
        value = self.table.get(key)
        if value is None:
            self.fail(f"la clé « {key} » manque")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"la clé « {key} » doit être un nombre")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(f"la clé « {key} » doit être un nombre")

    def choice(self, key: str, choices: list[str]) -> str:
        value = self.text(key)
        if value not in choices:
            self.fail(f"la clé « {key} » vaut « {value} », attendu : {', '.join(choices)}")
        return value

    def tables(self, key: str) -> list[Any]:
        value = self.table.get(key, [])
        if not isinstance(value, list):
            self.fail(f"la clé « {key} » doit être une liste de tables")
        return list(value)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            self.fail(f"la clé « {key} » doit être une table")
        return dict(value)
