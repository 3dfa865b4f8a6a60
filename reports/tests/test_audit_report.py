"""The results of a check campaign as a tagged PDF, read back with pdftotext: pooled scores
per commitment, the criteria missed with their comments and photos, and no one named."""

import datetime as dt
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from audits import fill
from audits.fill import PaperScore
from audits.models import Rating
from audits.tests.factories import make_assessment, make_campaign
from audits.tests.images import image_upload, pdf_upload
from core.models import Role
from reports.audit_report import audit_report

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 20, 10, tzinfo=PARIS)
TODAY = NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "controle.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def submitted(campaign, assessor, ratings, comments=None, photos=None, day=dt.date(2026, 12, 2)):
    assessment = make_assessment(campaign, assessor)
    criteria = list(campaign.grid.criteria.order_by("position"))
    for index, (criterion, rating) in enumerate(zip(criteria, ratings, strict=True)):
        fill.save_answer(
            assessment=assessment,
            criterion=criterion,
            rating=rating,
            comment=(comments or {}).get(index, ""),
            photo=(photos or {}).get(index),
            actor=assessor,
        )
    fill.submit_assessment(assessment=assessment, checked_on=day, actor=assessor, now=NOW, today=TODAY)
    return assessment


@pytest.fixture
def campaign_with_grids(org, make_member):
    """Two grids filled online and one on paper:
    commitment 1 (weights 2 and 1): yes+no = 2/3, partly+yes = 2/3, paper 1/3 -> 5/9 = 55.6 %;
    commitment 2 (weights 1 and 1): no+na = 0/1, yes+yes = 2/2 -> 2/3 = 66.7 %."""
    campaign = make_campaign(org)
    agent = make_member(org, Role.AGENT, email="camille.controle@ville-test.test")
    manager = make_member(org, Role.QUALITY_MANAGER, email="dominique.qualite@ville-test.test")
    yes, no, partly, na = Rating.YES, Rating.NO, Rating.PARTLY, Rating.NOT_APPLICABLE
    submitted(
        campaign,
        agent,
        [yes, no, no, na],
        comments={1: "Horaires d'été encore affichés", 2: "Cartons dans le hall"},
        photos={2: image_upload("hall.jpg", size=(1600, 1200))},
    )
    submitted(campaign, agent, [partly, yes, yes, yes], comments={0: "Panneau caché par un arbre"})
    fill.enter_paper_grid(
        campaign=campaign,
        checked_on=dt.date(2026, 12, 10),
        scan=pdf_upload(),
        scores=[PaperScore("1", "Engagement 1", Decimal(1), Decimal(3))],
        site=None,
        service=None,
        actor=manager,
        now=NOW,
        today=TODAY,
    )
    make_assessment(campaign, agent)  # still to fill: not counted
    return campaign


def test_the_report_pools_the_points_of_every_submitted_grid_per_commitment(campaign_with_grids):
    report = audit_report(campaign_with_grids)
    assert (report.submitted, report.on_paper, report.to_fill) == (3, 1, 1)
    assert [(s.code, s.earned, s.possible, s.grids) for s in report.scores] == [("1", 5, 9, 3), ("2", 2, 3, 2)]
    assert [round(score.share, 1) for score in report.scores] == [55.6, 66.7]
    assert [(c.question, c.noes, c.partlies) for c in report.missed] == [
        ("La signalétique extérieure mène à l'entrée", 0, 1),
        ("Les horaires sont affichés à l'entrée", 1, 0),
        ("Le hall est propre et dégagé", 1, 0),
    ]
    assert report.photo_count == 1


def test_the_pdf_shows_campaign_scores_missed_criteria_and_photos_and_names_no_one(
    campaign_with_grids, manager_client, tmp_path
):
    org = campaign_with_grids.organisation
    response = manager_client.get(reverse("reports:audit_results_pdf", args=[org.slug, campaign_with_grids.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "controle.pdf").write_bytes(response.content)
    text = pdf_text(response.content, tmp_path)
    assert "Résultats de la campagne de contrôle" in text
    assert "Autoévaluation de décembre 2026" in text and "Autoévaluation des locaux" in text
    assert "Du mardi 1er décembre 2026 au jeudi 31 décembre 2026" in text
    assert "contrôle du mercredi 2 décembre 2026, Hôtel de ville — Accueil : « Cartons dans le hall »" in text
    assert "3 grilles remises" in text and "dont 1 remplie sur papier" in text
    assert "55,6 %" in text and "66,7 %" in text
    assert "Les grilles évaluent le service, pas les agents." in text
    assert "« Horaires d'été encore affichés »" in text and "« Panneau caché par un arbre »" in text
    assert "Cartons dans le hall" in text
    for person in ("camille", "dominique", "agent Ville de Test", "quality_manager"):
        assert person not in text.lower()
    images = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "controle.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(images) == 1 and images[0].split()[3:5] == ["600", "450"]  # the photo, scaled down
    info = subprocess.run(["pdfinfo", str(tmp_path / "controle.pdf")], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout


def test_a_campaign_without_submitted_grids_says_so(org, manager_client, tmp_path):
    campaign = make_campaign(org)
    response = manager_client.get(reverse("reports:audit_results_pdf", args=[org.slug, campaign.pk]))
    text = pdf_text(response.content, tmp_path)
    assert "0 grille remise " in text and "Aucune grille remise pour le moment" in text
    assert "Aucune grille remise : aucun critère manqué à ce jour." in text


def test_every_member_reads_the_report_and_an_outsider_gets_404(org, client_as, outsider_client):
    campaign = make_campaign(org)
    url = reverse("reports:audit_results_pdf", args=[org.slug, campaign.pk])
    assert client_as(org, Role.AUDITOR).get(url).status_code == 200
    assert outsider_client.get(url).status_code == 404
