"""Uploading a call log on the import pages writes the telephony app's calls: the import
engine's pages with the calls kind telephony registers (imports + telephony)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportRun
from imports.tests.uploads import MASTER, asterisk_source, url
from telephony.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def synchronous_imports(settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False


@pytest.fixture
def source(org):
    return asterisk_source(org)


def test_uploading_a_file_imports_it_and_the_run_page_shows_the_summary_and_rejections(org, source, manager_client):
    response = manager_client.post(
        url(org, "upload", source_id=source.pk), {"file": SimpleUploadedFile("Master.csv", MASTER)}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == url(org, "run", run_id=run.pk)
    assert (run.status, run.rows_read, run.imported, run.rejected) == ("done", 3, 2, 1)
    assert Call.objects.count() == 2
    assert set(Call.objects.values_list("organisation", flat=True)) == {org.pk}

    page = manager_client.get(response["Location"]).content.decode()
    assert "Bilan de l'import" in page and "Premières lignes rejetées" in page and "2026-03-02 25:00:00" in page
    assert "hx-get" not in page  # finished: nothing to poll
