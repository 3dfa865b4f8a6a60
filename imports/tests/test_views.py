"""The import pages: sources, their JSON file, uploading a file, and the run with its progress."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import log_in_verified
from core.models import AuditEvent, Role
from imports.forms import JSON_FORMAT
from imports.models import ImportRun, ImportSource
from imports.tests.uploads import MASTER, asterisk_source, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def synchronous_imports(settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False


@pytest.fixture
def source(org):
    return asterisk_source(org)


@pytest.mark.parametrize(
    ("kind", "said", "not_said"),
    [
        ("calls", ["Master.csv", "Correspondance des lignes", "SIP/ec-*"], ["agenda"]),
        (
            "appointments",
            [".ics", "Correspondance des agendas et services"],
            ["Master.csv", "SIP/", "Champ du journal"],
        ),
        ("tickets", ["Correspondance des files"], ["Master.csv", "SIP/"]),
    ],
)
def test_each_kinds_source_form_speaks_of_its_own_files(org, manager_client, kind, said, not_said):
    page = manager_client.get(url(org, "source_add") + f"?donnees={kind}").content.decode()
    form = page.split("<h1>", 1)[1].split("</form>", 1)[0]
    assert all(words in form for words in said) and not any(words in form for words in not_said)
    assert "heure de Paris" not in form and "heure locale de la ville" in form


def test_the_quality_manager_creates_an_asterisk_source_from_the_form(org, manager_client):
    response = manager_client.post(
        url(org, "source_add") + "?donnees=calls",
        {
            "kind": "calls",
            "label": "Standard Asterisk",
            "name": "asterisk",
            "file_format": "asterisk_cdr",
            "line_field": "dcontext",
            "line_map_text": "from-trunk-accueil = accueil\nfrom-trunk-ec = etat-civil\n* =",
            "duration_unit": "s",
            "header": "on",
        },
    )
    source = ImportSource.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url(org, "upload", source_id=source.pk)
    assert source.line_map == {"from-trunk-accueil": "accueil", "from-trunk-ec": "etat-civil", "*": ""}
    assert source.line_field == "dcontext" and source.columns == {}
    assert AuditEvent.objects.filter(object_type="imports.importsource", object_id=str(source.pk)).exists()


def test_a_wrong_mapping_is_refused_with_a_french_message_and_nothing_saved(org, manager_client):
    response = manager_client.post(
        url(org, "source_add"),
        {
            "kind": "calls",
            "label": "Standard",
            "name": "standard",
            "file_format": "table",
            "line_map_text": "Accueil = guichet-unique",
            "duration_unit": "s",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "« guichet-unique » n'est ni une ligne ni un service" in errors["line_map_text"][0]
    assert errors["col_started_at"][0].startswith("Indiquez la colonne de « Début de l'appel")
    assert 'aria-invalid="true"' in response.content.decode()
    assert ImportSource.objects.count() == 0


def test_a_source_is_exported_as_json_and_another_town_creates_it_from_that_file(
    org, other_org, source, manager_client, client_as
):
    response = manager_client.get(url(org, "source_json", source_id=source.pk))
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="source-calls-asterisk.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == JSON_FORMAT and data["line_map"] == {"*": "accueil"}

    other = client_as(other_org, Role.QUALITY_MANAGER)
    upload = SimpleUploadedFile("asterisk.json", response.content, content_type="application/json")
    created = other.post(url(other_org, "source_from_json"), {"file": upload})
    assert created.status_code == 302
    assert ImportSource.objects.get(organisation=other_org).line_field == "dst"


def test_the_run_page_polls_while_running_and_htmx_stops_once_finished(org, source, manager_client):
    running = ImportRun.objects.create(
        organisation=org, source=source, filename="Master.csv", total_bytes=1000, read_bytes=450
    )
    page = manager_client.get(url(org, "run", run_id=running.pk)).content.decode()
    assert (
        'hx-trigger="every 1s"' in page
        and '<progress id="progression-import" max="100" value="45">45 %</progress>' in page
    )

    fragment = manager_client.get(url(org, "run", run_id=running.pk), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    running.status = "done"
    running.save()
    done = manager_client.get(url(org, "run", run_id=running.pk), headers={"HX-Request": "true"})
    assert done.status_code == 286 and "Bilan de l'import" in done.content.decode()


def test_an_upload_over_the_cap_is_refused_before_it_is_stored(org, source, manager_client, settings):
    settings.QUALIPILOTE_IMPORT_MAX_BYTES = 100
    response = manager_client.post(
        url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)}
    )
    assert response.status_code == 200
    assert "Mio au plus" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_an_upload_without_its_csrf_token_is_refused(org, source, make_member):
    client = Client(enforce_csrf_checks=True)
    log_in_verified(client, make_member(org, Role.QUALITY_MANAGER))
    response = client.post(url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)})
    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused(org, source, manager_client):
    response = manager_client.post(
        url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.xlsx", b"x")}
    )
    assert "ne correspond pas au format" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_agents_and_readers_cannot_manage_sources_nor_upload(org, source, client_as):
    for role in (Role.AGENT, Role.READER):
        client = client_as(org, role)
        assert client.get(url(org, "sources")).status_code == 403
        assert (
            client.post(
                url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)}
            ).status_code
            == 403
        )
    assert ImportRun.objects.count() == 0


def test_a_source_that_imported_calls_cannot_be_deleted(org, source, manager_client):
    manager_client.post(url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)})
    page = manager_client.get(url(org, "source_delete", source_id=source.pk)).content.decode()
    assert "ne peut pas être supprimée" in page
    manager_client.post(url(org, "source_delete", source_id=source.pk))
    assert ImportSource.objects.filter(pk=source.pk).exists()


def more_sources_and_runs(org, make_member, count):
    """`count` more sources of each kind, and three runs of each source by different people."""
    people = [make_member(org, Role.QUALITY_MANAGER, email=f"qualite{n}@ville-test.test") for n in range(3)]
    for number in range(count):
        for kind, file_format in (("calls", "asterisk_cdr"), ("tickets", "table")):
            extra = ImportSource.objects.create(
                organisation=org, kind=kind, name=f"{kind}-{number}", label=f"Source {number}", file_format=file_format
            )
            for person in people:
                ImportRun.objects.create(
                    organisation=org, source=extra, filename=f"export-{number}.csv", actor=person, status="done"
                )


def test_the_sources_page_lists_sources_and_runs_in_few_queries(
    org, source, manager_client, django_assert_max_num_queries, page_queries, make_member
):
    manager_client.post(url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)})
    few = page_queries(manager_client, url(org, "sources"))
    with django_assert_max_num_queries(10):
        page = manager_client.get(url(org, "sources")).content.decode()
    assert "manage.py import_calls --org ville-test --source asterisk FICHIER" in page
    assert "Master.csv" in page and "Asterisk (Master.csv)" in page and "asterisk_cdr" not in page
    more_sources_and_runs(org, make_member, 8)
    assert "Source 7" in manager_client.get(url(org, "sources")).content.decode()
    assert (
        page_queries(manager_client, url(org, "sources")) == few <= 7
    )  # +1: the verified second factor (accounts, ADR 0015)


def test_the_runs_page_runs_the_same_queries_for_one_run_or_many(
    org, source, manager_client, page_queries, make_member
):
    manager_client.post(url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)})
    few = page_queries(manager_client, url(org, "runs"))
    more_sources_and_runs(org, make_member, 8)
    page = manager_client.get(url(org, "runs"))
    assert page.context["page"].paginator.count == 49 and len(page.context["page"]) == 25
    assert (
        page_queries(manager_client, url(org, "runs")) == few <= 6
    )  # +1: the verified second factor (accounts, ADR 0015)
    assert page_queries(manager_client, url(org, "runs"), {"page": 2}) == few
