"""The calls import against hostile files (issue 10, item 7): a UTF-16 log is refused by
name, and a line of a million columns leaves a small run page and small stored errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportRun, ImportSource
from imports.tests.uploads import MASTER, asterisk_source, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def synchronous_imports(settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False


def upload(client, org, content: bytes, source=None):
    source = source or asterisk_source(org)
    response = client.post(url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", content)})
    run = ImportRun.objects.get()
    return run, client.get(response["Location"])


def test_a_utf16_call_log_is_refused_naming_its_encoding(org, manager_client):
    run, page = upload(manager_client, org, MASTER.decode().encode("utf-16"))
    assert run.status == "failed" and "le fichier est encodé en UTF-16" in run.error
    assert "UTF-16" in page.content.decode()


def test_a_line_of_a_million_columns_stores_and_shows_little(org, manager_client):
    run, page = upload(manager_client, org, MASTER + b",".join([b"x"] * 1_000_000) + b"\n")
    assert len(run.error) + len(str(run.rejections)) < 20_000
    assert len(page.content) < 100_000


def test_a_header_of_a_million_columns_is_refused_in_a_few_words(org, manager_client):
    table = ImportSource.objects.create(
        organisation=org, kind="calls", name="t", label="T", file_format="table",
        columns={"started_at": "Début"}, line_map={"*": "accueil"},
    )  # fmt: skip
    run, page = upload(manager_client, org, b",".join([b"Colonne"] * 1_000_000) + b"\n", source=table)
    assert run.status == "failed"
    assert "la ligne d'en-têtes a 1000000 colonnes, plus que le maximum accepté (200)" in run.error
    assert len(run.error) < 1_000 and len(page.content) < 100_000


def test_a_utf8_log_with_a_windows_byte_further_on_is_refused_with_its_line(org, manager_client):
    padding = b"".join(MASTER.splitlines(keepends=True)[1:2]) * 800  # past the first 64 KiB
    content = "Mairie d'Évry\n".encode() + padding + b"caf\xe9\n"
    run, page = upload(manager_client, org, content)
    assert run.status == "failed"
    lines = content.count(b"\n")
    assert f"ligne {lines}" in run.error and "deux encodages mélangés" in run.error
    assert "deux encodages mélangés" in page.content.decode()


def test_a_windows_1252_log_is_still_read_as_such(org, manager_client):
    run, _ = upload(manager_client, org, MASTER.replace(b'""A""', b'""\xc9ric""'))
    assert run.status == "done"
