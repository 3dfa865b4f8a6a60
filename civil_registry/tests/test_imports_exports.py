"""Importing a town's civil-registry spreadsheets (act requests and errors: cp1252 with ';',
a bad date on one line, the same file twice, all or nothing, the command) and exporting both
registers with formulas neutralised."""

import datetime as dt
import io
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from civil_registry.imports import import_act_errors, import_acts
from civil_registry.models import ActChannel, ActError, ActRequest, ActStatus, ErrorFinder
from core.metrics import MetricQuery
from core.periods import Period
from core.registries import METRICS

pytestmark = pytest.mark.django_db
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"

ACTS_FILE = (
    "Type d'acte;Format;Canal;Nombre d'exemplaires;Date de réception;Date de délivrance;Refus\r\n"
    "Naissance;Copie intégrale;Guichet;1;02/03/2026;02/03/2026;\r\n"
    "Mariage;Extrait avec filiation;Courrier;2;30/02/2026;;\r\n"
    "Décès;Copie intégrale;COMEDEC;1;03/03/2026;05/03/2026;non\r\n"
    "Naissance;Extrait plurilingue;Internet;1;04/03/2026;05/03/2026;oui\r\n"
    "Naissance;Copie intégrale;Guichet;1;02/03/2026;02/03/2026;\r\n"
).encode("cp1252")


def run(importer, org, content, filename="registre.csv", all_or_nothing=False):
    return importer(
        organisation=org, binary=io.BytesIO(content), filename=filename, actor=None, all_or_nothing=all_or_nothing
    )


def test_a_cp1252_acts_file_imports_its_good_rows_and_reports_the_bad_date_by_line(org):
    report = run(import_acts, org, ACTS_FILE)
    assert (report.rows_read, report.imported, report.rejected) == (5, 4, 1)
    assert report.rejections[0].message.startswith("ligne 3, colonne « Date de réception » : date « 30/02/2026 »")
    comedec = ActRequest.objects.get(organisation=org, channel=ActChannel.COMEDEC)
    assert (comedec.due_on, comedec.status) == (dt.date(2026, 3, 10), ActStatus.DELIVERED)
    assert ActRequest.objects.get(organisation=org, channel=ActChannel.WEB).status == ActStatus.REFUSED
    assert ActRequest.objects.filter(organisation=org, channel=ActChannel.COUNTER).count() == 2


def test_the_same_acts_file_twice_adds_nothing_and_all_or_nothing_adds_nothing_either(org):
    assert run(import_acts, org, ACTS_FILE, all_or_nothing=True).imported == 0
    assert not ActRequest.objects.filter(organisation=org).exists()
    run(import_acts, org, ACTS_FILE)
    again = run(import_acts, org, ACTS_FILE)
    assert (again.imported, again.duplicates) == (0, 4)
    assert ActRequest.objects.filter(organisation=org).count() == 4


def test_unknown_values_are_rejected_with_what_to_write(org):
    content = "Type d'acte;Format;Canal;Date de réception\nBaptême;Copie intégrale;Guichet;02/03/2026\n".encode()
    message = run(import_acts, org, content).rejections[0].message
    assert message == (
        "ligne 2, colonne « Type d'acte » : valeur « Baptême » inconnue : "
        "écrivez naissance, mariage, décès ou reconnaissance."
    )


def test_the_documented_sample_files_import_without_rejection(org):
    acts = run(import_acts, org, (SAMPLES / "registre-actes.csv").read_bytes())
    errors = run(import_act_errors, org, (SAMPLES / "registre-erreurs-actes.csv").read_bytes())
    assert (acts.imported, acts.rejected, errors.imported, errors.rejected) == (7, 0, 2, 0)
    linked = ActError.objects.get(organisation=org, reference="ERR-2025-01")
    assert linked.act_request is not None and linked.act_request.reference == "EC-2025-0002"
    assert linked.found_by == ErrorFinder.CITIZEN
    assert ActError.objects.get(organisation=org, reference="ERR-2025-02").attributable is False


def test_an_imported_error_counts_for_the_month_its_act_was_issued_and_tells_that_month(
    org, recomputations, django_capture_on_commit_callbacks
):
    run(import_acts, org, (SAMPLES / "registre-actes.csv").read_bytes())
    content = (
        "Type d'acte;Date de délivrance de l'acte;Référence de la demande;"
        "Constatée le;Constatée par;Imputable au service\n"
        "Mariage;09/01/2025;EC-2025-0002;03/04/2025;usager;oui\n"
        "Mariage;09/01/2025;EC-2025-0002;04/04/2025;tribunal;oui\n"
    ).encode()
    recomputations.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run(import_act_errors, org, content).imported == 2
    assert recomputations == [(org.slug, "civil_registry", [dt.date(2025, 1, 1)])]
    query = MetricQuery(organisation=org, period=Period.parse("2025-01"))
    compute = METRICS.get("civil_registry.error_rate").compute
    assert compute is not None
    rate = compute(query)
    assert rate is not None and (rate.numerator, rate.denominator) == (1, 5)


def test_an_error_naming_an_unknown_request_or_found_before_issue_is_rejected(org):
    content = (
        "Type d'acte;Date de délivrance de l'acte;Référence de la demande;"
        "Constatée le;Constatée par;Imputable au service\n"
        "Naissance;02/03/2026;EC-inconnue;05/03/2026;usager;oui\n"
        "Naissance;02/03/2026;;01/03/2026;usager;oui\n"
        "Naissance;02/03/2026;;05/03/2026;usager;peut-être\n"
    ).encode()
    messages = [rejection.message for rejection in run(import_act_errors, org, content).rejections]
    assert messages == [
        "ligne 2, colonne « Référence de la demande » : aucune demande d'acte n'a la référence « EC-inconnue ».",
        "ligne 3, colonne « Constatée le » : constatée avant la délivrance de l'acte.",
        "ligne 4, colonne « Imputable au service » : « peut-être » : écrivez oui ou non.",
    ]


def test_the_import_command_dispatches_acts_and_errors(org, tmp_path, capsys):
    acts = tmp_path / "actes.csv"
    acts.write_bytes((SAMPLES / "registre-actes.csv").read_bytes())
    call_command("import_register", "--org", org.slug, "--register", "acts", str(acts))
    assert "Demandes d'actes d'état civil : 7 ligne(s) lue(s), 7 importée(s)" in capsys.readouterr().out
    errors = tmp_path / "erreurs.xlsx"
    dataset = tablib.Dataset(
        headers=["Type d'acte", "Date de délivrance de l'acte", "Constatée le", "Constatée par", "Imputable au service"]
    )
    dataset.append(["Mariage", dt.date(2026, 1, 5), dt.date(2026, 2, 5), "tribunal", "non"])
    errors.write_bytes(dataset.export("xlsx"))
    call_command("import_register", "--org", org.slug, "--register", "act_errors", str(errors))
    assert ActError.objects.get(organisation=org).found_by == ErrorFinder.COURT


def test_the_import_page_imports_into_the_register_chosen(org, manager_client):
    upload = SimpleUploadedFile("actes.csv", ACTS_FILE, content_type="text/csv")
    url = reverse("civil_registry:import", kwargs={"org_slug": org.slug})
    page = manager_client.post(url, {"register": "acts", "file": upload}).content.decode()
    assert "4 importée(s)" in page and "30/02/2026" in page


@pytest.mark.parametrize("kind", ["csv", "xlsx", "ods"])
def test_both_registers_export_and_reimport_as_duplicates(org, manager_client, make_act, make_error, kind):
    act = make_act(delivered_on=dt.date(2026, 3, 4))
    make_error(act_request=act, issued_on=dt.date(2026, 3, 4))
    url = reverse("civil_registry:export", kwargs={"org_slug": org.slug})
    for register, importer in (("acts", import_acts), ("errors", import_act_errors)):
        response = manager_client.get(url, {"format": kind, "register": register})
        assert response.status_code == 200
        again = run(importer, org, response.content, f"export.{kind}")
        assert (again.imported, again.duplicates, again.rejected) == (0, 1, 0), register


def test_an_export_in_a_format_we_do_not_write_is_refused_in_french(org, manager_client):
    url = reverse("civil_registry:export", kwargs={"org_slug": org.slug})
    response = manager_client.get(url, {"format": "pdf", "register": "acts"})
    assert response.status_code == 400 and "Format d'export inconnu" in response.content.decode()
    assert manager_client.get(url, {"register": "acts"})["Content-Disposition"].endswith('.csv"')
