"""Uploading a call log on the import pages writes the telephony app's calls: the import
engine's pages with the calls kind telephony registers (imports + telephony)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportRun, ImportSource
from telephony.models import Call

pytestmark = pytest.mark.django_db

# Three lines of an Asterisk Master.csv: two calls, and a third whose time does not exist.
MASTER = (
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-1","SIP/201-2","Dial","SIP/201",'
    b'"2026-03-02 09:00:00","2026-03-02 09:00:12","2026-03-02 09:03:12",192,180,"ANSWERED","DOCUMENTATION","1.1",""\n'
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-3","SIP/201-4","Dial","SIP/201",'
    b'"2026-03-02 09:05:00","","2026-03-02 09:05:40",40,0,"NO ANSWER","DOCUMENTATION","1.2",""\n'
    b'"","0612345678","0130000001","from-trunk","""A"" <0612345678>","SIP/t-5","SIP/201-6","Dial","SIP/201",'
    b'"2026-03-02 25:00:00","","",0,0,"ANSWERED","DOCUMENTATION","1.3",""\n'
)


def url(org, name, **kwargs):
    return reverse(f"imports:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture(autouse=True)
def synchronous_imports(settings):
    settings.QUALIPILOTE_IMPORTS_IN_BACKGROUND = False


@pytest.fixture
def source(org):
    return ImportSource.objects.create(
        organisation=org,
        kind="calls",
        name="asterisk",
        label="Standard Asterisk",
        file_format="asterisk_cdr",
        line_field="dst",
        line_map={"*": "accueil"},
    )


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
