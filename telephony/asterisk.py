"""Reading Asterisk's Master.csv into call rows, without Django.

`CallImporter.prepare` (telephony.importing) loads from the database everything the reading
needs into an `AsteriskPlan` of plain data: the line map resolved to line and service ids with
their opening minutes, the days the town is closed, the key of the callers' hash. An
`AsteriskReader` then turns records into rows, in the binary form of imports.rows. This module
loads no model, so the command line can read and convert a file in a second process while the
first writes to the database (imports.reader_process).

The converter runs once per call of files of millions of lines: it is a closure over local
names, with times sliced from "YYYY-MM-DD HH:MM:SS" strings (one time-zone conversion per hour
of the file, imports.clock.LocalClock). The rules it applies are those of telephony.importing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from documents.tabular import TableError
from imports import (
    MAX_KEY,
    SECONDS_IN_HOUR,
    Hour,
    InsertRow,
    LineMap,
    LocalClock,
    Records,
    csv_records,
    dedupe_key,
)
from telephony.call_groups import ABANDONED, ANSWERED, BUSY, FAILED, RANK, VOICEMAIL, OpenCalls

RANK_ANSWERED, RANK_VOICEMAIL, RANK_ABANDONED = RANK[ANSWERED], RANK[VOICEMAIL], RANK[ABANDONED]

ASTERISK_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
    "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
)  # fmt: skip
(
    ACCOUNTCODE, SRC, DST, DCONTEXT, CLID, CHANNEL, DSTCHANNEL, LASTAPP, LASTDATA,
    START, ANSWER, END, DURATION, BILLSEC, DISPOSITION, AMAFLAGS, UNIQUEID, USERFIELD,
) = range(len(ASTERISK_COLUMNS))  # fmt: skip
MIN_COLUMNS = UNIQUEID  # the uniqueid and userfield columns are optional
# Asterisk 12 and later with `newcdrcolumns = yes` append peeraccount, linkedid and sequence.
PEERACCOUNT, LINKEDID, SEQUENCE = USERFIELD + 1, USERFIELD + 2, USERFIELD + 3
DISPOSITIONS = {"ANSWERED": ANSWERED, "NO ANSWER": ABANDONED, "BUSY": BUSY, "FAILED": FAILED, "CONGESTION": FAILED}
VOICEMAIL_APPS = frozenset({"voicemail", "voicemailmain"})
CALLER_CACHE = 20_000

Converter = Callable[[Sequence[str]], InsertRow | None]


def normalise_number(number: str) -> str:
    """One caller, one writing: spaces and dots dropped, +33 and 0033 written 0."""
    if number.isdigit() and not number.startswith("0033"):
        return number
    digits = re.sub(r"[^\d+]", "", number)
    if digits.startswith("+33"):
        return "0" + digits[3:]
    if digits.startswith("0033"):
        return "0" + digits[4:]
    return digits


def keyed_hasher(key: bytes) -> Callable[[str], str]:
    """number → 32 hex digits of its keyed hash: BLAKE2b in keyed mode (a MAC, RFC 7693). Same
    number, same hash under one key; irreversible without it. Keyed BLAKE2b rather than
    HMAC-SHA256 per number: a quarter of the cost on imports of millions of calls."""
    new_state = hashlib.blake2b(key=key, digest_size=16, person=b"qualipilote").copy

    def hash_caller(number: str) -> str:
        digits = number if number.isdigit() and number[:4] != "0033" else normalise_number(number)
        if not digits:
            return ""
        state = new_state()  # the key block is hashed once, not once per number
        state.update(digits.encode())
        return state.hexdigest()

    return hash_caller


def disposition_of(text: str) -> str:
    outcome = DISPOSITIONS.get(text.strip().upper())
    if outcome is None:
        raise TableError(f"issue « {text} » inconnue (ANSWERED, NO ANSWER, BUSY ou FAILED).", column="disposition")
    return outcome


def _number(text: str, column: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise TableError(f"nombre « {text} » illisible.", column=column) from None
    if value < 0:
        raise TableError(f"nombre « {text} » négatif.", column=column)
    return value


@dataclass(frozen=True)
class AsteriskPlan:
    """What reading a town's Master.csv needs, as plain data (see the module's docstring)."""

    line_index: int
    lines: LineMap  # values → (line id or None, service id, opening minutes per weekday), None, or REJECT
    closed_days: frozenset[dt.date]
    caller_key: bytes
    zone: ZoneInfo  # the town's time, in which the exchange writes its times


class AsteriskReader:
    """Turns Master.csv records into call rows, several records of one call into one row
    (telephony.call_groups), and notes the months they fall in."""

    def __init__(self, plan: AsteriskPlan) -> None:
        self.plan = plan
        self.months: set[str] = set()
        self.open_calls = OpenCalls(self.months)
        self.convert: Converter = _not_opened

    def __getstate__(self) -> dict[str, Any]:
        return {"plan": self.plan}  # the converter is made where the file is read

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["plan"])  # type: ignore[misc]

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        self.convert = asterisk_converter(self)
        return csv_records(binary, encoding, ",")

    def closed_rows(self, final: bool) -> tuple[list[InsertRow], int]:
        return self.open_calls.closed(final)

    def take_months(self) -> set[str]:
        months = set(self.months)
        self.months.clear()  # the same set: the converter holds it
        return months


def _not_opened(cells: Sequence[str]) -> InsertRow | None:
    raise RuntimeError("records() makes the converter")


Start = tuple[str, Hour, int]  # the start's "YYYY-MM-DD HH", its hour, its seconds in the hour
Moment = Callable[[str, str, Start, int], int]


def moment_reader(clock: LocalClock) -> Moment:
    """A function giving the epoch of a time of the call, never before its start across the
    clock change; the usual case, a time in the start's hour, is sliced without parsing."""
    hours_get, make_hour, seconds_get = clock.hours.get, clock.hour, SECONDS_IN_HOUR.get

    def moment(text: str, column: str, start: Start, start_epoch: int) -> int:
        offset = seconds_get(text[14:]) if text[13:14] == ":" else None
        start_key, start_hour, start_offset = start
        if text[:13] == start_key and offset is not None and offset >= start_offset:
            return start_hour.epoch + offset
        try:
            hour = hours_get(text[:13]) or make_hour(text[:13])
            if offset is None:
                raise ValueError(text)
        except ValueError:
            raise TableError(f"heure « {text} » illisible : AAAA-MM-JJ HH:MM:SS attendu.", column=column) from None
        epoch = hour.epoch + offset
        if epoch < start_epoch and hour.epoch != hour.epoch_later:  # the repeated hour of October
            epoch = hour.epoch_later + offset
        if epoch < start_epoch:
            raise TableError(f"« {text} » avant le début de l'appel.", column=column)
        return epoch

    return moment


def read_start(clock: LocalClock, text: str) -> Start:
    """The start of a call: its hour (time zone, closure, local day) and its seconds in the hour."""
    offset = SECONDS_IN_HOUR.get(text[14:]) if text[13:14] == ":" else None
    try:
        hour = clock.hours.get(text[:13]) or clock.hour(text[:13])
        if offset is None:
            raise ValueError(text)
    except ValueError:
        raise TableError(f"début « {text} » illisible : AAAA-MM-JJ HH:MM:SS attendu.", column="start") from None
    return text[:13], hour, offset


def is_voicemail(cells: Sequence[str]) -> bool:
    lastapp, dstchannel = cells[LASTAPP], cells[DSTCHANNEL]
    return (lastapp[:1] in "Vv" and lastapp.casefold() in VOICEMAIL_APPS) or (
        dstchannel[:1] in "Vv" and dstchannel[:9].casefold() == "voicemail"
    )


def answer_of(cells: Sequence[str], moment: Moment, start: Start, start_epoch: int) -> tuple[int, int]:
    """(answer epoch, talk seconds) of an answered record: from its answer time, or, when the
    exchange wrote none, from its durations (duration − billsec is the wait)."""
    if cells[ANSWER]:
        return moment(cells[ANSWER], "answer", start, start_epoch), _number(cells[BILLSEC], "billsec")
    wait = _number(cells[DURATION], "duration") - _number(cells[BILLSEC], "billsec")
    if wait < 0:
        raise TableError("billsec supérieur à duration.", column="billsec")
    return start_epoch + wait, _number(cells[BILLSEC], "billsec")


def call_key(cells: Sequence[str]) -> str:
    """The key of the call a record belongs to: "u" and its linkedid (21-column logs) or its
    uniqueid, else a hash of the record's columns (each such record is its own call)."""
    call_id = cells[LINKEDID] if len(cells) > LINKEDID and cells[LINKEDID] else ""
    if not call_id:
        call_id = cells[UNIQUEID] if len(cells) > UNIQUEID else ""
    if call_id:
        return dedupe_key("u", call_id)
    start = cells[START].replace("-", "").replace(" ", "").replace(":", "")
    return dedupe_key("h", start, *cells[:UNIQUEID])


def caller_hasher(key: bytes) -> Callable[[str], str]:
    """The keyed hash of a caller's number, with the last numbers met kept at hand."""
    hash_caller = keyed_hasher(key)
    callers: dict[str, str] = {}
    callers_get = callers.get

    def caller(src: str) -> str:
        hashed = callers_get(src)
        if hashed is None:
            if len(callers) >= CALLER_CACHE:
                callers.clear()
            hashed = callers[src] = hash_caller(src) if src else ""
        return hashed

    return caller


def asterisk_converter(reader: AsteriskReader) -> Converter:
    """The function turning one Master.csv record into its part of a call, joined into the
    reader's open calls (telephony.call_groups); the call rows come out of `reader.closed`.

    It runs once per record of files of millions of lines, so the usual case is written out
    here rather than called: a start whose hour was met before, an answer and an end in the
    start's hour (`moment_reader`'s fast path), a caller met recently. Anything else goes
    through `read_start`, `moment` and `answer_of`, which give the French reasons."""
    plan = reader.plan
    clock = LocalClock(plan.closed_days.__contains__, plan.zone)
    lines, line_index = plan.lines, plan.line_index
    lines_get, seen_get = lines.get, lines.seen.get
    line_field = ASTERISK_COLUMNS[line_index]
    moment = moment_reader(clock)
    caller = caller_hasher(plan.caller_key)
    dispositions_get = DISPOSITIONS.get
    add, open_get = reader.open_calls.add, reader.open_calls.calls.get
    ranks = RANK
    hours_get, seconds_get = clock.hours.get, SECONDS_IN_HOUR.get

    def convert(cells: Sequence[str]) -> InsertRow | None:
        if len(cells) < MIN_COLUMNS:
            raise TableError(
                f"{len(cells)} colonnes au lieu d'au moins {MIN_COLUMNS} : ce n'est pas une ligne de Master.csv."
            )
        value = cells[line_index]
        target = seen_get(value, lines)
        if target is lines:  # a value not met yet
            target = lines_get(value)
        if target.__class__ is str:  # LineMap.REJECT
            raise TableError(f"valeur « {value} » absente de la correspondance des lignes.", column=line_field)
        start_text = cells[START]
        start_key = start_text[:13]
        hour = hours_get(start_key)
        offset = seconds_get(start_text[14:]) if start_text[13:14] == ":" else None
        if hour is None or offset is None:
            start_key, hour, offset = read_start(clock, start_text)
        start_epoch = hour.epoch + offset
        outcome = dispositions_get(cells[DISPOSITION]) or disposition_of(cells[DISPOSITION])
        answer = None
        talk = rank = 0
        if outcome == ANSWERED:
            lastapp, dstchannel = cells[LASTAPP], cells[DSTCHANNEL]
            if (lastapp[:1] in "Vv" and lastapp.casefold() in VOICEMAIL_APPS) or (
                dstchannel[:1] in "Vv" and dstchannel[:9].casefold() == "voicemail"
            ):
                rank = RANK_VOICEMAIL
            elif not dstchannel:  # the exchange's own menu, queue or announcement: not a person
                rank = RANK_ABANDONED
            else:
                text = cells[ANSWER]
                seconds = seconds_get(text[14:]) if text[:13] == start_key and text[13:14] == ":" else None
                if seconds is not None and seconds >= offset:  # answered in the start's hour
                    answer = hour.epoch + seconds
                    talk = _number(cells[BILLSEC], "billsec")
                else:
                    answer, talk = answer_of(cells, moment, (start_key, hour, offset), start_epoch)
                rank = RANK_ANSWERED
        else:
            rank = ranks[outcome]
        text = cells[END]
        end: int | None = None
        if text:
            seconds = seconds_get(text[14:]) if text[:13] == start_key and text[13:14] == ":" else None
            if seconds is not None and seconds >= offset:  # ended in the start's hour
                end = hour.epoch + seconds
            else:
                end = moment(text, "end", (start_key, hour, offset), start_epoch)
        width = len(cells)  # the usual key sliced here; call_key for the rest (no id, a long one)
        call_id = (
            cells[LINKEDID] if width > LINKEDID and cells[LINKEDID] else cells[UNIQUEID] if width > UNIQUEID else ""
        )
        key = "u" + call_id if call_id and len(call_id) < MAX_KEY else call_key(cells)
        head = None
        opened = open_get(key)
        # None: a line not followed (the part still counts in its call); a part starting after
        # its open call's start gives the call nothing of its start (see call_groups.join).
        if target is not None and (opened is None or start_epoch < opened[0]):
            line_id, service_id, week = target
            minutes = offset // 60
            head = (
                line_id, service_id, not hour.closed and week[hour.weekday][hour.hour * 60 + minutes] == 1,
                caller(cells[SRC]), hour.day, hour.month_day, hour.weekday, hour.hour * 2 + (minutes >= 30),
            )  # fmt: skip
        add(key, [start_epoch, head, answer, end, talk, rank, 0])
        return None

    return convert
