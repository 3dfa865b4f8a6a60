"""Importing a queue system's export (tickets) through the shared engine (core.imports).

Any CSV, XLSX or ODS file, read through the source's column mapping: the ticket number, when
it was issued, called, served and ended (full dates and times, or times on the day of issue),
its state when the file says it, and the service (the line map sends the file's values, a
queue or counter name, to the town's service codes; "*" names the service of every row).

Wait = called − issued (domain.md, "Counter"). A ticket never called is "left" unless the
file says otherwise; a called ticket is "served". Local wall-clock times, read as the phone
import reads them: in the repeated hour of October, a time that reads earlier than the issue
is taken in the second occurrence of that hour. The local day, month, weekday and half-hour
of issue are stored. After the import, the monthly summaries of the months touched are
rebuilt and the indicator engine is told (reception.actions.after_tickets_written)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import IO

from core.imports import (
    TABLE,
    FieldSpec,
    ImportConfigError,
    InsertTarget,
    KindSpec,
    LineMap,
    LocalClock,
    Moment,
    Records,
    Row,
    RowImporter,
    insert_target,
    normalise_datetime,
    normalise_time,
    parse_seconds,
    read_moment,
    register_kind,
    table_layout,
    utc_text,
)
from core.models import ImportKind, ImportSource, Organisation, Service
from core.tabular import TableError
from reception.models import QueueTicket, TicketStatus

TICKET_FIELDS = (
    FieldSpec("number", "Numéro du ticket", required=True),
    FieldSpec("issued_at", "Émission du ticket (date et heure, ou heure si la date est à part)", required=True),
    FieldSpec("date", "Date, si elle est dans une colonne à part"),
    FieldSpec("called_at", "Appel au guichet (heure, ou date et heure)"),
    FieldSpec("wait", "Attente avant l'appel (si l'heure d'appel manque ; secondes ou HH:MM:SS)"),
    FieldSpec("started_at", "Début du service"),
    FieldSpec("ended_at", "Fin du service"),
    FieldSpec("status", "État du ticket (servi, parti sans être servi, réorienté…)"),
    FieldSpec("line", "Service ou file d'attente (pour la correspondance)"),
    FieldSpec("id", "Identifiant unique du ticket"),
)
COLUMNS = (
    "site_id", "service_id", "number", "status", "issued_at", "called_at", "started_at", "ended_at",
    "wait_seconds", "local_date", "local_month", "weekday", "half_hour", "dedupe_key",
)  # fmt: skip
STATUS_WORDS = {
    TicketStatus.SERVED.value: ("served", "servi", "traité", "traite", "terminé", "termine", "fini", "clos"),
    TicketStatus.LEFT.value: ("left", "parti", "absent", "abandon", "abandonné", "abandonne", "non servi", "annulé"),
    TicketStatus.REDIRECTED.value: ("redirected", "réorienté", "reoriente", "transféré", "transfere"),
    TicketStatus.CALLED.value: ("called", "appelé", "appele"),
    TicketStatus.IN_SERVICE.value: ("in_service", "en cours"),
    TicketStatus.WAITING.value: ("waiting", "en attente", "attente"),
}
MAX_KEY = 64
NUMBER_LENGTH = 12


def service_targets(organisation: Organisation) -> list[tuple[str, str]]:
    services = Service.objects.for_org(organisation).select_related("site")
    return [(service.code, f"service « {service.name} » ({service.site.name})") for service in services]


def _key(prefix: str, *parts: str) -> str:
    text = prefix + "/".join(parts)
    if len(text) <= MAX_KEY:
        return text
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[: MAX_KEY - len(prefix) - 1]


class TicketImporter(RowImporter):
    def __init__(self, source: ImportSource) -> None:
        super().__init__(source)
        self.index: dict[str, int] = {}

    @property
    def target(self) -> InsertTarget:
        constants: tuple[tuple[str, int | str], ...] = (
            ("organisation_id", self.organisation.pk),
            ("source_id", self.source.pk),
        )
        return insert_target(QueueTicket, COLUMNS, constants)

    def prepare(self) -> None:
        if self.source.file_format != TABLE:
            raise ImportConfigError("Les tickets s'importent depuis un tableau (CSV, XLSX ou ODS).")
        self.clock = LocalClock()
        self.unit = str((self.source.options or {}).get("duration_unit") or "s")
        services = {service.code: service for service in Service.objects.for_org(self.organisation)}

        def resolve(code: str) -> tuple[int, int]:
            service = services.get(code)
            if service is None:
                raise ImportConfigError(
                    f"La correspondance renvoie vers « {code} », qui n'est pas un service de la ville."
                )
            return (service.site_id, service.pk)

        mapping = {str(key): str(value) for key, value in (self.source.line_map or {}).items()}
        if not mapping:
            raise ImportConfigError(
                "La correspondance des services est vide : indiquez quel service reçoit les tickets (« * = code »)."
            )
        self.services = LineMap(mapping, resolve)
        words = {word: code for code, all_words in STATUS_WORDS.items() for word in all_words}
        own = (self.source.options or {}).get("values") or {}
        self.statuses = words | {str(raw).strip().casefold(): str(code) for raw, code in own.items()}

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        layout = table_layout(binary, filename, encoding, self.source, TICKET_FIELDS)
        self.index = layout.index
        if "line" not in self.index and "*" not in (self.source.line_map or {}):
            raise ImportConfigError(
                "Indiquez la colonne du service, ou une ligne « * = code » dans la correspondance des services."
            )
        return layout.records

    def _cell(self, cells: Sequence[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return str(cells[position]).strip()

    def convert(self, cells: Sequence[str]) -> Row | None:
        value = self._cell(cells, "line")
        target = self.services.get(value)
        if target == LineMap.REJECT:
            raise TableError(f"valeur « {value} » absente de la correspondance des services.", column="service")
        if target is None:
            return None
        site_id, service_id = target
        number = self._cell(cells, "number")
        if not number or len(number) > NUMBER_LENGTH:
            raise TableError(
                f"numéro « {number} » vide ou trop long ({NUMBER_LENGTH} caractères au plus).", column="numéro"
            )
        issued_iso = self._issued(cells)
        issued = read_moment(self.clock, issued_iso, column="émission")
        day = issued_iso[:10]
        called = self._later(cells, "called_at", day, issued, "appel")
        wait = None
        if called is not None:
            wait = called.epoch - issued.epoch
        elif wait_text := self._cell(cells, "wait"):
            wait = parse_seconds(wait_text, unit=self.unit, column="attente")
        called_at = called.utc if called is not None else (utc_text(issued.epoch + wait) if wait is not None else None)
        started = self._later(cells, "started_at", day, issued, "début du service")
        ended = self._later(cells, "ended_at", day, issued, "fin du service")
        if started is not None and ended is not None and ended.epoch < started.epoch:
            raise TableError("la fin du service précède son début.", column="fin du service")
        status = self._status(cells, called_at is not None or started is not None)
        hour = issued.hour
        minute = int(issued_iso[14:16])
        identity = self._cell(cells, "id")
        key = _key("i", identity, value) if identity else _key("t", issued_iso.replace(" ", "T"), number, value)
        month = hour.local_month
        self.months.add(month)
        return (
            site_id, service_id, number, status, issued.utc, called_at, started.utc if started else None,
            ended.utc if ended else None, wait, hour.local_date, month, hour.weekday,
            hour.hour * 2 + (minute >= 30), key,
        )  # fmt: skip

    def _issued(self, cells: Sequence[str]) -> str:
        text = self._cell(cells, "issued_at")
        if not text:
            raise TableError("heure d'émission vide.", column="émission")
        date_text = self._cell(cells, "date")
        if date_text:
            day = normalise_datetime(date_text.split()[0] + " 00:00", column="date")[:10]
            return normalise_time(text, day, column="émission")
        return normalise_datetime(text, column="émission")

    def _later(self, cells: Sequence[str], name: str, day: str, issued: Moment, column: str) -> Moment | None:
        text = self._cell(cells, name)
        if not text:
            return None
        moment = read_moment(self.clock, normalise_time(text, day, column=column), after=issued, column=column)
        if moment.epoch < issued.epoch:
            raise TableError(f"« {text} » précède l'émission du ticket.", column=column)
        return moment

    def _status(self, cells: Sequence[str], called: bool) -> str:
        text = self._cell(cells, "status")
        if not text:
            return TicketStatus.SERVED.value if called else TicketStatus.LEFT.value
        status = self.statuses.get(text.casefold())
        if status is None or status not in TicketStatus.values:
            raise TableError(f"état « {text} » inconnu : ajoutez-le aux valeurs de la source.", column="état")
        return status

    def finished(self, months: set[dt.date]) -> None:
        from reception.actions import after_tickets_written

        after_tickets_written(organisation=self.organisation, months=months)

    def refresh(self, months: set[dt.date]) -> None:
        """Nothing here: `finished` rebuilds every month the import changed."""


def register() -> None:
    register_kind(
        KindSpec(
            kind=ImportKind.TICKETS,
            label="Tickets d'attente",
            of_label="de tickets d'attente",
            formats=(TABLE,),
            fields=TICKET_FIELDS,
            factory=TicketImporter,
            targets=service_targets,
            command="import_tickets",
            outcome_field="status",
            outcome_choices=tuple(TicketStatus.choices),
        )
    )
