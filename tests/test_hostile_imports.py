"""Register imports that cannot crash or exhaust the server (issue 10, item 7): undecodable
bytes, UTF-16, a million-column line and spreadsheets past the limits get a French message
with the line on the three import pages and in `manage.py import_register`, never a 500 or a
traceback, and what is shown or stored stays small."""

import io
import random
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from civil_registry.models import ActRequest
from complaints.models import Complaint
from correspondence.models import WrittenRequest

pytestmark = pytest.mark.django_db

REQUESTS_HEADER = "Canal;Date de réception;Service;Catégorie;Objet;Date de réponse\r\n"
REQUEST_ROW = "Courrier;10/07/2026;accueil;Urbanisme;Clôture de jardin;20/07/2026\r\n"

ACTS_HEADER = "Type d'acte;Format;Canal;Nombre d'exemplaires;Date de réception;Date de délivrance;Refus\r\n"
COMPLAINTS_HEADER = (
    "Référence;Nature;Canal;Date de réception;Service;Engagement;Objet;Nom;Date de réponse;Fondée;Date de clôture\r\n"
)
HEADERS = {"requests": REQUESTS_HEADER, "acts": ACTS_HEADER, "complaints": COMPLAINTS_HEADER}
# (register name for the command, URL name, extra POST data, model)
PAGES = [
    ("requests", "correspondence:import", {}, WrittenRequest),
    ("acts", "civil_registry:import", {"register": "acts"}, ActRequest),
    ("complaints", "complaints:import", {}, Complaint),
]


def random_bytes(size: int = 4096) -> bytes:
    return random.Random(10).randbytes(size)


def utf8_with_a_late_cp1252_byte(register: str = "requests") -> tuple[bytes, int]:
    """A UTF-8 file whose first 64 KiB decode, then one Windows-1252 "ê" (0xEA) on a later line."""
    rows = [REQUEST_ROW] * 1000  # about 68 KiB
    content = (HEADERS[register] + "".join(rows)).encode()
    assert len(content) > 64 * 1024
    bad = "Courrier;10/07/2026;accueil;Urbanisme;Fen\xeatre;\r\n".encode("cp1252")
    return content + bad, 1002


def million_columns(register: str) -> bytes:
    return (HEADERS[register] + ";".join(["x"] * 1_000_000) + "\r\n").encode()


def post(client, org, url_name: str, extra: dict, content: bytes, filename: str = "registre.csv"):
    url = reverse(url_name, kwargs={"org_slug": org.slug})
    return client.post(url, {**extra, "file": SimpleUploadedFile(filename, content)})


@pytest.mark.parametrize(("register", "url_name", "extra", "model"), PAGES)
def test_random_bytes_get_a_french_message_on_every_import_page(org, manager_client, register, url_name, extra, model):
    response = post(manager_client, org, url_name, extra, random_bytes())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fichier refusé" in page and "ligne" in page
    assert not model.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(("register", "url_name", "extra", "model"), PAGES)
def test_a_windows_byte_after_64_kib_of_utf8_names_its_line(org, manager_client, register, url_name, extra, model):
    content, line = utf8_with_a_late_cp1252_byte(register)
    page = post(manager_client, org, url_name, extra, content).content.decode()
    assert f"ligne {line} : octet 0xEA illisible en UTF-8" in page
    assert not model.objects.filter(organisation=org).exists()


@pytest.mark.parametrize("register", ["requests", "acts", "complaints"])
def test_the_command_refuses_undecodable_bytes_in_french_without_a_traceback(org, tmp_path, register):
    path = tmp_path / "registre.csv"
    content, line = utf8_with_a_late_cp1252_byte(register)
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"ligne {line} : octet 0xEA illisible en UTF-8"):
        call_command("import_register", "--org", org.slug, "--register", register, str(path))
    path.write_bytes(random_bytes())
    with pytest.raises(CommandError, match="Fichier refusé : ligne"):
        call_command("import_register", "--org", org.slug, "--register", register, str(path))


@pytest.mark.parametrize(("register", "url_name", "extra", "model"), PAGES)
def test_a_utf16_file_is_refused_naming_its_encoding(org, manager_client, register, url_name, extra, model):
    content = (REQUESTS_HEADER + REQUEST_ROW).encode("utf-16")
    page = post(manager_client, org, url_name, extra, content).content.decode()
    assert "le fichier est encodé en UTF-16 : enregistrez-le en CSV UTF-8" in page


@pytest.mark.parametrize(("register", "url_name", "extra", "model"), PAGES)
def test_a_million_column_line_gives_a_small_page(org, manager_client, register, url_name, extra, model):
    response = post(manager_client, org, url_name, extra, million_columns(register))
    assert response.status_code == 200
    assert len(response.content) < 40_000
    assert "ligne 2 : ligne trop longue (plus de 256 Kio)" in response.content.decode()


def test_a_csv_line_wider_than_the_column_limit_is_refused(org, manager_client):
    content = (REQUESTS_HEADER + ";".join(["x"] * 201) + "\r\n").encode()
    page = post(manager_client, org, "correspondence:import", {}, content).content.decode()
    assert "ligne 2 : la ligne a 201 colonnes, plus que le maximum accepté (200)" in page


def test_a_very_long_line_is_refused_before_it_is_split(org, manager_client):
    content = (REQUESTS_HEADER + "Courrier;" + "x" * 300_000 + "\r\n").encode()
    page = post(manager_client, org, "correspondence:import", {}, content).content.decode()
    assert "ligne 2 : ligne trop longue (plus de 256 Kio)" in page


def test_a_long_value_is_quoted_shortened_in_a_rejection(org, manager_client):
    content = (REQUESTS_HEADER + "Courrier;" + "9" * 100_000 + ";accueil;;Objet;\r\n").encode()
    response = post(manager_client, org, "correspondence:import", {}, content)
    assert response.status_code == 200 and len(response.content) < 40_000
    assert "date « 9999" in response.content.decode()


def spreadsheet(kind: str, rows: list[list[str]], extra_headers: int = 0) -> bytes:
    dataset = tablib.Dataset(headers=REQUESTS_HEADER.strip().split(";") + [f"Note {n}" for n in range(extra_headers)])
    for row in rows:
        dataset.append(row)
    return dataset.export(kind)


GOOD_ROW = ["Courrier", "10/07/2026", "accueil", "Urbanisme", "Clôture", "20/07/2026"]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_spreadsheet_longer_than_the_row_limit_is_refused(org, manager_client, kind):
    content = spreadsheet(kind, [GOOD_ROW] * 30)
    with override_settings(QUALIPILOTE_IMPORT_MAX_ROWS=20):
        page = post(manager_client, org, "correspondence:import", {}, content, f"r.{kind}").content.decode()
    assert "ligne 21 : le fichier dépasse 20 lignes, le maximum accepté" in page
    assert not WrittenRequest.objects.filter(organisation=org).exists()


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_spreadsheet_wider_than_the_column_limit_is_refused(org, manager_client, kind):
    content = spreadsheet(kind, [GOOD_ROW + ["x"] * 10], extra_headers=10)
    with override_settings(QUALIPILOTE_IMPORT_MAX_COLUMNS=12):
        page = post(manager_client, org, "correspondence:import", {}, content, f"r.{kind}").content.decode()
    assert "la ligne a plus de 12 colonnes, le maximum accepté" in page


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_spreadsheet_that_unzips_past_the_limit_is_refused_before_reading(org, manager_client, kind):
    content = spreadsheet(kind, [GOOD_ROW])
    with override_settings(QUALIPILOTE_IMPORT_MAX_UNZIPPED_BYTES=1000):
        page = post(manager_client, org, "correspondence:import", {}, content, f"r.{kind}").content.decode()
    assert f"fichier {kind.upper()} trop volumineux une fois décompressé" in page


def ods_with_repeats(repeat_cells: int, repeat_rows: int, trailing_empty: int) -> bytes:
    """An ODS whose second row is one value repeated, then rows of empty cells repeated, as
    LibreOffice writes its trailing blanks."""
    header = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
        for name in REQUESTS_HEADER.strip().split(";")
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="Feuille1"><table:table-row>{header}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="{repeat_rows}">'
        f'<table:table-cell table:number-columns-repeated="{repeat_cells}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{trailing_empty}">'
        f'<table:table-cell table:number-columns-repeated="{trailing_empty}"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_ods_repeating_a_cell_a_million_times_is_refused_without_expanding_it(org, manager_client):
    content = ods_with_repeats(repeat_cells=1_000_000, repeat_rows=1, trailing_empty=1)
    page = post(manager_client, org, "correspondence:import", {}, content, "r.ods").content.decode()
    assert "ligne 2 : la ligne a plus de 200 colonnes" in page


def test_an_ods_repeating_a_row_a_billion_times_is_refused_at_the_row_limit(org, manager_client):
    content = ods_with_repeats(repeat_cells=1, repeat_rows=1_000_000_000, trailing_empty=1)
    with override_settings(QUALIPILOTE_IMPORT_MAX_ROWS=100):
        page = post(manager_client, org, "correspondence:import", {}, content, "r.ods").content.decode()
    assert "ligne 101 : le fichier dépasse 100 lignes" in page


def test_an_ods_with_a_million_trailing_empty_rows_and_cells_reads_its_rows(org, manager_client):
    content = ods_with_repeats(repeat_cells=1, repeat_rows=2, trailing_empty=1_048_000)
    page = post(manager_client, org, "correspondence:import", {}, content, "r.ods").content.decode()
    assert "2 ligne(s) lue(s)" in page


def test_an_import_refuses_a_reply_date_in_the_future_as_the_form_does(org, manager_client, time_machine):
    time_machine.move_to("2026-07-21 10:00 +02:00", tick=False)
    content = (REQUESTS_HEADER + REQUEST_ROW + "Courrier;10/07/2026;accueil;Urbanisme;Trop tôt;20/07/2027\r\n").encode()
    page = post(manager_client, org, "correspondence:import", {}, content).content.decode()
    assert "1 importée(s)" in page
    assert "ligne 3, colonne « Date de réponse » : la date du 20/07/2027 est dans le futur" in page


def test_an_import_refuses_a_delivery_date_in_the_future(org, manager_client, time_machine):
    time_machine.move_to("2026-03-06 10:00 +01:00", tick=False)
    content = (ACTS_HEADER + "Naissance;Copie intégrale;Guichet;1;02/03/2026;02/03/2027;\r\n").encode()
    page = post(manager_client, org, "civil_registry:import", {"register": "acts"}, content).content.decode()
    assert "colonne « Date de délivrance » : la date du 02/03/2027 est dans le futur" in page
