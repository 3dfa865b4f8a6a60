"""Importing a queue system's export (tickets) through the shared import engine."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import Service
from imports import import_file
from imports.models import ImportSource, ImportStatus
from reception import importing
from reception.importing import TICKETS
from reception.models import QueueTicket, TicketMonthSummary, TicketStatus

pytestmark = pytest.mark.django_db
UTC = dt.UTC

# A LibreOffice export: cp1252, semicolons, French dates, times of day for the later stamps.
EXPORT = [
    "N° ticket;Date;Arrivée;Appel;Fin;File;Statut",
    "A001;02/03/2026;08:31:00;08:36:30;08:45:00;Accueil;Servi",
    "A002;02/03/2026;08:40;;;Accueil;Parti",
    "E001;02/03/2026;09:00:00;09:20:00;09:30:00;État civil;Réorienté",
    "A003;02/03/2026;09:10:00;09:12:00;;Accueil;",
    "A004;30/02/2026;09:10:00;;;Accueil;Servi",
    "A005;02/03/2026;09:15:00;09:05:00;;Accueil;Servi",
    "A006;02/03/2026;09:20:00;;;Mairie annexe;Servi",
]


@pytest.fixture(autouse=True)
def registered():
    importing.register()


@pytest.fixture
def source(org):
    return ImportSource.objects.create(
        organisation=org,
        kind=TICKETS,
        name="file-attente",
        label="File d'attente",
        file_format="table",
        columns={
            "number": "N° ticket",
            "date": "Date",
            "issued_at": "Arrivée",
            "called_at": "Appel",
            "ended_at": "Fin",
            "line": "File",
            "status": "Statut",
        },
        line_map={"Accueil": "accueil", "État civil": "etat-civil"},
    )


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join(EXPORT) + "\n").encode("cp1252"))
    return path


def test_a_cp1252_export_fills_the_tickets_with_their_waits_statuses_and_local_stamps(org, source, export):
    result = import_file(source=source, path=export)

    run = result.run
    assert (run.status, run.rows_read, run.imported, run.rejected) == ("done", 7, 4, 3)
    served = QueueTicket.objects.get(number="A001")
    assert served.issued_at == dt.datetime(2026, 3, 2, 7, 31, tzinfo=UTC)
    assert served.called_at == dt.datetime(2026, 3, 2, 7, 36, 30, tzinfo=UTC)
    assert served.ended_at == dt.datetime(2026, 3, 2, 7, 45, tzinfo=UTC)
    accueil = Service.objects.get(organisation=org, code="accueil")
    assert (served.wait_seconds, served.status, served.service_id, served.site_id) == (
        330, TicketStatus.SERVED, accueil.pk, accueil.site_id,
    )  # fmt: skip
    assert (served.local_date, served.local_month, served.weekday, served.half_hour) == (
        dt.date(2026, 3, 2), dt.date(2026, 3, 1), 0, 17,
    )  # fmt: skip
    assert served.source == source and served.recall_count == 0
    left = QueueTicket.objects.get(number="A002")
    assert (left.status, left.called_at, left.wait_seconds) == (TicketStatus.LEFT, None, None)
    assert QueueTicket.objects.get(number="E001").status == TicketStatus.REDIRECTED
    assert QueueTicket.objects.get(number="A003").status == TicketStatus.SERVED  # called, no status given
    reasons = {item["line"]: item["reason"] for item in run.rejections}
    assert "30/02/2026" in reasons[6]
    assert "précède l'émission" in reasons[7]
    assert "« Mairie annexe » absente de la correspondance" in reasons[8]


def test_the_monthly_summaries_are_rebuilt_after_the_import(org, source, export):
    import_file(source=source, path=export)

    summaries = TicketMonthSummary.objects.filter(organisation=org, local_month=dt.date(2026, 3, 1))
    assert sum(summary.issued for summary in summaries) == 4
    assert sum(summary.called for summary in summaries) == 3


def test_the_same_export_twice_adds_nothing(org, source, export):
    import_file(source=source, path=export)
    again = import_file(source=source, path=export, reread=True)

    assert (again.run.imported, again.run.duplicates, again.run.rejected) == (0, 4, 3)
    assert QueueTicket.objects.count() == 4


def test_a_mapping_to_a_missing_column_fails_the_run_and_writes_nothing(org, source, export):
    source.columns = {**source.columns, "issued_at": "Heure d'arrivée"}
    source.save()
    result = import_file(source=source, path=export)

    assert result.run.status == ImportStatus.FAILED
    assert "« Heure d'arrivée »" in result.run.error and "Colonnes trouvées" in result.run.error
    assert QueueTicket.objects.count() == 0


def test_the_command_imports_tickets_and_prints_the_summary(org, source, export):
    out = StringIO()
    call_command("import_tickets", "--org", org.slug, "--source", "file-attente", str(export), "--quiet", stdout=out)
    text = out.getvalue()
    assert "Lignes lues : 7" in text and "Importées : 4" in text and "Rejetées : 3" in text
    assert "ligne 6 :" in text
    with pytest.raises(CommandError, match="Source « asterisk » inconnue"):
        call_command("import_tickets", "--org", org.slug, "--source", "asterisk", str(export))
