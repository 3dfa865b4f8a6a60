"""Importing a town's complaint register from its spreadsheet (CSV, XLSX, ODS; French headers).

The columns are documented in docs/complaints.md with a sample file
(docs/samples/registre-reclamations.csv). The same file twice adds nothing: each row is keyed
by its "Numéro de suivi" (a Qualipilote export), else its "Référence" (the town's own
number), else a digest of its receipt date, channel, kind, subject, description and name."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO

from complaints.actions import AUDIT_FIELDS, METRIC_PREFIX
from complaints.deadlines import set_due_dates
from complaints.models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Channel,
    Complaint,
    ComplaintSettings,
    ComplaintTransition,
    Justified,
    Kind,
    new_tracking_number,
    normalise_tracking_number,
)
from core.audit import saved_user, snapshot
from core.models import AuditEvent, Organisation, Service, User
from core.registries import commitment_choices, records_changed
from core.workdays import WorkingCalendar, calendar_for
from documents.tabular import Row, TableError, iter_rows, parse_date
from registers.deadlines import future_day_error
from registers.imports import ImportReport, import_rows

REGISTER = "complaints"
LABEL = "Réclamations et suggestions"

# Column headers, as in the sample file and in exports.
TRACKING = "Numéro de suivi"
REFERENCE = "Référence"
KIND = "Nature"
CHANNEL = "Canal"
RECEIVED = "Date de réception"
SERVICE = "Service"
COMMITMENT = "Engagement"
SUBJECT = "Objet"
DESCRIPTION = "Description"
NAME = "Nom"
EMAIL = "Courriel"
PHONE = "Téléphone"
ACKNOWLEDGED = "Date d'accusé de réception"
ANSWERED = "Date de réponse"
ANSWER = "Réponse"
JUSTIFIED = "Fondée"
ACTION = "Action d'amélioration"
CLOSED = "Date de clôture"
REQUIRED = [CHANNEL, RECEIVED, SUBJECT]
COLUMNS = [
    TRACKING, REFERENCE, KIND, CHANNEL, RECEIVED, SERVICE, COMMITMENT, SUBJECT, DESCRIPTION,
    NAME, EMAIL, PHONE, ACKNOWLEDGED, ANSWERED, ANSWER, JUSTIFIED, ACTION, CLOSED,
]  # fmt: skip


def _plain(text: str) -> str:
    """Lower case without accents, for matching words people type in many ways."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


CHANNEL_WORDS = {
    "guichet": Channel.COUNTER, "accueil": Channel.COUNTER, "accueil physique": Channel.COUNTER,
    "telephone": Channel.PHONE, "tel": Channel.PHONE, "tel.": Channel.PHONE,
    "courrier": Channel.LETTER, "lettre": Channel.LETTER, "courrier postal": Channel.LETTER,
    "courriel": Channel.EMAIL, "e-mail": Channel.EMAIL, "email": Channel.EMAIL, "mail": Channel.EMAIL,
    "mel": Channel.EMAIL, "formulaire web": Channel.WEB, "formulaire": Channel.WEB, "web": Channel.WEB,
    "internet": Channel.WEB, "site internet": Channel.WEB,
}  # fmt: skip
KIND_WORDS = {
    "": Kind.COMPLAINT,
    "reclamation": Kind.COMPLAINT,
    "plainte": Kind.COMPLAINT,
    "suggestion": Kind.SUGGESTION,
}
JUSTIFIED_WORDS = {
    "": Justified.UNDETERMINED, "a determiner": Justified.UNDETERMINED, "indetermine": Justified.UNDETERMINED,
    "oui": Justified.YES, "fondee": Justified.YES, "non": Justified.NO, "non fondee": Justified.NO,
}  # fmt: skip


def _word(row: Row, column: str, words: Mapping[str, str], expected: str) -> str:
    value = row.get(column)
    try:
        return words[_plain(value)]
    except KeyError:
        raise TableError(f"valeur « {value} » inconnue : {expected}.", line=row.line, column=column) from None


def _optional_date(row: Row, column: str) -> dt.date | None:
    value = row.get(column)
    return parse_date(value, line=row.line, column=column) if value else None


@dataclass
class Context:
    """What every row needs, read once per import."""

    organisation: Organisation
    calendar: WorkingCalendar
    settings: ComplaintSettings
    services: dict[str, Service]
    commitments: dict[str, str]
    today: dt.date

    @classmethod
    def for_org(cls, organisation: Organisation, today: dt.date) -> Context:
        services: dict[str, Service] = {}
        for service in Service.objects.for_org(organisation).select_related("site"):
            services[_plain(service.code)] = service
            services.setdefault(_plain(service.name), service)
        return cls(
            organisation=organisation,
            calendar=calendar_for(organisation),
            settings=ComplaintSettings.for_org(organisation),
            services=services,
            commitments=dict(commitment_choices(organisation)),
            today=today,
        )

    def service(self, row: Row) -> Service | None:
        value = row.get(SERVICE)
        if not value:
            return None
        try:
            return self.services[_plain(value)]
        except KeyError:
            raise TableError(
                f"service « {value} » inconnu : indiquez le code ou le nom d'un service de la ville.",
                line=row.line,
                column=SERVICE,
            ) from None

    def commitment(self, row: Row) -> tuple[str, str]:
        value = row.get(COMMITMENT)
        if not value:
            return "", ""
        code = value.split(" ", 1)[0].rstrip(".") if value not in self.commitments else value
        if code not in self.commitments:
            raise TableError(
                f"engagement « {value} » inconnu : indiquez le numéro d'un engagement suivi par la ville (par ex. 21).",
                line=row.line,
                column=COMMITMENT,
            )
        return code, self.commitments[code]


def _check_day(row: Row, column: str, day: dt.date | None, received: dt.date, today: dt.date) -> None:
    if day is None:
        return
    if error := future_day_error(day, today):
        raise TableError(error, line=row.line, column=column)
    if day < received:
        raise TableError(
            f"date {day:%d/%m/%Y} antérieure à la réception ({received:%d/%m/%Y}).", line=row.line, column=column
        )


def _check_closure(row: Row, kind: str, answered: dt.date | None, closed: dt.date | None) -> None:
    if closed is not None and kind == Kind.COMPLAINT and answered is None:
        raise TableError("une réclamation close doit avoir une date de réponse.", line=row.line, column=ANSWERED)


def _tracking(row: Row) -> str:
    value = normalise_tracking_number(row.get(TRACKING))
    if not value:
        return ""
    prefix, _, code = value.partition("-")
    valid = (
        len(prefix) == 5 and prefix[0] == "R" and prefix[1:].isdigit()
        and len(code) == TRACKING_LENGTH and all(char in TRACKING_ALPHABET for char in code)
    )  # fmt: skip
    if not valid:
        raise TableError(
            f"numéro de suivi « {value} » invalide (attendu : R2026-XXXXXXXX).", line=row.line, column=TRACKING
        )
    return value


def _key(row: Row, tracking: str, received: dt.date, channel: str, kind: str) -> str:
    if tracking:
        return f"suivi:{tracking}"
    if row.get(REFERENCE):
        return f"ref:{row.get(REFERENCE)[:70]}"
    identity = "|".join(
        [received.isoformat(), channel, kind, row.get(SUBJECT), row.get(DESCRIPTION), row.get(NAME), row.get(EMAIL)]
    )
    return "ligne:" + hashlib.sha256(identity.encode()).hexdigest()[:40]


def build_complaint(row: Row, context: Context) -> Complaint:
    """One complaint from one row, or TableError saying what is wrong and where."""
    received = parse_date(row.get(RECEIVED), line=row.line, column=RECEIVED)
    _check_day(row, RECEIVED, received, received, context.today)
    kind = _word(row, KIND, KIND_WORDS, "écrivez réclamation ou suggestion")
    channel = _word(row, CHANNEL, CHANNEL_WORDS, "écrivez guichet, téléphone, courrier, courriel ou formulaire web")
    if not row.get(SUBJECT):
        raise TableError("l'objet est obligatoire.", line=row.line, column=SUBJECT)
    acknowledged, answered = _optional_date(row, ACKNOWLEDGED), _optional_date(row, ANSWERED)
    closed = _optional_date(row, CLOSED)
    for column, day in ((ACKNOWLEDGED, acknowledged), (ANSWERED, answered), (CLOSED, closed)):
        _check_day(row, column, day, received, context.today)
    acknowledged = acknowledged or answered
    _check_closure(row, kind, answered, closed)
    if acknowledged and answered and answered < acknowledged:
        raise TableError("la réponse précède l'accusé de réception.", line=row.line, column=ANSWERED)
    code, label = context.commitment(row)
    tracking = _tracking(row)
    complaint = Complaint(
        organisation=context.organisation,
        tracking_number=tracking or new_tracking_number(received.year),
        kind=kind,
        channel=channel,
        received_on=received,
        received_month=received.replace(day=1),
        service=context.service(row),
        commitment_code=code,
        commitment_label=label,
        subject=row.get(SUBJECT)[:200],
        description=row.get(DESCRIPTION),
        citizen_name=row.get(NAME)[:150],
        citizen_email=row.get(EMAIL)[:254],
        citizen_phone=row.get(PHONE)[:30],
        acknowledged_on=acknowledged,
        answered_on=answered,
        answer=row.get(ANSWER),
        closed_on=closed,
        justified=_word(row, JUSTIFIED, JUSTIFIED_WORDS, "écrivez oui, non ou à déterminer"),
        action_note=row.get(ACTION),
        import_key=_key(row, tracking, received, channel, kind),
    )
    complaint.status = complaint.status_implied_by_dates()
    set_due_dates(complaint, context.calendar, context.settings)
    return complaint


def _existing_keys(organisation: Organisation, keys: list[str]) -> set[str]:
    stored = set(
        Complaint.objects.for_org(organisation).filter(import_key__in=keys).values_list("import_key", flat=True)
    )
    numbers = [key.removeprefix("suivi:") for key in keys if key.startswith("suivi:")]
    taken = Complaint.objects.for_org(organisation).filter(tracking_number__in=numbers)
    return stored | {f"suivi:{number}" for number in taken.values_list("tracking_number", flat=True)}


def _log_rows(complaint: Complaint, actor: User | None) -> list[ComplaintTransition]:
    """The import's log row, then one per step the complaint's dates record."""
    return [
        ComplaintTransition.of(
            complaint,
            action=step.action,
            actor=actor,
            from_status=step.from_status,
            to_status=step.to_status,
            on=step.on,
        )
        for step in complaint.dated_history("import")
    ]


def _import_event(complaint: Complaint, actor: User | None) -> AuditEvent:
    """The audit event of one imported complaint (written in bulk; same shape as record_event's)."""
    return AuditEvent(
        organisation_id=complaint.organisation_id,
        actor=actor,
        actor_label=str(actor.email) if actor is not None else "système",
        object_type=Complaint._meta.label_lower,
        object_id=str(complaint.pk),
        object_repr=str(complaint)[:250],
        action="import",
        after=snapshot(complaint, AUDIT_FIELDS),
    )


def import_complaints(
    *,
    organisation: Organisation,
    binary: IO[bytes],
    filename: str,
    actor: User | None,
    all_or_nothing: bool,
    today: dt.date | None = None,
) -> ImportReport:
    """Import a complaint register file; see the module docstring and docs/complaints.md."""
    context = Context.for_org(organisation, today or organisation.today())
    actor = saved_user(actor)
    months: set[dt.date] = set()

    def save(batch: list[Complaint]) -> None:
        for complaint in batch:
            complaint.created_by = actor
        Complaint.objects.bulk_create(batch)
        ComplaintTransition.objects.bulk_create([row for c in batch for row in _log_rows(c, actor)])
        AuditEvent.objects.bulk_create([_import_event(complaint, actor) for complaint in batch])
        for complaint in batch:
            months.update(
                day.replace(day=1)
                for day in (complaint.received_on, complaint.acknowledge_due_on, complaint.answer_due_on)
                if day is not None
            )

    try:
        rows = iter_rows(binary, filename, required=REQUIRED)
        report = import_rows(
            rows=rows,
            build=lambda row: build_complaint(row, context),
            key=lambda complaint: complaint.import_key,
            existing_keys=lambda keys: _existing_keys(organisation, keys),
            save=save,
            all_or_nothing=all_or_nothing,
            filename=filename,
            actor=actor,
        )
    except TableError as error:
        return ImportReport(file_error=str(error), all_or_nothing=all_or_nothing)
    if not report.rolled_back:
        records_changed(organisation=organisation, metric_prefix=METRIC_PREFIX, months=months)
    return report
