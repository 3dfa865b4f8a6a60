"""Reading Asterisk's `queue_log` into call rows, without Django (see telephony.asterisk).

The file queue-statistics tools read: one event a line, `time|callid|queue|agent|event|data…`,
the time in seconds since 1970 (UTC). The events of one caller in a queue share `callid`;
they become one call keyed "q" + callid, joined as the records of Master.csv are
(telephony.call_groups), so a call whose events straddle two files joins its stored call.
The queue (third field) is the line, through the source's line map.

Hold times are the queue's own, exact to the second:
- CONNECT (holdtime|bridged uniqueid|ringtime): an agent answered after `holdtime`;
- COMPLETEAGENT, COMPLETECALLER (holdtime|calltime|position) and TRANSFER
  (extension|context|holdtime|calltime|position): the end of an answered call and its talk;
- ABANDON, EXITWITHTIMEOUT, EXITEMPTY (position|original position|waittime) and EXITWITHKEY
  (key|position|original position|waittime): the caller left the queue unanswered after
  `waittime` (abandoned: presented, not answered).
The call starts when it entered the queue (the event's time minus its wait). Other events
(ENTERQUEUE, RINGNOANSWER, agents' logins and pauses, QUEUESTART…) give nothing to count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from documents.tabular import TableError
from imports import Hour, InsertRow, LineMap, LocalClock, Records, csv_records, dedupe_key
from telephony.call_groups import ABANDONED, ANSWERED, RANK, OpenCalls, make_part

QUEUE_LOG_COLUMNS = ("time", "callid", "queue", "agent", "event")
TIME, CALLID, QUEUE, AGENT, EVENT = range(len(QUEUE_LOG_COLUMNS))
DATA = EVENT + 1
# event → (where its hold or wait time is among the data fields, whether an agent answered,
# where the talk time is, or None)
EVENTS: dict[str, tuple[int, bool, int | None]] = {
    "CONNECT": (0, True, None),
    "COMPLETEAGENT": (0, True, 1),
    "COMPLETECALLER": (0, True, 1),
    "TRANSFER": (2, True, 3),
    "ABANDON": (2, False, None),
    "EXITWITHTIMEOUT": (2, False, None),
    "EXITEMPTY": (2, False, None),
    "EXITWITHKEY": (3, False, None),
}


@dataclass(frozen=True)
class QueueLogPlan:
    """What reading a town's queue_log needs, as plain data."""

    lines: LineMap  # queue names → (line id or None, service id, opening minutes per weekday), None, or REJECT
    closed_days: frozenset[dt.date]
    zone: ZoneInfo  # the town's time: the log's UTC epochs are read in it


class QueueLogReader:
    """Turns queue_log events into call rows and notes the months they fall in."""

    def __init__(self, plan: QueueLogPlan) -> None:
        self.plan = plan
        self.months: set[str] = set()
        self.open_calls = OpenCalls(self.months)
        self.clock = LocalClock(plan.closed_days.__contains__, plan.zone)
        self.hours: dict[int, Hour] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"plan": self.plan}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["plan"])  # type: ignore[misc]

    def records(self, binary: IO[bytes], filename: str, encoding: str) -> Records:
        return csv_records(binary, encoding, "|")

    def closed_rows(self, final: bool) -> tuple[list[InsertRow], int]:
        return self.open_calls.closed(final)

    def take_months(self) -> set[str]:
        months = set(self.months)
        self.months.clear()  # the same set: the open calls hold it
        return months

    def hour_of(self, epoch: int) -> Hour:
        """The local hour of a UTC epoch (every offset of the town's zone is whole hours)."""
        found = self.hours.get(epoch // 3600)
        if found is None:
            local = dt.datetime.fromtimestamp(epoch - epoch % 3600, dt.UTC).astimezone(self.plan.zone)
            found = self.hours[epoch // 3600] = self.clock.hour(f"{local:%Y-%m-%d %H}")
        return found

    def convert(self, cells: Sequence[str]) -> InsertRow | None:
        if len(cells) <= EVENT:
            raise TableError(f"{len(cells)} champs au lieu d'au moins {DATA} : ce n'est pas une ligne de queue_log.")
        meaning = EVENTS.get(cells[EVENT].strip().upper())
        if meaning is None or cells[CALLID] in ("", "NONE"):
            return None
        waited_at, answered, talk_at = meaning
        target = self.plan.lines.get(cells[QUEUE])
        if target.__class__ is str:  # LineMap.REJECT
            raise TableError(f"file « {cells[QUEUE]} » absente de la correspondance des lignes.", column="queue")
        epoch = _number(cells[TIME], "time")
        waited = _data(cells, waited_at, "attente")
        talk = _data(cells, talk_at, "conversation") if talk_at is not None else 0
        start = epoch - talk - waited
        answer = start + waited if answered else None
        end = epoch if talk_at is not None or not answered else None  # CONNECT: the call goes on
        part = make_part(
            start,
            self._head(start, target),
            RANK[ANSWERED if answered else ABANDONED],
            answer=answer,
            end=end,
            talk=talk,
        )
        self.open_calls.add(dedupe_key("q", cells[CALLID]), part)
        return None

    def _head(self, start: int, target: Any) -> tuple[Any, ...] | None:
        if target is None:
            return None
        line_id, service_id, week = target
        hour = self.hour_of(start)
        minutes = start % 3600 // 60
        return (
            line_id, service_id, not hour.closed and week[hour.weekday][hour.hour * 60 + minutes] == 1, "",
            hour.day, hour.month_day, hour.weekday, hour.hour * 2 + (minutes >= 30),
        )  # fmt: skip


def _number(text: str, column: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise TableError(f"nombre « {text} » illisible.", column=column) from None
    if value < 0:
        raise TableError(f"nombre « {text} » négatif.", column=column)
    return value


def _data(cells: Sequence[str], position: int, column: str) -> int:
    if len(cells) <= DATA + position:
        raise TableError(f"{column} absente de l'événement {cells[EVENT]}.", column=column)
    return _number(cells[DATA + position], column)
