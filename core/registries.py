"""The extension points: how apps offer things to apps below them without importing upwards.

Every extension point is a `Registry`: a name, items registered under a key (an app label, a
metric key), read back in key order. Apps fill them in their `AppConfig.ready()` and nowhere
else. The registries whose items are core's types live here; an app that owns the type of its
items keeps its registry beside it (`imports.kinds.KINDS`, `registers.imports.IMPORTERS`,
`registers.reminders.REMINDER_PROVIDERS`), built from the same class.

Here:
- METRICS: the measures of the indicators (core.metrics.Metric), by metric key;
- COMMITMENT_CHOICES: `commitments` says which commitments a town follows, so that a
  complaint (an operational record) can name the one it concerns by its code;
- INTERNAL_COMMITMENTS: and which of them it keeps off its public pages
  (`public_commitment_choices`: what the public complaint form offers);
- ANONYMISERS: each app that keeps personal data says how to erase it once the retention
  period has passed (run by `manage.py anonymise`);
- TOWN_DEFAULTS: each app says what a new town starts with (deadline rules, visit reasons...),
  created with the town (`create_town_defaults`) rather than when a page is first opened;
- CHANGES_LISTENERS: told which months of which metrics changed (`records_changed`);
- CALENDAR_LISTENERS: each app whose records depend on the town's calendar follows a change
  of it (`calendar_changed`): calls re-judged, due dates moved, figures recomputed;
- LANDING_PAGES: the page a member lands on in their town (`landing_page`);
- RING_CYCLE_LISTENERS: told that the town's ring cycle changed (`ring_cycle_changed`);
- TODO_LISTS: each app's lines of a home page's "À faire" (`todo_lines`);
- RECORD_PANELS: what another app holds about a record, shown on its page (`record_panels`):
  the improvement actions opened from a complaint or a missed indicator;
- DAILY_JOBS: what each app does once a day for each town so that values never go stale
  (closing yesterday's queue, an item becoming late...), run by core.daily (`manage.py daily`);
- CLOSED_REQUESTS: each app that handles citizens' requests (complaints, written requests)
  says which were closed between two days with the citizen's e-mail address
  (`closed_requests`): the surveys invite those citizens to answer a campaign;
- KIOSK_SCREENS: the public screens a paired tablet may show (reception's ticket and
  waiting-room screen, the survey's questionnaire), reached through `core.access.kiosk_view` (ADR 0023);
- EVIDENCE_EXPORTS: each app with metrics says how the records behind a figure are written in
  a closed year's evidence pack (the `evidence` app), without personal data (`records_export`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

if TYPE_CHECKING:  # this module loads no Django: the import engine's reading process uses it
    from django.db.models import Model

    from core.metrics import Measure, Metric, MetricQuery
    from core.models import KioskDevice, Membership, Organisation, User

T = TypeVar("T")


class Registry(Generic[T]):
    """Items registered under a key. Registering the same item again under its key changes
    nothing (an app may be readied twice in tests); another item under a taken key is a
    programming error."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> None:
        if key in self._items and self._items[key] != item:
            raise ValueError(f"{self.name}: {key!r} is already registered.")
        self._items[key] = item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise KeyError(f"{self.name}: unknown key {key!r}.") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def keys(self) -> list[str]:
        return sorted(self._items)

    def values(self) -> list[T]:
        return [self._items[key] for key in sorted(self._items)]

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())


METRICS: Registry[Metric] = Registry("metrics")

CommitmentChoices: TypeAlias = "Callable[[Organisation], list[tuple[str, str]]]"
COMMITMENT_CHOICES: Registry[CommitmentChoices] = Registry("commitment choices")


def commitment_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(code, label) of the commitments the town follows, e.g. ("8", "8. En cas d'affluence…")."""
    return [choice for provider in COMMITMENT_CHOICES.values() for choice in provider(organisation)]


# `commitments` says which of the commitments a town follows it keeps off its public pages
# (an internal one, such as Qualivilles 22 and 23), by the codes `commitment_choices` gives them.
InternalCommitments: TypeAlias = "Callable[[Organisation], set[str]]"
INTERNAL_COMMITMENTS: Registry[InternalCommitments] = Registry("internal commitments")


def public_commitment_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """The commitment choices a citizen may name (the public complaint form): the town's own
    choices without its internal commitments."""
    internal = {code for provider in INTERNAL_COMMITMENTS.values() for code in provider(organisation)}
    return [choice for choice in commitment_choices(organisation) if choice[0] not in internal]


@dataclass(frozen=True)
class Anonymiser:
    """Erases personal data of the records closed before `closed_before`; returns how many."""

    label: str
    erase: Callable[[Organisation, dt.date, User | None], int]


ANONYMISERS: Registry[Anonymiser] = Registry("anonymisers")

# Creates what a new town starts with in one app (idempotent: it adds only what is missing),
# called with the town and the person who opens it (None for the system).
TownDefaults: TypeAlias = "Callable[[Organisation, User | None], object]"
TOWN_DEFAULTS: Registry[TownDefaults] = Registry("town defaults")


def create_town_defaults(*, organisation: Organisation, actor: User | None) -> None:
    """Give a town the defaults of every app: called by whatever creates a town (its sites and
    services first, so that defaults naming a service find it). Pages never create them."""
    for create in TOWN_DEFAULTS.values():
        create(organisation, actor)


# Called with the organisation and, for each metric prefix whose records changed (e.g.
# "telephony"), the first days of the months touched: every prefix a transaction changed at
# once, so that the indicator engine recomputes them in one batch (ADR 0019).
ChangesListener: TypeAlias = "Callable[[Organisation, dict[str, set[dt.date]]], object]"
CHANGES_LISTENERS: Registry[ChangesListener] = Registry("changes listeners")


@dataclass
class _PendingChanges:
    """The months of one town, by metric prefix, to hand to the listeners once the writing
    transaction commits; later changes of the same transaction add their prefixes and months
    to it."""

    organisation: Organisation
    months: dict[str, set[dt.date]]

    def __call__(self) -> None:
        for listener in CHANGES_LISTENERS.values():
            listener(self.organisation, {prefix: set(months) for prefix, months in self.months.items()})


def _pending_changes(organisation: Organisation) -> _PendingChanges | None:
    """The pending call of the current transaction for this town that the new months can join:
    one registered under every savepoint open now, so that rolling back any of them drops it
    (at worst it recomputes a month that a released inner savepoint had added). Reads Django's
    list of on-commit callbacks (`run_on_commit`, the same since Django 4.2)."""
    from django.db import transaction

    connection = transaction.get_connection()
    # None marks an atomic block without a savepoint: it cannot be rolled back alone
    open_savepoints = set(connection.savepoint_ids) - {None}
    for savepoints, callback, _robust in connection.run_on_commit:
        if (
            isinstance(callback, _PendingChanges)
            and callback.organisation.pk == organisation.pk
            and open_savepoints <= savepoints
        ):
            return callback
    return None


def records_changed(*, organisation: Organisation, metric_prefix: str, months: set[dt.date]) -> None:
    """Tell the indicator engine that records behind `metric_prefix.*` metrics changed in
    these months, so that it recomputes the stored values of those months, quarters and years.

    The one rule for every app: the listeners run once the writing transaction commits (at once
    outside a transaction), so a rolled-back write recomputes nothing and a recomputation never
    holds the user's transaction. The changes of one transaction are merged into one call per
    town, months by prefix (a calendar change tells telephony and correspondence: one
    recomputation)."""
    if not months:
        return
    from django.db import transaction  # here: importing this module loads no Django

    if transaction.get_connection().in_atomic_block:
        pending = _pending_changes(organisation)
        if pending is not None:
            pending.months.setdefault(metric_prefix, set()).update(months)
            return
    transaction.on_commit(_PendingChanges(organisation, {metric_prefix: set(months)}))


@dataclass(frozen=True)
class CalendarChange:
    """What moved in a town's calendar: the days that became open or closed (a closure day
    added or removed, the public holidays that another holiday zone or the Whit Monday setting
    adds or takes away) and the services whose weekly opening hours changed (every day of
    theirs). `kind` is a code (`CALENDAR_CHANGE_KINDS`), `detail` says it in French for the
    journal ("20/07/2026 : Fermeture estivale")."""

    kind: str
    days: frozenset[dt.date] = frozenset()
    services: frozenset[int] = frozenset()
    detail: str = ""

    @property
    def description(self) -> str:
        label = CALENDAR_CHANGE_KINDS[self.kind]
        return f"{label} ({self.detail})" if self.detail else label


CALENDAR_CHANGE_KINDS = {
    "closure_added": "jour de fermeture ajouté",
    "closure_removed": "jour de fermeture retiré",
    "holiday_zone": "zone de jours fériés changée",
    "whit_monday": "lundi de Pentecôte travaillé ou non",
    "opening_hours": "horaires d'ouverture changés",
    "service_site": "service rattaché à un autre site",
}

# Follows a calendar change in one app (calls re-judged, due dates moved, their summaries and
# indicator values recomputed); returns how many records it changed.
CalendarListener: TypeAlias = "Callable[[Organisation, User | None, CalendarChange], int]"
CALENDAR_LISTENERS: Registry[CalendarListener] = Registry("calendar listeners")


def calendar_changed(*, organisation: Organisation, actor: User | None, change: CalendarChange) -> dict[str, int]:
    """THE call after the town's calendar changed (inside the changing transaction): every app
    follows it, and one `calendar_change` event on the town says what changed and how many
    records of each app moved (keys labelled in core.journal.VALUE_LABELS). Returns the counts
    by listener key."""
    from core.audit import record_event  # here: importing this module loads no Django

    moved = {key: listener(organisation, actor, change) for key, listener in CALENDAR_LISTENERS.items()}
    record_event(
        organisation=organisation,
        actor=actor,
        instance=organisation,
        action="calendar_change",
        after={"calendar_change": change.description, **moved},
    )
    return moved


# The page a member lands on in their town: each app that offers one says which for a member
# (None: nothing for them), and the last in key order that the member may open wins
# (`dashboards` after `commitments`; a tester, who opens only the grid pages, lands on the page
# that `audits` offers them). Without one, the list of the member's towns stays the home.
LandingPage: TypeAlias = "Callable[[Membership], str | None]"
LANDING_PAGES: Registry[LandingPage] = Registry("landing pages")


def landing_page(membership: Membership) -> str | None:
    """The URL a member of a town lands on, or None when no app offers one they may open
    (`core.access.may_open`: a tester is never sent to a page that answers them 404)."""
    from core.access import may_open  # here: importing this module loads no Django

    for page in reversed(LANDING_PAGES.values()):
        url = page(membership)
        if url is not None and may_open(membership, url):
            return url
    return None


# Told that a town's ring cycle (seconds per ring) changed, once the new cycle is saved, with
# the person who changed it: calls counted in rings (tallies, a table's rings column) wait
# rings × the cycle, so what was stored from the old cycle must follow.
RingCycleListener: TypeAlias = "Callable[[Organisation, User | None], object]"
RING_CYCLE_LISTENERS: Registry[RingCycleListener] = Registry("ring cycle listeners")


def ring_cycle_changed(*, organisation: Organisation, actor: User | None = None) -> None:
    """The town changed its ring cycle: every listener brings what it stored up to date."""
    for listener in RING_CYCLE_LISTENERS.values():
        listener(organisation, actor)


# Run once per town and per local day by core.daily (`manage.py daily`), in key order, with the
# town's own date that day: refresh what the passing of a day changes (reception closes the
# tickets still waiting from the days before, an item becomes late, the current period moves).
DailyJob: TypeAlias = "Callable[[Organisation, dt.date], object]"
DAILY_JOBS: Registry[DailyJob] = Registry("daily jobs")


@dataclass(frozen=True)
class TodoLine:
    """A line of a home page's "À faire": what needs doing, how many, and the page listing the
    records behind it. `urgency` orders the lines: 0 overdue, 1 due soon, 2 to know."""

    label: str
    count: int
    url: str
    urgency: int = 1

    @classmethod
    def counted(cls, count: int, one: str, many: str, url: str, urgency: int = 1) -> TodoLine:
        """A line that says how many: "1 courrier en retard", "3 courriers en retard"."""
        return cls(f"{count} {one if count == 1 else many}", count, url, urgency)


# What each app asks of a member this week (its overdue and soon-due items, the figures gone
# quiet...), given the membership and the town's today: lines whose count is 0 are not shown.
# A provider runs a fixed number of indexed queries, whatever the size of the town.
TodoProvider: TypeAlias = "Callable[[Membership, dt.date], list[TodoLine]]"
TODO_LISTS: Registry[TodoProvider] = Registry("to-do lists")


def todo_lines(membership: Membership, today: dt.date) -> list[TodoLine]:
    """Every app's lines for this member, the most urgent first, empty ones left out."""
    lines = [line for provider in TODO_LISTS.values() for line in provider(membership, today) if line.count]
    return sorted(lines, key=lambda line: line.urgency)


@dataclass(frozen=True)
class PanelLink:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class RecordPanel:
    """What another app holds about a record, shown on the record's page: the improvement
    actions opened from a complaint or a missed indicator, with the one-click form that opens
    one more (`open_url` takes a POST; empty when the member may not)."""

    title: str
    links: tuple[PanelLink, ...]
    empty: str
    open_label: str = ""
    open_url: str = ""


# Given the member looking and records of one model, each provider returns the panel of each
# record it has something to say about, by primary key, in a fixed number of queries.
RecordPanelProvider: TypeAlias = "Callable[[Membership, Sequence[Model]], dict[object, RecordPanel]]"
RECORD_PANELS: Registry[RecordPanelProvider] = Registry("record panels")


def record_panels(membership: Membership, records: Sequence[Model]) -> dict[object, list[RecordPanel]]:
    """The panels of each record (by primary key) from every app, in key order."""
    panels: dict[object, list[RecordPanel]] = {}
    for provider in RECORD_PANELS.values():
        for pk, panel in provider(membership, records).items():
            panels.setdefault(pk, []).append(panel)
    return panels


@dataclass(frozen=True)
class ClosedRequest:
    """A citizen's request closed on `closed_on`, with the one e-mail address it holds. `key`
    names it across apps and never changes ("complaints:12"), so that a request is invited at
    most once; `site_id` is the site of its service, when known."""

    key: str
    closed_on: dt.date
    email: str
    site_id: int | None = None


# Given a town and two days (both included), the requests closed between them whose citizen
# left one valid e-mail address (core.contacts.single_email_address), in a fixed number of
# queries; anonymised requests are left out.
ClosedRequestsProvider: TypeAlias = "Callable[[Organisation, dt.date, dt.date], list[ClosedRequest]]"
CLOSED_REQUESTS: Registry[ClosedRequestsProvider] = Registry("closed requests")


def closed_requests(organisation: Organisation, first: dt.date, last: dt.date) -> list[ClosedRequest]:
    """Every app's requests closed from `first` to `last`, by closing day then key."""
    found = [request for provider in CLOSED_REQUESTS.values() for request in provider(organisation, first, last)]
    return sorted(found, key=lambda request: (request.closed_on, request.key))


@dataclass(frozen=True)
class KioskScreen:
    """A public screen a paired tablet may show (core.kiosk, ADR 0023). `url_name` takes the
    town's slug; `position` orders the screens, the first one a tablet shows being its start
    screen. `invites(device, visitor, today)` says whether the screen invites the day's
    `visitor`-th visitor of the tablet's site (after taking a ticket): the survey's sampling.
    A `linked` screen is offered as a button on the tablet's other screens (« J'ai un
    rendez-vous » beside « Prendre un ticket »); the survey, reached by invitation, and the
    waiting room's TV are not."""

    label: str
    url_name: str
    position: int
    invites: Callable[[KioskDevice, int, dt.date], bool] | None = None
    linked: bool = False


KIOSK_SCREENS: Registry[KioskScreen] = Registry("kiosk screens")


@dataclass(frozen=True)
class RecordsExport:
    """How the records behind an app's figures are written in a closed year's evidence pack (the
    `evidence` app, docs/evidence-pack.md): a CSV named `name` ("demandes-ecrites"), its French
    `headers`, and `rows(query, measure)`, the records behind the figure of `query` (an
    indicator's period and params, the whole town) as `measure` gives it (None: no value). The
    rows hold NO personal data, whoever builds the pack: ids, numbers, dates, statuses,
    durations, services, outcomes (the columns an app's export gives a member without
    `Capability.PERSONAL_DATA`).

    `shared`: the rows depend on neither the metric nor its params (every call of the year, with
    what each figure counts in its columns); the pack asks them once for the whole year and
    every figure of the app links to that one file, never a copy per indicator."""

    name: str
    headers: tuple[str, ...]
    rows: Callable[[MetricQuery, Measure | None], Iterable[Sequence[object]]]
    shared: bool = False


# Keyed by metric key ("civil_registry.on_time") or by metric prefix ("civil_registry"): the key
# of a metric first, then its prefix (`records_export`). Each app registers its own from its
# AppConfig.ready(), in `<app>/evidence.py`.
EVIDENCE_EXPORTS: Registry[RecordsExport] = Registry("evidence exports")


def records_export(metric_key: str) -> RecordsExport | None:
    """The export of the records behind a metric's figures, if its app offers one."""
    for key in (metric_key, metric_key.split(".")[0]):
        if key in EVIDENCE_EXPORTS:
            return EVIDENCE_EXPORTS.get(key)
    return None


ID_BATCH = 5_000  # ids per `pk__in` query: under every database's limit of bound parameters


def id_batches(ids: Sequence[int], size: int = ID_BATCH) -> Iterator[list[int]]:
    """`ids` sorted, in slices a `pk__in` may take (SQLite refuses more than 32,766 parameters)."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
