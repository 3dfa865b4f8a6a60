"""Importing a telephone exchange's call log through the shared engine (core.imports).

Two file formats:
- `asterisk_cdr`: Asterisk's standard Master.csv, no header, columns accountcode, src, dst,
  dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
  billsec, disposition, amaflags, then uniqueid and userfield when enabled. Local times.
- `table`: any CSV, XLSX or ODS file, read through the source's column mapping.

Outcomes (Asterisk): ANSWERED with a known answer time → answered (wait = answer − start,
talk = billsec); ANSWERED whose last application is VoiceMail → voicemail (presented, not
answered); NO ANSWER → abandoned; BUSY → busy; FAILED or CONGESTION → failed. A call belongs
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

from core.imports import (
    ASTERISK_CDR,
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
from telephony.asterisk import ASTERISK_COLUMNS, AsteriskPlan, AsteriskReader, dedupe_key, keyed_hasher
from telephony.hours import Presence, Week
from telephony.models import NO_LINE, UNKNOWN_WAIT, Call, CallOrigin, CallOutcome, PhoneLine
from telephony.summaries import SlotKey, StatKey, add_counts, rebuild_months

ASTERISK_LINE_FIELDS = ("dst", "dcontext", "accountcode", "channel", "dstchannel", "userfield")
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
SLOT_OF = itemgetter(11, 1, 0, 8, 12, 13, 5)  # month, service, line, in hours, weekday, half-hour, outcome
TALK_OF = itemgetter(7)
FIRST_YEAR = 2000  # closed days are known from this year to next year
MAX_RINGS_READ = 999

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


class CallImporter(RowImporter):
    def __init__(self, source: ImportSource) -> None:
        super().__init__(source)
        self.reader: AsteriskReader | None = None
        self.is_asterisk = source.file_format == ASTERISK_CDR
        self.line_field = source.line_field or ("dst" if self.is_asterisk else "line")
        self.index: dict[str, int] = {}

    @property
    def target(self) -> InsertTarget:
        columns = COMMON_COLUMNS if self.is_asterisk else (*COMMON_COLUMNS, "rings")
        constants: tuple[tuple[str, int | str], ...] = (
            ("organisation_id", self.organisation.pk),
            ("source_id", self.source.pk),
            ("origin", CallOrigin.IMPORT.value),
        )
        return insert_target(Call, columns, constants)

    # Preparation ------------------------------------------------------------------------

    def prepare(self) -> None:
        if self.source.file_format not in (ASTERISK_CDR, TABLE):
            raise ImportConfigError(f"Format « {self.source.file_format} » inconnu pour des appels.")
        if self.is_asterisk and self.line_field not in ASTERISK_COLUMNS:
            raise ImportConfigError(
                f"Champ « {self.line_field} » inconnu dans Master.csv : choisissez parmi {', '.join(ASTERISK_COLUMNS)}."
            )
        self.presence = Presence(self.organisation)
        today = dt.date.today()
        closed = self.presence.closed_days(FIRST_YEAR, today.year + 1)
        self.clock = LocalClock(closed.__contains__)
        self.hash_caller = caller_hasher(self.organisation)
        self.lines = self._line_map()
        if self.is_asterisk:
            self.plan = AsteriskPlan(
                ASTERISK_COLUMNS.index(self.line_field), self.lines, closed, caller_key(self.organisation)
            )
        self.unit = str((self.source.options or {}).get("duration_unit") or "s")
        self.outcome_values = self._outcome_values()

    def _line_map(self) -> LineMap:
        mapping = {str(key): str(value) for key, value in (self.source.line_map or {}).items()}
        if not mapping:
            raise ImportConfigError(
                "La correspondance des lignes est vide : indiquez quelle valeur du champ "
                f"« {self.line_field} » correspond à quelle ligne ou quel service (ou « * » pour toutes)."
            )
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

        return LineMap(mapping, resolve)

    def _outcome_values(self) -> dict[str, str]:
        values = {word: code for code, words in OUTCOME_WORDS.items() for word in words}
        own = (self.source.options or {}).get("values") or {}
        values |= {str(raw).strip().casefold(): str(code) for raw, code in own.items()}
        return values

    # Reading ----------------------------------------------------------------------------

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        if self.is_asterisk:
            self.reader = AsteriskReader(self.plan)
            records = self.reader.records(binary, filename, encoding)
            self.convert = self.reader.convert  # type: ignore[method-assign,assignment]
            return records
        layout = table_layout(binary, filename, encoding, self.source, CALL_FIELDS)
        self.index = layout.index
        if "line" not in self.index and "*" not in (self.source.line_map or {}):
            raise ImportConfigError(
                "Indiquez la colonne de la ligne appelée, ou une ligne « * » dans la correspondance des lignes."
            )
        self.convert = self._table  # type: ignore[method-assign,assignment]
        return layout.records

    def convert(self, cells: Sequence[str]) -> Row | None:
        raise NotImplementedError("records() chooses the converter")

    def _target(self, value: str, column: str) -> Target | None:
        target = self.lines.get(value)
        if target == LineMap.REJECT:
            raise TableError(f"valeur « {value} » absente de la correspondance des lignes.", column=column)
        return target  # type: ignore[no-any-return]

    # Tables (CSV, XLSX, ODS) --------------------------------------------------------------

    def _cell(self, cells: Sequence[str], name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(cells):
            return ""
        return str(cells[position]).strip()

    def _table(self, cells: Sequence[str]) -> Row | None:
        line_value = self._cell(cells, "line")
        target = self._target(line_value, "ligne")
        if target is None:
            return None
        line_id, service_id, week = target
        start_iso = self._start(cells)
        start = read_moment(self.clock, start_iso, column="début")
        day = start_iso[:10]
        talk_text = self._cell(cells, "talk")
        talk = parse_seconds(talk_text, unit=self.unit, column="conversation") if talk_text else 0
        outcome = self._outcome(cells)
        if outcome is None:
            outcome = ANSWERED if self._cell(cells, "answered_at") or talk else CallOutcome.ABANDONED.value
        ended = self._table_end(cells, start, day)
        answered_at: str | None = None
        wait: int | None = None
        if outcome == ANSWERED:
            answered_at, wait = self._table_answer(cells, start, day)
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
            line_id, service_id, start.utc, answered_at, ended.utc if ended else None, outcome, wait, talk,
            not hour.closed and week[hour.weekday][hour.hour * 60 + minute] == 1,
            self.hash_caller(caller) if caller else "", hour.local_date, hour.local_month, hour.weekday,
            hour.hour * 2 + (minute >= 30), key, _seconds(rings_text, "sonneries") if rings_text else None,
        )  # fmt: skip
        self.months.add(hour.local_month)
        return row

    def _start(self, cells: Sequence[str]) -> str:
        text = self._cell(cells, "started_at")
        if not text:
            raise TableError("début de l'appel vide.", column="début")
        date_text = self._cell(cells, "date")
        if date_text:
            day = normalise_datetime(date_text.split()[0] + " 00:00", column="date")[:10]
            return normalise_time(text, day, column="début")
        return normalise_datetime(text, column="début")

    def _outcome(self, cells: Sequence[str]) -> str | None:
        text = self._cell(cells, "outcome")
        if not text:
            return None
        outcome = self.outcome_values.get(text.casefold())
        if outcome is None or outcome not in CallOutcome.values:
            raise TableError(f"issue « {text} » inconnue : ajoutez-la aux valeurs de la source.", column="issue")
        return outcome

    def _table_answer(self, cells: Sequence[str], start: Moment, day: str) -> tuple[str, int | None]:
        """Answer time and wait of an answered call; the wait is unknown when neither is given."""
        text = self._cell(cells, "answered_at")
        if text:
            answer = read_moment(
                self.clock, normalise_time(text, day, column="décroché"), after=start, column="décroché"
            )
            if answer.epoch < start.epoch:
                raise TableError(f"décroché « {text} » avant le début de l'appel.", column="décroché")
            return answer.utc, answer.epoch - start.epoch
        wait_text = self._cell(cells, "wait")
        if wait_text:
            wait = parse_seconds(wait_text, unit=self.unit, column="attente")
            return utc_text(start.epoch + wait), wait
        return start.utc, None

    def _table_end(self, cells: Sequence[str], start: Moment, day: str) -> Moment | None:
        text = self._cell(cells, "ended_at")
        if not text:
            return None
        end = read_moment(self.clock, normalise_time(text, day, column="fin"), after=start, column="fin")
        if end.epoch < start.epoch and ":" in text and "/" not in text and "-" not in text:
            end = read_moment(self.clock, normalise_time(text, _next_day(day), column="fin"), column="fin")
        if end.epoch < start.epoch:
            raise TableError(f"fin « {text} » avant le début de l'appel.", column="fin")
        return end

    # After the rows ---------------------------------------------------------------------

    def take_months(self) -> set[str]:
        return self.reader.take_months() if self.reader is not None else super().take_months()

    def worker(self) -> AsteriskReader | None:
        """Master.csv can be read by a second process (plain data, no database)."""
        return AsteriskReader(self.plan) if self.is_asterisk else None

    def summarise(self, rows: list[Row]) -> None:
        """Count the chunk's calls as the summary rows do (telephony.summaries), then add them.
        Counter and itemgetter count in C: the writing process does the slower half of an import."""
        keys = list(map(STAT_OF, rows))
        talk: Counter[tuple[Any, ...]] = Counter()
        for key, seconds in zip(keys, map(TALK_OF, rows), strict=True):
            if seconds:
                talk[key] += seconds
        stats: dict[StatKey, list[int]] = {}
        for key, calls in Counter(keys).items():
            month, service_id, line_id, in_hours, outcome, wait = key
            answered = outcome == ANSWERED
            known_wait = wait if answered and wait is not None else UNKNOWN_WAIT
            entry = stats.setdefault((month, service_id, line_id or NO_LINE, in_hours, outcome, known_wait), [0, 0])
            entry[0] += calls
            entry[1] += talk[key] if answered else 0
        slots: dict[SlotKey, list[int]] = {}
        for (month, service_id, line_id, in_hours, weekday, half_hour, outcome), calls in Counter(
            map(SLOT_OF, rows)
        ).items():
            entry = slots.setdefault((month, service_id, line_id or NO_LINE, in_hours, weekday, half_hour), [0, 0])
            entry[0] += calls
            entry[1] += calls if outcome == ANSWERED else 0
        add_counts(self.organisation, stats, slots)

    def refresh(self, months: set[Any]) -> None:
        rebuild_months(self.organisation, months)

    def finished(self, months: set[Any]) -> None:
        from telephony.actions import calls_changed

        calls_changed(organisation=self.organisation, months=months)


def _seconds(text: str, column: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise TableError(f"nombre « {text} » illisible.", column=column) from None
    if not 0 <= value <= MAX_RINGS_READ:
        raise TableError(f"nombre « {text} » hors limites.", column=column)
    return value


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def register() -> None:
    register_kind(
        KindSpec(
            kind=ImportKind.CALLS,
            label="Appels téléphoniques",
            of_label="d'appels téléphoniques",
            formats=(ASTERISK_CDR, TABLE),
            fields=CALL_FIELDS,
            factory=CallImporter,
            targets=line_targets,
            command="import_calls",
            outcome_field="outcome",
            outcome_choices=tuple(CallOutcome.choices),
            line_fields=ASTERISK_LINE_FIELDS,
        )
    )
