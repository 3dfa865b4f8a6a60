"""Hooks through which apps offer things to apps below them, without importing upwards.

The metric registry lives in core.metrics; these are the smaller ones:
- commitment choices: `commitments` says which commitments a town follows, so that a
  complaint (an operational record) can name the one it concerns by its code;
- anonymisers: each app that keeps personal data says how to erase it once the retention
  period has passed (run by `manage.py anonymise`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.models import Membership, Organisation, User

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


# Called with the organisation, the metric prefix of the app whose records changed (e.g.
# "telephony") and the first days of the months touched.
ChangesListener = Callable[[Organisation, str, set[dt.date]], object]
_changes_listeners: list[ChangesListener] = []


def register_changes_listener(listener: ChangesListener) -> None:
    if listener not in _changes_listeners:
        _changes_listeners.append(listener)


def records_changed(*, organisation: Organisation, metric_prefix: str, months: set[dt.date]) -> None:
    """Tell the indicator engine that records behind `metric_prefix.*` metrics changed in
    these months, so that it recomputes the stored values of those months, quarters and years."""
    if not months:
        return
    for listener in _changes_listeners:
        listener(organisation, metric_prefix, months)


# The page a member lands on in their town (the app that owns the town's front page says
# which: `commitments` today). Without one, the list of the member's towns stays the home.
LandingPage = Callable[[Membership], str]
_landing_pages: list[LandingPage] = []


def register_landing_page(provider: LandingPage) -> None:
    if provider not in _landing_pages:
        _landing_pages.append(provider)


def landing_page(membership: Membership) -> str | None:
    """The URL a member of a town lands on, or None when no app offers one."""
    return _landing_pages[-1](membership) if _landing_pages else None


# Recomputes the stored due dates of one register after a calendar change; returns how many moved.
DueDateRecomputer = Callable[[Organisation, User | None], int]
_recomputers: dict[str, DueDateRecomputer] = {}


def register_due_date_recomputer(key: str, recomputer: DueDateRecomputer) -> None:
    """Called by each register with stored due dates, in its AppConfig.ready()."""
    _recomputers[key] = recomputer


def calendar_changed(*, organisation: Organisation, actor: User | None = None) -> dict[str, int]:
    """The town's working calendar changed: every register recomputes its stored due dates
    (and, through them, its indicator values). Returns how many moved, per register."""
    return {key: recomputer(organisation, actor) for key, recomputer in sorted(_recomputers.items())}
