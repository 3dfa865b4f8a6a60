"""Importing a town's spreadsheet of written requests (cp1252 with ';', a bad date on one
line, the same file twice, all or nothing, XLSX and ODS, the command and the web page) and
exporting the register with formulas neutralised."""

import datetime as dt
import io
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import AuditEvent, Role
from correspondence.imports import import_requests
from correspondence.models import Category, Channel, Status, WrittenRequest

pytestmark = pytest.mark.django_db
SAMPLE = Path(settings.BASE_DIR) / "docs" / "samples" / "registre-courriers.csv"

TOWN_FILE = (
    "Canal;Date de réception;Service;Catégorie;Objet;Date de réponse\r\n"
    "Courrier;10/07/2026;accueil;Urbanisme;Clôture de jardin;20/07/2026\r\n"
    "Courriel;31/02/2026;accueil;Voirie et propreté;Éclairage;\r\n"
    "E-mail;13/07/2026;état civil;État civil et citoyenneté;Livret de famille;15/07/2026\r\n"
    "Téléphone;15/07/2026;;Fêtes et cérémonies;Salle des fêtes;\r\n"
    "Courrier;16/07/2026;accueil;;;\r\n"
    "Courrier;16/07/2026;accueil;;;\r\n"
).encode("cp1252")


def run_import(org, content: bytes, filename: str = "registre.csv", **options):
    return import_requests(
        organisation=org, binary=io.BytesIO(content), filename=filename, actor=None, all_or_nothing=False, **options
    )


def test_a_cp1252_file_with_semicolons_imports_its_good_rows_and_reports_the_bad_date_by_line(org):
    report = run_import(org, TOWN_FILE)
    assert (report.rows_read, report.imported, report.duplicates, report.rejected) == (6, 5, 0, 1)
    assert [rejection.line for rejection in report.rejections] == [3]
    assert report.rejections[0].message.startswith(
        "ligne 3, colonne « Date de réception » : date « 31/02/2026 » illisible"
    )
    letter = WrittenRequest.objects.get(organisation=org, subject="Clôture de jardin")
    assert (letter.channel, letter.due_on, letter.answered_on, letter.status) == (
        Channel.LETTER,
        dt.date(2026, 8, 3),
        dt.date(2026, 7, 20),
        Status.ANSWERED,
    )
    booklet = WrittenRequest.objects.select_related("service").get(organisation=org, subject="Livret de famille")
    assert booklet.service is not None and booklet.service.code == "etat-civil"
    assert Category.objects.filter(organisation=org, name="Fêtes et cérémonies").exists()


def test_two_identical_rows_of_a_file_are_two_requests(org):
    run_import(org, TOWN_FILE)
    assert WrittenRequest.objects.filter(organisation=org, received_on=dt.date(2026, 7, 16)).count() == 2


def test_the_same_file_twice_adds_nothing(org):
    run_import(org, TOWN_FILE)
    count = WrittenRequest.objects.filter(organisation=org).count()
    again = run_import(org, TOWN_FILE)
    assert (again.imported, again.duplicates, again.rejected) == (0, 5, 1)
    assert WrittenRequest.objects.filter(organisation=org).count() == count == 5


def test_a_file_completed_with_new_rows_adds_only_those(org):
    run_import(org, TOWN_FILE)
    longer = TOWN_FILE + "Courrier;16/07/2026;accueil;;;\r\n".encode("cp1252")
    assert run_import(org, longer).imported == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(org):
    report = import_requests(
        organisation=org, binary=io.BytesIO(TOWN_FILE), filename="r.csv", actor=None, all_or_nothing=True
    )
    assert report.rolled_back and report.rejected == 1
    assert "aucune ligne n'a été enregistrée" in report.summary()
    assert not WrittenRequest.objects.filter(organisation=org).exists()
    assert not Category.objects.filter(organisation=org, name="Fêtes et cérémonies").exists()


def test_an_unknown_service_or_channel_or_an_answer_before_receipt_is_rejected_with_its_reason(org):
    content = (
        "Canal;Date de réception;Service;Date de réponse\n"
        "Pigeon voyageur;10/07/2026;;\n"
        "Courrier;10/07/2026;piscine;\n"
        "Courrier;10/07/2026;;09/07/2026\n"
    ).encode()
    messages = [rejection.message for rejection in run_import(org, content).rejections]
    assert messages[0].startswith("ligne 2, colonne « Canal » : canal « Pigeon voyageur » inconnu")
    assert messages[1] == "ligne 3, colonne « Service » : service « piscine » inconnu de la ville."
    assert messages[2].startswith("ligne 4, colonne « Date de réponse » : date 09/07/2026 antérieure")


def test_a_file_without_the_required_columns_is_refused_whole(org):
    report = run_import(org, b"Date;Sujet\n10/07/2026;x\n")
    assert report.file_error.startswith("ligne 1 : colonne(s) manquante(s) : Canal, Date de réception")
    assert report.imported == 0


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_spreadsheets_import_like_csv(org, kind):
    dataset = tablib.Dataset(headers=["Canal", "Date de réception", "Date de réponse"])
    dataset.append(["courriel", dt.date(2026, 7, 10), dt.date(2026, 7, 15)])
    report = run_import(org, dataset.export(kind), f"registre.{kind}")
    assert report.imported == 1
    assert WrittenRequest.objects.get(organisation=org).due_on == dt.date(2026, 7, 20)


def test_the_documented_sample_file_imports_without_rejection(org):
    report = run_import(org, SAMPLE.read_bytes(), SAMPLE.name)
    assert (report.imported, report.rejected) == (6, 0)
    assert WrittenRequest.objects.get(organisation=org, reference="2025-0005").status == Status.CLOSED


def test_the_import_command_reports_rejected_lines_and_is_idempotent(org, tmp_path, capsys):
    path = tmp_path / "registre.csv"
    path.write_bytes(TOWN_FILE)
    call_command("import_register", "--org", org.slug, "--register", "requests", str(path))
    captured = capsys.readouterr()
    assert "6 ligne(s) lue(s), 5 importée(s), 0 déjà présente(s), 1 rejetée(s)." in captured.out
    assert "Rejetée : ligne 3, colonne « Date de réception »" in captured.err
    call_command("import_register", "--org", org.slug, "--register", "requests", str(path))
    assert "0 importée(s), 5 déjà présente(s)" in capsys.readouterr().out
    assert AuditEvent.objects.filter(organisation=org, action="import_requests").count() == 1


def test_the_import_command_in_all_or_nothing_mode_fails_and_writes_nothing(org, tmp_path):
    path = tmp_path / "registre.csv"
    path.write_bytes(TOWN_FILE)
    with pytest.raises(CommandError, match="Import annulé"):
        call_command("import_register", "--org", org.slug, "--register", "requests", "--all-or-nothing", str(path))
    assert not WrittenRequest.objects.filter(organisation=org).exists()


def test_the_import_command_names_an_unknown_register(org, tmp_path):
    path = tmp_path / "registre.csv"
    path.write_bytes(TOWN_FILE)
    with pytest.raises(CommandError, match="Registre « lettres » inconnu"):
        call_command("import_register", "--org", org.slug, "--register", "lettres", str(path))


def test_the_import_page_shows_rejected_rows_by_line(org, manager_client):
    url = reverse("correspondence:import", kwargs={"org_slug": org.slug})
    upload = SimpleUploadedFile("registre.csv", TOWN_FILE, content_type="text/csv")
    response = manager_client.post(url, {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 importée(s)" in page and "date « 31/02/2026 » illisible" in page
    assert WrittenRequest.objects.filter(organisation=org).count() == 5


def test_an_agent_cannot_import(org, client_as):
    url = reverse("correspondence:import", kwargs={"org_slug": org.slug})
    assert client_as(org, Role.AGENT).get(url).status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
def test_the_export_neutralises_formulas_and_reimports_as_duplicates(org, manager_client, make_request, kind):
    make_request(subject='=HYPERLINK("http://x")', requester_name="+33 6 00 00 00 00")
    response = manager_client.get(reverse("correspondence:export", kwargs={"org_slug": org.slug}), {"format": kind})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{kind}"')
    if kind == "csv":
        dataset = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv", delimiter=";")
    else:
        dataset = tablib.Dataset().load(response.content, format=kind)
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Objet"] == '\'=HYPERLINK("http://x")'
    assert row["Demandeur"] == "'+33 6 00 00 00 00"
    assert row["Échéance"] == "23/03/2026"  # a letter of 2 March: 15 working days
    again = run_import(org, response.content, f"export.{kind}")
    assert (again.imported, again.duplicates) == (0, 1)


def test_an_export_in_a_format_we_do_not_write_is_refused_in_french(org, manager_client):
    url = reverse("correspondence:export", kwargs={"org_slug": org.slug})
    response = manager_client.get(url, {"format": "docx"})
    assert response.status_code == 400 and "Format d'export inconnu" in response.content.decode()
    assert manager_client.get(url)["Content-Disposition"].endswith('.csv"')
