"""How imported calls reach the database: on PostgreSQL a new chunk is copied once, straight
into the table; a chunk meeting calls already there goes through the staging table without
spoiling the chunk's transaction; summary counts are added in one statement per table; the
calls' foreign keys carry no per-row check in the database."""

import csv
import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from imports import insert_rows
from telephony.asterisk import AsteriskReader, asterisk_converter
from telephony.importing import CallImporter
from telephony.models import Call, CallMonthStat, CallSlotStat
from telephony.summaries import add_counts
from telephony.tests.conftest import cdr

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL writing path")

CALLS = [
    cdr("2026-03-02 09:00:00", "2026-03-02 09:00:12", "2026-03-02 09:03:12", duration=192, billsec=180,
        uniqueid="1772438400.1"),
    cdr("2026-03-02 09:05:00", "", "2026-03-02 09:05:40", disposition="NO ANSWER", duration=40,
        uniqueid="1772438700.2"),
    cdr("2026-03-02 09:06:00", "", "2026-03-02 09:06:01", disposition="BUSY", duration=1, uniqueid="1772438760.3"),
]  # fmt: skip


def rows_of(asterisk, lines):
    """The call rows the importer makes of Master.csv lines (one record per call), and its target."""
    importer = CallImporter(asterisk)
    importer.prepare()
    reader = importer.worker()
    assert isinstance(reader, AsteriskReader)
    convert = asterisk_converter(reader)
    for cells in csv.reader(lines):
        convert(cells)
    rows, _grouped = reader.closed_rows(True)
    return importer.target, rows


@on_postgresql
def test_a_new_chunk_is_copied_straight_into_the_table_without_a_staging_table(org, asterisk, write, run_import):
    with CaptureQueriesContext(connection) as queries:
        result = run_import(asterisk, write("Master.csv", CALLS))

    assert result.run.imported == Call.objects.count() == 3
    assert not [query["sql"] for query in queries.captured_queries if "staging_" in query["sql"]]


@on_postgresql
def test_a_chunk_meeting_known_calls_inserts_only_the_new_ones_and_the_transaction_goes_on(org, asterisk):
    target, rows = rows_of(asterisk, CALLS)
    with transaction.atomic():
        assert insert_rows(target, rows[:1]) == 1
        assert insert_rows(target, rows) == 2
        assert insert_rows(target, rows) == 0
        assert Call.objects.count() == 3  # the transaction is still usable after the refused copy


@on_postgresql
def test_an_error_other_than_a_known_key_still_raises(org, asterisk):
    target, rows = rows_of(asterisk, CALLS[:1])
    broken = (*rows[0][:2], rows[0][3], rows[0][2], *rows[0][4:])  # answered before it started
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(target, [broken])
    assert Call.objects.count() == 0


@on_postgresql
def test_summary_counts_are_added_in_one_statement_per_table(org, accueil):
    month = "2026-03-01"
    stats = {(month, accueil.pk, 0, True, "answered", wait): [2, 100 + wait] for wait in range(50)}
    slots = {(month, accueil.pk, 0, True, 0, half): [3, 1] for half in range(16, 36)}

    with CaptureQueriesContext(connection) as queries:
        add_counts(org, stats, slots)
        add_counts(org, stats, slots)

    assert len(queries.captured_queries) == 4
    assert all("unnest" in query["sql"] for query in queries.captured_queries)
    stat = CallMonthStat.objects.get(organisation=org, month=dt.date(2026, 3, 1), wait_seconds=7)
    assert (stat.calls, stat.talk_seconds) == (4, 214)
    assert CallSlotStat.objects.filter(organisation=org).count() == 20
    assert {(slot.calls, slot.answered) for slot in CallSlotStat.objects.filter(organisation=org)} == {(6, 2)}


def test_without_database_constraints_the_application_still_protects_a_line_with_calls(
    org, asterisk, standard, write, run_import
):
    run_import(asterisk, write("Master.csv", CALLS))

    with pytest.raises(ProtectedError):
        standard.delete()
    assert Call.objects.filter(line=standard).count() == 3


def test_the_calls_foreign_keys_carry_no_per_row_check_in_the_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Call._meta.db_table)
    assert [name for name, facts in constraints.items() if facts["foreign_key"]] == []


@on_postgresql
def test_postgresql_compares_the_calls_dedupe_keys_byte_by_byte():
    """The unique index on (organisation, dedupe_key) compares keys at every call imported:
    under "C" a comparison is a memcmp, not a locale-aware strcoll (migration 0006)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            [Call._meta.db_table, "dedupe_key"],
        )
        assert cursor.fetchone() == ("C",)
