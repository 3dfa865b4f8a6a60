"""A grid filled on paper, typed in by the quality manager: the scan is required, the points
per commitment are checked and stored as scores whose source is paper."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from audits.models import Assessment, AssessmentSource, AssessmentStatus, CommitmentScore
from audits.tests.images import image_upload, pdf_upload
from core.models import AuditEvent, Role, Site

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 3, 10, tzinfo=PARIS)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def paper_url(campaign):
    return reverse("audits:paper_grid", args=[campaign.organisation.slug, campaign.pk])


def points(**by_code):
    data = {}
    for code, (earned, possible) in by_code.items():
        data[f"earned_{code.removeprefix('c')}"] = earned
        data[f"possible_{code.removeprefix('c')}"] = possible
    return data


def test_the_page_offers_each_commitment_of_the_grid_with_its_points_possible(manager_client, check_campaign):
    page = manager_client.get(paper_url(check_campaign)).content.decode()
    assert 'name="possible_1" value="3"' in page and 'name="possible_2" value="2"' in page
    assert "Les grilles évaluent le service, pas les agents." in page


def test_a_paper_grid_is_stored_as_a_submitted_assessment_with_paper_scores(org, manager_client, check_campaign):
    site = Site.objects.get(organisation=org)
    data = {"checked_on": "2026-12-02", "site": site.pk, "scan": pdf_upload()} | points(c1=("2.5", "3"), c2=("", ""))
    response = manager_client.post(paper_url(check_campaign), data)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.source) == (AssessmentStatus.SUBMITTED, AssessmentSource.PAPER)
    assert (assessment.checked_on, assessment.site) == (dt.date(2026, 12, 2), site)
    assert assessment.scan.name.endswith(".pdf")
    scores = list(CommitmentScore.objects.values_list("commitment_code", "earned", "possible"))
    assert scores == [("1", Decimal("2.5"), Decimal(3))]  # commitment 2 left empty: it did not apply
    event = AuditEvent.objects.get(action="enter_paper_grid")
    assert event.after is not None and event.after["scores"] == "engagement 1 : 2,5/3"


def test_a_scanned_image_is_accepted_too(manager_client, check_campaign):
    data = {"checked_on": "2026-12-02", "scan": image_upload("grille.png", "PNG")} | points(c1=("1", "3"))
    assert manager_client.post(paper_url(check_campaign), data).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (points(c1=("4", "3")), "les points obtenus (4) dépassent les points possibles (3)"),
        (points(c1=("0", "0")), "les points possibles doivent être supérieurs à 0"),
        (points(c1=("1", "-2")), "les points possibles doivent être supérieurs à 0"),
        (points(c1=("-1", "3")), "les points obtenus ne peuvent pas être négatifs"),
        (points(c1=("2", "")), "saisissez les points obtenus et les points possibles, ou aucun des deux"),
    ],
)
def test_impossible_points_are_refused_naming_the_commitment(manager_client, check_campaign, typed, message):
    data = {"checked_on": "2026-12-02", "scan": pdf_upload()} | points(c2=("1", "2")) | typed
    response = manager_client.post(paper_url(check_campaign), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert "Engagement 1 : " in page or "1. " in page  # the commitment is named
    assert not Assessment.objects.exists() and not CommitmentScore.objects.exists()


def test_the_scan_is_required_and_must_be_a_pdf_or_an_image(manager_client, check_campaign):
    data = {"checked_on": "2026-12-02"} | points(c1=("1", "3"))
    missing = manager_client.post(paper_url(check_campaign), data)
    assert "Joignez la grille papier numérisée" in missing.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("grille.pdf", b"not a pdf at all", content_type="application/pdf")
    wrong = manager_client.post(paper_url(check_campaign), data | {"scan": text})
    assert "doit être un fichier PDF ou une image" in wrong.content.decode()
    assert not Assessment.objects.exists()


def test_a_grid_without_any_points_is_refused(manager_client, check_campaign):
    data = {"checked_on": "2026-12-02", "scan": pdf_upload()}
    response = manager_client.post(paper_url(check_campaign), data)
    assert response.status_code == 400
    assert "Saisissez les points d&#x27;au moins un engagement." in response.content.decode()


def test_only_the_quality_manager_types_in_a_paper_grid(org, client_as, check_campaign):
    assert client_as(org, Role.AGENT).get(paper_url(check_campaign)).status_code == 403
    assert client_as(org, Role.READER).post(paper_url(check_campaign), {}).status_code == 403
