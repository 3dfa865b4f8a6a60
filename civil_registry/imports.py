"""Importing a town's existing civil-registry registers: act requests (`acts`) and errors
found on issued acts (`act_errors`); CSV, XLSX or ODS with French column headers
(docs/registers.md, docs/samples/registre-actes.csv and registre-erreurs-actes.csv).

A row already imported is recognised by its "Référence", or, without one, by a fingerprint of
its identifying fields and its rank among identical rows of the file: the same file twice
adds nothing. A row already imported is not updated."""

from __future__ import annotations

from collections.abc import Mapping

from civil_registry.actions import ERRORS_NUMBERING, METRIC_PREFIX, WORKFLOW, ActDeadline, deadlines, ensure_rules
from civil_registry.models import (
    ActChannel,
    ActError,
    ActFormat,
    ActRequest,
    ActStatus,
    ActType,
    ErrorFinder,
    ErrorKind,
)
from core.models import Organisation
from core.workdays import calendar_for
from documents.tabular import Row, TableError
from registers.imports import (
    RegisterRowReader,
    ServiceLookup,
    cell,
    choice,
    importer_for,
    names_index,
    normalise,
    optional_date,
    required_date,
)
from registers.models import deadline_fields

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


ACT_TYPES = names_index(
    {
        ActType.BIRTH: ["naissance", "acte de naissance", "birth", "N"],
        ActType.MARRIAGE: ["mariage", "acte de mariage", "marriage", "M"],
        ActType.DEATH: ["décès", "deces", "acte de décès", "death", "D"],
        ActType.RECOGNITION: ["reconnaissance", "acte de reconnaissance", "recognition", "R"],
    }
)
FORMATS = names_index(
    {
        ActFormat.FULL: ["copie intégrale", "intégrale", "copie", "full"],
        ActFormat.WITH_PARENTAGE: ["extrait avec filiation", "avec filiation", "with_parentage"],
        ActFormat.WITHOUT_PARENTAGE: ["extrait sans filiation", "sans filiation", "extrait", "without_parentage"],
        ActFormat.MULTILINGUAL: ["extrait plurilingue", "plurilingue", "multilingue", "multilingual"],
    }
)
CHANNELS = names_index(
    {
        ActChannel.COUNTER: ["guichet", "accueil", "sur place", "counter"],
        ActChannel.POST: ["courrier", "courrier postal", "voie postale", "post"],
        ActChannel.WEB: ["internet", "en ligne", "demande en ligne", "web", "service-public.fr"],
        ActChannel.COMEDEC: ["COMEDEC"],
        ActChannel.NOTARY: ["notaire", "notary"],
    }
)
FINDERS = names_index(
    {
        ErrorFinder.INTERNAL: ["contrôle interne", "interne", "service", "internal"],
        ErrorFinder.CITIZEN: ["usager", "citoyen", "demandeur", "citizen"],
        ErrorFinder.OTHER_TOWN: ["autre commune", "commune", "mairie", "other_town"],
        ErrorFinder.COURT: ["tribunal", "parquet", "procureur", "tribunal ou parquet", "court"],
    }
)
KINDS = names_index({kind.value: [kind.label, kind.value] for kind in ErrorKind})
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux", ""}


def _choice(row: Row, column: str, names: Mapping[str, str], expected: str) -> str:
    return choice(row, column, names, f"valeur « {{text}} » inconnue : écrivez {expected}.")


def _yes_no(row: Row, column: str) -> bool:
    text = normalise(cell(row, column))
    if text in YES:
        return True
    if text in NO:
        return False
    raise TableError(f"« {cell(row, column)} » : écrivez oui ou non.", line=row.line, column=column)


class ActRowReader(RegisterRowReader):
    model = ActRequest
    required = ACT_REQUIRED
    audit_action = "import_act_requests"
    metric_prefix = METRIC_PREFIX
    workflow = WORKFLOW
    numbering = WORKFLOW.numbering

    def __init__(self, organisation: Organisation) -> None:
        ensure_rules(organisation)
        super().__init__(organisation)
        self.deadlines: dict[str, ActDeadline] = deadlines(organisation)
        self.calendar = calendar_for(organisation)
        self.services = ServiceLookup(organisation)

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
        copies, received_on = self.copies(row), required_date(row, RECEIVED, today=self.today)
        delivered_on = optional_date(row, DELIVERED, today=self.today)
        refused = _yes_no(row, REFUSED) if cell(row, REFUSED) else False
        service = self.services.get(row, SERVICE)
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
            delivered_on=delivered_on,
            status=status,
            **deadline_fields(deadline, self.calendar, received_on),
        )


class ErrorRowReader(RegisterRowReader):
    model = ActError
    required = ERROR_REQUIRED
    audit_action = "import_act_errors"
    metric_prefix = METRIC_PREFIX
    key_prefix = "imp-err"
    numbering = ERRORS_NUMBERING

    def __init__(self, organisation: Organisation) -> None:
        super().__init__(organisation)
        self.services = ServiceLookup(organisation)

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
        issued_on, found_on = required_date(row, ISSUED, today=self.today), required_date(row, FOUND, today=self.today)
        found_by = _choice(row, FOUND_BY, FINDERS, "contrôle interne, usager, autre commune ou tribunal")
        attributable = _yes_no(row, ATTRIBUTABLE)
        kind = _choice(row, KIND, KINDS, "une nature de la liste") if cell(row, KIND) else ErrorKind.OTHER
        corrected_on, act_request = optional_date(row, CORRECTED, today=self.today), self.act_request(row)
        service = self.services.get(row, SERVICE) or (act_request.service if act_request else None)
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


import_acts = importer_for(ActRowReader)
import_act_errors = importer_for(ErrorRowReader)
