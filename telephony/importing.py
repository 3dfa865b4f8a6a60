"""Importing a telephone exchange's call log through the shared engine (imports).

Three file formats:
- `asterisk_cdr`: Asterisk's standard Master.csv, no header, columns accountcode, src, dst,
  dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
  billsec, disposition, amaflags, then uniqueid and userfield when enabled, then peeraccount,
  linkedid and sequence with `newcdrcolumns = yes`. Local times. The records of one call
  (same linkedid, else same uniqueid) make one call (telephony.call_groups).
- `asterisk_queue_log`: Asterisk's queue_log, exact hold times (telephony.queue_log).
- `table`: any CSV, XLSX or ODS file, read through the source's column mapping.

A table's `rings` column gives an answered call without a measured wait its rings heard: the
call keeps them and waits rings × the town's ring cycle in every figure (telephony.summaries).

Outcomes of one Master.csv record: ANSWERED with a non-empty dstchannel → answered by a
person (wait = answer − the call's start, talk = billsec); ANSWERED whose last application is
VoiceMail → voicemail (presented, not answered); ANSWERED with an empty dstchannel (the
exchange's menu, queue or announcement) → abandoned unless another record of the call was
answered; NO ANSWER → abandoned; BUSY → busy; FAILED or CONGESTION → failed. A call takes the
best outcome of its records. A call belongs
to the local day it started, even when it ends after midnight. In the repeated hour of the
October clock change, an answer or end time that reads earlier than the start is taken in
the second occurrence of that hour, so no wait is negative.

The caller's number is never stored: only a keyed hash (HMAC-SHA256 with the site's secret
key and the organisation), so that repeated calls can be recognised without the number."""

from __future__ import annotations

import datetime as dt
import hmac
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import IO, Any

from django.conf import settings
from django.db import connection

from core.models import Organisation, Service
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
    LocalClock,
    Records,
    TableImporter,
    binary_column_sql,
    binary_value_sql,
    day_text,
    dedupe_key,
    insert_rows,
    micros_2000,
    parse_seconds,
    source_line_map,
)
from imports.models import ImportSource
from telephony.asterisk import ASTERISK_COLUMNS, AsteriskPlan, AsteriskReader, keyed_hasher
from telephony.call_groups import call_row, join, join_rows, part_of_row
from telephony.hours import Presence, Week
from telephony.models import NO_LINE, UNKNOWN_WAIT, Call, CallOrigin, CallOutcome, PhoneLine
from telephony.queue_log import QueueLogPlan, QueueLogReader
from telephony.summaries import (
    SlotKey,
    StatKey,
    add_counts,
    cycle_tenths,
    move_counts,
    rebuild_months,
    ring_wait,
)

CALLS = "calls"
ASTERISK_CDR = "asterisk_cdr"
ASTERISK_LINE_FIELDS = ("dst", "dcontext", "accountcode", "channel", "dstchannel", "userfield")
ASTERISK_FORMAT = FileFormat(ASTERISK_CDR, "Asterisk (Master.csv)", (".csv", ".txt"), line_fields=ASTERISK_LINE_FIELDS)
QUEUE_LOG = "asterisk_queue_log"
QUEUE_LOG_FORMAT = FileFormat(QUEUE_LOG, "Asterisk (queue_log)", (".log", ".txt", ".csv"), line_fields=("queue",))
ANSWERED = CallOutcome.ANSWERED.value
VOICEMAIL = CallOutcome.VOICEMAIL.value

# Words a table's outcome column may hold, lower-cased, besides the source's own mapping.
OUTCOME_WORDS = {
    ANSWERED: ("answered", "décroché", "decroche", "répondu", "repondu", "abouti", "traité", "oui"),
    CallOutcome.ABANDONED.value: ("abandoned", "abandonné", "abandonne", "perdu", "manqué", "manque",
                                  "non répondu", "non repondu", "no answer", "raccroché", "non"),
    VOICEMAIL: ("voicemail", "messagerie", "répondeur", "repondeur"),
    CallOutcome.BUSY.value: ("busy", "occupé", "occupe"),
    CallOutcome.FAILED.value: ("failed", "échec", "echec", "congestion"),
}  # fmt: skip

CALL_FIELDS = (
    FieldSpec("started_at", "Début de l'appel (date et heure, ou heure si la date est à part)", required=True),
    FieldSpec("date", "Date de l'appel, si elle est dans une colonne à part"),
    FieldSpec("answered_at", "Heure de décroché"),
    FieldSpec("wait", "Attente avant décroché (secondes ou HH:MM:SS)"),
    FieldSpec("ended_at", "Fin de l'appel"),
    FieldSpec("talk", "Durée de conversation (secondes ou HH:MM:SS)"),
    FieldSpec("outcome", "Issue de l'appel (décroché, perdu, messagerie, occupé…)"),
    FieldSpec("line", "Ligne ou numéro appelé (pour la correspondance des lignes)"),
    FieldSpec("caller", "Numéro de l'appelant (jamais conservé en clair)"),
    FieldSpec("rings", "Nombre de sonneries"),
    FieldSpec("id", "Identifiant unique de l'appel"),
)

COMMON_COLUMNS = (
    "line_id", "service_id", "started_at", "answered_at", "ended_at", "outcome", "wait_seconds",
    "talk_seconds", "in_hours", "caller_hash", "local_date", "local_month", "weekday", "half_hour",
    "dedupe_key",
)  # fmt: skip
# The summary keys of a row laid out as COMMON_COLUMNS.
STAT_OF = itemgetter(11, 1, 0, 8, 5, 6)  # month, service, line, in hours, outcome, wait
STAT_RINGS_OF = itemgetter(11, 1, 0, 8, 5, 6, 15)  # the same, then the rings of a table's row
SLOT_OF = itemgetter(11, 1, 0, 8, 12, 13, 5)  # month, service, line, in hours, weekday, half-hour, outcome
TALK_OF = itemgetter(7)
KEY = 14  # the dedupe key's place in a row
KEYS_PER_QUERY = 500
FIRST_YEAR = 2000  # closed days are known from this year to next year
MAX_RINGS_READ = 999
ANSWER_TOO_EARLY = "décroché « {} » avant le début de l'appel."
END_TOO_EARLY = "fin « {} » avant le début de l'appel."

Target = tuple[int | None, int, Week]  # line id, service id, opening minutes of the service


def caller_key(organisation: Organisation) -> bytes:
    """One town's key for its callers' numbers, derived from the site's secret key
    (HMAC-SHA256) and the organisation: the same number hashes differently in two towns."""
    return hmac.digest(settings.SECRET_KEY.encode(), f"telephony.caller:{organisation.pk}".encode(), "sha256")


def caller_hasher(organisation: Organisation) -> Callable[[str], str]:
    """number → 32 hex digits of its keyed hash with the town's key (telephony.asterisk)."""
    return keyed_hasher(caller_key(organisation))


def line_targets(organisation: Organisation) -> list[tuple[str, str]]:
    """What a line map may name: the town's line codes, then its service codes."""
    lines = [(line.code, f"ligne « {line.name} »") for line in PhoneLine.objects.for_org(organisation)]
    services = [
        (service.code, f"service « {service.name} »")
        for service in Service.objects.for_org(organisation).select_related("site")
    ]
    return lines + services


class CallImporter(TableImporter):
    """Reads Master.csv through an AsteriskReader (telephony.asterisk), tables here."""

    fields = CALL_FIELDS

    def __init__(self, source: ImportSource) -> None:
        super().__init__(source)
        self.reader: AsteriskReader | QueueLogReader | None = None
        self.is_asterisk = source.file_format == ASTERISK_CDR
        self.is_queue_log = source.file_format == QUEUE_LOG
        self.merges = self.is_asterisk or self.is_queue_log  # a call's records may straddle two files
        self.day_column = 10  # local_date in COMMON_COLUMNS
        self.line_field = source.line_field or ("dst" if self.is_asterisk else "queue" if self.is_queue_log else "line")
        self.pending: tuple[dict[StatKey, list[int]], dict[SlotKey, list[int]]] = ({}, {})  # see summarise

    @property
    def target(self) -> InsertTarget:
        columns = COMMON_COLUMNS if self.merges else (*COMMON_COLUMNS, "rings")
        return self.source_target(Call, columns, ("origin", CallOrigin.IMPORT.value), binary=True)

    # Preparation ------------------------------------------------------------------------

    def prepare(self) -> None:
        if self.source.file_format not in (ASTERISK_CDR, QUEUE_LOG, TABLE):
            raise ImportConfigError(f"Format « {self.source.file_format} » inconnu pour des appels.")
        if self.is_asterisk and self.line_field not in ASTERISK_COLUMNS:
            raise ImportConfigError(
                f"Champ « {self.line_field} » inconnu dans Master.csv : choisissez parmi {', '.join(ASTERISK_COLUMNS)}."
            )
        self.presence = Presence(self.organisation)
        today = self.organisation.today()
        closed = self.presence.closed_days(FIRST_YEAR, today.year + 1)
        self.clock = LocalClock(closed.__contains__, self.organisation.time_zone)
        self.hash_caller = caller_hasher(self.organisation)
        self.line_map = source_line_map(
            self.source.line_map,
            self._resolver(),
            empty="La correspondance des lignes est vide : indiquez quelle valeur du champ "
            f"« {self.line_field} » correspond à quelle ligne ou quel service (ou « * » pour toutes).",
        )
        if self.is_asterisk:
            self.plan = AsteriskPlan(
                ASTERISK_COLUMNS.index(self.line_field),
                self.line_map,
                closed,
                caller_key(self.organisation),
                self.organisation.time_zone,
            )
        if self.is_queue_log:
            if self.line_field != "queue":
                raise ImportConfigError("Dans un queue_log, la ligne est désignée par la file (champ « queue »).")
            self.queue_plan = QueueLogPlan(self.line_map, closed, self.organisation.time_zone)
        self.words = self.source_words(OUTCOME_WORDS)

    def _resolver(self) -> Callable[[str], Target]:
        lines = {line.code: line for line in PhoneLine.objects.for_org(self.organisation)}
        services = {service.code: service for service in Service.objects.for_org(self.organisation)}

        def resolve(code: str) -> Target:
            line = lines.get(code)
            if line is not None:
                return (line.pk, line.service_id, self.presence.week(line.service_id))
            service = services.get(code)
            if service is not None:
                return (None, service.pk, self.presence.week(service.pk))
            raise ImportConfigError(
                f"La correspondance des lignes renvoie vers « {code} », qui n'est ni une ligne ni un service "
                "de la ville. Corrigez la source ou créez la ligne."
            )

        return resolve

    # Reading ----------------------------------------------------------------------------

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        if self.is_asterisk:
            self.reader = AsteriskReader(self.plan)
            records = self.reader.records(binary, filename, encoding)
            self.convert = self.reader.convert  # type: ignore[method-assign,assignment]
            return records
        if self.is_queue_log:
            self.reader = QueueLogReader(self.queue_plan)
            self.convert = self.reader.convert  # type: ignore[method-assign]
            return self.reader.records(binary, filename, encoding)
        records = self.table_records(
            binary,
            filename,
            encoding,
            no_line="Indiquez la colonne de la ligne appelée, ou une ligne « * » dans la correspondance des lignes.",
        )
        self.convert = self._table  # type: ignore[method-assign,assignment]
        return records

    def convert(self, cells: Sequence[str]) -> InsertRow | None:
        raise NotImplementedError("records() chooses the converter")

    # Tables (CSV, XLSX, ODS) --------------------------------------------------------------

    def _table(self, cells: Sequence[str]) -> InsertRow | None:
        line_value = self._cell(cells, "line")
        target: Target | None = self._target(line_value, "ligne")
        if target is None:
            return None
        line_id, service_id, week = target
        start_iso, start = self._first_moment(cells, "started_at", "début", empty="début de l'appel vide.")
        day = start_iso[:10]
        talk_text = self._cell(cells, "talk")
        talk = parse_seconds(talk_text, unit=self.unit, column="conversation") if talk_text else 0
        outcome = self._coded(
            cells,
            "outcome",
            CallOutcome.values,
            "issue",
            unknown="issue « {} » inconnue : ajoutez-la aux valeurs de la source.",
        )
        if outcome is None:
            outcome = ANSWERED if self._cell(cells, "answered_at") or talk else CallOutcome.ABANDONED.value
        ended = self._later(cells, "ended_at", day, start, "fin", too_early=END_TOO_EARLY, next_day=True)
        answered_at: int | None = None
        wait: int | None = None
        if outcome == ANSWERED:
            _, wait = self._waited(cells, "answered_at", day, start, "décroché", too_early=ANSWER_TOO_EARLY)
            # neither answer time nor wait: answered at the start, the wait unknown
            answered_at = micros_2000(start.epoch + (wait or 0))
            if not talk_text and ended is not None:
                talk = max(0, ended.epoch - start.epoch - (wait or 0))
        else:
            talk = 0
        hour = start.hour
        minute = int(start_iso[14:16])
        caller = self._cell(cells, "caller")
        identity = self._cell(cells, "id")
        key = (
            dedupe_key("i", identity, line_value)
            if identity
            else dedupe_key("t", start_iso.replace("-", "").replace(" ", "").replace(":", ""), line_value, caller,
                            ended.utc if ended else "", talk_text)
        )  # fmt: skip
        rings_text = self._cell(cells, "rings")
        row = (
            line_id, service_id, micros_2000(start.epoch), answered_at, micros_2000(ended.epoch) if ended else None,
            outcome, wait, talk, not hour.closed and week[hour.weekday][hour.hour * 60 + minute] == 1,
            self.hash_caller(caller) if caller else "", hour.day, hour.month_day, hour.weekday,
            hour.hour * 2 + (minute >= 30), key, _seconds(rings_text, "sonneries") if rings_text else None,
        )  # fmt: skip
        self.months.add(hour.local_month)
        return row

    # After the rows ---------------------------------------------------------------------

    def closed_rows(self, final: bool) -> tuple[list[InsertRow], int]:
        return self.reader.closed_rows(final) if self.reader is not None else ([], 0)

    def take_months(self) -> set[str]:
        return self.reader.take_months() if self.reader is not None else super().take_months()

    def day_text(self, value: Any) -> str:
        return day_text(value)

    def worker(self) -> AsteriskReader | QueueLogReader | None:
        """Master.csv and queue_log can be read by a second process (plain data, no database)."""
        if self.is_asterisk:
            return AsteriskReader(self.plan)
        return QueueLogReader(self.queue_plan) if self.is_queue_log else None

    def summarise(self, rows: list[InsertRow]) -> None:
        """Count a chunk's calls; `flush_summaries` adds the counts of the transaction's chunks
        to the summary rows (telephony.summaries) at once."""
        stats, slots = self._counts(rows)
        _add_into(self.pending[0], stats)
        _add_into(self.pending[1], slots)

    def flush_summaries(self) -> None:
        stats, slots = self.pending
        if stats:
            add_counts(self.organisation, stats, slots)
        self.pending = ({}, {})

    def _counts(self, rows: list[InsertRow]) -> tuple[dict[StatKey, list[int]], dict[SlotKey, list[int]]]:
        """Count calls as the summary rows do (telephony.summaries). Counter and itemgetter
        count in C: the writing process does the slower half of an import."""
        keys = list(map(STAT_OF if self.merges else STAT_RINGS_OF, rows))
        talk: Counter[tuple[Any, ...]] = Counter()
        for key, seconds in zip(keys, map(TALK_OF, rows), strict=True):
            if seconds:
                talk[key] += seconds
        stats: dict[StatKey, list[int]] = {}
        tenths = cycle_tenths(self.organisation)
        for key, calls in Counter(keys).items():
            month_day, service_id, line_id, in_hours, outcome, wait, *rings = key
            month = day_text(month_day)  # the summary rows' key: once per key, not per call
            answered = outcome == ANSWERED
            if answered and wait is None and rings and rings[0] is not None:
                wait = ring_wait(rings[0], tenths)  # a table's rings column, as the rebuild reads it
            known_wait = wait if answered and wait is not None else UNKNOWN_WAIT
            entry = stats.setdefault((month, service_id, line_id or NO_LINE, in_hours, outcome, known_wait), [0, 0])
            entry[0] += calls
            entry[1] += talk[key] if answered else 0
        slots: dict[SlotKey, list[int]] = {}
        for (month_day, service_id, line_id, in_hours, weekday, half_hour, outcome), calls in Counter(
            map(SLOT_OF, rows)
        ).items():
            month = day_text(month_day)  # the summary rows' key: once per key, not per call
            entry = slots.setdefault((month, service_id, line_id or NO_LINE, in_hours, weekday, half_hour), [0, 0])
            entry[0] += calls
            entry[1] += calls if outcome == ANSWERED else 0
        return stats, slots

    def merge_stored(self, target: InsertTarget, rows: list[InsertRow]) -> tuple[int, bool]:
        """A call whose records straddle two files (or come back after its call was closed):
        the rows of calls already stored are joined into them (telephony.call_groups), and the
        summary rows lose the stored calls' counts and gain the joined ones'."""
        self.flush_summaries()  # the stored calls' counts are in the summary rows before they move
        joined: dict[str, InsertRow] = {}
        for row in rows:
            key = row[KEY]
            earlier = joined.get(key)
            joined[key] = row if earlier is None else join_rows(earlier, row, key)
        stored = self._stored_calls(list(joined))
        new = [row for key, row in joined.items() if key not in stored]
        inserted = insert_rows(target, new)
        add_counts(self.organisation, *self._counts(new))  # now: a rebuild below reads these calls
        before, after = [], []
        for key, old in stored.items():
            if old == joined[key][:KEY]:
                continue  # the same call (a file read again): joining it changes nothing
            call = part_of_row(old)
            as_stored = call_row(call, key)
            join(call, part_of_row(joined[key]))
            merged = call_row(call, key)
            if merged != as_stored:
                before.append(as_stored)
                after.append(merged)
        if after:
            _update_calls(self.organisation, target, after)
            move_counts(self.organisation, self._counts(before), self._counts(after))  # type: ignore[arg-type]
        return inserted, bool(after)

    def _stored_calls(self, keys: list[str]) -> dict[str, tuple[Any, ...]]:
        """The stored calls of these keys, as the rows of a file write them (in the binary form
        of imports.rows): the same call read again compares equal, with nothing converted here."""
        calls = connection.ops.quote_name(Call._meta.db_table)
        postgresql = connection.vendor == "postgresql"
        kinds = self.target.column_types()
        columns = ", ".join(binary_column_sql(name, kinds[name], postgresql) for name in COMMON_COLUMNS[:KEY])
        found: dict[str, tuple[Any, ...]] = {}
        with connection.cursor() as cursor:
            if postgresql:
                # The chunk's keys as one array, each looked up in the unique index: `LIMIT 1`
                # keeps the planner from joining the whole table instead, as it does when the
                # table has no statistics yet (just after a large import).
                cursor.execute(
                    f"SELECT stored.* FROM unnest(%s::text[]) AS wanted(key) CROSS JOIN LATERAL "  # noqa: S608
                    f"(SELECT dedupe_key, {columns} FROM {calls} "
                    "WHERE organisation_id = %s AND dedupe_key = wanted.key LIMIT 1) AS stored",
                    [keys, self.organisation.pk],
                )
                found.update((row[0], row[1:]) for row in cursor.fetchall())
                return found
            for first in range(0, len(keys), KEYS_PER_QUERY):
                batch = keys[first : first + KEYS_PER_QUERY]
                cursor.execute(
                    f"SELECT dedupe_key, {columns} FROM {calls} "  # noqa: S608
                    f"WHERE organisation_id = %s AND dedupe_key IN ({', '.join(['%s'] * len(batch))})",
                    [self.organisation.pk, *batch],
                )
                found.update((row[0], row[1:]) for row in cursor.fetchall())
        return found

    def delete_period(self, first: dt.date, last: dt.date) -> int:
        """The calls this source imported from `first` to `last`: a replacing import."""
        calls = Call.objects.filter(
            organisation=self.organisation, source=self.source, local_date__gte=first, local_date__lte=last
        )
        deleted, _ = calls.delete()
        return deleted

    def refresh(self, months: set[Any]) -> None:
        rebuild_months(self.organisation, months)

    def finished(self, months: set[Any]) -> None:
        from telephony.actions import calls_changed

        calls_changed(organisation=self.organisation, months=months)


def _add_into(pending: dict[Any, list[int]], counts: dict[Any, list[int]]) -> None:
    """Add counts ([calls, talk] or [calls, answered] per summary key) to those kept."""
    for key, (first, second) in counts.items():
        entry = pending.get(key)
        if entry is None:
            pending[key] = [first, second]
        else:
            entry[0] += first
            entry[1] += second


def _update_calls(organisation: Organisation, target: InsertTarget, rows: list[InsertRow]) -> None:
    """Write joined calls (in the binary form of imports.rows) over the stored ones (same
    organisation and key)."""
    calls = connection.ops.quote_name(Call._meta.db_table)
    kinds, postgresql = target.column_types(), connection.vendor == "postgresql"
    columns = ", ".join(f"{name} = {binary_value_sql(kinds[name], postgresql)}" for name in COMMON_COLUMNS[:KEY])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {calls} SET {columns}, version = version + 1 "  # noqa: S608
            "WHERE organisation_id = %s AND dedupe_key = %s",
            [(*row[:KEY], organisation.pk, row[KEY]) for row in rows],
        )


def _seconds(text: str, column: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise TableError(f"nombre « {text} » illisible.", column=column) from None
    if not 0 <= value <= MAX_RINGS_READ:
        raise TableError(f"nombre « {text} » hors limites.", column=column)
    return value


def register() -> None:
    KINDS.register(
        CALLS,
        KindSpec(
            kind=CALLS,
            label="Appels téléphoniques",
            of_label="d'appels téléphoniques",
            formats=(ASTERISK_FORMAT, QUEUE_LOG_FORMAT, TABLE_FORMAT),
            fields=CALL_FIELDS,
            factory=CallImporter,
            targets=line_targets,
            command="import_calls",
            outcome_field="outcome",
            outcome_choices=tuple(CallOutcome.choices),
            intro="Le format « Asterisk » lit tel quel le fichier Master.csv du standard, le format « queue_log » "
            "le journal des files d'attente d'Asterisk.",
            line_field_label="Champ du journal qui désigne la ligne",
            line_map_help="Une ligne par valeur : « 0130000001 = accueil ». Un préfixe se termine par * "
            "(« SIP/ec-* = etat-civil »), « * = code » vaut pour les autres valeurs, « valeur = » (sans code) "
            "écarte ces lignes.",
        ),
    )
