"""Several records, one call: the parts of a call that a log's records give, joined into
the call (docs/telephony.md, "Un appel, plusieurs enregistrements"), without Django.

A telephone exchange writes several records for one call (one per phone rung, one for its
voice menu or queue, one per transfer); a `queue_log` writes several events. Each record
becomes a `Part` of its call, and parts join into the call:

- the call starts at its earliest part and takes from it its line, service, local stamps,
  opening-hours judgement and caller (the number the public dialled, not a transfer's);
- it was answered by a person at the earliest part a person answered; its wait runs from the
  call's start to that answer;
- its outcome is the best of its parts: answered > voicemail > busy > abandoned > failed;
- it ended at its latest part's end; its talk is the longest conversation of its parts.

The join is commutative, associative and idempotent: parts may come in any order, an exact
duplicate changes nothing, and a call met again in a later file joins the stored call
(`join_rows`) to the same result as if both files had been one.

`OpenCalls` holds the calls of a file still open while it is read: a call closes when its
log has gone on for CLOSE_AFTER seconds without a part of it (or when more than MAX_OPEN
calls are open, the oldest first), so memory stays flat whatever the file's size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from imports import InsertRow, day_text, epoch_of_micros, micros_2000

# The values of telephony.models.CallOutcome (this module loads no model), best last.
FAILED, ABANDONED, BUSY, VOICEMAIL, ANSWERED = "failed", "abandoned", "busy", "voicemail", "answered"
OUTCOMES = (FAILED, ABANDONED, BUSY, VOICEMAIL, ANSWERED)
RANK = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}
RANK_ANSWERED = RANK[ANSWERED]
CLOSE_AFTER = 4 * 3600  # seconds of log time without a record of a call before it is closed
MAX_OPEN = 50_000  # open calls kept at most; past it the oldest is closed

# A part, as a list for speed: the fields below, by position; times in Unix seconds.
(START, HEAD, ANSWER, END, TALK, RANK_OF, SEEN) = range(7)
# HEAD: what the call takes from its earliest part besides its start, in the order of the call
# row's columns (line id, service id, in hours, caller hash, local day and month in the binary
# form of imports.rows, weekday, half-hour), or None when that part's line is not followed:
# the call is then set aside.
Part = list[Any]
Head = tuple[Any, ...] | None


def make_part(
    start: int,
    head: Head,
    rank: int,
    *,
    answer: int | None = None,
    end: int | None = None,
    talk: int = 0,
) -> Part:
    """One record's part of a call; `answer` only when a person answered in this record."""
    return [start, head, answer, end, talk, rank, 0]


def join(call: Part, part: Part) -> None:
    """Join `part` into `call` (in place): see the module's docstring."""
    if part[START] < call[START]:
        call[START], call[HEAD] = part[START], part[HEAD]
    if part[ANSWER] is not None and (call[ANSWER] is None or part[ANSWER] < call[ANSWER]):
        call[ANSWER] = part[ANSWER]
    if part[END] is not None and (call[END] is None or part[END] > call[END]):
        call[END] = part[END]
    if part[TALK] > call[TALK]:
        call[TALK] = part[TALK]
    if part[RANK_OF] > call[RANK_OF]:
        call[RANK_OF] = part[RANK_OF]


def call_row(call: Part, key: str) -> InsertRow:
    """The call row (telephony.importing.COMMON_COLUMNS, in the binary form of imports.rows)
    of a joined call whose line is followed (a HEAD). Only a part a person answered ranks
    answered, so an answered call has its answer."""
    line_id, service_id, in_hours, caller, day, month_day, weekday, half_hour = call[HEAD]
    start, end = call[START], call[END]
    if call[RANK_OF] == RANK_ANSWERED:
        answered_at, wait, talk = micros_2000(call[ANSWER]), call[ANSWER] - start, call[TALK]
    else:
        answered_at, wait, talk = None, None, 0
    return (
        line_id, service_id, micros_2000(start), answered_at, None if end is None else micros_2000(end),
        OUTCOMES[call[RANK_OF]], wait, talk, in_hours, caller, day, month_day, weekday, half_hour, key,
    )  # fmt: skip


def part_of_row(row: Sequence[Any]) -> Part:
    """A call row, from a file or as stored (both in the binary form of imports.rows), as a part."""
    (line_id, service_id, started_at, answered_at, ended_at, outcome, _wait, talk, in_hours, caller,
     day, month_day, weekday, half_hour) = row[:14]  # fmt: skip
    head = (line_id, service_id, bool(in_hours), caller, day, month_day, weekday, half_hour)
    answered = outcome == ANSWERED and answered_at is not None
    return make_part(
        epoch_of_micros(started_at),
        head,
        RANK[outcome],
        answer=epoch_of_micros(answered_at) if answered else None,
        end=None if ended_at is None else epoch_of_micros(ended_at),
        talk=talk or 0,
    )


def join_rows(stored: Sequence[Any], new: Sequence[Any], key: str) -> InsertRow:
    """A stored call row joined with a new row of the same call: the row to store."""
    call = part_of_row(stored)
    join(call, part_of_row(new))
    return call_row(call, key)


class OpenCalls:
    """The calls of a file still open while it is read (see the module's docstring). `add`
    joins a part into its call; `closed(final)` takes the rows of the calls closed since
    (all of them at the end of the file) and how many parts joined a call already open."""

    def __init__(self, months: set[str]) -> None:
        # In the order of their last part, the oldest first: an OrderedDict moves a call to the
        # end and takes the first in constant time (a dict's first item after deletions is not).
        self.calls: OrderedDict[str, Part] = OrderedDict()
        self.log_time = 0
        self.grouped = 0
        self.months = months  # the local months of the rows closed are added here

    def add(self, key: str, part: Part) -> None:
        calls = self.calls
        call = calls.get(key)
        if part[START] > self.log_time:
            self.log_time = part[START]
        if call is None:
            part[SEEN] = self.log_time
            calls[key] = part
            return
        join(call, part)
        call[SEEN] = self.log_time
        calls.move_to_end(key)
        self.grouped += 1

    def closed(self, final: bool) -> tuple[list[InsertRow], int]:
        calls = self.calls
        rows: list[InsertRow] = []
        append, popitem = rows.append, calls.popitem
        horizon = self.log_time - CLOSE_AFTER
        while calls:
            key, call = popitem(last=False)
            if not final and call[SEEN] >= horizon and len(calls) < MAX_OPEN:
                calls[key] = call
                calls.move_to_end(key, last=False)
                break
            if call[HEAD] is not None:
                append(call_row(call, key))
        self.months.update(map(day_text, {row[11] for row in rows}))
        grouped, self.grouped = self.grouped, 0
        return rows, grouped
