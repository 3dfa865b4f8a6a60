"""Importing a town's existing civil-registry registers: act requests (`acts`) and errors
found on issued acts (`act_errors`); CSV, XLSX or ODS with French column headers
(docs/registers.md, docs/samples/registre-actes.csv and registre-erreurs-actes.csv).

A row already imported is recognised by its "Référence", or, without one, by a fingerprint of
its identifying fields and its rank among identical rows of the file: the same file twice
adds nothing. A row already imported is not updated."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.db import transaction

from civil_registry.actions import METRIC_PREFIX, ActDeadline, deadlines, due_on_for, ensure_rules
from civil_registry.models import (
    ActChannel,
    ActError,
    ActFormat,
    ActRequest,
    ActRequestEvent,
    ActStatus,
    ActType,
    ErrorFinder,
    ErrorKind,
)
from core.audit import record_event
from core.models import Organisation, Service, User
from core.register_imports import ImportReport, RowKeys, cell, import_rows, normalise, normalised_rows
from core.registries import records_changed
from core.tabular import Row, TableError, parse_date
from core.workdays import calendar_for

REFERENCE = "Référence"
ACT_TYPE = "Type d'acte"
FORMAT = "Format"
CHANNEL = "Canal"
COPIES = "Nombre d'exemplaires"
RECEIVED = "Date de réception"
DELIVERED = "Date de délivrance"
REFUSED = "Refus"
SERVICE = "Service"
ACT_REQUIRED = [ACT_TYPE, FORMAT, CHANNEL, RECEIVED]

REQUEST_REFERENCE = "Référence de la demande"
ISSUED = "Date de délivrance de l'acte"
FOUND = "Constatée le"
FOUND_BY = "Constatée par"
ATTRIBUTABLE = "Imputable au service"
KIND = "Nature"
CORRECTED = "Corrigée le"
ERROR_REQUIRED = [ACT_TYPE, ISSUED, FOUND, FOUND_BY, ATTRIBUTABLE]


def _names(choices: dict[str, list[str]]) -> dict[str, str]:
    return {normalise(name): value for value, names in choices.items() for name in names}


ACT_TYPES = _names(
    {
        ActType.BIRTH: ["naissance", "acte de naissance", "birth", "N"],
        ActType.MARRIAGE: ["mariage", "acte de mariage", "marriage", "M"],
        ActType.DEATH: ["décès", "deces", "acte de décès", "death", "D"],
        ActType.RECOGNITION: ["reconnaissance", "acte de reconnaissance", "recognition", "R"],
    }
)
FORMATS = _names(
    {
        ActFormat.FULL: ["copie intégrale", "intégrale", "copie", "full"],
        ActFormat.WITH_PARENTAGE: ["extrait avec filiation", "avec filiation", "with_parentage"],
        ActFormat.WITHOUT_PARENTAGE: ["extrait sans filiation", "sans filiation", "extrait", "without_parentage"],
        ActFormat.MULTILINGUAL: ["extrait plurilingue", "plurilingue", "multilingue", "multilingual"],
    }
)
CHANNELS = _names(
    {
        ActChannel.COUNTER: ["guichet", "accueil", "sur place", "counter"],
        ActChannel.POST: ["courrier", "courrier postal", "voie postale", "post"],
        ActChannel.WEB: ["internet", "en ligne", "demande en ligne", "web", "service-public.fr"],
        ActChannel.COMEDEC: ["COMEDEC"],
        ActChannel.NOTARY: ["notaire", "notary"],
    }
)
FINDERS = _names(
    {
        ErrorFinder.INTERNAL: ["contrôle interne", "interne", "service", "internal"],
        ErrorFinder.CITIZEN: ["usager", "citoyen", "demandeur", "citizen"],
        ErrorFinder.OTHER_TOWN: ["autre commune", "commune", "mairie", "other_town"],
        ErrorFinder.COURT: ["tribunal", "parquet", "procureur", "tribunal ou parquet", "court"],
    }
)
KINDS = _names({kind.value: [kind.label, kind.value] for kind in ErrorKind})
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux", ""}


def _choice(row: Row, column: str, names: dict[str, str], expected: str) -> str:
    text = cell(row, column)
    value = names.get(normalise(text))
    if value is None:
        raise TableError(f"valeur « {text} » inconnue : écrivez {expected}.", line=row.line, column=column)
    return value


def _yes_no(row: Row, column: str) -> bool:
    text = normalise(cell(row, column))
    if text in YES:
        return True
    if text in NO:
        return False
    raise TableError(f"« {cell(row, column)} » : écrivez oui ou non.", line=row.line, column=column)


def _date(row: Row, column: str) -> dt.date | None:
    text = cell(row, column)
    return parse_date(text, line=row.line, column=column) if text else None


def _required_date(row: Row, column: str) -> dt.date:
    day = _date(row, column)
    if day is None:
        raise TableError("date manquante.", line=row.line, column=column)
    return day


class _Services:
    def __init__(self, organisation: Organisation) -> None:
        self.by_name: dict[str, Service] = {}
        for service in Service.objects.filter(organisation=organisation):
            self.by_name[normalise(service.code)] = self.by_name[normalise(service.name)] = service

    def get(self, row: Row) -> Service | None:
        text = cell(row, SERVICE)
        if not text:
            return None
        service = self.by_name.get(normalise(text))
        if service is None:
            raise TableError(f"service « {text} » inconnu de la ville.", line=row.line, column=SERVICE)
        return service


class ActRowReader:
    def __init__(self, organisation: Organisation) -> None:
        ensure_rules(organisation)
        self.organisation = organisation
        self.deadlines: dict[str, ActDeadline] = deadlines(organisation)
        self.calendar = calendar_for(organisation)
        self.services = _Services(organisation)
        self.keys = RowKeys("imp")
        self.months: set[dt.date] = set()

    def copies(self, row: Row) -> int:
        text = cell(row, COPIES) or "1"
        if not text.isdigit() or not 1 <= int(text) <= 50:
            raise TableError(
                f"« {text} » : écrivez un nombre d'exemplaires entre 1 et 50.", line=row.line, column=COPIES
            )
        return int(text)

    def build(self, row: Row) -> ActRequest:
        act_type = _choice(row, ACT_TYPE, ACT_TYPES, "naissance, mariage, décès ou reconnaissance")
        act_format = _choice(
            row,
            FORMAT,
            FORMATS,
            "copie intégrale, extrait avec filiation, extrait sans filiation ou extrait plurilingue",
        )
        channel = _choice(row, CHANNEL, CHANNELS, "guichet, courrier, internet, COMEDEC ou notaire")
        copies, received_on, delivered_on = self.copies(row), _required_date(row, RECEIVED), _date(row, DELIVERED)
        refused = _yes_no(row, REFUSED) if cell(row, REFUSED) else False
        service = self.services.get(row)
        if delivered_on is not None and delivered_on < received_on:
            raise TableError(
                f"date {delivered_on:%d/%m/%Y} antérieure à la réception ({received_on:%d/%m/%Y}).",
                line=row.line,
                column=DELIVERED,
            )
        if refused and delivered_on is None:
            raise TableError("un refus doit avoir sa date dans « Date de délivrance ».", line=row.line, column=REFUSED)
        deadline = self.deadlines[channel]
        identity = [
            act_type,
            act_format,
            channel,
            str(copies),
            received_on.isoformat(),
            service.code if service else "",
        ]
        status = ActStatus.PENDING
        if delivered_on is not None:
            status = ActStatus.REFUSED if refused else ActStatus.DELIVERED
        return ActRequest(
            organisation=self.organisation,
            reference=self.keys.key(cell(row, REFERENCE), identity),
            act_type=act_type,
            act_format=act_format,
            channel=channel,
            copies=copies,
            received_on=received_on,
            service=service,
            deadline_days=deadline.days,
            business_days=deadline.business_days,
            due_on=due_on_for(self.calendar, received_on, deadline),
            delivered_on=delivered_on,
            status=status,
        )

    def existing(self, keys: list[str]) -> set[str]:
        stored = ActRequest.objects.filter(organisation=self.organisation, reference__in=keys)
        return set(stored.values_list("reference", flat=True))

    def save(self, acts: list[ActRequest]) -> None:
        created = ActRequest.objects.bulk_create(acts)
        ActRequestEvent.objects.bulk_create(
            ActRequestEvent(
                organisation=self.organisation,
                act_request=act,
                action="import",
                to_status=act.status,
                on=act.received_on,
            )
            for act in created
        )
        for act in created:
            self.months |= {day.replace(day=1) for day in (act.due_on, act.delivered_on) if day}


class ErrorRowReader:
    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.services = _Services(organisation)
        self.keys = RowKeys("imp-err")
        self.months: set[dt.date] = set()

    def act_request(self, row: Row) -> ActRequest | None:
        text = cell(row, REQUEST_REFERENCE)
        if not text:
            return None
        found = ActRequest.objects.filter(organisation=self.organisation, reference=text).first()
        if found is None:
            raise TableError(
                f"aucune demande d'acte n'a la référence « {text} ».", line=row.line, column=REQUEST_REFERENCE
            )
        return found

    def build(self, row: Row) -> ActError:
        act_type = _choice(row, ACT_TYPE, ACT_TYPES, "naissance, mariage, décès ou reconnaissance")
        issued_on, found_on = _required_date(row, ISSUED), _required_date(row, FOUND)
        found_by = _choice(row, FOUND_BY, FINDERS, "contrôle interne, usager, autre commune ou tribunal")
        attributable = _yes_no(row, ATTRIBUTABLE)
        kind = _choice(row, KIND, KINDS, "une nature de la liste") if cell(row, KIND) else ErrorKind.OTHER
        corrected_on, act_request = _date(row, CORRECTED), self.act_request(row)
        service = self.services.get(row) or (act_request.service if act_request else None)
        if found_on < issued_on:
            raise TableError("constatée avant la délivrance de l'acte.", line=row.line, column=FOUND)
        if corrected_on is not None and corrected_on < found_on:
            raise TableError("corrigée avant d'avoir été constatée.", line=row.line, column=CORRECTED)
        identity = [act_type, issued_on.isoformat(), found_on.isoformat(), found_by, kind, cell(row, REQUEST_REFERENCE)]
        return ActError(
            organisation=self.organisation,
            reference=self.keys.key(cell(row, REFERENCE), identity),
            act_request=act_request,
            act_type=act_type,
            issued_on=issued_on,
            service=service,
            kind=kind,
            found_on=found_on,
            found_by=found_by,
            attributable=attributable,
            corrected_on=corrected_on,
        )

    def existing(self, keys: list[str]) -> set[str]:
        stored = ActError.objects.filter(organisation=self.organisation, reference__in=keys)
        return set(stored.values_list("reference", flat=True))

    def save(self, errors: list[ActError]) -> None:
        ActError.objects.bulk_create(errors)
        self.months |= {error.found_on.replace(day=1) for error in errors}


def _finish(
    organisation: Organisation, actor: User | None, report: ImportReport, action: str, months: set[dt.date]
) -> None:
    if report.imported and not report.rolled_back:
        record_event(
            organisation=organisation,
            actor=actor,
            instance=organisation,
            action=action,
            after={"rows_read": report.rows_read, "imported": report.imported, "rejected": report.rejected},
        )
        records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)


def import_acts(
    *, organisation: Organisation, binary: IO[bytes], filename: str, actor: User | None, all_or_nothing: bool
) -> ImportReport:
    with transaction.atomic():
        reader = ActRowReader(organisation)
        report = import_rows(
            rows=normalised_rows(binary, filename, required=ACT_REQUIRED),
            build=reader.build,
            key=lambda act: act.reference,
            existing_keys=reader.existing,
            save=reader.save,
            all_or_nothing=all_or_nothing,
        )
        _finish(organisation, actor, report, "import_act_requests", reader.months)
    return report


def import_act_errors(
    *, organisation: Organisation, binary: IO[bytes], filename: str, actor: User | None, all_or_nothing: bool
) -> ImportReport:
    with transaction.atomic():
        reader = ErrorRowReader(organisation)
        report = import_rows(
            rows=normalised_rows(binary, filename, required=ERROR_REQUIRED),
            build=reader.build,
            key=lambda error: error.reference,
            existing_keys=reader.existing,
            save=reader.save,
            all_or_nothing=all_or_nothing,
        )
        _finish(organisation, actor, report, "import_act_errors", reader.months)
    return report
