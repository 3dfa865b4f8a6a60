"""Importing Asterisk's queue_log: exact hold times, calls left unanswered, a call whose
events straddle two files (docs/samples/queue_log, docs/imports.md)."""

import datetime as dt
from pathlib import Path

import pytest

from imports.models import ImportSource
from telephony.importing import CALLS, QUEUE_LOG
from telephony.models import Call, CallOutcome
from telephony.summaries import rebuild_months
from telephony.tests.test_import_calls import summary_snapshot

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "queue_log"


@pytest.fixture
def queue_log(org, hours, standard) -> ImportSource:
    return ImportSource.objects.create(
        organisation=org, kind=CALLS, name="files", label="Files d'attente", file_format=QUEUE_LOG,
        line_field="queue", line_map={"accueil": "standard"},
    )  # fmt: skip


def test_the_documented_sample_gives_exact_hold_times_and_unanswered_calls(org, queue_log, standard, run_import):
    result = run_import(queue_log, SAMPLE)

    assert (result.run.status, result.run.imported, result.run.rejected) == ("done", 4, 0)
    answered = Call.objects.get(dedupe_key="q1772438400.1")
    assert (answered.outcome, answered.wait_seconds, answered.talk_seconds) == (CallOutcome.ANSWERED, 12, 180)
    assert answered.started_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert answered.ended_at == dt.datetime(2026, 3, 2, 8, 3, 12, tzinfo=UTC)
    assert (answered.line_id, answered.local_date, answered.half_hour, answered.in_hours) == (
        standard.pk, dt.date(2026, 3, 2), 18, True,
    )  # fmt: skip
    left = Call.objects.exclude(outcome=CallOutcome.ANSWERED).order_by("started_at")
    assert [(call.outcome, call.wait_seconds) for call in left] == [(CallOutcome.ABANDONED, None)] * 3
    assert [call.started_at.strftime("%H:%M:%S") for call in left] == ["08:05:00", "08:06:40", "08:13:20"]


def test_a_call_whose_events_straddle_two_files_joins_the_stored_call(org, queue_log, write, run_import):
    run_import(queue_log, write("queue_log.1", ["1772438412|7.1|accueil|SIP/201|CONNECT|12|7.2|3"]))
    first = Call.objects.get()
    assert (first.outcome, first.wait_seconds, first.ended_at, first.talk_seconds) == ("answered", 12, None, 0)

    run_import(queue_log, write("queue_log.2", ["1772438592|7.1|accueil|SIP/201|COMPLETEAGENT|12|180|1"]))

    call = Call.objects.get()
    assert (call.wait_seconds, call.talk_seconds) == (12, 180)
    assert call.ended_at == dt.datetime(2026, 3, 2, 8, 3, 12, tzinfo=UTC)
    incremental = summary_snapshot()
    rebuild_months(org, {dt.date(2026, 3, 1)})
    assert summary_snapshot() == incremental


def test_an_unknown_queue_and_an_unreadable_time_are_rejected_with_a_french_reason(org, queue_log, write, run_import):
    lines = ["1772438412|7.1|compta|SIP/201|CONNECT|12|7.2|3", "hier|8.1|accueil|NONE|ABANDON|1|1|40"]
    result = run_import(queue_log, write("queue_log", lines))

    reasons = [item["reason"] for item in result.run.rejections]
    assert result.run.rejected == 2 and "compta" in reasons[0] and "hier" in reasons[1]
