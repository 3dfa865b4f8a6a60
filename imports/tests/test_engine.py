"""The import engine's own rules: reading files (encodings, hashes), local wall-clock times
across the clock changes, dates and durations as towns write them, line maps, and the JSON
file of a source."""

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

import imports.files
from core.models import AuditEvent
from documents.tabular import TableError
from imports import (
    ImportConfigError,
    LineMap,
    LocalClock,
    normalise_datetime,
    normalise_time,
    parse_seconds,
    read_moment,
    scan_file,
)
from imports.forms import (
    JSON_FORMAT,
    create_source,
    parse_mapping,
    source_errors,
    source_from_mapping_file,
    source_to_json,
    values_from_json,
)
from imports.models import ImportSource

ASTERISK_VALUES = {
    "kind": "calls",
    "name": "asterisk",
    "label": "Standard Asterisk",
    "file_format": "asterisk_cdr",
    "columns": {},
    "options": {},
    "line_field": "dst",
    "line_map": {"0130000001": "accueil", "*": ""},
    "all_or_nothing": False,
}


def test_scanning_a_file_gives_its_size_hash_and_encoding(tmp_path):
    utf8 = tmp_path / "a.csv"
    utf8.write_bytes("\ufeffnom;ville\nÉlodie;Sète\n".encode())
    cp1252 = tmp_path / "b.csv"
    cp1252.write_bytes(("x;y\n" * 40000 + "Élodie;Sète\n").encode("cp1252"))  # the accent comes late

    facts = scan_file(utf8)
    assert (facts.size, facts.encoding) == (len(utf8.read_bytes()), "utf-8-sig")
    assert facts.sha256 == hashlib.sha256(utf8.read_bytes()).hexdigest()
    assert scan_file(cp1252).encoding == "cp1252"


def test_a_file_scanned_in_blocks_is_told_utf8_or_mixed_across_its_ascii_blocks(tmp_path, monkeypatch):
    """ASCII blocks are not decoded; an accented letter cut in two between blocks, or a
    Windows byte after ASCII blocks that follow UTF-8 text, are still read right."""
    monkeypatch.setattr(imports.files, "SCAN_BLOCK", 16)
    split_accent = tmp_path / "a.csv"
    split_accent.write_bytes(b"x" * 15 + "é\n".encode() + b"ascii only\n" * 5)  # é's two bytes in two blocks
    assert scan_file(split_accent).encoding == "utf-8-sig"
    mixed = tmp_path / "b.csv"
    mixed.write_bytes("Évry\n".encode() + b"ascii line\n" * 9 + b"caf\xe9\n")  # line 11
    with pytest.raises(TableError, match="deux encodages") as refused:
        scan_file(mixed)
    assert refused.value.line == 11


def test_scanning_a_utf16_file_refuses_it_naming_its_encoding(tmp_path):
    utf16 = tmp_path / "c.csv"
    utf16.write_bytes("nom;ville\nÉlodie;Sète\n".encode("utf-16"))
    with pytest.raises(TableError, match="le fichier est encodé en UTF-16"):
        scan_file(utf16)


PARIS = ZoneInfo("Europe/Paris")


def OPEN_EVERY_DAY(day: dt.date) -> bool:
    return False


def test_local_times_become_utc_one_conversion_per_hour():
    clock = LocalClock(OPEN_EVERY_DAY, PARIS)
    winter = read_moment(clock, "2026-01-15 09:30:00")
    summer = read_moment(clock, "2026-07-15 09:30:00")
    assert (winter.utc, summer.utc) == ("2026-01-15 08:30:00", "2026-07-15 07:30:00")
    assert (winter.hour.local_date, winter.hour.weekday, winter.hour.hour) == ("2026-01-15", 3, 9)
    assert len(clock.hours) == 2


def test_in_the_repeated_october_hour_a_later_time_reading_earlier_takes_the_second_occurrence():
    clock = LocalClock(OPEN_EVERY_DAY, PARIS)
    start = read_moment(clock, "2026-10-25 02:59:50")
    answer = read_moment(clock, "2026-10-25 02:00:05", after=start)
    assert (start.utc, answer.utc) == ("2026-10-25 00:59:50", "2026-10-25 01:00:05")
    assert answer.epoch - start.epoch == 15
    assert read_moment(clock, "2026-10-25 02:30:00", after=read_moment(clock, "2026-10-25 02:10:00")).utc == (
        "2026-10-25 00:30:00"
    )


def test_the_skipped_march_hour_is_read_one_hour_later_as_clocks_do():
    clock = LocalClock(OPEN_EVERY_DAY, PARIS)
    assert read_moment(clock, "2026-03-29 02:30:00").utc == "2026-03-29 01:30:00"
    assert clock.hour("2026-03-29 02").hour == 3


def test_a_clock_of_la_reunion_reads_the_exchange_s_times_in_reunion_time():
    clock = LocalClock(OPEN_EVERY_DAY, ZoneInfo("Indian/Reunion"))
    morning = read_moment(clock, "2026-07-15 09:00:00")
    assert morning.utc == "2026-07-15 05:00:00"
    assert (morning.hour.local_date, morning.hour.hour) == ("2026-07-15", 9)


def test_a_clock_of_new_caledonia_puts_an_early_call_on_its_own_day():
    clock = LocalClock(OPEN_EVERY_DAY, ZoneInfo("Pacific/Noumea"))
    early = read_moment(clock, "2026-07-15 08:00:00")
    assert early.utc == "2026-07-14 21:00:00"
    assert (early.hour.local_date, early.hour.weekday) == ("2026-07-15", 2)


def test_closed_days_are_marked_on_their_hours():
    clock = LocalClock(lambda day: day == dt.date(2026, 7, 14), PARIS)
    assert clock.hour("2026-07-14 10").closed and not clock.hour("2026-07-15 10").closed


def test_dates_and_times_as_towns_write_them():
    assert normalise_datetime("02/03/2026 9:05") == "2026-03-02 09:05:00"
    assert normalise_datetime("2026-03-02T09:05:07") == "2026-03-02 09:05:07"
    assert normalise_datetime("02.03.26 09h05") == "2026-03-02 09:05:00"
    assert normalise_time("14:05", "2026-03-02") == "2026-03-02 14:05:00"
    assert normalise_time("03/03/2026 00:10", "2026-03-02") == "2026-03-03 00:10:00"
    with pytest.raises(TableError, match="« 31/02/2026 10:00 » impossibles"):
        normalise_datetime("31/02/2026 10:00")
    with pytest.raises(TableError, match="illisibles"):
        normalise_datetime("hier à midi", column="Début")


def test_durations_in_seconds_minutes_or_clock_form():
    assert parse_seconds("75") == 75
    assert parse_seconds("1:15") == 75
    assert parse_seconds("0:01:15") == 75
    assert parse_seconds("1,5", unit="min") == 90
    assert parse_seconds("2", unit="min") == 120
    with pytest.raises(TableError, match="durée « une minute » illisible"):
        parse_seconds("une minute")


def test_a_line_map_takes_exact_values_then_prefixes_then_the_default():
    resolved = LineMap({"0130000001": "a", "SIP/ec-*": "b", "*": ""}, lambda code: code.upper())
    assert resolved.get("0130000001") == "A"
    assert resolved.get("SIP/ec-000a1") == "B"
    assert resolved.get("0199") is None
    assert LineMap({"x": "a"}, str).get("y") == LineMap.REJECT
    with pytest.raises(ImportConfigError):
        LineMap({"x": "inconnu"}, lambda code: (_ for _ in ()).throw(ImportConfigError(code)))


def test_mapping_text_reads_one_value_a_line():
    assert parse_mapping("# standard\n0130000001 = accueil\nSIP/ec-* = etat-civil\n* =\n") == {
        "0130000001": "accueil",
        "SIP/ec-*": "etat-civil",
        "*": "",
    }
    with pytest.raises(ValidationError, match="Ligne 1"):
        parse_mapping("accueil")


@pytest.mark.django_db
def test_a_source_must_name_lines_or_services_of_the_town(org):
    errors = source_errors(org, ASTERISK_VALUES | {"line_map": {"0130000001": "mairie-annexe"}})
    assert "« mairie-annexe » n'est ni une ligne ni un service" in errors["line_map_text"][0]
    assert source_errors(org, ASTERISK_VALUES) == {}
    assert "line_field" in source_errors(org, ASTERISK_VALUES | {"line_field": "src"})
    assert "col_started_at" in source_errors(org, ASTERISK_VALUES | {"file_format": "table"})


@pytest.mark.django_db
def test_a_source_goes_to_json_and_back_and_is_audited(org, other_org):
    source = create_source(organisation=org, actor=None, values=ASTERISK_VALUES)
    data = source_to_json(source)
    assert data["format"] == JSON_FORMAT and data["line_map"] == {"0130000001": "accueil", "*": ""}
    assert AuditEvent.objects.filter(object_type="imports.importsource", action="create").count() == 1

    values = values_from_json(json.dumps(data))
    copy = create_source(organisation=other_org, actor=None, values=values)
    assert (copy.organisation, copy.line_field, copy.line_map) == (other_org, "dst", source.line_map)
    with pytest.raises(ValidationError, match="n'est pas une source d'import"):
        values_from_json('{"kind": "calls"}')
    with pytest.raises(ValidationError, match="Clé"):
        values_from_json(json.dumps(data | {"mot de passe": "x"}))


@pytest.mark.django_db
def test_a_mapping_file_creates_its_source_once_and_refuses_a_different_one_of_the_same_name(org, tmp_path):
    path = tmp_path / "asterisk.json"
    path.write_text(json.dumps({"format": JSON_FORMAT, "version": 1, **ASTERISK_VALUES}))
    first = source_from_mapping_file(org, path, kind="calls")
    assert source_from_mapping_file(org, path, kind="calls") == first
    assert ImportSource.objects.count() == 1
    path.write_text(json.dumps({"format": JSON_FORMAT, "version": 1, **ASTERISK_VALUES, "line_field": "dcontext"}))
    with pytest.raises(ValidationError, match="existe déjà avec une autre configuration"):
        source_from_mapping_file(org, path, kind="calls")
    with pytest.raises(ValidationError, match="pas de « tickets »"):
        source_from_mapping_file(org, path, kind="tickets")
