"""Importing appointments booked in another tool (RDV-Service-Public, Synbird, Clicrdv, a
shared calendar) through the shared engine (imports), so that indicator 9.1 measures them.

Two file formats (docs/imports.md, « Rendez-vous »):
- `table`: any CSV, XLSX or ODS export read through the source's column mapping: the
  appointment's id in the tool (required), its booked date and time (or a date column and a
  time column), its planned end or duration (a number in the source's `duration_unit`: choose
  minutes, as booking tools write them; or HH:MM:SS), its state (réservé, annulé, absent,
  honoré… and the source's own words, `options["values"]`), the citizen's arrival and the start
  and end of the appointment when the tool notes them, the agenda or service (the line map
  sends it to the town's service codes, "*" for all), the kind's label and the reference given
  to the citizen;
- `ics`: a calendar export (RFC 5545, appointments.ics_reading): one appointment per VEVENT,
  UID, DTSTART, DTEND or DURATION, STATUS (CANCELLED is a cancelled appointment), SUMMARY (the
  kind's label); the line map reads the field `line_field` names (SUMMARY, CATEGORIES or
  LOCATION). Times with a TZID or in UTC are exact; floating times are the town's wall clock.
  A whole-day event is refused: an appointment has a time.

The kind is the town's AppointmentKind of the mapped service whose label is the file's
(letter case aside); none matching leaves it empty. Without an end or a duration, the
appointment lasts its kind's duration, else AppointmentKind's default. Imported rows are
written in bulk by the engine, not booked through appointments.actions: they hold no seat
(the tool gave the slot) and no citizen's name or contact (the tool keeps them and sends its
own reminders; the indicator needs none). `booked_at` is the event's CREATED (else DTSTAMP)
or the table's booking column, else the time of the import.

The same appointment read again (the same id in the tool, from this source) is not added
twice. The tool is right about the booking: a stored appointment still « réservé » takes what
the file now says (moved to another time, cancelled, or what happened at the counter), and one
the closing rule (or the counter) noted absent takes an outcome the file reports (the tool
knows whether the citizen came). Anything else the counter noted in Qualipilote (arrival,
start, end) stays as it is. Each change is logged on the appointment (step « import »), and
the indicators of its old and new months are recomputed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.db.models import F
from django.utils import timezone

from appointments.actions import WORKFLOW
from appointments.ics_reading import CalendarRecords, read_event
from appointments.models import Appointment, AppointmentEvent, AppointmentKind, AppointmentStatus, Channel
from documents.tabular import TableError
from imports import (
    KINDS,
    TABLE,
    TABLE_FORMAT,
    FieldSpec,
    FileFormat,
    ImportConfigError,
    InsertRow,
    InsertTarget,
    KindSpec,
    Moment,
    Records,
    TableImporter,
    dedupe_key,
    insert_rows,
    normalise_datetime,
    normalise_time,
    parse_seconds,
    read_moment,
    service_line_map,
    service_targets,
    utc_text,
)
from imports.models import ImportSource

APPOINTMENTS = "appointments"
ICS = "ics"
ICS_LINE_FIELDS = {"summary": "SUMMARY", "categories": "CATEGORIES", "location": "LOCATION"}
ICS_FORMAT = FileFormat(ICS, "calendrier iCalendar (.ics)", (".ics",), line_fields=tuple(ICS_LINE_FIELDS))

FIELDS = (
    FieldSpec("id", "Identifiant du rendez-vous dans l'outil", required=True),
    FieldSpec("scheduled_at", "Heure du rendez-vous (date et heure, ou heure si la date est à part)", required=True),
    FieldSpec("date", "Date du rendez-vous, si elle est dans une colonne à part"),
    FieldSpec("ends_at", "Fin prévue (heure, ou date et heure)"),
    FieldSpec("duration", "Durée prévue (minutes, ou HH:MM:SS)"),
    FieldSpec("status", "État (réservé, annulé, absent, honoré…)"),
    FieldSpec("arrived_at", "Arrivée de l'usager"),
    FieldSpec("started_at", "Début du rendez-vous (usager reçu)"),
    FieldSpec("ended_at", "Fin du rendez-vous"),
    FieldSpec("line", "Agenda ou service (pour la correspondance des services)"),
    FieldSpec("kind", "Motif (intitulé du type de rendez-vous)"),
    FieldSpec("number", "Référence donnée à l'usager"),
    FieldSpec("booked_at", "Date de prise du rendez-vous"),
)
COLUMNS = (
    "kind_id", "service_id", "site_id", "number", "status", "scheduled_at", "ends_at", "arrived_at",
    "started_at", "ended_at", "cancelled_at", "booked_at", "local_date", "local_month", "dedupe_key",
)  # fmt: skip
# What the file says of an appointment, compared with the stored one; a change writes these
# and the columns that follow them (UPDATED).
COMPARED = COLUMNS[: COLUMNS.index("cancelled_at")]
UPDATED = (*COMPARED, "cancelled_at", "local_date", "local_month")
KEY = COLUMNS.index("dedupe_key")
DATETIMES = frozenset({"scheduled_at", "ends_at", "arrived_at", "started_at", "ended_at", "cancelled_at", "booked_at"})
DATES = frozenset({"local_date", "local_month"})
KEYS_PER_QUERY = 500

S = AppointmentStatus
STATUS_WORDS = {
    S.BOOKED.value: ("booked", "réservé", "reserve", "confirmé", "confirme", "planifié", "planifie", "à venir",
                     "a venir", "pris", "validé", "valide"),
    S.CANCELLED.value: ("cancelled", "canceled", "annulé", "annule", "annulée", "annulee", "supprimé", "supprime"),
    S.NO_SHOW.value: ("no_show", "absent", "absente", "non venu", "non venue", "non honoré", "non honore",
                      "excusé", "excuse"),
    S.DONE.value: ("done", "terminé", "termine", "honoré", "honore", "effectué", "effectue", "reçu", "recu",
                   "venu", "venue"),
    S.ARRIVED.value: ("arrived", "arrivé", "arrive", "présent", "present", "en salle d'attente"),
    S.STARTED.value: ("started", "en cours"),
}  # fmt: skip
BEFORE_START = "« {} » précède le début du rendez-vous."
BEFORE_ARRIVAL = "« {} » précède l'arrivée de l'usager."


def file_prevails(stored_status: str, file_status: str) -> bool:
    """Whether an appointment already stored takes what the file now says of it (see the
    module's docstring): still booked, the tool is right (moved, cancelled, what happened);
    noted absent, the tool's outcome is right; otherwise the counter's notes stay."""
    if stored_status == S.BOOKED:
        return True
    return stored_status == S.NO_SHOW and file_status != S.BOOKED


class AppointmentImporter(TableImporter):
    """Tables through the column mapping, calendars event by event (appointments.ics_reading)."""

    fields = FIELDS
    map_name = "correspondance des services"
    merges = True  # an appointment read again may have moved or been cancelled

    def __init__(self, source: ImportSource) -> None:
        super().__init__(source)
        self.is_calendar = source.file_format == ICS
        self.line_field = source.line_field or "summary"
        self.zones: dict[str, dt.tzinfo] = {}  # the time zones the calendar defines (CalendarRecords fills it)
        self.moved_from: set[dt.date] = set()  # the months appointments left: their indicators change too

    @property
    def target(self) -> InsertTarget:
        return self.source_target(
            Appointment,
            COLUMNS,
            ("channel", Channel.IMPORTED.value),
            ("citizen_name", ""),
            ("citizen_email", ""),
            ("citizen_phone", ""),
        )

    def prepare(self) -> None:
        if self.source.file_format not in (TABLE, ICS):
            raise ImportConfigError(f"Format « {self.source.file_format} » inconnu pour des rendez-vous.")
        if self.is_calendar and self.line_field not in ICS_LINE_FIELDS:
            raise ImportConfigError(
                f"Champ « {self.line_field} » inconnu dans un calendrier : "
                f"choisissez parmi {', '.join(ICS_LINE_FIELDS)}."
            )
        self.line_map = service_line_map(
            self.organisation,
            self.source.line_map,
            empty="La correspondance des services est vide : indiquez quel service reçoit les rendez-vous "
            "(« * = code »).",
        )
        self.kinds = {
            (kind.service_id, kind.label.strip().casefold()): (kind.pk, kind.duration_minutes)
            for kind in AppointmentKind.objects.for_org(self.organisation)
        }
        self.words = self.source_words(STATUS_WORDS)
        self.now = utc_text(int(timezone.now().timestamp()))
        self.number_length = Appointment._meta.get_field("number").max_length or 0
        self.default_minutes = int(AppointmentKind._meta.get_field("duration_minutes").get_default())

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        if self.is_calendar:
            return CalendarRecords(binary, encoding, self.zones)
        return self.table_records(
            binary,
            filename,
            encoding,
            no_line="Indiquez la colonne de l'agenda ou du service, ou une ligne « * = code » dans la "
            "correspondance des services.",
        )

    def convert(self, cells: Sequence[str]) -> InsertRow | None:
        return self._event(cells) if self.is_calendar else self._table(cells)

    # Tables (CSV, XLSX, ODS) --------------------------------------------------------------

    def _table(self, cells: Sequence[str]) -> InsertRow | None:
        target = self._target(self._cell(cells, "line"), "service")
        if target is None:
            return None
        identity = self._cell(cells, "id")
        if not identity:
            raise TableError("identifiant du rendez-vous vide.", column="identifiant")
        start_iso, start = self._first_moment(
            cells, "scheduled_at", "heure du rendez-vous", empty="heure du rendez-vous vide."
        )
        day = start_iso[:10]
        end = self._later(cells, "ends_at", day, start, "fin prévue", too_early=BEFORE_START)
        duration_text = self._cell(cells, "duration")
        if end is None and duration_text:
            seconds = parse_seconds(duration_text, unit=self.unit, column="durée")
            if seconds < 60:
                raise TableError(
                    f"durée « {duration_text} » de moins d'une minute : choisissez l'unité « minutes » dans la "
                    "source, ou écrivez HH:MM:SS (0:20:00).",
                    column="durée",
                )
            end = Moment(utc_text(start.epoch + seconds), start.epoch + seconds, start.hour)
        arrived = self._on_day(cells, "arrived_at", day, "arrivée")
        if arrived is None:
            started = self._on_day(cells, "started_at", day, "début")
        else:
            started = self._later(cells, "started_at", day, arrived, "début", too_early=BEFORE_ARRIVAL)
        ended = None
        if self._cell(cells, "ended_at"):
            if started is None:
                raise TableError("fin du rendez-vous notée sans son début.", column="fin")
            ended = self._later(cells, "ended_at", day, started, "fin", too_early=BEFORE_START)
        status = self._status(cells, arrived, started)
        number = self._cell(cells, "number") or identity
        return self._row(
            target,
            kind=self._cell(cells, "kind"),
            identity=identity,
            number=number,
            status=status,
            start=start,
            end=end,
            counter=(arrived, started, ended),
            booked_at=self._booked_at(cells),
            cancelled_at=self.now if status == S.CANCELLED else None,
        )

    def _on_day(self, cells: Sequence[str], name: str, day: str, column: str) -> Moment | None:
        """A time of the row on the appointment's day (or a full date and time), None when
        empty: an arrival or a start may come before the booked time."""
        text = self._cell(cells, name)
        if not text:
            return None
        return read_moment(self.clock, normalise_time(text, day, column=column), column=column)

    def _status(self, cells: Sequence[str], arrived: Moment | None, started: Moment | None) -> str:
        """The file's state, else the one the times imply: started → done, arrived → arrived,
        else booked. An absence or a cancellation with an arrival or a start is refused."""
        status = self._coded(
            cells, "status", S.values, "état", unknown="état « {} » inconnu : ajoutez-le aux valeurs de la source."
        )
        if status is None:
            return S.DONE.value if started else S.ARRIVED.value if arrived else S.BOOKED.value
        if status in (S.NO_SHOW, S.CANCELLED) and (arrived or started):
            raise TableError(
                f"état « {self._cell(cells, 'status')} » alors qu'une arrivée ou un début est noté.", column="état"
            )
        return status

    def _booked_at(self, cells: Sequence[str]) -> str:
        text = self._cell(cells, "booked_at")
        if not text:
            return self.now
        if ":" not in text and "h" not in text:
            text += " 00:00"
        iso = normalise_datetime(text, column="prise du rendez-vous")
        return read_moment(self.clock, iso, column="prise du rendez-vous").utc

    # Calendars (.ics) ---------------------------------------------------------------------

    def _event(self, cells: Sequence[str]) -> InsertRow | None:
        event = read_event(cells[0], self.zones)
        values = {"summary": event.summary, "categories": event.categories, "location": event.location}
        target = self._target(values[self.line_field], ICS_LINE_FIELDS[self.line_field])
        if target is None:
            return None
        cancelled = event.cancelled
        stamp = event.modified or event.created
        return self._row(
            target,
            kind=event.summary,
            identity=event.uid,
            number=event.uid,
            status=S.CANCELLED.value if cancelled else S.BOOKED.value,
            start=self._instant(event.start, "DTSTART"),
            end=self._instant(event.end, "DTEND") if event.end else None,
            counter=(None, None, None),
            booked_at=self._instant(event.created, "CREATED").utc if event.created else self.now,
            cancelled_at=(self._instant(stamp, "LAST-MODIFIED").utc if stamp else self.now) if cancelled else None,
        )

    def _instant(self, value: dt.datetime, column: str) -> Moment:
        """An event's time: an aware one exactly, a floating one on the town's wall clock (the
        skipped hour of March read one hour later, as clocks do)."""
        if value.tzinfo is None:
            return read_moment(self.clock, f"{value:%Y-%m-%d %H:%M:%S}", column=column)
        epoch = int(value.timestamp())
        local = dt.datetime.fromtimestamp(epoch, self.clock.zone)
        return Moment(utc_text(epoch), epoch, self.clock.hour(f"{local:%Y-%m-%d %H}"))

    # Both ----------------------------------------------------------------------------------

    def _row(
        self,
        target: tuple[int, int],
        *,
        kind: str,
        identity: str,
        number: str,
        status: str,
        start: Moment,
        end: Moment | None,
        counter: tuple[Moment | None, Moment | None, Moment | None],
        booked_at: str,
        cancelled_at: str | None,
    ) -> InsertRow:
        site_id, service_id = target
        kind_id, kind_minutes = self.kinds.get((service_id, kind.strip().casefold()), (None, None))
        if end is None:
            minutes = kind_minutes or self.default_minutes
            end = Moment(utc_text(start.epoch + 60 * minutes), start.epoch + 60 * minutes, start.hour)
        if end.epoch <= start.epoch:
            raise TableError("la fin prévue doit suivre le début du rendez-vous.", column="fin prévue")
        arrived, started, ended = counter
        hour = start.hour
        self.months.add(hour.local_month)
        return (
            kind_id, service_id, site_id, number if len(number) <= self.number_length else "", status, start.utc,
            end.utc, arrived.utc if arrived else None, started.utc if started else None,
            ended.utc if ended else None, cancelled_at, booked_at, hour.local_date, hour.local_month,
            dedupe_key("a", str(self.source.pk), identity),
        )  # fmt: skip

    # An appointment read again -------------------------------------------------------------

    def merge_stored(self, target: InsertTarget, rows: list[InsertRow]) -> tuple[int, bool]:
        """Insert the chunk's new appointments; update the stored ones the file prevails on
        (`file_prevails`) and that it changes, logging the change on each."""
        latest = {row[KEY]: row for row in rows}  # the same id twice in a file: its last row
        stored = self._stored(list(latest))
        inserted = insert_rows(target, [row for key, row in latest.items() if key not in stored])
        events = []
        for key, (pk, status, values) in stored.items():
            row = _typed(latest[key])
            if not file_prevails(status, row["status"]) or all(row[name] == values[name] for name in COMPARED):
                continue
            Appointment.objects.filter(pk=pk).update(**{name: row[name] for name in UPDATED}, version=F("version") + 1)
            if values["local_month"] != row["local_month"]:
                self.moved_from.add(values["local_month"])
            events.append(
                AppointmentEvent(
                    organisation_id=self.organisation.pk,
                    appointment_id=pk,
                    action="import_appointment",
                    from_status=status,
                    to_status=row["status"],
                )
            )
        AppointmentEvent.objects.bulk_create(events)
        return inserted, bool(events)

    def _stored(self, keys: list[str]) -> dict[str, tuple[int, str, dict[str, Any]]]:
        """The stored appointments of these keys: id, status and the values the file may change."""
        found: dict[str, tuple[int, str, dict[str, Any]]] = {}
        appointments = Appointment.objects.filter(organisation=self.organisation)
        for first in range(0, len(keys), KEYS_PER_QUERY):
            batch = appointments.filter(dedupe_key__in=keys[first : first + KEYS_PER_QUERY])
            for values in batch.values("pk", "dedupe_key", *COMPARED, "local_month"):
                found[values["dedupe_key"]] = (values["pk"], values["status"], values)
        return found

    def finished(self, months: set[dt.date]) -> None:
        """Tell the indicators of the months the import touched, and of those appointments left."""
        WORKFLOW.tell(self.organisation, months | self.moved_from)


def _typed(row: InsertRow) -> dict[str, Any]:
    """A row's values as the ORM reads them back (aware datetimes, dates), by column."""
    typed: dict[str, Any] = {}
    for name, value in zip(COLUMNS, row, strict=True):
        if value is not None and name in DATETIMES:
            value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        elif name in DATES:
            value = dt.date.fromisoformat(value)
        typed[name] = value
    return typed


def register() -> None:
    KINDS.register(
        APPOINTMENTS,
        KindSpec(
            kind=APPOINTMENTS,
            label="Rendez-vous",
            of_label="de rendez-vous",
            formats=(TABLE_FORMAT, ICS_FORMAT),
            fields=FIELDS,
            factory=AppointmentImporter,
            targets=service_targets,
            command="import_appointments",
            outcome_field="status",
            outcome_choices=tuple(S.choices),
            intro="Le format « calendrier » lit un fichier .ics exporté d'un agenda ou d'un outil de prise de "
            "rendez-vous (RDV-Service-Public, Synbird, Clicrdv, Outlook, Google Agenda).",
            line_field_label="Champ de l'événement qui désigne l'agenda ou le service",
            line_map_label="Correspondance des agendas et services",
            line_map_help="Une ligne par agenda ou service de l'outil : « État civil = etat-civil ». Un préfixe se "
            "termine par *, « * = code » vaut pour les autres valeurs, « valeur = » (sans code) écarte ces "
            "rendez-vous.",
        ),
    )
