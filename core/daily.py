"""The daily jobs: once per town and per day of the town's own calendar, every job of
`core.registries.DAILY_JOBS` runs, so that values whose truth depends on the date (a letter
becoming late, the current period) are true the next morning without anyone running a command.

`manage.py daily` calls `run_daily_jobs` for every town; under `--loop` it does so every few
minutes, and a town whose day has already been done is skipped at the cost of one query. A
town's run is one transaction ending with its `DailyRun` row: a failed job leaves no row, so
the next pass tries that town again; two runners at once cannot both record the same day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import DailyRun, Organisation
from core.registries import DAILY_JOBS


@dataclass(frozen=True)
class DailyOutcome:
    organisation: Organisation
    day: dt.date
    ran: bool  # False: the day had already been done
    results: dict[str, str]


def has_run(organisation: Organisation, day: dt.date) -> bool:
    return DailyRun.objects.for_org(organisation).filter(day=day).exists()


def last_run_day(organisation: Organisation, *, before: dt.date) -> dt.date | None:
    """The latest day before `before` whose jobs ran for the town, if any."""
    return (
        DailyRun.objects.for_org(organisation).filter(day__lt=before).order_by("-day").values_list("day", flat=True)
    ).first()


def run_daily_jobs(organisation: Organisation) -> DailyOutcome:
    """Run the daily jobs for the town's today, unless that day is done already."""
    day = organisation.today()
    if has_run(organisation, day):
        return DailyOutcome(organisation, day, ran=False, results={})
    try:
        with transaction.atomic():
            results = {key: str(job(organisation, day)) for key, job in DAILY_JOBS.items()}
            DailyRun.objects.create(organisation=organisation, day=day, finished_at=timezone.now(), results=results)
    except IntegrityError:  # another runner recorded the same day meanwhile: its run stands
        return DailyOutcome(organisation, day, ran=False, results={})
    return DailyOutcome(organisation, day, ran=True, results=results)


def run_for_towns(organisations: Iterable[Organisation]) -> list[DailyOutcome]:
    return [run_daily_jobs(organisation) for organisation in organisations]
