"""Loading a framework template (a <code>.toml file of this package) into a town.

The file is read and validated whole before anything is written. Loading adds what is
missing and never overwrites what exists, so loading twice changes nothing and a town's
own edits (wording, targets, services) survive a reload."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from commitments.models import Commitment, Comparator, Framework, Indicator, Module
from core.audit import record_event, snapshot
from core.models import Organisation, User
from core.periods import Granularity
from core.spec_files import SpecFileError, TableReader, read_toml

FRAMEWORKS_DIR = Path(__file__).resolve().parent
CREATED = "create"


class FrameworkFileError(SpecFileError):
    """A framework file that cannot be loaded; the message, in French, names the file and the place."""


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    metric_key: str
    params: dict[str, Any]
    comparator: str
    target_value: Decimal
    unit: str
    granularity: str
    position: int


@dataclass(frozen=True)
class CommitmentSpec:
    code: str
    module_number: int
    title: str
    description: str
    position: int
    is_public: bool
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class ModuleSpec:
    number: int
    name: str


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    name: str
    version: str
    modules: tuple[ModuleSpec, ...]
    commitments: tuple[CommitmentSpec, ...]


def available_frameworks() -> list[str]:
    return sorted(path.stem for path in FRAMEWORKS_DIR.glob("*.toml"))


@cache
def framework_names() -> dict[str, str]:
    """The name of each framework file, by code (the files do not change while the server runs)."""
    return {code: read_framework_file(FRAMEWORKS_DIR / f"{code}.toml").name for code in available_frameworks()}


def framework_path(code: str) -> Path:
    if code not in available_frameworks():
        choices = ", ".join(available_frameworks())
        raise FrameworkFileError(f"Référentiel « {code} » inconnu : choisissez parmi {choices}.")
    return FRAMEWORKS_DIR / f"{code}.toml"


def _reader(filename: str, where: str, table: Any) -> TableReader:
    return TableReader(filename, where, table, FrameworkFileError)


def _read_indicator(filename: str, commitment_code: str, table: Any, index: int) -> IndicatorSpec:
    code = table.get("code", f"n° {index + 1}") if isinstance(table, dict) else f"n° {index + 1}"
    reader = _reader(filename, f"engagement {commitment_code}, indicateur {code}", table)
    return IndicatorSpec(
        code=reader.text("code"),
        label=reader.text("label"),
        metric_key=reader.text("metric"),
        params=reader.mapping("params"),
        comparator=reader.choice("comparator", list(Comparator.values)),
        target_value=reader.decimal("target"),
        unit=reader.text("unit"),
        granularity=reader.choice("granularity", [g.value for g in Granularity]),
        position=index + 1,
    )


def _read_commitment(filename: str, table: Any, index: int, module_numbers: set[int]) -> CommitmentSpec:
    code = table.get("code", f"n° {index + 1}") if isinstance(table, dict) else f"n° {index + 1}"
    reader = _reader(filename, f"engagement {code}", table)
    code = reader.text("code")
    module_number = reader.integer("module")
    if module_number not in module_numbers:
        reader.fail(f"le module {module_number} n'est pas déclaré dans [[modules]]")
    indicators = tuple(
        _read_indicator(filename, code, item, position) for position, item in enumerate(reader.tables("indicators"))
    )
    _refuse_duplicates(reader, "indicateur", [indicator.code for indicator in indicators])
    return CommitmentSpec(
        code=code,
        module_number=module_number,
        title=reader.text("title"),
        description=reader.text("description", default=""),
        position=reader.integer("position", default=int(code) if code.isdigit() else index + 1),
        is_public=reader.boolean("public", default=True),
        indicators=indicators,
    )


def _refuse_duplicates(reader: TableReader, kind: str, codes: list[Any]) -> None:
    duplicates = sorted({str(code) for code in codes if codes.count(code) > 1})
    if duplicates:
        reader.fail(f"{kind} en double : {', '.join(duplicates)}")


def read_framework_file(path: Path) -> FrameworkSpec:
    """Parse and validate a framework file; raise FrameworkFileError with a French message."""
    data = read_toml(path, FrameworkFileError)
    header = _reader(path.name, "en-tête", data)
    modules = tuple(
        ModuleSpec(number=reader.integer("number"), name=reader.text("name"))
        for reader in (
            _reader(path.name, f"module n° {index + 1}", table) for index, table in enumerate(header.tables("modules"))
        )
    )
    _refuse_duplicates(header, "module", [module.number for module in modules])
    module_numbers = {module.number for module in modules}
    commitments = tuple(
        _read_commitment(path.name, table, index, module_numbers)
        for index, table in enumerate(header.tables("commitments"))
    )
    _refuse_duplicates(header, "engagement", [commitment.code for commitment in commitments])
    return FrameworkSpec(
        code=header.text("code"),
        name=header.text("name"),
        version=header.text("version", default=""),
        modules=modules,
        commitments=commitments,
    )


def _created(organisation: Organisation, actor: User | None, instance: Any) -> None:
    record_event(organisation=organisation, actor=actor, instance=instance, action=CREATED, after=snapshot(instance))


def _framework(organisation: Organisation, spec: FrameworkSpec, actor: User | None) -> Framework:
    framework = Framework.objects.for_org(organisation).filter(code=spec.code).first()
    if framework is None:
        framework = Framework.objects.create(
            organisation=organisation, code=spec.code, name=spec.name, version=spec.version
        )
        _created(organisation, actor, framework)
    return framework


def _modules(framework: Framework, spec: FrameworkSpec, actor: User | None) -> dict[int, Module]:
    organisation = framework.organisation
    modules = {module.number: module for module in Module.objects.for_org(organisation).filter(framework=framework)}
    for module_spec in spec.modules:
        if module_spec.number not in modules:
            module = Module.objects.create(
                organisation=organisation, framework=framework, number=module_spec.number, name=module_spec.name
            )
            _created(organisation, actor, module)
            modules[module.number] = module
    return modules


def _commitment(
    framework: Framework, module: Module, spec: CommitmentSpec, existing: dict[str, Commitment], actor: User | None
) -> Commitment:
    if spec.code in existing:
        return existing[spec.code]
    commitment = Commitment.objects.create(
        organisation=framework.organisation,
        framework=framework,
        module=module,
        code=spec.code,
        title=spec.title,
        description=spec.description,
        position=spec.position,
        is_public=spec.is_public,
    )
    _created(framework.organisation, actor, commitment)
    return commitment


def _indicator(commitment: Commitment, spec: IndicatorSpec, actor: User | None) -> None:
    indicator = Indicator.objects.create(
        organisation=commitment.organisation,
        commitment=commitment,
        code=spec.code,
        label=spec.label,
        metric_key=spec.metric_key,
        params=spec.params,
        comparator=spec.comparator,
        target_value=spec.target_value,
        unit=spec.unit,
        granularity=spec.granularity,
        position=spec.position,
    )
    _created(commitment.organisation, actor, indicator)


@transaction.atomic
def load_framework(*, organisation: Organisation, code: str, actor: User | None = None) -> Framework:
    """Give the organisation the framework `code` (a file of commitments/frameworks/),
    creating what it lacks: framework, modules, commitments, indicators. Idempotent."""
    path = framework_path(code)
    spec = read_framework_file(path)
    if spec.code != code:
        raise FrameworkFileError(f"Fichier {path.name}, en-tête : le code « {spec.code} » devrait être « {code} ».")
    framework = _framework(organisation, spec, actor)
    modules = _modules(framework, spec, actor)
    commitments = {c.code: c for c in Commitment.objects.for_org(organisation).filter(framework=framework)}
    indicator_keys = set(
        Indicator.objects.for_org(organisation)
        .filter(commitment__framework=framework)
        .values_list("commitment__code", "code")
    )
    for commitment_spec in spec.commitments:
        module = modules[commitment_spec.module_number]
        commitment = _commitment(framework, module, commitment_spec, commitments, actor)
        for indicator_spec in commitment_spec.indicators:
            if (commitment.code, indicator_spec.code) not in indicator_keys:
                _indicator(commitment, indicator_spec, actor)
    return framework
