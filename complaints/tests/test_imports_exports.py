"""Importing a town's register (CSV cp1252 with ;, XLSX, ODS; idempotent; rejected rows by
line) and exporting it with spreadsheet formulas neutralised."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import tablib
from django.core.management import call_command
from django.urls import reverse

from complaints.imports import import_complaints
from complaints.models import Complaint, ComplaintTransition, Status
from core.models import AuditEvent, Role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "registre-reclamations.csv"

HEADER = "Référence;Nature;Canal;Date de réception;Service;Engagement;Objet;Nom;Date de réponse;Fondée;Date de clôture"
ROWS = [
    "A-1;réclamation;Téléphone;06/01/2026;accueil;8;Attente trop longue;Hélène Bérard;12/01/2026;oui;14/01/2026",
    "A-2;Réclamation;courrier;31/02/2026;;;Date impossible;;;;",
    "A-3;suggestion;formulaire web;15/01/2026;;;Ouvrir le samedi;;;à déterminer;",
    "A-4;réclamation;e-mail;20/01/2026;État civil;19;Acte en retard;;;non;",
]


def cp1252_file(rows=ROWS, header=HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")


def run(org, data: bytes, filename="registre.csv", all_or_nothing=False):
    return import_complaints(
        organisation=org,
        binary=io.BytesIO(data),
        filename=filename,
        actor=None,
        all_or_nothing=all_or_nothing,
        today=TODAY,
    )


def test_a_cp1252_semicolon_file_imports_and_a_bad_date_is_rejected_by_line(followed):
    report = run(followed, cp1252_file())
    assert (report.rows_read, report.imported, report.duplicates, report.rejected) == (4, 3, 0, 1)
    assert report.rejections[0].line == 3
    assert "ligne 3" in report.rejections[0].message and "31/02/2026" in report.rejections[0].message
    first = Complaint.objects.get(import_key="ref:A-1")
    assert first.citizen_name == "Hélène Bérard" and first.channel == "telephone"
    assert first.status == Status.CLOSED and first.acknowledged_on == dt.date(2026, 1, 12)
    assert first.answer_due_on == dt.date(2026, 1, 20) and first.commitment_label.startswith("8.")
    assert Complaint.objects.filter(import_key="ref:A-4", service__code="etat-civil").exists()
    assert list(ComplaintTransition.objects.filter(complaint=first).values_list("action", "to_status")) == [
        ("import", "received"),
        ("acknowledge", "acknowledged"),
        ("answer", "answered"),
        ("close", "closed"),
    ]


def test_the_same_file_twice_changes_nothing(followed):
    run(followed, cp1252_file())
    events = AuditEvent.objects.count()
    second = run(followed, cp1252_file())
    assert (second.imported, second.duplicates, second.rejected) == (0, 3, 1)
    assert Complaint.objects.count() == 3 and AuditEvent.objects.count() == events


def test_rows_without_reference_are_recognised_by_their_content(followed):
    header = "Canal;Date de réception;Objet;Nom"
    rows = ["guichet;02/03/2026;Accueil désagréable;Luc", "guichet;02/03/2026;Accueil désagréable;Luc"]
    report = run(followed, cp1252_file(rows, header))
    assert (report.imported, report.duplicates) == (1, 1)
    assert run(followed, cp1252_file(rows, header)).imported == 0


def test_all_or_nothing_keeps_nothing_when_a_row_is_rejected(followed):
    report = run(followed, cp1252_file(), all_or_nothing=True)
    assert report.rolled_back and report.rejected == 1
    assert not Complaint.objects.exists()


def test_a_file_without_the_required_columns_is_refused_in_french(org):
    report = run(org, b"Nom;Objet\r\nLuc;Test\r\n")
    assert "colonne(s) manquante(s)" in report.file_error and "Canal" in report.file_error
    assert not Complaint.objects.exists()


def test_unknown_words_and_future_dates_are_rejected_with_their_column(org):
    header = "Canal;Date de réception;Objet;Fondée;Service"
    rows = [
        "pigeon;02/03/2026;A;;",
        "guichet;02/03/2099;B;;",
        "guichet;02/03/2026;C;peut-être;",
        "guichet;02/03/2026;D;;jardin",
    ]
    report = run(org, cp1252_file(rows, header))
    messages = [rejection.message for rejection in report.rejections]
    assert "colonne « Canal »" in messages[0] and "pigeon" in messages[0]
    assert "futur" in messages[1]
    assert "colonne « Fondée »" in messages[2]
    assert "service « jardin » inconnu" in messages[3]


def test_the_documented_sample_file_imports_cleanly(followed):
    report = run(followed, SAMPLE.read_bytes(), SAMPLE.name)
    assert (report.imported, report.rejected) == (4, 0), report.rejections


def test_xlsx_and_ods_files_import_too(followed):
    for kind in ("xlsx", "ods"):
        dataset = tablib.Dataset(headers=["Canal", "Date de réception", "Objet", "Référence"])
        dataset.append(["courriel", dt.date(2026, 2, 3), "Réponse attendue", f"{kind}-1"])
        report = run(followed, dataset.export(kind), f"registre.{kind}")
        assert report.imported == 1, report.rejections
    assert Complaint.objects.filter(received_on=dt.date(2026, 2, 3)).count() == 2


def test_the_command_imports_the_complaint_register(followed, tmp_path, capsys):
    path = tmp_path / "registre.csv"
    path.write_bytes(cp1252_file(ROWS[:1]))
    call_command("import_register", "--org", followed.slug, "--register", "complaints", str(path))
    assert "1 importée(s)" in capsys.readouterr().out
    assert Complaint.objects.count() == 1


def test_the_import_page_reports_rejected_lines_to_the_quality_manager(followed, client_as):
    manager = client_as(followed, Role.QUALITY_MANAGER)
    upload = io.BytesIO(cp1252_file())
    upload.name = "registre.csv"
    response = manager.post(reverse("complaints:import", args=[followed.slug]), {"file": upload})
    html = response.content.decode()
    assert "3 importée(s)" in html and "31/02/2026" in html
    assert client_as(followed, Role.AGENT).get(reverse("complaints:import", args=[followed.slug])).status_code == 403


def test_exports_neutralise_formulas_in_every_format(org, client_as, make_complaint):
    make_complaint(subject='=HYPERLINK("http://x")', citizen_name="+33 6 12", description="@SUM(A1)")
    agent = client_as(org, Role.AGENT)
    url = reverse("complaints:export", args=[org.slug])
    body = agent.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][0] == "Numéro de suivi"
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (
        record["Objet"].startswith("'=") and record["Nom"].startswith("'+") and record["Description"].startswith("'@")
    )
    for kind in ("xlsx", "ods"):
        response = agent.get(url, {"format": kind})
        data = tablib.Dataset().load(response.content, format=kind)
        assert data.dict[0]["Objet"].startswith("'=")
    assert agent.get(url, {"format": "exe"}).status_code == 400


def test_an_export_re_imports_as_duplicates(org, client_as, make_complaint):
    make_complaint()
    body = client_as(org, Role.AGENT).get(reverse("complaints:export", args=[org.slug])).content
    report = run(org, body)
    assert (report.imported, report.duplicates, report.rejected) == (0, 1, 0), report.rejections


def test_a_reader_exports_without_personal_columns(org, client_as, make_complaint):
    make_complaint(citizen_name="Jeanne Usagère")
    body = client_as(org, Role.READER).get(reverse("complaints:export", args=[org.slug])).content.decode("utf-8-sig")
    assert "Jeanne" not in body and "Nom" not in body.splitlines()[0].split(";")


def test_the_sample_file_is_offered_for_download_on_the_import_page(org, client_as):
    response = client_as(org, Role.READER).get(reverse("complaints:import_sample", args=[org.slug]))
    assert response.status_code == 200 and response.content == SAMPLE.read_bytes()
    assert 'filename="registre-reclamations.csv"' in response["Content-Disposition"]
