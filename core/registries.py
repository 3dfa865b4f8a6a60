"""Hooks through which apps offer things to apps below them, without importing upwards.

The metric registry lives in core.metrics; these are the smaller ones:
- commitment choices: `commitments` says which commitments a town follows, so that a
  complaint (an operational record) can name the one it concerns by its code;
- anonymisers: each app that keeps personal data says how to erase it once the retention
  period has passed (run by `manage.py anonymise`);
- town defaults: each app says what a new town starts with (deadline rules, visit reasons...),
  created with the town rather than when a page is first opened;
- changes listeners: the indicator engine hears which months of which records changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from core.models import Organisation, User

CommitmentChoices = Callable[[Organisation], list[tuple[str, str]]]
_commitment_choices: list[CommitmentChoices] = []


def register_commitment_choices(provider: CommitmentChoices) -> None:
    if provider not in _commitment_choices:
        _commitment_choices.append(provider)


def commitment_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(code, label) of the commitments the town follows, e.g. ("8", "8. En cas d'affluence…")."""
    choices: list[tuple[str, str]] = []
    for provider in _commitment_choices:
        choices.extend(provider(organisation))
    return choices


@dataclass(frozen=True)
class Anonymiser:
    """Erases personal data of the records closed before `closed_before`; returns how many."""

    label: str
    erase: Callable[[Organisation, dt.date, User | None], int]


_anonymisers: dict[str, Anonymiser] = {}


def register_anonymiser(key: str, anonymiser: Anonymiser) -> None:
    _anonymisers[key] = anonymiser


def anonymisers() -> list[tuple[str, Anonymiser]]:
    return sorted(_anonymisers.items())


# Creates what a new town starts with in one app (idempotent: it adds only what is missing),
# called with the town and the person who opens it (None for the system).
TownDefaults = Callable[[Organisation, User | None], object]
_town_defaults: dict[str, TownDefaults] = {}


def register_town_defaults(key: str, create: TownDefaults) -> None:
    _town_defaults[key] = create


def create_town_defaults(*, organisation: Organisation, actor: User | None) -> None:
    """Give a town the defaults of every app: called by whatever creates a town (its sites and
    services first, so that defaults naming a service find it). Pages never create them."""
    for _key, create in sorted(_town_defaults.items()):
        create(organisation, actor)


# Called with the organisation, the metric prefix of the app whose records changed (e.g.
# "telephony") and the first days of the months touched.
ChangesListener = Callable[[Organisation, str, set[dt.date]], object]
_changes_listeners: list[ChangesListener] = []


def register_changes_listener(listener: ChangesListener) -> None:
    if listener not in _changes_listeners:
        _changes_listeners.append(listener)


@dataclass
class _PendingChanges:
    """The months of one town and metric prefix to hand to the listeners once the writing
    transaction commits; later changes of the same transaction add their months to it."""

    organisation: Organisation
    metric_prefix: str
    months: set[dt.date]

    def __call__(self) -> None:
        for listener in _changes_listeners:
            listener(self.organisation, self.metric_prefix, set(self.months))


def _pending_changes(organisation: Organisation, metric_prefix: str) -> _PendingChanges | None:
    """The pending call of the current transaction for this town and prefix that the new months
    can join: one registered under every savepoint open now, so that rolling back any of them
    drops it (at worst it recomputes a month that a released inner savepoint had added)."""
    connection = transaction.get_connection()
    open_savepoints = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if (
            isinstance(callback, _PendingChanges)
            and callback.organisation.pk == organisation.pk
            and callback.metric_prefix == metric_prefix
            and open_savepoints <= savepoints
        ):
            return callback
    return None


def records_changed(*, organisation: Organisation, metric_prefix: str, months: set[dt.date]) -> None:
    """Tell the indicator engine that records behind `metric_prefix.*` metrics changed in
    these months, so that it recomputes the stored values of those months, quarters and years.

    The one rule for every app: the listeners run once the writing transaction commits (at once
    outside a transaction), so a rolled-back write recomputes nothing and a recomputation never
    holds the user's transaction. The months of several changes in one transaction are merged
    into one call per town and prefix."""
    if not months:
        return
    if transaction.get_connection().in_atomic_block:
        pending = _pending_changes(organisation, metric_prefix)
        if pending is not None:
            pending.months |= set(months)
            return
    transaction.on_commit(_PendingChanges(organisation, metric_prefix, set(months)))
