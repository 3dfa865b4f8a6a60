"""Values never stale: the daily jobs (core.daily, `manage.py daily`) refresh, once per town and
per local day, the stored values whose truth depends on the date (commitments + correspondence)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments.frameworks import load_framework
from commitments.models import IndicatorValue
from core import registries
from core.daily import run_daily_jobs
from core.models import DailyRun, Organisation
from correspondence.models import Channel
from correspondence.tests.conftest import make_request  # noqa: F401

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOUMEA = ZoneInfo("Pacific/Noumea")
D = dt.date


def email_figure(town: Organisation, month: dt.date) -> tuple[float | None, float | None] | None:
    """(numerator, denominator) of 17.2 (e-mails answered on time) for the month, all services."""
    stored = IndicatorValue.objects.filter(
        organisation=town, indicator__code="17.2", period_start=month, granularity="month", service__isnull=True
    ).first()
    return None if stored is None else (stored.numerator, stored.denominator)


@pytest.fixture
def town_with_an_unanswered_email(org, make_request, time_machine):  # noqa: F811
    time_machine.move_to(dt.datetime(2026, 12, 9, 10, 0, tzinfo=PARIS), tick=False)
    load_framework(organisation=org, code="qualivilles")
    make_request(org, channel=Channel.EMAIL, received_on=D(2026, 12, 2))  # due Wednesday 9 December
    call_command("recompute_indicators", "--org", org.slug, "--period", "2026-12")
    assert email_figure(org, D(2026, 12, 1)) in (None, (0, 0))  # not due yet: not counted
    return org


def test_without_the_daily_jobs_an_unanswered_email_stays_uncounted_the_morning_after_its_due_date(
    town_with_an_unanswered_email, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 10, 7, 0, tzinfo=PARIS), tick=False)
    assert email_figure(town_with_an_unanswered_email, D(2026, 12, 1)) in (None, (0, 0))  # stale


def test_the_daily_command_counts_an_unanswered_email_late_the_morning_after_its_due_date(
    town_with_an_unanswered_email, time_machine, capsys
):
    time_machine.move_to(dt.datetime(2026, 12, 10, 7, 0, tzinfo=PARIS), tick=False)
    call_command("daily")
    assert email_figure(town_with_an_unanswered_email, D(2026, 12, 1)) == (0, 1)
    printed = capsys.readouterr().out
    assert printed.startswith("ville-test, 10/12/2026 : ") and "refresh_values_time_changes" in printed


def test_an_item_due_on_the_last_day_of_a_month_makes_that_month_late_on_the_first(
    org,
    make_request,  # noqa: F811
    time_machine,
):
    time_machine.move_to(dt.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS), tick=False)
    load_framework(organisation=org, code="qualivilles")
    make_request(org, channel=Channel.EMAIL, received_on=D(2026, 11, 23))  # due Monday 30 November
    call_command("daily")
    assert email_figure(org, D(2026, 11, 1)) in (None, (0, 0))
    time_machine.move_to(dt.datetime(2026, 12, 1, 6, 0, tzinfo=PARIS), tick=False)
    call_command("daily")
    assert email_figure(org, D(2026, 11, 1)) == (0, 1)


def test_days_missed_by_the_runner_are_caught_up_on_its_next_run(org, make_request, time_machine):  # noqa: F811
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, 0, tzinfo=PARIS), tick=False)
    load_framework(organisation=org, code="qualivilles")
    call_command("daily")
    make_request(org, channel=Channel.EMAIL, received_on=D(2026, 11, 23))  # due 30 November
    time_machine.move_to(dt.datetime(2026, 12, 3, 10, 0, tzinfo=PARIS), tick=False)  # the server was off
    call_command("daily")
    assert email_figure(org, D(2026, 11, 1)) == (0, 1)


def test_the_jobs_run_once_per_town_and_local_day(org, time_machine):
    calls: list[tuple[str, dt.date]] = []
    registries.DAILY_JOBS.register("test_probe", lambda town, day: calls.append((town.slug, day)))
    try:
        time_machine.move_to(dt.datetime(2026, 12, 10, 7, 0, tzinfo=PARIS), tick=False)
        assert run_daily_jobs(org).ran
        assert not run_daily_jobs(org).ran
        time_machine.move_to(dt.datetime(2026, 12, 11, 0, 5, tzinfo=PARIS), tick=False)
        assert run_daily_jobs(org).ran
    finally:
        registries.DAILY_JOBS.unregister("test_probe")
    assert calls == [("ville-test", D(2026, 12, 10)), ("ville-test", D(2026, 12, 11))]
    assert list(DailyRun.objects.for_org(org).values_list("day", flat=True)) == [D(2026, 12, 11), D(2026, 12, 10)]


def test_a_town_of_new_caledonia_starts_its_day_by_its_own_clock(org, time_machine):
    org.holiday_zone = "NC"
    org.save()
    # 23:30 in Paris on 9 December is 09:30 on 10 December in Nouméa.
    time_machine.move_to(dt.datetime(2026, 12, 9, 23, 30, tzinfo=PARIS), tick=False)
    assert run_daily_jobs(org).day == D(2026, 12, 10)


def test_a_failing_job_records_no_run_so_the_next_pass_tries_again(org, other_org, time_machine, capsys):
    def fail_for_test_town(town: Organisation, day: dt.date) -> None:
        if town.slug == "ville-test":
            raise RuntimeError("boom")

    registries.DAILY_JOBS.register("test_failing", fail_for_test_town)
    try:
        time_machine.move_to(dt.datetime(2026, 12, 10, 7, 0, tzinfo=PARIS), tick=False)
        with pytest.raises(CommandError, match="ville-test"):
            call_command("daily")
    finally:
        registries.DAILY_JOBS.unregister("test_failing")
    assert not DailyRun.objects.filter(organisation=org).exists()
    assert DailyRun.objects.filter(organisation=other_org).exists()
    assert "échec des tâches quotidiennes (RuntimeError)" in capsys.readouterr().err


def test_the_loop_runs_a_pass_then_sleeps_the_given_seconds(org, time_machine, monkeypatch, capsys):
    time_machine.move_to(dt.datetime(2026, 12, 10, 7, 0, tzinfo=PARIS), tick=False)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("core.management.commands.daily.time.sleep", sleep)
    # The test's transaction holds the connection: PostgreSQL's would be closed between passes.
    monkeypatch.setattr("core.management.commands.daily.close_old_connections", lambda: None)
    call_command("daily", "--loop", "--every", "120", "--org", org.slug)
    output = capsys.readouterr().out
    assert slept == [120, 120]
    assert "ville-test, 10/12/2026 : déjà fait." in output
    assert "Arrêt des tâches quotidiennes." in output


def test_an_unknown_town_or_a_too_short_interval_is_refused_in_french(org):
    with pytest.raises(CommandError, match="Organisation « nulle-part » introuvable"):
        call_command("daily", "--org", "nulle-part")
    with pytest.raises(CommandError, match="au moins 60 secondes"):
        call_command("daily", "--loop", "--every", "5")
