"""Importing another booking tool's appointments through the shared engine: a table through
its column mapping, an .ics calendar event by event (docs/imports.md, « Rendez-vous »)."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from appointments import importing
from appointments.actions import apply_step, close_past_days
from appointments.importing import APPOINTMENTS, ICS, file_prevails
from appointments.metrics import on_time, punctuality
from appointments.models import Appointment, AppointmentEvent, AppointmentKind, AppointmentStatus
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from imports import import_file
from imports.models import ImportRun, ImportSource, ImportStatus

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
IMPORTED_AT = dt.datetime(2026, 4, 1, 7, tzinfo=UTC)
S = AppointmentStatus

TABLE_COLUMNS = {
    "id": "Référence",
    "date": "Date",
    "scheduled_at": "Heure",
    "duration": "Durée",
    "line": "Agenda",
    "kind": "Motif",
    "status": "Statut",
    "arrived_at": "Arrivée",
    "started_at": "Prise en charge",
    "ended_at": "Fin",
}
HEADER = "Référence;Date;Heure;Durée;Agenda;Motif;Statut;Arrivée;Prise en charge;Fin"


@pytest.fixture(autouse=True)
def registered():
    importing.register()


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(IMPORTED_AT, tick=False)


@pytest.fixture
def table_source(org):
    return ImportSource.objects.create(
        organisation=org,
        kind=APPOINTMENTS,
        name="synbird",
        label="Synbird",
        columns=TABLE_COLUMNS,
        options={"duration_unit": "min"},
        line_map={"État civil": "etat-civil"},
    )


@pytest.fixture
def calendar_source(org):
    return ImportSource.objects.create(
        organisation=org,
        kind=APPOINTMENTS,
        name="agenda",
        label="Agenda partagé",
        file_format=ICS,
        line_field="categories",
        line_map={"État civil": "etat-civil"},
    )


@pytest.fixture
def write(tmp_path):
    def make(name, lines, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
        return path

    return make


def calendar(*events, zones=()):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Essai//FR", *zones]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return [*lines, "END:VCALENDAR"]


def event(uid, start, *more, summary="Carte d'identité ou passeport", category="État civil"):
    return [f"UID:{uid}", start, f"SUMMARY:{summary}", f"CATEGORIES:{category}", *more]


def paris(month, day, hour, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def rejections(run):
    return {item["line"]: item["reason"] for item in run.rejections}


# Tables ---------------------------------------------------------------------------------------


def test_the_documented_table_sample_fills_appointments_with_their_kind_state_and_counter_times(
    org, registry, identity_card, table_source
):
    result = import_file(source=table_source, path=SAMPLES / "rendez-vous.csv")

    run = result.run
    assert (run.status, run.rows_read, run.imported, run.rejected) == ("done", 4, 4, 0)
    done = Appointment.objects.get(number="R-1041")
    assert (done.scheduled_at, done.ends_at) == (paris(3, 2, 9), paris(3, 2, 9, 20))
    assert (done.arrived_at, done.started_at, done.ended_at) == (
        paris(3, 2, 8, 52),
        paris(3, 2, 9, 4),
        paris(3, 2, 9, 21),
    )
    assert (done.status, done.kind, done.service, done.site_id) == (S.DONE, identity_card, registry, registry.site_id)
    assert (done.local_date, done.local_month) == (dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert (done.channel, done.seat, done.source, done.version) == ("imported", None, table_source, 0)
    assert (done.citizen_name, done.citizen_email, done.citizen_phone, done.manage_token_hash) == ("", "", "", "")
    assert done.booked_at == IMPORTED_AT and done.booked_by is None
    assert Appointment.objects.get(number="R-1043").status == S.NO_SHOW
    cancelled = Appointment.objects.get(number="R-1044")
    assert (cancelled.status, cancelled.cancelled_at, cancelled.kind) == (
        S.CANCELLED,
        IMPORTED_AT,
        None,
    )  # no such kind
    assert cancelled.ends_at - cancelled.scheduled_at == dt.timedelta(minutes=30)
    assert result.months == {dt.date(2026, 3, 1)}


def test_indicator_9_1_counts_imported_rows_by_their_arrival_and_start(org, identity_card, table_source, write):
    path = write(
        "export.csv",
        [
            HEADER,
            "A1;02/03/2026;09:00;20;État civil;;Honoré;08:50;09:05;09:20",  # on time (5 min late, tolerance 10)
            "A2;02/03/2026;09:20;20;État civil;;Honoré;09:15;09:45;10:00",  # there in time, received 25 min late
            "A3;02/03/2026;09:40;20;État civil;;Honoré;09:58;10:00;10:15",  # arrived 18 min late
            "A4;02/03/2026;10:00;20;État civil;;Absent;;;",  # no-show
            "A5;02/03/2026;10:20;20;État civil;;Annulé;;;",  # counts nowhere
            "A6;03/03/2026;09:00;;État civil;;;09:01;09:02;",  # no state: started, so done
        ],
    )
    import_file(source=table_source, path=path)

    ids = {appointment.number: appointment.pk for appointment in Appointment.objects.all()}
    query = MetricQuery(organisation=org, period=Period.parse("2026-03"), params={"tolerance_minutes": 10})
    counted = punctuality(query)
    assert counted.on_time == (ids["A1"], ids["A6"])
    assert counted.late == (ids["A2"],)
    assert counted.arrived_late == (ids["A3"],)
    assert counted.no_shows == (ids["A4"],)
    measure = on_time(query)
    assert measure is not None
    assert (measure.numerator, measure.denominator) == (2, 3)


def test_bad_rows_are_rejected_in_french_with_their_line_and_column(org, identity_card, table_source, write):
    path = write(
        "export.csv",
        [
            HEADER,
            "B1;31/02/2026;09:00;20;État civil;;;;;",
            "B2;02/03/2026;09:00;20;Mairie annexe;;;;;",
            ";02/03/2026;09:00;20;État civil;;;;;",
            "B4;02/03/2026;09:00;20;État civil;;Reporté;;;",
            "B5;02/03/2026;09:00;20;État civil;;Absent;08:55;;",
            "B6;02/03/2026;09:00;20;État civil;;;09:10;09:05;",
            "B7;02/03/2026;09:00;00:20;État civil;;;;;",
            "B8;02/03/2026;09:00;20;État civil;;;;;09:30",
            "B9;02/03/2026;09:00;20;État civil;;;;;",
        ],
        encoding="cp1252",
    )
    result = import_file(source=table_source, path=path)

    assert (result.run.imported, result.run.rejected) == (1, 8)
    reasons = rejections(result.run)
    assert (
        reasons[2]
        == "colonne « date » : date et heure « 31/02/2026 00:00 » impossibles (jour, mois ou heure hors limites)."
    )
    assert "« Mairie annexe » absente de la correspondance des services" in reasons[3]
    assert reasons[4] == "colonne « identifiant » : identifiant du rendez-vous vide."
    assert "état « Reporté » inconnu" in reasons[5]
    assert "état « Absent » alors qu'une arrivée" in reasons[6]
    assert "précède l'arrivée de l'usager" in reasons[7]
    assert "de moins d'une minute" in reasons[8]
    assert "fin du rendez-vous notée sans son début" in reasons[9]


def test_an_all_or_nothing_source_refuses_a_file_with_one_bad_row_and_writes_nothing(
    org, identity_card, table_source, write
):
    table_source.all_or_nothing = True
    table_source.save()
    path = write("export.csv", [HEADER, "C1;02/03/2026;09:00;20;État civil;;;;;", "C2;02/03/2026;;20;État civil;;;;;"])
    result = import_file(source=table_source, path=path)

    assert result.run.status == ImportStatus.FAILED
    assert Appointment.objects.count() == 0


def test_a_mapping_to_another_towns_service_fails_the_run_and_writes_nothing(other_org, write):
    source = ImportSource.objects.create(
        organisation=other_org,
        kind=APPOINTMENTS,
        name="synbird",
        label="Synbird",
        columns=TABLE_COLUMNS,
        line_map={"État civil": "etat-civil"},  # exported by a town that has this service
    )
    path = write("export.csv", [HEADER, "D1;02/03/2026;09:00;20;État civil;;;;;"])
    result = import_file(source=source, path=path)

    assert result.run.status == ImportStatus.FAILED
    assert result.run.error == "La correspondance renvoie vers « etat-civil », qui n'est pas un service de la ville."
    assert Appointment.objects.count() == 0


def test_the_source_values_add_the_tools_own_state_words(org, identity_card, table_source, write):
    table_source.options = {"duration_unit": "min", "values": {"RDV honoré (usager reçu)": "done"}}
    table_source.save()
    path = write("export.csv", [HEADER, "E1;02/03/2026;09:00;20;État civil;;RDV honoré (usager reçu);;;"])
    import_file(source=table_source, path=path)

    assert Appointment.objects.get().status == S.DONE


# Calendars ------------------------------------------------------------------------------------


def test_the_documented_calendar_sample_imports_two_appointments_and_refuses_the_whole_day_event(
    org, registry, identity_card, calendar_source
):
    result = import_file(source=calendar_source, path=SAMPLES / "rendez-vous.ics")

    run = result.run
    assert (run.status, run.rows_read, run.imported, run.rejected) == ("done", 3, 2, 1)
    assert rejections(run) == {
        26: "colonne « DTSTART » : événement sur la journée entière (« 03/03/2026 », sans heure) : "
        "un rendez-vous a une heure."
    }
    booked = Appointment.objects.get(status=S.BOOKED)
    assert (booked.scheduled_at, booked.ends_at, booked.kind) == (paris(3, 2, 9), paris(3, 2, 9, 20), identity_card)
    assert booked.number == ""  # a UID longer than a number: the list shows none
    cancelled = Appointment.objects.get(status=S.CANCELLED)
    assert (cancelled.scheduled_at, cancelled.ends_at) == (paris(3, 2, 9, 30), paris(3, 2, 10))


def test_a_calendar_gives_exact_times_kinds_states_and_booking_times(
    org, registry, identity_card, calendar_source, write
):
    path = write(
        "agenda.ics",
        calendar(
            event("rdv-1", "DTSTART;TZID=Europe/Paris:20260302T090000", "DTEND;TZID=Europe/Paris:20260302T092000",
                  "CREATED:20260220T143000Z", "DTSTAMP:20260301T100000Z", "STATUS:CONFIRMED"),
            event("rdv-2", "DTSTART:20260302T083000Z", "DURATION:PT30M", "STATUS:CANCELLED",
                  "LAST-MODIFIED:20260227T160000Z", summary="Dossier de mariage"),
            event("rdv-3", "DTSTART:20260302T100000", "DTSTAMP:20260301T100000Z"),
        ),
    )  # fmt: skip
    result = import_file(source=calendar_source, path=path)

    assert (result.run.imported, result.run.rejected) == (3, 0)
    first = Appointment.objects.get(number="rdv-1")
    assert (first.scheduled_at, first.ends_at, first.status, first.kind) == (
        paris(3, 2, 9), paris(3, 2, 9, 20), S.BOOKED, identity_card,
    )  # fmt: skip
    assert first.booked_at == dt.datetime(2026, 2, 20, 14, 30, tzinfo=UTC)
    assert (first.service, first.channel, first.seat) == (registry, "imported", None)
    cancelled = Appointment.objects.get(number="rdv-2")
    assert (cancelled.scheduled_at, cancelled.ends_at) == (paris(3, 2, 9, 30), paris(3, 2, 10))
    assert (cancelled.status, cancelled.kind) == (S.CANCELLED, None)
    assert cancelled.cancelled_at == dt.datetime(2026, 2, 27, 16, tzinfo=UTC)
    floating = Appointment.objects.get(number="rdv-3")  # the town's wall clock; the kind's 20 minutes
    assert (floating.scheduled_at, floating.ends_at) == (paris(3, 2, 10), paris(3, 2, 10, 20))
    assert floating.booked_at == dt.datetime(2026, 3, 1, 10, tzinfo=UTC)  # no CREATED: DTSTAMP


def test_folded_lines_escaped_text_and_a_time_zone_the_file_defines_are_read(
    org, identity_card, calendar_source, write
):
    outlook_zone = [
        'BEGIN:VTIMEZONE',
        'TZID:(UTC+01:00) Bruxelles\\, Copenhague\\, Madrid\\, Paris',
        'BEGIN:STANDARD', 'DTSTART:16010101T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100',
        'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10', 'END:STANDARD',
        'BEGIN:DAYLIGHT', 'DTSTART:16010101T020000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200',
        'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3', 'END:DAYLIGHT',
        'END:VTIMEZONE',
    ]  # fmt: skip
    path = write(
        "outlook.ics",
        calendar(
            [
                "UID:040000008200E00074C5B7101A82E0080000000",
                " 0B0C1D2E3F40506",
                'DTSTART;TZID="(UTC+01:00) Bruxelles, Copenhague, Madrid, Paris":20260706T140000',
                'DTEND;TZID="(UTC+01:00) Bruxelles, Copenhague, Madrid, Paris":20260706T142000',
                "SUMMARY:Carte d'identit",
                " é ou passeport",
                "CATEGORIES:État civil",
            ],
            zones=outlook_zone,
        ),
    )
    result = import_file(source=calendar_source, path=path)

    assert (result.run.imported, result.run.rejected) == (1, 0)
    appointment = Appointment.objects.get()
    assert appointment.scheduled_at == paris(7, 6, 14)  # summer time: 12:00 UTC
    assert appointment.kind == identity_card
    assert appointment.number == ""  # the UID is longer than a number: the list shows none


def test_clock_changes_utc_floating_and_zoned_times_land_on_their_local_day(org, identity_card, calendar_source, write):
    path = write(
        "dst.ics",
        calendar(
            event("mar-before", "DTSTART;TZID=Europe/Paris:20260327T090000"),
            event("mar-after", "DTSTART;TZID=Europe/Paris:20260330T090000"),
            event("mar-skipped", "DTSTART:20260329T023000"),  # floating, in the hour clocks skip
            event("oct-first", "DTSTART:20261025T003000Z"),  # 02:30 local, first time
            event("oct-second", "DTSTART:20261025T013000Z"),  # 02:30 local, second time
            event("new-year", "DTSTART:20261231T233000Z"),  # 00:30 on New Year's Day in Paris
        ),
    )
    result = import_file(source=calendar_source, path=path)

    assert result.run.imported == 6
    found = {row.number: row for row in Appointment.objects.all()}
    assert found["mar-before"].scheduled_at == dt.datetime(2026, 3, 27, 8, tzinfo=UTC)
    assert found["mar-after"].scheduled_at == dt.datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert found["mar-skipped"].scheduled_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30, as clocks read
    first, second = found["oct-first"], found["oct-second"]
    assert second.scheduled_at - first.scheduled_at == dt.timedelta(hours=1)
    assert first.local_date == second.local_date == dt.date(2026, 10, 25)
    assert (found["new-year"].local_date, found["new-year"].local_month) == (dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    assert result.months == {dt.date(2026, 3, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1)}


def test_events_that_cannot_be_appointments_are_rejected_with_their_line(org, identity_card, calendar_source, write):
    path = write(
        "bad.ics",
        calendar(
            event("ok", "DTSTART:20260302T080000Z"),
            event("whole-day", "DTSTART;VALUE=DATE:20260303"),
            ["DTSTART:20260302T080000Z", "SUMMARY:Sans identifiant", "CATEGORIES:État civil"],
            event("weekly", "DTSTART:20260302T080000Z", "RRULE:FREQ=WEEKLY"),
            event("broken", "DTSTART:2026030"),
            event("other", "DTSTART:20260302T080000Z", category="Police municipale"),
            event("backwards", "DTSTART:20260302T080000Z", "DTEND:20260302T070000Z"),
        ),
    )
    result = import_file(source=calendar_source, path=path)

    assert (result.run.rows_read, result.run.imported, result.run.rejected) == (7, 1, 6)
    reasons = rejections(result.run)
    # Each event is 6 lines long (BEGIN, UID, DTSTART, SUMMARY, CATEGORIES, END) after 3 lines of header.
    assert "journée entière" in reasons[10]
    assert reasons[16] == "colonne « UID » : événement sans identifiant : l'outil doit écrire un UID."
    assert "événement répété" in reasons[21]
    assert reasons[28] == "colonne « DTSTART » : date et heure illisibles : écrivez-les AAAAMMJJTHHMMSS."
    assert "« Police municipale » absente de la correspondance des services" in reasons[34]
    assert "la fin prévue doit suivre le début" in reasons[40]


def test_a_file_that_is_not_a_calendar_fails_the_run(org, calendar_source, write):
    path = write("agenda.ics", [HEADER, "F1;02/03/2026;09:00;20;État civil;;;;;"])
    result = import_file(source=calendar_source, path=path)

    assert result.run.status == ImportStatus.FAILED
    assert "n'est pas un calendrier iCalendar" in result.run.error
    assert Appointment.objects.count() == 0


# The same appointments read again -------------------------------------------------------------


def test_the_same_calendar_twice_adds_and_changes_nothing(org, identity_card, calendar_source):
    import_file(source=calendar_source, path=SAMPLES / "rendez-vous.ics")
    before = list(Appointment.objects.values())
    again = import_file(source=calendar_source, path=SAMPLES / "rendez-vous.ics", reread=True)

    assert (again.run.imported, again.run.duplicates, again.run.rejected) == (0, 2, 1)
    assert list(Appointment.objects.values()) == before
    assert AppointmentEvent.objects.count() == 0
    assert again.months == set()


def test_the_same_table_twice_adds_nothing(org, identity_card, table_source):
    import_file(source=table_source, path=SAMPLES / "rendez-vous.csv")
    again = import_file(source=table_source, path=SAMPLES / "rendez-vous.csv", reread=True)

    assert (again.run.imported, again.run.duplicates) == (0, 4)
    assert Appointment.objects.count() == 4


def test_a_moved_appointment_leaves_its_old_time_and_both_months_are_recomputed(
    org, identity_card, calendar_source, write, monkeypatch
):
    told = []
    monkeypatch.setattr("core.workflow.records_changed", lambda **kwargs: told.append(kwargs))
    first = write("march.ics", calendar(event("moved", "DTSTART;TZID=Europe/Paris:20260430T090000")))
    import_file(source=calendar_source, path=first)
    second = write("april.ics", calendar(event("moved", "DTSTART;TZID=Europe/Paris:20260504T103000")))
    result = import_file(source=calendar_source, path=second)

    assert (result.run.imported, result.run.duplicates) == (0, 1)
    moved = Appointment.objects.get()
    assert (moved.scheduled_at, moved.ends_at) == (paris(5, 4, 10, 30), paris(5, 4, 10, 50))
    assert (moved.local_date, moved.local_month, moved.status, moved.version) == (
        dt.date(2026, 5, 4), dt.date(2026, 5, 1), S.BOOKED, 1,
    )  # fmt: skip
    log = AppointmentEvent.objects.get()
    assert (log.appointment, log.action, log.from_status, log.to_status, log.actor) == (
        moved, "import_appointment", S.BOOKED, S.BOOKED, None,
    )  # fmt: skip
    assert told[-1]["metric_prefix"] == "appointments"
    assert told[-1]["months"] == {dt.date(2026, 4, 1), dt.date(2026, 5, 1)}


def test_a_booked_appointment_cancelled_in_the_tool_is_cancelled_here(org, identity_card, calendar_source, write):
    import_file(source=calendar_source, path=write("a.ics", calendar(event("c", "DTSTART:20260504T080000Z"))))
    cancelled = event("c", "DTSTART:20260504T080000Z", "STATUS:CANCELLED", "LAST-MODIFIED:20260410T120000Z")
    import_file(source=calendar_source, path=write("b.ics", calendar(cancelled)))

    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.cancelled_at) == (S.CANCELLED, dt.datetime(2026, 4, 10, 12, tzinfo=UTC))
    assert AppointmentEvent.objects.get().to_status == S.CANCELLED


def test_what_the_counter_noted_stays_when_the_calendar_read_again_still_says_booked(
    org, identity_card, calendar_source, write
):
    path = write("a.ics", calendar(event("seen", "DTSTART;TZID=Europe/Paris:20260401T090000")))
    import_file(source=calendar_source, path=path)
    appointment = Appointment.objects.get()
    apply_step(appointment=appointment, step="check_in", actor=None, now=paris(4, 1, 8, 55))
    later = write("b.ics", calendar(event("seen", "DTSTART;TZID=Europe/Paris:20260401T093000")))
    import_file(source=calendar_source, path=later)

    appointment.refresh_from_db()
    assert (appointment.status, appointment.scheduled_at) == (S.ARRIVED, paris(4, 1, 9))


def test_the_closing_rule_leaves_an_imported_appointment_as_its_file_says_until_it_reports_the_outcome(
    org, identity_card, table_source, write
):
    import_file(source=table_source, path=write("a.csv", [HEADER, "G1;30/03/2026;09:00;20;État civil;;Réservé;;;"]))
    assert close_past_days(org, dt.date(2026, 3, 31)) == 0  # another tool's booking: no arrival noted here
    assert Appointment.objects.get().status == S.BOOKED
    done = write("c.csv", [HEADER, "G1;30/03/2026;09:00;20;État civil;;Honoré;08:58;09:03;09:20"])
    import_file(source=table_source, path=done)

    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.started_at) == (S.DONE, paris(3, 30, 9, 3))


def test_the_same_id_twice_in_one_file_keeps_its_last_row(org, identity_card, table_source, write):
    path = write(
        "export.csv",
        [HEADER, "H1;02/03/2026;09:00;20;État civil;;Réservé;;;", "H1;02/03/2026;11:00;20;État civil;;Réservé;;;"],
    )
    result = import_file(source=table_source, path=path)

    assert (result.run.imported, result.run.duplicates) == (1, 1)
    assert Appointment.objects.get().scheduled_at == paris(3, 2, 11)


def test_two_sources_with_the_same_ids_keep_their_own_appointments(org, identity_card, table_source, write):
    other = ImportSource.objects.create(
        organisation=org, kind=APPOINTMENTS, name="clicrdv", label="Clicrdv", columns=TABLE_COLUMNS,
        options={"duration_unit": "min"}, line_map={"*": "accueil"},
    )  # fmt: skip
    path = write("export.csv", [HEADER, "1;02/03/2026;09:00;20;État civil;;;;;"])
    import_file(source=table_source, path=path)
    import_file(source=other, path=path)

    services = sorted(Appointment.objects.values_list("service__code", flat=True))
    assert services == ["accueil", "etat-civil"]


@pytest.mark.parametrize(
    ("stored", "in_file", "prevails"),
    [
        (S.BOOKED, S.BOOKED, True),
        (S.BOOKED, S.CANCELLED, True),
        (S.NO_SHOW, S.DONE, True),
        (S.NO_SHOW, S.BOOKED, False),
        (S.ARRIVED, S.BOOKED, False),
        (S.DONE, S.NO_SHOW, False),
        (S.CANCELLED, S.BOOKED, False),
    ],
)
def test_the_file_prevails_on_a_booking_and_on_an_absence_only(stored, in_file, prevails):
    assert file_prevails(stored, in_file) is prevails


# The import pages and the command ----------------------------------------------------------------------------------


def test_a_manager_saves_a_calendar_source_on_the_imports_page_and_uploads_the_tools_export(
    org, identity_card, manager_client, settings
):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False
    address = f"/o/{org.slug}/imports/sources/nouvelle/?donnees=appointments"
    assert "calendrier iCalendar (.ics)" in manager_client.get(address).content.decode()
    response = manager_client.post(
        address,
        {
            "kind": "appointments",
            "label": "Agenda partagé",
            "name": "agenda",
            "file_format": "ics",
            "line_field": "categories",
            "line_map_text": "État civil = etat-civil",
            "duration_unit": "min",
        },
    )
    source = ImportSource.objects.get(organisation=org, kind=APPOINTMENTS)
    assert response.status_code == 302 and source.line_field == "categories"
    sample = SimpleUploadedFile("rendez-vous.ics", (SAMPLES / "rendez-vous.ics").read_bytes())
    manager_client.post(f"/o/{org.slug}/imports/sources/{source.pk}/importer/", {"file": sample})

    run = ImportRun.objects.get(source=source)
    assert (run.status, run.imported, run.rejected) == ("done", 2, 1)
    assert Appointment.objects.filter(source=source).count() == 2


def test_the_command_imports_a_calendar_with_a_mapping_file_and_prints_the_summary(org, identity_card, tmp_path):
    mapping = tmp_path / "agenda.json"
    mapping.write_text(
        json.dumps(
            {
                "format": "qualipilote-source-import",
                "version": 1,
                "kind": "appointments",
                "name": "agenda",
                "label": "Agenda partagé de l'état civil",
                "file_format": "ics",
                "line_field": "categories",
                "line_map": {"État civil": "etat-civil"},
                "columns": {},
                "options": {},
                "all_or_nothing": False,
            }
        )
    )
    out = StringIO()
    call_command(
        "import_appointments", "--org", org.slug, "--mapping", str(mapping), str(SAMPLES / "rendez-vous.ics"),
        "--quiet", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Lignes lues : 3" in text and "Importées : 2" in text and "Rejetées : 1" in text
    assert "ligne 26 : colonne « DTSTART » : événement sur la journée entière" in text
    assert (
        Service.objects.get(organisation=org, code="etat-civil").pk
        == Appointment.objects.filter(status=S.BOOKED).get().service_id
    )
    with pytest.raises(CommandError, match="Source « synbird » inconnue"):
        call_command("import_appointments", "--org", org.slug, "--source", "synbird", str(mapping))


def test_an_unknown_kind_label_leaves_the_kind_empty(org, identity_card, calendar_source, write):
    AppointmentKind.objects.filter(pk=identity_card.pk).update(label="CNI")
    import_file(source=calendar_source, path=write("a.ics", calendar(event("k", "DTSTART:20260302T080000Z"))))

    appointment = Appointment.objects.get()
    assert appointment.kind is None
    assert appointment.ends_at - appointment.scheduled_at == dt.timedelta(minutes=20)  # the model's default
