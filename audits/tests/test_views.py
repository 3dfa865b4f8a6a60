"""The campaigns' and filled grids' pages."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audits.models import Assessment, CheckCampaign, Grid
from audits.tests.factories import make_filled_grid, make_grid_campaign, make_weighted_grid
from audits.tests.samples import PNG
from core.models import Role, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(org, make_member):
    return make_member(org, Role.AGENT, email="agent.controle@ville-test.test")


@pytest.fixture
def done(org, agent):
    grid = make_weighted_grid(org, [("1", 2), ("1", 1), ("10", 3)], kind="visit", title="Visite d'essai")
    return make_filled_grid(make_grid_campaign(grid), agent, ["yes", "partly", "no"])


def base(org):
    return f"/o/{org.slug}/controles/"


@pytest.mark.time_machine(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC))
def test_the_home_lists_the_campaigns_running_and_the_latest_score_of_each_commitment(org, done, manager_client):
    page = manager_client.get(base(org)).content.decode()
    assert "Visite d&#x27;essai de mars" in page
    assert "83 %" in page  # commitment 1: (2 + 0.5) of 3
    assert "0 %" in page  # commitment 10
    assert "jamais un agent" in page


@pytest.mark.time_machine(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC))
def test_the_manager_creates_a_campaign_then_gives_a_grid_to_fill(org, manager_client, agent):
    grid = Grid.objects.get(organisation=org, kind="call")
    response = manager_client.post(
        base(org) + "campagnes/nouvelle/", {"grid": grid.pk, "starts_on": "2026-03-16", "ends_on": "2026-03-27"}
    )
    campaign = CheckCampaign.objects.get(organisation=org)
    assert response.status_code == 302 and campaign.title == "Appel mystère — du 16/03/2026 au 27/03/2026"
    service = Service.objects.get(organisation=org, code="accueil")
    form = {"assessor": agent.pk, "service": service.pk, "due_on": "2026-03-27"}
    response = manager_client.post(base(org) + f"campagnes/{campaign.pk}/confier/", form)
    assert response.status_code == 302
    assessment = Assessment.objects.get(campaign=campaign)
    assert (assessment.assessor, assessment.service, assessment.due_on) == (agent, service, dt.date(2026, 3, 27))
    page = manager_client.get(base(org) + f"campagnes/{campaign.pk}/").content.decode()
    assert "agent Ville de Test" in page and "à remplir" in page


def test_a_due_date_before_the_campaign_comes_back_in_french_and_writes_nothing(org, manager_client, agent):
    campaign = make_grid_campaign(make_weighted_grid(org, [("1", 1)]))
    form = {"assessor": agent.pk, "due_on": "2026-02-01"}
    response = manager_client.post(base(org) + f"campagnes/{campaign.pk}/confier/", form)
    assert response.status_code == 400
    assert "L&#x27;échéance ne peut pas précéder le début de la campagne." in response.content.decode()
    assert not Assessment.objects.exists()


def test_agents_do_not_see_who_checked(org, done, client_as):
    agent = client_as(org, Role.AGENT)
    for address in (f"campagnes/{done.campaign_id}/", f"grilles-remplies/{done.pk}/"):
        page = agent.get(base(org) + address).content.decode()
        assert "agent.controle" not in page and "Contrôleur" not in page


def test_a_submitted_grid_reads_with_its_scores_and_a_button_for_each_finding(org, done, manager_client):
    page = manager_client.get(base(org) + f"grilles-remplies/{done.pk}/").content.decode()
    assert "Score : <strong>83 %</strong> (2,5 points sur 3)" in page
    assert "Score : <strong>0 %</strong> (0 point sur 3)" in page
    partly, no = done.answers.order_by("criterion__position")[1:]
    assert f"Ouvrir une action d&#x27;amélioration (constat n° {partly.pk})" in page
    assert f"Ouvrir une action d&#x27;amélioration (constat n° {no.pk})" in page
    assert page.count("Ouvrir une action d&#x27;amélioration") == 2  # not for "oui"


def test_a_reader_sees_the_findings_without_the_button(org, done, client_as):
    page = client_as(org, Role.READER).get(base(org) + f"grilles-remplies/{done.pk}/").content.decode()
    assert "Aucune action d&#x27;amélioration n&#x27;a été ouverte pour ce constat." in page
    assert "Ouvrir une action" not in page


def test_a_photo_is_served_to_the_town_only(org, other_org, done, manager_client, client_as):
    answer = done.answers.order_by("pk").first()
    answer.photo.save("vue.png", ContentFile(PNG), save=True)
    address = base(org) + f"reponses/{answer.pk}/photo/"
    response = manager_client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client_as(other_org, Role.ADMIN).get(address).status_code == 404
    assert manager_client.get(base(org) + f"reponses/{answer.pk + 1}/photo/").status_code == 404  # no photo


def test_the_drill_down_lists_the_grids_behind_a_value(org, done, agent, manager_client):
    other = make_filled_grid(make_grid_campaign(make_weighted_grid(org, [("15", 1)], kind="call")), agent, ["yes"])
    page = manager_client.get(base(org) + "grilles-remplies/", {"engagement": "1", "periode": "2026-03"}).content
    assert f"grilles-remplies/{done.pk}/".encode() in page and f"grilles-remplies/{other.pk}/".encode() not in page
    april = manager_client.get(base(org) + "grilles-remplies/", {"engagement": "1", "periode": "2026-04"}).content
    assert f"grilles-remplies/{done.pk}/".encode() not in april


@pytest.mark.time_machine(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC))
def test_the_filled_grids_list_their_scores_in_commitment_number_order(org, agent, manager_client):
    grid = make_weighted_grid(org, [("10", 1), ("2", 1), ("14", 1)], kind="visit", title="Visite en désordre")
    filled = make_filled_grid(make_grid_campaign(grid), agent, ["yes", "no", "yes"])
    page = manager_client.get(base(org) + "grilles-remplies/").content.decode()
    assert "2 : 0 % · 10 : 100 % · 14 : 100 %" in page
    campaign_page = manager_client.get(base(org) + f"campagnes/{filled.campaign_id}/").content.decode()
    assert "2 : 0 % · 10 : 100 % · 14 : 100 %" in campaign_page


def test_lists_read_in_the_same_number_of_queries_whatever_their_length(org, agent, manager_client, page_queries):
    grid = make_weighted_grid(org, [("1", 1), ("10", 1)])
    make_filled_grid(make_grid_campaign(grid), agent, ["yes", "no"])
    addresses = ["", "campagnes/", "grilles/", "grilles-remplies/"]
    small = [page_queries(manager_client, base(org) + address) for address in addresses]
    for _ in range(4):
        campaign = make_grid_campaign(make_weighted_grid(org, [("1", 1), ("12", 2)], kind="visit"))
        make_filled_grid(campaign, agent, ["no", "partly"])
        make_filled_grid(campaign, agent, [], checked_on=None)
    large = [page_queries(manager_client, base(org) + address) for address in addresses]
    assert small == large


def test_the_journal_reads_a_submitted_grid_and_its_scores_in_french(org, done, manager_client):
    page = manager_client.get(reverse("core:audit_trail", args=[org.slug])).content.decode()
    assert "Remise de la grille" in page and "<dt>Points par engagement (obtenus/possibles)</dt>" in page
    assert "engagement 1 : 2,5/3 ; engagement 10 : 0/3" in page


def test_a_campaign_page_links_to_its_results_report(org, done, client_as):
    page = client_as(org, Role.READER).get(base(org) + f"campagnes/{done.campaign_id}/").content.decode()
    assert reverse("reports:audit_results_pdf", args=[org.slug, done.campaign_id]) in page
