"""Each town's journal is one hash chain: an event stores its place in the town's chain (`seq`,
1, 2, 3, ...), the hash of the town's previous event (`prev_hash`, empty for the first) and its
own hash, computed over the previous hash and its own content. Changing a stored field,
deleting an event or reordering events breaks a link that `verify_chain` finds
(docs/adr/0017-backups-and-a-tamper-evident-journal.md).

Two writers must not give the same place to two events (a fork): on PostgreSQL the writer takes
a transaction lock per town before reading the town's last event, held until its transaction
commits; on SQLite, transactions start IMMEDIATE (settings), so writers are already serialised.
The unique constraint (organisation, seq) refuses a fork in any case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from django.db import connection

from core.models import AuditEvent

# The namespace of the per-town advisory locks (any fixed 32-bit number of our own).
LOCK_NAMESPACE = 0x4A524E4C  # "JRNL"
# Events read at a time by the verification (flat memory whatever the journal's length).
VERIFY_BATCH = 2000


def _canonical_number(value: int | float) -> int | float:
    """A JSON number as it reads back from either database: PostgreSQL's jsonb gives an integral
    float such as 1e20 back as an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return _canonical_number(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_of(event: AuditEvent) -> dict[str, Any]:
    """The fields an event's hash covers: everything it says, and its place in the chain."""
    return {
        "organisation": event.organisation_id,
        "seq": event.seq,
        "at": _stamp(event.at),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "action": event.action,
        "before": _canonical(json.loads(json.dumps(event.before))),
        "after": _canonical(json.loads(json.dumps(event.after))),
    }


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 of the previous event's hash and this event's canonical JSON content."""
    content = json.dumps(content_of(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def lock_town_chain(organisation_id: int) -> None:
    """Hold the town's chain until the current transaction ends (PostgreSQL). SQLite needs no
    lock: an IMMEDIATE transaction already holds the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, organisation_id])


def _link(events: list[AuditEvent], seq: int, prev_hash: str) -> None:
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = event_hash(event, prev_hash)


def _chain_head(organisation_id: int) -> tuple[int, str]:
    """The town's last place and hash (plain SQL: it runs for every journaled event)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, hash FROM core_auditevent WHERE organisation_id = %s ORDER BY seq DESC LIMIT 1",
            [organisation_id],
        )
        last = cursor.fetchone()
    return (last[0], last[1]) if last else (0, "")


def link_new_events(events: list[AuditEvent]) -> None:
    """Give new events their places and hashes after their towns' last events, under each
    town's lock (towns locked in id order, so two writers never wait on each other in a cycle).
    Call it inside the transaction that inserts them: `AuditEventQuerySet.bulk_create` does."""
    by_town: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_town.setdefault(event.organisation_id, []).append(event)
    for organisation_id in sorted(by_town):
        lock_town_chain(organisation_id)
        _link(by_town[organisation_id], *_chain_head(organisation_id))


@dataclasses.dataclass(frozen=True)
class Break:
    """The first link of a town's chain that does not hold, said in French."""

    seq: int
    event_id: int | None
    message: str


@dataclasses.dataclass(frozen=True)
class Verification:
    events: int
    head_seq: int
    head_hash: str
    broken: Break | None


def _ordered(organisation_id: int) -> Iterator[AuditEvent]:
    """The town's events in chain order, read by keyset pages."""
    after = -1
    while True:
        page = list(
            AuditEvent.objects.filter(organisation_id=organisation_id, seq__gt=after).order_by("seq")[:VERIFY_BATCH]
        )
        yield from page
        if len(page) < VERIFY_BATCH:
            return
        after = page[-1].seq


def _first_break(event: AuditEvent, expected_seq: int, prev_hash: str) -> Break | None:
    if event.seq != expected_seq:
        missing = f"n° {expected_seq}" if event.seq == expected_seq + 1 else f"n° {expected_seq} à {event.seq - 1}"
        return Break(expected_seq, event.id, f"maillon manquant : événement {missing} absent (supprimé ?)")
    if event.prev_hash != prev_hash:
        return Break(
            event.seq,
            event.id,
            f"maillon rompu à l'événement n° {event.seq} (id {event.id}) : il ne suit pas l'événement "
            f"n° {event.seq - 1} (supprimé, remplacé ou déplacé ?)",
        )
    if event.hash != event_hash(event, prev_hash):
        return Break(
            event.seq,
            event.id,
            f"événement n° {event.seq} (id {event.id}) modifié : son contenu ne correspond plus à son empreinte",
        )
    return None


def verify_chain(organisation_id: int) -> Verification:
    """Walk a town's chain from its first event; stop at the first broken or missing link."""
    count, seq, prev_hash = 0, 0, ""
    for event in _ordered(organisation_id):
        broken = _first_break(event, seq + 1, prev_hash)
        if broken is not None:
            return Verification(count, seq, prev_hash, broken)
        count, seq, prev_hash = count + 1, event.seq, event.hash
    return Verification(count, seq, prev_hash, None)
