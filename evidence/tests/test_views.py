"""The « Dossier de preuves » pages: the quality manager builds the pack of a closed year in one
click and follows its progress; readers and auditors download a ready pack but build none; an
outsider gets 404; bad input gets a French message and writes nothing."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commitments.closing import close_year
from core.models import AuditEvent, Role, YearClosing
from evidence.actions import start_build
from evidence.models import EvidencePack, PackStatus
from evidence.tests.samples import ready_pack

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def february_2026(time_machine, settings):
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=PARIS), tick=False)
    settings.QUALIPILOTE_EVIDENCE_IN_BACKGROUND = False  # the same build, at once


@pytest.fixture
def closed_2025(org, make_member):
    return close_year(organisation=org, year=2025, actor=make_member(org, Role.QUALITY_MANAGER, "q@ville.test"))


def url(org, name, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_quality_manager_builds_the_pack_of_a_closed_year_in_one_click_and_downloads_it(
    org, manager_client, closed_2025
):
    page = manager_client.get(url(org, "packs")).content.decode()
    assert "Construire le dossier 2025" in page
    response = manager_client.post(url(org, "packs"), {"annee": "2025"})
    pack = EvidencePack.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url(org, "pack", pack_id=pack.pk)
    page = manager_client.get(response["Location"]).content.decode()
    assert "Dossier prêt" in page and url(org, "download", pack_id=pack.pk) in page
    download = manager_client.get(url(org, "download", pack_id=pack.pk))
    assert download["Content-Disposition"] == 'attachment; filename="dossier-de-preuves-ville-test-2025.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "index.html" in archive.namelist()
    assert "Reconstruire le dossier 2025" in manager_client.get(url(org, "packs")).content.decode()


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_or_auditor_downloads_a_ready_pack_but_cannot_build_one(org, client_as, closed_2025, role):
    pack = ready_pack(org)
    client = client_as(org, role)
    page = client.get(url(org, "packs")).content.decode()
    assert url(org, "download", pack_id=pack.pk) in page and "Construire le dossier" not in page
    assert client.get(url(org, "download", pack_id=pack.pk)).status_code == 200
    assert client.post(url(org, "packs"), {"annee": "2025"}).status_code == 403
    assert EvidencePack.objects.count() == 1


def test_an_outsider_gets_404_on_every_pack_page(org, outsider_client, closed_2025):
    pack = ready_pack(org)
    for address in (url(org, "packs"), url(org, "pack", pack_id=pack.pk), url(org, "download", pack_id=pack.pk)):
        assert outsider_client.get(address).status_code == 404
    assert outsider_client.post(url(org, "packs"), {"annee": "2025"}).status_code == 404


def test_a_year_not_closed_is_refused_in_french_and_nothing_is_written(org, manager_client, closed_2025):
    events = AuditEvent.objects.count()
    for year in ("2024", "deux mille", ""):
        response = manager_client.post(url(org, "packs"), {"annee": year})
        assert response.status_code == 400
    text = response.content.decode()
    assert "Choisissez dans la liste l&#x27;exercice clôturé" in text
    response = manager_client.post(url(org, "packs"), {"annee": "2024"})
    assert "L&#x27;exercice 2024 n&#x27;est pas clôturé" in response.content.decode()
    assert not EvidencePack.objects.exists() and AuditEvent.objects.count() == events


def test_the_page_of_a_running_build_shows_its_step_and_htmx_polls_it_until_it_ends(
    org, manager_client, make_member, closed_2025
):
    pack = start_build(organisation=org, year=2025, actor=make_member(org, Role.QUALITY_MANAGER, "q3@ville.test"))
    pack.step, pack.steps, pack.step_label = 3, 30, "Engagement 3 : indicateurs, enregistrements et justificatifs"
    pack.save()
    page = manager_client.get(url(org, "pack", pack_id=pack.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and "étape 4 sur 30 : Engagement 3" in page
    polled = manager_client.get(url(org, "pack", pack_id=pack.pk), headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "<progress" in polled.content.decode()
    assert "Construction en cours" in manager_client.get(url(org, "packs")).content.decode()
    pack.status = PackStatus.FAILED
    pack.error = "Erreur de test."
    pack.save()
    polled = manager_client.get(url(org, "pack", pack_id=pack.pk), headers={"HX-Request": "true"})
    assert polled.status_code == 286 and "Erreur de test." in polled.content.decode()


def test_a_pack_replaced_or_not_ready_is_not_downloaded(org, manager_client, closed_2025):
    pack = ready_pack(org)
    pack.status = PackStatus.REPLACED
    pack.save()
    assert manager_client.get(url(org, "download", pack_id=pack.pk)).status_code == 404
    assert (
        "remplacé par une construction plus récente"
        in manager_client.get(url(org, "pack", pack_id=pack.pk)).content.decode()
    )


def test_without_a_closed_year_the_page_says_where_to_close_one(org, manager_client):
    page = manager_client.get(url(org, "packs")).content.decode()
    assert "Aucun exercice n'est clôturé" in page and reverse("commitments:closing", args=[org.slug]) in page


def test_the_list_runs_the_same_queries_whatever_the_number_of_years_and_builds(org, manager_client, page_queries):
    YearClosing.objects.create(organisation=org, year=2024, closed_at=dt.datetime(2025, 1, 10, tzinfo=dt.UTC))
    ready_pack(org)
    small = page_queries(manager_client, url(org, "packs"))
    for year in (2020, 2021, 2022, 2023):
        closing = YearClosing.objects.create(
            organisation=org, year=year, closed_at=dt.datetime(year + 1, 1, 10, tzinfo=dt.UTC)
        )
        for _ in range(3):
            EvidencePack.objects.create(organisation=org, year=year, closing=closing, status=PackStatus.FAILED)
    assert page_queries(manager_client, url(org, "packs")) == small
