"""One call, several records (docs/telephony.md): phones rung at once, a voice menu or queue,
a transfer, records far apart in a file or in two files imported on different days."""

import datetime as dt

import pytest

from imports import read_chunks, runs, summary_lines
from telephony.call_groups import CLOSE_AFTER
from telephony.importing import KEY, CallImporter
from telephony.models import Call, CallOutcome
from telephony.summaries import rebuild_months
from telephony.tests.conftest import CIVIL, cdr
from telephony.tests.test_import_calls import summary_snapshot

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MARCH = dt.date(2026, 3, 1)


def the_call() -> Call:
    (only,) = Call.objects.all()
    return only


RANG_TWO_PHONES = [
    cdr("2026-03-02 09:00:00", "", "2026-03-02 09:00:20", disposition="NO ANSWER", duration=20,
        dstchannel="SIP/202-00000003", uniqueid="1772438400.1"),
    cdr("2026-03-02 09:00:00", "2026-03-02 09:00:08", "2026-03-02 09:02:08", duration=128, billsec=120,
        uniqueid="1772438400.1"),
]  # fmt: skip


def test_a_call_ringing_two_phones_is_one_call_answered_by_the_phone_that_answered(org, asterisk, write, run_import):
    result = run_import(asterisk, write("Master.csv", RANG_TWO_PHONES))

    call = the_call()
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == (CallOutcome.ANSWERED, 8, 120)
    assert call.answered_at == dt.datetime(2026, 3, 2, 8, 0, 8, tzinfo=UTC)
    run = result.run
    assert (run.rows_read, run.imported, run.duplicates, run.records_grouped, result.set_aside) == (2, 1, 0, 1, 0)
    assert "Regroupés dans un même appel : 1" in summary_lines(result)


@pytest.mark.parametrize("application", ["BackGround", "Queue", "Playback"])
def test_a_menu_or_queue_answering_at_once_then_the_caller_hanging_up_is_abandoned(
    org, asterisk, write, run_import, application
):
    menu = cdr("2026-03-02 09:00:00", "2026-03-02 09:00:01", "2026-03-02 09:00:40", duration=40, billsec=39,
               dstchannel="", lastapp=application)  # fmt: skip
    run_import(asterisk, write("Master.csv", [menu]))

    call = the_call()
    assert (call.outcome, call.answered_at, call.wait_seconds, call.talk_seconds) == (
        CallOutcome.ABANDONED, None, None, 0,
    )  # fmt: skip


def test_a_call_transferred_to_another_line_is_one_call_presented_on_the_first_line(
    org, asterisk, standard, write, run_import
):
    lines = [
        cdr("2026-03-02 09:00:00", "2026-03-02 09:00:10", "2026-03-02 09:01:10", duration=70, billsec=60),
        cdr("2026-03-02 09:01:10", "2026-03-02 09:01:20", "2026-03-02 09:04:20", duration=190, billsec=180, dst=CIVIL,
            dstchannel="SIP/301-00000009"),
    ]  # fmt: skip
    run_import(asterisk, write("Master.csv", lines))

    call = the_call()
    assert (call.line_id, call.outcome, call.wait_seconds) == (standard.pk, CallOutcome.ANSWERED, 10)
    assert call.ended_at == dt.datetime(2026, 3, 2, 8, 4, 20, tzinfo=UTC)


def test_a_transfer_with_a_new_uniqueid_stays_one_call_through_its_linkedid(org, asterisk, standard, write, run_import):
    lines = [
        cdr("2026-03-02 09:00:00", "2026-03-02 09:00:10", "2026-03-02 09:01:10", duration=70, billsec=60,
            uniqueid="1772438400.1", linkedid="1772438400.1"),
        cdr("2026-03-02 09:01:10", "2026-03-02 09:01:20", "2026-03-02 09:04:20", duration=190, billsec=180, dst=CIVIL,
            uniqueid="1772438470.2", linkedid="1772438400.1"),
    ]  # fmt: skip
    run_import(asterisk, write("Master.csv", lines))

    call = the_call()
    assert (call.line_id, call.wait_seconds, call.dedupe_key) == (standard.pk, 10, "u1772438400.1")


def test_a_menu_record_then_the_agents_record_waits_until_the_agent_answered(org, asterisk, write, run_import):
    lines = [
        cdr("2026-03-02 09:00:00", "2026-03-02 09:00:01", "2026-03-02 09:03:00", duration=180, billsec=179,
            dstchannel="", lastapp="BackGround"),
        cdr("2026-03-02 09:00:20", "2026-03-02 09:00:35", "2026-03-02 09:03:00", duration=160, billsec=145),
    ]  # fmt: skip
    run_import(asterisk, write("Master.csv", lines))

    call = the_call()
    assert (call.outcome, call.wait_seconds, call.talk_seconds) == (CallOutcome.ANSWERED, 35, 145)
    assert call.started_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the menu's time is waiting time


def test_a_call_sent_to_voicemail_after_a_busy_phone_is_voicemail(org, asterisk, write, run_import):
    lines = [
        cdr("2026-03-02 09:00:00", "2026-03-02 09:00:25", "2026-03-02 09:01:00", duration=60, billsec=35,
            lastapp="VoiceMail", uniqueid="1.1"),
        cdr("2026-03-02 09:05:00", "2026-03-02 09:05:25", "2026-03-02 09:06:00", duration=60, billsec=35,
            lastapp="VoiceMail", uniqueid="2.1"),
        cdr("2026-03-02 09:05:00", "", "2026-03-02 09:05:25", disposition="BUSY", duration=25, uniqueid="2.1"),
    ]  # fmt: skip
    run_import(asterisk, write("Master.csv", lines))

    assert Call.objects.get(dedupe_key="u1.1").outcome == CallOutcome.VOICEMAIL
    assert Call.objects.get(dedupe_key="u2.1").outcome == CallOutcome.VOICEMAIL  # voicemail beats busy


def test_records_of_one_call_far_apart_in_a_file_make_one_call(org, asterisk, write, run_import):
    others = [
        cdr(f"2026-03-02 09:{minute:02d}:00", "", f"2026-03-02 09:{minute:02d}:30", disposition="NO ANSWER",
            duration=30, uniqueid=f"9.{minute}")
        for minute in range(1, 50)
    ]  # fmt: skip
    result = run_import(asterisk, write("Master.csv", [RANG_TWO_PHONES[0], *others, RANG_TWO_PHONES[1]]))

    assert Call.objects.count() == 50 and result.run.imported == 50
    assert Call.objects.get(dedupe_key="u1772438400.1").outcome == CallOutcome.ANSWERED


def test_a_record_coming_after_its_call_was_closed_still_joins_it(org, asterisk, write, run_import):
    hours_later = dt.datetime(2026, 3, 2, 9) + dt.timedelta(seconds=CLOSE_AFTER + 3600)
    later = cdr(f"{hours_later:%Y-%m-%d %H:%M:%S}", "", f"{hours_later:%Y-%m-%d %H}:00:30", disposition="NO ANSWER",
                duration=30, uniqueid="7.7")  # fmt: skip
    run_import(asterisk, write("Master.csv", [RANG_TWO_PHONES[0], later, RANG_TWO_PHONES[1]]))

    assert Call.objects.get(dedupe_key="u1772438400.1").outcome == CallOutcome.ANSWERED
    assert Call.objects.count() == 2


def test_a_call_straddling_two_files_imported_on_different_days_joins_the_stored_call(org, asterisk, write, run_import):
    first = run_import(asterisk, write("Master-1.csv", [RANG_TWO_PHONES[0]]))
    assert (the_call().outcome, first.months) == (CallOutcome.ABANDONED, {MARCH})

    second = run_import(asterisk, write("Master-2.csv", [RANG_TWO_PHONES[1]]))

    call = the_call()
    assert (call.outcome, call.wait_seconds, call.version) == (CallOutcome.ANSWERED, 8, 1)
    run = second.run
    assert (run.rows_read, run.imported, run.duplicates, second.months) == (1, 0, 1, {MARCH})
    incremental = summary_snapshot()
    rebuild_months(org, {MARCH})
    assert summary_snapshot() == incremental
    assert [(row[4], row[6]) for row in incremental[0]] == [("answered", 1)]


def test_an_exact_duplicate_record_and_the_same_file_again_change_nothing(org, asterisk, write, run_import):
    path = write("Master.csv", [RANG_TWO_PHONES[0], RANG_TWO_PHONES[1], RANG_TWO_PHONES[1]])
    run_import(asterisk, path)
    before = (list(Call.objects.values()), summary_snapshot())

    again = run_import(asterisk, path, reread=True)

    assert (list(Call.objects.values()), summary_snapshot()) == before
    assert (the_call().talk_seconds, again.run.imported, again.run.duplicates, again.months) == (120, 0, 1, set())


def test_a_stored_call_reads_back_as_the_row_its_file_gave(org, asterisk, write, run_import):
    """A file read again compares its rows with the stored calls as they are (no call parsed
    nor joined): that holds only if a stored call reads back exactly as its file's row."""
    path = write("Master.csv", [*RANG_TWO_PHONES, cdr("2026-03-02 23:59:58", "", "2026-03-03 00:00:30",
                                                       disposition="BUSY", uniqueid="9.9", dst=CIVIL)])  # fmt: skip
    run_import(asterisk, path)
    importer = CallImporter(asterisk)
    importer.prepare()
    with path.open("rb") as binary:
        (chunk,) = read_chunks(importer, binary, path.name, "utf-8", 100)

    stored = importer._stored_calls([row[KEY] for row in chunk.rows])

    assert len(chunk.rows) == 2
    assert stored == {row[KEY]: row[:KEY] for row in chunk.rows}


def test_after_a_chunk_of_stored_calls_the_next_joins_its_records_and_adds_its_new_calls(
    org, asterisk, write, run_import, monkeypatch
):
    """Chunks of two rows: the first chunk read again is all stored, so the second goes to the
    join at once, without an insert bound to be refused: there a record joins its stored call
    and a new call is added; the third chunk, after one that added calls, is inserted."""
    monkeypatch.setattr("imports.chunks.CHUNK_ROWS", 2)
    monkeypatch.setattr("imports.chunks.SWEEP_RECORDS", 1)
    monkeypatch.setattr("telephony.call_groups.MAX_OPEN", 1)  # every call closed at the next record
    tries: list[int] = []
    monkeypatch.setattr("imports.runs.insert_all_or_none", _counting(tries, runs.insert_all_or_none))
    first, second, new, newer = (
        cdr(f"2026-03-02 10:0{minute}:00", f"2026-03-02 10:0{minute}:05", f"2026-03-02 10:0{minute}:50",
            duration=50, billsec=45, uniqueid=f"10.{minute}")
        for minute in range(4)
    )  # fmt: skip
    run_import(asterisk, write("Master-1.csv", [first, second, RANG_TWO_PHONES[0]]))

    again = run_import(asterisk, write("Master-2.csv", [first, second, RANG_TWO_PHONES[1], new, newer]))

    assert len(tries) == 2  # the first chunk and the third: the second went to the join
    call = Call.objects.get(dedupe_key="u1772438400.1")
    assert (call.outcome, call.wait_seconds) == (CallOutcome.ANSWERED, 8)
    assert Call.objects.count() == 5
    assert (again.run.imported, again.run.duplicates, again.months) == (2, 3, {MARCH})
    incremental = summary_snapshot()
    rebuild_months(org, {MARCH})
    assert summary_snapshot() == incremental


def _counting(calls: list[int], function):
    def counted(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)

    return counted
