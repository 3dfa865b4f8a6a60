"""Importing Asterisk call logs: real Master.csv lines, bad lines, the same file twice,
overlapping files, the clock changes, the caller's privacy, the summary rows, and the second
process that reads a file while this one writes."""

import contextlib
import datetime as dt
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from io import StringIO
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import imports.chunks
import imports.runs
from imports import CHUNK_ROWS, import_file
from imports.chunks import Chunk
from imports.models import ImportStatus
from imports.reader_process import PROJECT_ROOT, READER_CODE, decode_message
from telephony.importing import CallImporter, caller_hasher
from telephony.models import Call, CallMonthStat, CallOutcome, CallSlotStat
from telephony.summaries import rebuild_months
from telephony.tests.conftest import CIVIL, STANDARD, cdr

pytestmark = pytest.mark.django_db

UTC = dt.UTC

MONDAY = [
    cdr("2026-03-02 09:00:00", "2026-03-02 09:00:12", "2026-03-02 09:03:12", duration=192, billsec=180,
        uniqueid="1772438400.1"),
    cdr("2026-03-02 09:05:00", "", "2026-03-02 09:05:40", disposition="NO ANSWER", duration=40,
        uniqueid="1772438700.2"),
    cdr("2026-03-02 09:06:00", "", "2026-03-02 09:06:01", disposition="BUSY", duration=1, uniqueid="1772438760.3"),
    cdr("2026-03-02 09:10:00", "2026-03-02 09:10:25", "2026-03-02 09:11:00", duration=60, billsec=35,
        lastapp="VoiceMail", uniqueid="1772439000.4"),
    cdr("2026-03-02 14:00:00", "", "2026-03-02 14:00:03", disposition="FAILED", duration=3, dst=CIVIL,
        uniqueid="1772456400.5"),
    cdr("2026-03-02 23:59:50", "2026-03-03 00:00:05", "2026-03-03 00:02:05", duration=135, billsec=120,
        uniqueid="1772492390.6"),
    cdr("2026-03-02 10:00:00", "2026-03-02 10:00:00", "2026-03-02 10:00:30", disposition="NO ANSWER", duration=30,
        dst=CIVIL, uniqueid="1772442000.7"),
]  # fmt: skip


def call(uniqueid: str) -> Call:
    return Call.objects.get(dedupe_key=f"u{uniqueid}")


def test_real_asterisk_lines_become_calls_with_their_outcomes_waits_and_local_stamps(
    org, asterisk, standard, accueil, etat_civil, write, run_import
):
    result = run_import(asterisk, write("Master.csv", MONDAY))

    run = result.run
    assert (run.status, run.rows_read, run.imported, run.duplicates, run.rejected) == ("done", 7, 7, 0, 0)
    answered = call("1772438400.1")
    assert answered.outcome == CallOutcome.ANSWERED
    assert answered.started_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert answered.answered_at == dt.datetime(2026, 3, 2, 8, 0, 12, tzinfo=UTC)
    assert answered.ended_at == dt.datetime(2026, 3, 2, 8, 3, 12, tzinfo=UTC)
    assert (answered.wait_seconds, answered.talk_seconds, answered.in_hours) == (12, 180, True)
    assert (answered.local_date, answered.local_month, answered.weekday, answered.half_hour) == (
        dt.date(2026, 3, 2), dt.date(2026, 3, 1), 0, 18,
    )  # fmt: skip
    assert answered.line_id == standard.pk and answered.service_id == accueil.pk
    assert answered.origin == "import" and answered.source == asterisk
    assert call("1772438700.2").outcome == CallOutcome.ABANDONED and call("1772438700.2").wait_seconds is None
    assert call("1772438760.3").outcome == CallOutcome.BUSY
    voicemail = call("1772439000.4")
    assert (voicemail.outcome, voicemail.answered_at, voicemail.talk_seconds) == (CallOutcome.VOICEMAIL, None, 0)
    failed = call("1772456400.5")
    assert (failed.outcome, failed.line, failed.service_id) == (CallOutcome.FAILED, None, etat_civil.pk)
    not_answered = call("1772442000.7")
    assert (not_answered.outcome, not_answered.answered_at) == (CallOutcome.ABANDONED, None)


def test_a_call_across_midnight_belongs_to_the_day_it_started(org, asterisk, write, run_import):
    run_import(asterisk, write("Master.csv", MONDAY))

    late = call("1772492390.6")
    assert late.local_date == dt.date(2026, 3, 2)
    assert (late.wait_seconds, late.talk_seconds) == (15, 120)
    assert late.in_hours is False  # 23:59 is outside the opening hours


def test_a_call_on_the_night_of_the_october_clock_change_gets_no_negative_wait(org, asterisk, write, run_import):
    lines = [
        # Starts at 02:59:50 summer time, answered 15 s later: the clock then reads 02:00:05 again.
        cdr("2026-10-25 02:59:50", "2026-10-25 02:00:05", "2026-10-25 02:02:05", duration=135, billsec=120,
            uniqueid="1792889990.1"),
        cdr("2026-10-25 02:10:00", "2026-10-25 02:10:10", "2026-10-25 02:11:10", duration=70, billsec=60,
            uniqueid="1792887000.2"),
    ]  # fmt: skip
    result = run_import(asterisk, write("Master.csv", lines))

    assert (result.run.imported, result.run.rejected) == (2, 0)
    across = call("1792889990.1")
    assert across.started_at == dt.datetime(2026, 10, 25, 0, 59, 50, tzinfo=UTC)
    assert across.answered_at == dt.datetime(2026, 10, 25, 1, 0, 5, tzinfo=UTC)
    assert across.ended_at == dt.datetime(2026, 10, 25, 1, 2, 5, tzinfo=UTC)
    assert across.wait_seconds == 15
    assert across.local_date == dt.date(2026, 10, 25)
    assert call("1792887000.2").wait_seconds == 10
    assert Call.objects.filter(wait_seconds__lt=0).count() == 0


def test_a_call_over_the_march_clock_change_waits_its_real_time(org, asterisk, write, run_import):
    line = cdr("2026-03-29 01:59:50", "2026-03-29 03:00:05", "2026-03-29 03:01:05", duration=75, billsec=60)
    run_import(asterisk, write("Master.csv", [line]))

    only = Call.objects.get()
    assert only.wait_seconds == 15
    assert only.started_at == dt.datetime(2026, 3, 29, 0, 59, 50, tzinfo=UTC)


def test_unreadable_lines_are_rejected_with_their_line_numbers_and_the_others_imported(
    org, asterisk, write, run_import
):
    lines = [
        MONDAY[0],
        '"","0612345678","0130000001","from-trunk"',
        cdr("2026-13-45 10:00:00", uniqueid="9.1"),
        cdr("2026-03-02 11:00:00", "", "2026-03-02 11:00:09", disposition="RINGING", uniqueid="9.2"),
        cdr(
            "2026-03-02 11:00:00", "2026-03-02 10:59:00", "2026-03-02 11:01:00", duration=60, billsec=60, uniqueid="9.3"
        ),
        cdr(
            "2026-03-02 11:05:00", "", "2026-03-02 11:05:09", disposition="NO ANSWER", dst="0199999999", uniqueid="9.4"
        ),
        MONDAY[1],
    ]
    result = run_import(asterisk, write("Master.csv", lines))

    run = result.run
    assert (run.status, run.rows_read, run.imported, run.rejected) == ("done", 7, 2, 5)
    reasons = {item["line"]: item["reason"] for item in run.rejections}
    assert set(reasons) == {2, 3, 4, 5, 6}
    assert "4 colonnes" in reasons[2]
    assert "2026-13-45 10:00:00" in reasons[3] and "illisible" in reasons[3]
    assert "RINGING" in reasons[4]
    assert "avant le début" in reasons[5]
    assert "0199999999" in reasons[6] and "correspondance" in reasons[6]


def test_an_all_or_nothing_source_refuses_the_whole_file_for_one_bad_line(org, asterisk, write, run_import):
    asterisk.all_or_nothing = True
    asterisk.save()
    result = run_import(asterisk, write("Master.csv", [MONDAY[0], cdr("hier", uniqueid="9.9"), MONDAY[1]]))

    assert result.run.status == ImportStatus.FAILED
    assert "tout ou rien" in result.run.error
    assert result.run.rejections == [
        {"line": 2, "reason": "colonne « start » : début « hier » illisible : AAAA-MM-JJ HH:MM:SS attendu."}
    ]
    assert Call.objects.count() == 0 and CallMonthStat.objects.count() == 0

    fixed = run_import(asterisk, write("Master-fixed.csv", [MONDAY[0], MONDAY[1]]))
    assert (fixed.run.status, fixed.run.imported) == ("done", 2)


def test_the_same_file_twice_adds_nothing(org, asterisk, write, run_import):
    path = write("Master.csv", MONDAY)
    first = run_import(asterisk, path)
    stats_before = list(CallMonthStat.objects.order_by("pk").values_list("calls", "talk_seconds"))

    second = run_import(asterisk, path)
    again = run_import(asterisk, path, reread=True)

    assert first.run.imported == 7
    assert second.already_imported and (second.run.imported, second.run.duplicates) == (0, 7)
    assert not again.already_imported and (again.run.imported, again.run.duplicates) == (0, 7)
    assert Call.objects.count() == 7
    assert list(CallMonthStat.objects.order_by("pk").values_list("calls", "talk_seconds")) == stats_before
    assert second.months == set() and again.months == set()


def test_overlapping_files_count_each_call_once_with_or_without_uniqueid(org, asterisk, write, run_import):
    run_import(asterisk, write("semaine1.csv", MONDAY[:5]))
    overlap = run_import(asterisk, write("semaine2.csv", MONDAY[3:]))
    assert (overlap.run.imported, overlap.run.duplicates) == (2, 2)

    without_id = [line.rsplit(",", 2)[0] for line in MONDAY]  # 16 columns: no uniqueid, no userfield
    run_import(asterisk, write("a.csv", without_id[:4]))
    second = run_import(asterisk, write("b.csv", without_id[2:]))
    assert (second.run.imported, second.run.duplicates) == (3, 2)
    assert Call.objects.count() == 14


def test_summary_rows_added_per_chunk_equal_a_rebuild_from_the_calls(org, asterisk, write, run_import):
    run_import(asterisk, write("Master.csv", MONDAY))
    run_import(asterisk, write("overlap.csv", [MONDAY[0], cdr("2026-03-03 09:00:00", "2026-03-03 09:00:07",
                                                                "2026-03-03 09:01:07", duration=67, billsec=60,
                                                                uniqueid="1772524800.8")]))  # fmt: skip

    incremental = summary_snapshot()
    rebuild_months(org, {dt.date(2026, 3, 1)})
    assert summary_snapshot() == incremental
    assert sum(row[6] for row in incremental[0]) == Call.objects.count() == 8


def summary_snapshot():
    stats = CallMonthStat.objects.values_list("month", "service", "line_key", "in_hours", "outcome", "wait_seconds",
                                              "calls", "talk_seconds")  # fmt: skip
    slots = CallSlotStat.objects.values_list("month", "service", "line_key", "in_hours", "weekday", "half_hour",
                                             "calls", "answered")  # fmt: skip
    return sorted(stats), sorted(slots)


def test_caller_numbers_are_never_stored_in_clear(org, other_org, asterisk, write, run_import):
    run_import(asterisk, write("Master.csv", MONDAY))

    stored = Call.objects.order_by().values_list("caller_hash", flat=True).distinct()
    expected = caller_hasher(org)("0612345678")
    assert list(stored) == [expected] and len(expected) == 32
    assert caller_hasher(other_org)("0612345678") != expected
    assert caller_hasher(org)("+33 6 12 34 56 78") == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM telephony_call")
        assert not any("612345678" in str(value) for row in cursor.fetchall() for value in row)


def test_a_mapping_to_an_unknown_line_fails_the_run_with_a_french_message(org, asterisk, write, run_import):
    asterisk.line_map = {STANDARD: "standard", CIVIL: "mairie-annexe"}
    asterisk.save()
    result = run_import(asterisk, write("Master.csv", MONDAY))

    assert result.run.status == ImportStatus.FAILED
    assert "« mairie-annexe »" in result.run.error and "ni une ligne ni un service" in result.run.error
    assert Call.objects.count() == 0


def test_rows_of_lines_mapped_to_nothing_are_set_aside(org, asterisk, write, run_import):
    asterisk.line_map = {STANDARD: "standard", "*": ""}
    asterisk.save()
    result = run_import(asterisk, write("Master.csv", MONDAY))

    assert (result.run.imported, result.run.rejected, result.set_aside) == (5, 0, 2)


def test_only_the_first_fifty_rejections_are_kept(org, asterisk, write, run_import):
    result = run_import(asterisk, write("Master.csv", [f'"bad","line {n}"' for n in range(60)]))

    assert result.run.rejected == 60 and len(result.run.rejections) == 50
    assert result.run.rejections[-1]["line"] == 50


def test_a_cp1252_table_with_semicolons_and_french_dates_imports_through_its_mapping(
    org, hours, standard, etat_civil, write, run_import
):
    from imports.models import ImportSource
    from telephony.importing import CALLS

    source = ImportSource.objects.create(
        organisation=org, kind=CALLS, name="standard-maison", label="Standard", file_format="table",
        columns={"date": "Date", "started_at": "Heure", "wait": "Attente", "talk": "Durée", "outcome": "Résultat",
                 "line": "Numéro appelé", "caller": "Appelant"},
        options={"values": {"Répondeur": "voicemail"}}, line_map={"Accueil": "standard", "État civil": "etat-civil"},
    )  # fmt: skip
    lines = [
        "Date;Heure;Numéro appelé;Appelant;Résultat;Attente;Durée",
        "02/03/2026;09:00:00;Accueil;06 12 34 56 78;Répondu;00:00:12;00:03:00",
        "02/03/2026;09:05;État civil;;Perdu;40;0",
        "02/03/2026;09:07;Accueil;;Répondeur;25;0",
        "31/02/2026;09:09;Accueil;;Répondu;5;10",
    ]
    result = run_import(source, write("export.csv", lines, encoding="cp1252"))

    assert (result.run.imported, result.run.rejected) == (3, 1)
    assert "31/02/2026" in result.run.rejections[0]["reason"]
    answered = Call.objects.get(outcome=CallOutcome.ANSWERED)
    assert (answered.wait_seconds, answered.talk_seconds, answered.line_id) == (12, 180, standard.pk)
    assert answered.started_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert Call.objects.get(outcome=CallOutcome.ABANDONED).service_id == etat_civil.pk
    assert Call.objects.filter(outcome=CallOutcome.VOICEMAIL).count() == 1
    incremental = summary_snapshot()
    rebuild_months(org, {dt.date(2026, 3, 1)})
    assert summary_snapshot() == incremental and sum(row[6] for row in incremental[0]) == 3


def test_a_table_whose_mapped_column_is_missing_fails_with_the_columns_found(org, hours, standard, write, run_import):
    from imports.models import ImportSource
    from telephony.importing import CALLS

    source = ImportSource.objects.create(
        organisation=org, kind=CALLS, name="t", label="T", file_format="table",
        columns={"started_at": "Début"}, line_map={"*": "standard"},
    )  # fmt: skip
    result = run_import(source, write("export.csv", ["Date,Heure", "02/03/2026,09:00"]))

    assert result.run.status == ImportStatus.FAILED
    assert "« Début »" in result.run.error and "« Date »" in result.run.error and "« Heure »" in result.run.error


def test_the_command_prints_the_summary_and_the_first_rejections(org, asterisk, write):
    path = write("Master.csv", [*MONDAY, cdr("demain", uniqueid="9.1")])
    out, err = StringIO(), StringIO()
    call_command("import_calls", "--org", org.slug, "--source", "asterisk", str(path), stdout=out, stderr=err)

    text = out.getvalue()
    assert "Lignes lues : 8" in text and "Importées : 7" in text and "Rejetées : 1" in text
    assert "Déjà importées (ignorées) : 0" in text
    assert "ligne 8 : colonne « start » : début « demain » illisible" in text
    assert "100 %" in err.getvalue()

    again = StringIO()
    call_command("import_calls", "--org", org.slug, "--source", "asterisk", str(path), "--quiet", stdout=again)
    assert "Importées : 0" in again.getvalue()


def test_the_command_refuses_an_unknown_town_or_source(org, asterisk, write):
    path = write("Master.csv", MONDAY)
    with pytest.raises(CommandError, match="Organisation « nulle-part » inconnue"):
        call_command("import_calls", "--org", "nulle-part", "--source", "asterisk", str(path))
    with pytest.raises(CommandError, match=r"Source « autre » inconnue\. Sources enregistrées : asterisk"):
        call_command("import_calls", "--org", org.slug, "--source", "autre", str(path))


def test_the_reading_process_reports_an_unreadable_file_as_a_failed_run(org, asterisk, write):
    path = write("Master.csv", [MONDAY[0], '"' + "x" * 200_000 + '"', MONDAY[1]])
    out = StringIO()
    with pytest.raises(CommandError, match="fichier CSV illisible"):
        call_command("import_calls", "--org", org.slug, "--source", "asterisk", str(path), "--quiet", stdout=out)
    assert "échoué" in out.getvalue()


def test_the_reader_and_the_engine_use_the_values_of_the_models():
    import imports
    from imports.models import ImportStatus
    from telephony import asterisk

    assert (ImportStatus.DONE.value, ImportStatus.FAILED.value) == (imports.DONE, imports.FAILED)
    outcomes = (asterisk.ANSWERED, asterisk.ABANDONED, asterisk.VOICEMAIL, asterisk.BUSY, asterisk.FAILED)
    assert set(outcomes) == set(CallOutcome.values)


def test_the_reading_process_loads_neither_django_nor_a_model(org, asterisk, write):
    """The reading process runs what a `ReadingProcess` runs, with a real reader, sends its
    chunks back, then lists the modules it loaded."""
    importer = CallImporter(asterisk)
    importer.prepare()
    receiving, sending = os.pipe()
    code = f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r}); {READER_CODE}; print(*sorted(sys.modules))"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, pass_fds=(sending,), cwd="/"
    )  # from any directory: a daily job's working directory is not the project's
    os.close(sending)
    assert process.stdin is not None and process.stdout is not None
    with process.stdin as arguments:
        pickle.dump(
            (importer.worker(), str(write("Master.csv", MONDAY)), "Master.csv", "utf-8-sig", sending), arguments
        )
    with Connection(receiving) as pipe:
        chunk = decode_message(pipe.recv_bytes())
        assert decode_message(pipe.recv_bytes()) is None
    modules = process.stdout.read().decode().split()
    process.wait(timeout=30)

    assert isinstance(chunk, Chunk) and len(chunk.rows) == 7 and process.returncode == 0
    assert {"imports.reader_process", "telephony.asterisk"} <= set(modules)
    assert [name for name in modules if name.split(".")[0] == "django" or name.endswith(".models")] == []


def _many_calls(count: int) -> list[str]:
    first = dt.datetime(2026, 6, 1, 8)
    lines = []
    for index in range(count):
        start = first + dt.timedelta(minutes=index)
        answer = start + dt.timedelta(seconds=9)
        lines.append(cdr(f"{start:%Y-%m-%d %H:%M:%S}", f"{answer:%Y-%m-%d %H:%M:%S}", f"{answer:%Y-%m-%d %H:%M:%S}",
                         duration=9, billsec=0, uniqueid=f"1780000000.{index}"))  # fmt: skip
    return lines


def _reading_processes() -> dict[int, str]:
    """This process's children that run a reading process, with their state (R, S, Z…)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            if int(parent) == os.getpid() and b"reader_process_main" in (entry / "cmdline").read_bytes():
                found[int(entry.name)] = state
    return found


@contextlib.contextmanager
def _at_most(seconds: int) -> Iterator[None]:
    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError(f"toujours en cours après {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the processes in /proc")
def test_a_parallel_import_whose_writing_fails_stops_its_reading_process_at_once(org, asterisk, write, monkeypatch):
    path = write("Master.csv", _many_calls(10 * CHUNK_ROWS))  # the reading process cannot run that far ahead
    summarise = CallImporter.summarise
    seen: dict[str, Any] = {}

    def fail_on_the_second_chunk(importer: CallImporter, rows: list) -> None:
        if "first" in seen:
            seen["readers"] = _reading_processes()
            seen["failed_at"] = time.monotonic()
            raise RuntimeError("le disque est plein")
        seen["first"] = True
        summarise(importer, rows)

    monkeypatch.setattr(CallImporter, "summarise", fail_on_the_second_chunk)
    monkeypatch.setattr(imports.runs, "TRANSACTION_ROWS", CHUNK_ROWS)  # the first chunk commits alone
    with _at_most(60), pytest.raises(RuntimeError, match="le disque est plein"):
        import_file(source=asterisk, path=path, parallel=True)
    stopped_after = time.monotonic() - seen["failed_at"]

    (pid, state), *others = seen["readers"].items()
    assert others == [] and state in "RSD"  # the reading process was running when the writing failed
    assert not Path(f"/proc/{pid}").exists() and _reading_processes() == {}  # killed, and reaped
    assert not [thread for thread in threading.enumerate() if "_receive" in thread.name]
    assert stopped_after < 5  # no wait for a timeout
    run = asterisk.runs.get()
    assert run.status == ImportStatus.FAILED and "Erreur inattendue" in run.error
    # The first chunk stays, as documented (a chunk may pass CHUNK_ROWS by the calls closed at once).
    assert CHUNK_ROWS <= run.imported == Call.objects.count() < 2 * CHUNK_ROWS


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the processes in /proc")
def test_a_parallel_import_of_a_windows_1252_log_reads_it_again_in_that_encoding(org, asterisk, standard, write):
    """The reading process starts in UTF-8 before the scan; the scan finds Windows-1252, so
    that process is stopped and another reads the file as it is written."""
    asterisk.line_map = {"Sète": "standard"}
    asterisk.save()
    path = write("Master.csv", [cdr("2026-03-02 09:00:00", "2026-03-02 09:00:05", "2026-03-02 09:01:00",
                                    duration=60, billsec=55, dst="Sète")], encoding="cp1252")  # fmt: skip

    result = import_file(source=asterisk, path=path, parallel=True)

    assert (result.run.status, result.run.imported, result.run.rejected) == (ImportStatus.DONE, 1, 0)
    assert Call.objects.get().line == standard
    assert _reading_processes() == {}


def test_the_chunks_of_one_transaction_add_their_summary_counts_at_once(org, asterisk, write, monkeypatch):
    monkeypatch.setattr(imports.chunks, "CHUNK_ROWS", 100)
    monkeypatch.setattr(imports.runs, "TRANSACTION_ROWS", 1500)  # about 800 + 1,000 calls, then the rest
    path = write("Master.csv", _many_calls(3000))

    with CaptureQueriesContext(connection) as queries:
        result = import_file(source=asterisk, path=path)

    stat_writes = [query for query in queries.captured_queries if 'INTO "telephony_callmonthstat"' in query["sql"]]
    assert result.run.imported == Call.objects.count() == 3000
    assert len(stat_writes) == 2
    incremental = summary_snapshot()
    rebuild_months(org, {dt.date(2026, 6, 1)})
    assert summary_snapshot() == incremental


def test_a_failed_transaction_leaves_the_run_counting_what_was_committed(org, asterisk, write, monkeypatch):
    monkeypatch.setattr(imports.chunks, "CHUNK_ROWS", 100)
    monkeypatch.setattr(imports.runs, "TRANSACTION_ROWS", 1500)
    flush = CallImporter.flush_summaries
    flushed: list[int] = []

    def fail_on_the_second_transaction(importer: CallImporter) -> None:
        flushed.append(1)
        if len(flushed) == 2:
            raise RuntimeError("le disque est plein")
        flush(importer)

    monkeypatch.setattr(CallImporter, "flush_summaries", fail_on_the_second_transaction)
    with pytest.raises(RuntimeError, match="le disque est plein"):
        import_file(source=asterisk, path=write("Master.csv", _many_calls(3000)))

    run = asterisk.runs.get()
    assert run.status == ImportStatus.FAILED
    assert 1500 <= run.imported == Call.objects.count() < 3000  # the first transaction's calls, no more
