"""Importing a queue system's export (tickets) through the shared engine (imports).

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
from collections.abc import Sequence
from typing import IO

from documents.tabular import TableError
from imports import (
    KINDS,
    TABLE,
    TABLE_FORMAT,
    FieldSpec,
    ImportConfigError,
    InsertRow,
    InsertTarget,
    KindSpec,
    Records,
    TableImporter,
    dedupe_key,
    service_line_map,
    service_targets,
)
from reception.models import QueueTicket, TicketStatus

TICKETS = "tickets"
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
NUMBER_LENGTH = 12
BEFORE_ISSUE = "« {} » précède l'émission du ticket."


class TicketImporter(TableImporter):
    fields = TICKET_FIELDS
    map_name = "correspondance des services"

    @property
    def target(self) -> InsertTarget:
        return self.source_target(QueueTicket, COLUMNS)

    def prepare(self) -> None:
        if self.source.file_format != TABLE:
            raise ImportConfigError("Les tickets s'importent depuis un tableau (CSV, XLSX ou ODS).")
        self.line_map = service_line_map(
            self.organisation,
            self.source.line_map,
            empty="La correspondance des services est vide : indiquez quel service reçoit les tickets (« * = code »).",
        )
        self.words = self.source_words(STATUS_WORDS)
        self.today = self.organisation.today().isoformat()  # compared with the ISO local days of the rows

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        return self.table_records(
            binary,
            filename,
            encoding,
            no_line="Indiquez la colonne du service, ou une ligne « * = code » dans la correspondance des services.",
        )

    def convert(self, cells: Sequence[str]) -> InsertRow | None:
        value = self._cell(cells, "line")
        target = self._target(value, "service")
        if target is None:
            return None
        site_id, service_id = target
        number = self._cell(cells, "number")
        if not number or len(number) > NUMBER_LENGTH:
            raise TableError(
                f"numéro « {number} » vide ou trop long ({NUMBER_LENGTH} caractères au plus).", column="numéro"
            )
        issued_iso, issued = self._first_moment(cells, "issued_at", "émission", empty="heure d'émission vide.")
        day = issued_iso[:10]
        called_at, wait = self._waited(cells, "called_at", day, issued, "appel", too_early=BEFORE_ISSUE)
        started = self._later(cells, "started_at", day, issued, "début du service", too_early=BEFORE_ISSUE)
        ended = self._later(cells, "ended_at", day, issued, "fin du service", too_early=BEFORE_ISSUE)
        if started is not None and ended is not None and ended.epoch < started.epoch:
            raise TableError("la fin du service précède son début.", column="fin du service")
        hour = issued.hour
        status = self._status(cells, called_at, started.utc if started else None, day_over=hour.local_date < self.today)
        minute = int(issued_iso[14:16])
        identity = self._cell(cells, "id")
        key = (
            dedupe_key("i", identity, value)
            if identity
            else dedupe_key("t", issued_iso.replace(" ", "T"), number, value)
        )
        month = hour.local_month
        self.months.add(month)
        return (
            site_id, service_id, number, status, issued.utc, called_at, started.utc if started else None,
            ended.utc if ended else None, wait, hour.local_date, month, hour.weekday,
            hour.hour * 2 + (minute >= 30), key,
        )  # fmt: skip

    def _status(self, cells: Sequence[str], called_at: str | None, started_at: str | None, *, day_over: bool) -> str:
        """The file's status, else the one the ticket's times imply (its day is over). A ticket
        of a past day that the file says is still waiting was left at closing time (the closing
        rule of reception.actions.close_waiting_tickets): it is stored as left."""
        status = self._coded(
            cells,
            "status",
            TicketStatus.values,
            "état",
            unknown="état « {} » inconnu : ajoutez-le aux valeurs de la source.",
        )
        if status is None:
            times = QueueTicket(called_at=called_at, started_at=started_at)
            return times.status_implied_by_times(day_over=True).value
        if status == TicketStatus.WAITING and day_over:
            return TicketStatus.LEFT.value
        return status

    def finished(self, months: set[dt.date]) -> None:
        from reception.actions import after_tickets_written

        after_tickets_written(organisation=self.organisation, months=months)

    def refresh(self, months: set[dt.date]) -> None:
        """Nothing here: `finished` rebuilds every month the import changed."""


def register() -> None:
    KINDS.register(
        TICKETS,
        KindSpec(
            kind=TICKETS,
            label="Tickets d'attente",
            of_label="de tickets d'attente",
            formats=(TABLE_FORMAT,),
            fields=TICKET_FIELDS,
            factory=TicketImporter,
            targets=service_targets,
            command="import_tickets",
            outcome_field="status",
            outcome_choices=tuple(TicketStatus.choices),
            intro="Les tickets d'un système de file d'attente se lisent dans son export en tableau.",
            line_map_label="Correspondance des files",
            line_map_help="Une ligne par file ou service du fichier : « Etat civil = etat-civil ». Un préfixe se "
            "termine par *, « * = code » vaut pour les autres valeurs, « valeur = » (sans code) écarte ces lignes.",
        ),
    )
