"""Closed years (ADR 0025): what a town's closing freezes, and THE guard every write path of a
record calls before changing a record of a year.

- `closed_years(organisation)`, `is_closed(organisation, year)`, `closing_of(...)`: the years
  closed now (a reopened closing no longer counts), read by pages, the indicator engine (which
  never rewrites a closed year's stored values) and the later auditor's view and evidence pack.
- `guard_change(organisation=, days=, actor=, instance=, ...)`: called with the record's own
  days (received, called, booked...: the days that decide its year, read in the town's time)
  before a change is written. A record of an open year passes without a query when every day
  falls in the town's current year (only a complete year can be closed). A record of a closed
  year: in the town's « refuser » mode (`Organisation.closed_year_changes`), a French
  `ClosedYearRefused`; in « correction » mode the change is saved and a dated `YearCorrection`
  is kept, with the reason its author must give (`CorrectionReasonRequired` until they do),
  and a `correct_after_closing` event on the record in the journal. `frozen=True` refuses in
  both modes: the year's stored values, evidence files and annual review are the frozen things
  themselves, not records that a correction could follow.
- The reason: a page posts it in the field `motif_correction`, which `includes/form_errors.html`
  shows once the guard asked for it (`core.web.show_refusal` marks the form); `org_view` hands
  the request to `correction_reason_from`, read only when a guard needs it. Code that changes
  records outside a page gives it with `with correction_reason("...")`.
- `ImportClosing`: the same rules for a file whose lines fall in a closed year (imports of
  calls, tickets, appointments, registers, survey answers): refused lines, or lines counted
  as corrections of one `YearCorrection` per file and year."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from core.audit import record_event, saved_user
from core.localtime import local_moment_text
from core.models import ClosedYearChanges, Organisation, User, YearClosing, YearCorrection

REASON_FIELD = "motif_correction"
CORRECTED = "correct_after_closing"


class ClosedYearRefused(ValidationError):
    """A change of a record of a closed year, refused (the message says which year and why)."""


class CorrectionReasonRequired(ValidationError):
    """A change of a record of a closed year, in « correction » mode, posted without its reason."""


# What the current request posted as the correction's reason (read lazily: a view may change
# how its upload is read before anything reads the body), or a reason given by code.
_REQUEST: ContextVar[HttpRequest | None] = ContextVar("closing_request", default=None)
_REASON: ContextVar[str] = ContextVar("closing_reason", default="")


@contextlib.contextmanager
def correction_reason_from(request: HttpRequest) -> Iterator[None]:
    """While a town's page runs: the reason its form posts, if a guard needs one."""
    token = _REQUEST.set(request)
    try:
        yield
    finally:
        _REQUEST.reset(token)


@contextlib.contextmanager
def correction_reason(reason: str) -> Iterator[None]:
    """The reason of the corrections made inside the block (a command, a test, the demo)."""
    token = _REASON.set(reason)
    try:
        yield
    finally:
        _REASON.reset(token)


def acting(actor: User | None) -> User | None:
    """Who makes the change: `actor`, else the person signed in on the page that makes it (an
    agent typing a paper questionnaire, which stays anonymous itself)."""
    if saved_user(actor) is not None:
        return actor
    request = _REQUEST.get()
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.pk else None


def current_reason() -> str:
    reason = _REASON.get()
    request = _REQUEST.get()
    if not reason and request is not None and request.method == "POST":
        reason = str(request.POST.get(REASON_FIELD, ""))
    return reason.strip()


# Reads


def closings_in_force(organisation: Organisation) -> models.QuerySet[YearClosing]:
    return YearClosing.objects.filter(organisation=organisation, reopened_at__isnull=True)


def closed_years(organisation: Organisation) -> set[int]:
    """The town's years closed now (one query)."""
    return set(closings_in_force(organisation).values_list("year", flat=True))


def is_closed(organisation: Organisation, year: int) -> bool:
    return closings_in_force(organisation).filter(year=year).exists()


def closing_of(organisation: Organisation, year: int) -> YearClosing | None:
    """The closing in force of `year`, if it is closed."""
    return closings_in_force(organisation).filter(year=year).first()


def last_complete_year(organisation: Organisation) -> int:
    """The latest year over in the town's own time: the latest one that may be closed."""
    return organisation.today().year - 1


def local_day(moment: dt.date | dt.datetime, organisation: Organisation) -> dt.date:
    """The day of a date, or of an aware moment read in the town's time."""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(organisation.time_zone).date()
    return moment


def closing_text(closing: YearClosing, organisation: Organisation) -> str:
    """ "l'exercice 2025, clôturé le 15/01/2026 10:04" (the town's time)"""
    return f"l'exercice {closing.year}, clôturé le {local_moment_text(closing.closed_at, organisation.time_zone)}"


def _closings_touched(organisation: Organisation, days: Iterable[dt.date | dt.datetime | None]) -> list[YearClosing]:
    """The closings in force of the years of `days`; no query when every day falls in the
    town's current year or later (only a complete year can be closed)."""
    years = {local_day(day, organisation).year for day in days if day is not None}
    current = organisation.today().year
    past = sorted(year for year in years if year < current)
    if not past:
        return []
    return list(closings_in_force(organisation).filter(year__in=past).order_by("year"))


def refusal_message(closing: YearClosing, organisation: Organisation, *, frozen: bool = False) -> str:
    text = closing_text(closing, organisation)
    if frozen:
        return (
            f"Les valeurs, justificatifs et bilan de {text}, sont figés : "
            "le responsable qualité peut rouvrir l'exercice pour les modifier."
        )
    return (
        f"Cet enregistrement appartient à {text} : il ne peut plus être modifié. "
        "Le responsable qualité peut rouvrir l'exercice, ou choisir que ces modifications soient "
        "enregistrées comme corrections datées après clôture."
    )


def reason_message(closing: YearClosing, organisation: Organisation) -> str:
    return (
        f"Cet enregistrement appartient à {closing_text(closing, organisation)} : la modification "
        "sera enregistrée comme correction datée après clôture. Indiquez-en le motif, puis enregistrez à nouveau."
    )


def _record_label(instance: models.Model | None, label: str) -> str:
    return (label or (str(instance) if instance is not None else ""))[:250]


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """Only what changed, as the journal keeps an update."""
    if before is None or after is None:
        return {"before": before, "after": after}
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {"before": {key: before.get(key) for key in changed}, "after": {key: after[key] for key in changed}}


def guard_change(
    *,
    organisation: Organisation,
    days: Iterable[dt.date | dt.datetime | None],
    actor: User | None,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    metric_prefix: str = "",
    label: str = "",
    frozen: bool = False,
) -> list[YearCorrection]:
    """THE guard of a change to a record whose own days are `days` (before and after the change:
    a record moved out of a closed year is a change of it). Nothing closed: returns []. A closed
    year: raises `ClosedYearRefused` (« refuser » mode, or `frozen`), or `CorrectionReasonRequired`
    without a reason, or keeps one `YearCorrection` per closed year and a `correct_after_closing`
    event on the record, and returns them. `instance` must be saved for the event (a new record:
    call the guard once it is saved, inside the action's transaction). `before`/`after`: the
    record's audit snapshots, kept as what changed."""
    closings = _closings_touched(organisation, days)
    if not closings:
        return []
    first, actor = closings[0], acting(actor)
    if frozen or organisation.closed_year_changes != ClosedYearChanges.CORRECTION:
        raise ClosedYearRefused(refusal_message(first, organisation, frozen=frozen))
    reason = current_reason()
    if not reason:
        raise CorrectionReasonRequired(reason_message(first, organisation))
    corrections = [
        YearCorrection.objects.create(
            organisation=organisation,
            closing=closing,
            year=closing.year,
            actor=saved_user(actor),
            object_type=instance._meta.label_lower if instance is not None else "",
            object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
            object_repr=_record_label(instance, label),
            action=action,
            changes=_changed(before, after),
            reason=reason,
            # an app's metrics are named after it ("telephony.answer_rate")
            metric_prefix=metric_prefix or (instance._meta.app_label if instance is not None else ""),
        )
        for closing in closings
    ]
    if instance is not None and instance.pk is not None:
        for correction in corrections:
            record_event(
                organisation=organisation,
                actor=actor,
                instance=instance,
                action=CORRECTED,
                after={"exercice": correction.year, "correction_step": action},
            )
    return corrections


def guard_record(
    instance: models.Model,
    *,
    days: Iterable[dt.date | dt.datetime | None],
    actor: User | None,
    action: str,
    fields: list[str] | None = None,
    before: dict[str, Any] | None = None,
    metric_prefix: str = "",
    frozen: bool = False,
) -> list[YearCorrection]:
    """`guard_change` for a record of a town's table (`instance.organisation`), its audit
    snapshot after the change read from `fields` when given."""
    from core.audit import snapshot

    after = snapshot(instance, fields) if fields is not None and instance.pk is not None else None
    return guard_change(
        organisation=instance.organisation,  # type: ignore[attr-defined]
        days=days,
        actor=actor,
        instance=instance,
        action=action,
        before=before,
        after=after,
        metric_prefix=metric_prefix,
        frozen=frozen,
    )


def without_closed_years(rows: models.QuerySet[Any], day_field: str) -> models.QuerySet[Any]:
    """The rows of a town's table whose `day_field` (a date) falls in no closed year of their
    town: what a settings change (deadline rules, the calendar) may move, a closed year's
    records staying as they were closed."""
    closed = YearClosing.objects.filter(organisation=models.OuterRef("organisation"), reopened_at__isnull=True)
    return rows.exclude(**{f"{day_field}__year__in": models.Subquery(closed.values("year"))})


# Imports: many lines at once


def _as_date(day: dt.date | str) -> dt.date:
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])


@dataclass
class ImportClosing:
    """The closed years as one import of a file sees them, read once when it starts. `split`
    sorts its rows by their day (text "YYYY-MM-DD" or a date): those of closed years are refused
    (« refuser ») or counted (`counted`, per year) to be kept as corrections by `record`, inside
    the transaction that writes them."""

    organisation: Organisation
    closings: dict[int, YearClosing] = field(default_factory=dict)
    counted: dict[int, int] = field(default_factory=dict)
    metric_prefix: str = ""  # the app whose records the file holds, named in its corrections

    @classmethod
    def of(cls, organisation: Organisation) -> ImportClosing:
        return cls(organisation, {closing.year: closing for closing in closings_in_force(organisation)})

    @property
    def corrects(self) -> bool:
        return self.organisation.closed_year_changes == ClosedYearChanges.CORRECTION

    def closing_of_day(self, day: dt.date | str | None) -> YearClosing | None:
        """The closing in force of the day's year ("YYYY-MM-DD" as an import's rows hold it)."""
        if day is None or not self.closings:
            return None
        year = day.year if isinstance(day, dt.date) else int(str(day)[:4])
        return self.closings.get(year)

    def touches(self, months: Iterable[str | dt.date]) -> bool:
        """Whether any of these months (a chunk's) falls in a closed year: cheap, before `split`."""
        return bool(self.closings) and any(self.closing_of_day(month) is not None for month in months)

    def year_refusal(self, year: int) -> str:
        """ "l'exercice 2025, clôturé le 15/01/2026 à 10:04, refuse toute modification" """
        return f"{closing_text(self.closings[year], self.organisation)}, refuse toute modification"

    def line_refusal(self, day: dt.date | str) -> str:
        """Why a line of a closed year is refused, in French."""
        shown = _as_date(day)
        return f"ligne du {shown:%d/%m/%Y} : {self.year_refusal(shown.year)}."

    def lines_refusal(self, days: list[str]) -> str:
        """Why these lines of one closed year are refused: how many, from which day to which."""
        first, last = _as_date(min(days)), _as_date(max(days))
        return (
            f"{len(days)} ligne(s) du {first:%d/%m/%Y} au {last:%d/%m/%Y} refusée(s) : {self.year_refusal(first.year)}."
        )

    def count(self, day: dt.date | str | None, rows: int = 1) -> None:
        closing = self.closing_of_day(day)
        if closing is not None:
            self.counted[closing.year] = self.counted.get(closing.year, 0) + rows

    def record(self, *, actor: User | None, instance: models.Model, label: str, metric_prefix: str = "") -> int:
        """Keep the lines counted since the last call as corrections of `instance` (the run or
        the town), one per year, then start counting again; returns how many lines."""
        total, actor = 0, acting(actor)
        reason = current_reason() or f"import du fichier « {label} »"
        for year, rows in sorted(self.counted.items()):
            if not rows:
                continue
            closing = self.closings[year]
            YearCorrection.objects.create(
                organisation=self.organisation,
                closing=closing,
                year=year,
                actor=saved_user(actor),
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                object_repr=f"fichier « {label} »"[:250],
                action="import",
                changes={"lignes": rows},
                reason=reason,
                metric_prefix=metric_prefix or self.metric_prefix,
                rows=rows,
            )
            record_event(
                organisation=self.organisation,
                actor=actor,
                instance=instance,
                action=CORRECTED,
                after={"exercice": year, "correction_step": "import", "lignes": rows},
            )
            total += rows
        self.counted = {}
        return total


# What pages show


def corrections_of(organisation: Organisation, closing: YearClosing) -> models.QuerySet[YearCorrection]:
    return YearCorrection.objects.filter(organisation=organisation, closing=closing).select_related("actor")


def record_corrections(organisation: Organisation, record: models.Model) -> list[YearCorrection]:
    """The corrections after closing of one record, newest first (a record's page). One query."""
    return list(
        YearCorrection.objects.filter(
            organisation=organisation, object_type=record._meta.label_lower, object_id=str(record.pk)
        ).select_related("actor", "closing")
    )
