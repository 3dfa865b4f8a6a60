"""Default grids, campaigns (by hand and by the daily job) and assignments."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from audits.actions import assign_assessment, create_campaign, create_default_grids, open_due_campaigns
from audits.default_grids import GridFileError, default_grids, read_grid_file
from audits.models import CheckCampaign, Criterion, Grid
from core.models import AuditEvent, Membership, Role, Service

pytestmark = pytest.mark.django_db


def test_the_shipped_grids_cover_the_commitments_checked_by_looking():
    grids = {spec.name: spec for spec in default_grids()}
    codes = {name: sorted({c.commitment for c in spec.criteria}, key=int) for name, spec in grids.items()}
    assert codes == {
        "1-autoevaluation-locaux": ["1", "2", "3", "5", "10", "14"],
        "2-point-information": ["4"],
        "3-visite-mystere": ["1", "2", "3", "7", "10", "12", "13", "14"],
        "4-appel-mystere": ["15"],
        "5-courrier-mystere": ["13", "17"],
    }
    frequencies = {name: (spec.kind, spec.frequency) for name, spec in grids.items()}
    assert frequencies["1-autoevaluation-locaux"] == ("self", "month")
    assert frequencies["4-appel-mystere"] == ("call", "quarter")
    assert all(c.expected and 1 <= c.weight <= 10 for spec in grids.values() for c in spec.criteria)


def test_a_grid_file_with_a_weight_out_of_range_is_refused_in_french(tmp_path: Path):
    path = tmp_path / "mauvaise.toml"
    path.write_text(
        'title = "T"\nkind = "self"\nfrequency = "month"\n'
        '[[criteria]]\ncommitment = "1"\nquestion = "Q"\nweight = 12\n',
        encoding="utf-8",
    )
    with pytest.raises(GridFileError, match=r"mauvaise\.toml, critère 1 : le poids doit être un nombre entier"):
        read_grid_file(path)


def test_a_new_town_gets_the_default_grids_once(org):
    assert Grid.objects.filter(organisation=org).count() == 5
    assert Criterion.objects.filter(organisation=org, grid__kind="call").count() == 5
    assert create_default_grids(org, None) == []
    assert Grid.objects.filter(organisation=org).count() == 5


def test_the_daily_job_opens_the_campaign_of_each_grid_for_its_period_once(org):
    opened = open_due_campaigns(org, dt.date(2026, 5, 12))
    by_grid = {campaign.grid.kind + ":" + campaign.grid.title: campaign for campaign in opened}
    assert len(opened) == 5
    visit = by_grid["visit:Visite mystère"]
    assert (visit.starts_on, visit.ends_on, visit.title) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        "Visite mystère — 2ᵉ trimestre 2026",
    )
    self_check = by_grid["self:Autoévaluation des locaux et de la signalétique"]
    assert (self_check.starts_on, self_check.ends_on) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert open_due_campaigns(org, dt.date(2026, 5, 13)) == []  # the next day: nothing more
    june = open_due_campaigns(org, dt.date(2026, 6, 1))
    assert sorted(campaign.grid.frequency for campaign in june) == ["month", "month"]  # quarters already open
    assert AuditEvent.objects.filter(organisation=org, object_type="audits.checkcampaign").count() == 7


def test_the_daily_job_skips_retired_grids_on_demand_grids_and_periods_opened_by_hand(org):
    Grid.objects.filter(organisation=org, kind="letter").update(is_active=False)
    Grid.objects.filter(organisation=org, kind="call").update(frequency="on_demand")
    visit = Grid.objects.get(organisation=org, kind="visit")
    create_campaign(
        organisation=org, actor=None, grid=visit, starts_on=dt.date(2026, 5, 4), ends_on=dt.date(2026, 5, 8),
        today=dt.date(2026, 5, 1),
    )  # fmt: skip
    opened = open_due_campaigns(org, dt.date(2026, 5, 12))
    assert sorted(campaign.grid.kind for campaign in opened) == ["self", "self"]


def test_a_campaign_ending_before_it_starts_is_refused(org):
    grid = Grid.objects.get(organisation=org, kind="call")
    with pytest.raises(ValidationError) as refused:
        create_campaign(
            organisation=org, actor=None, grid=grid, starts_on=dt.date(2026, 5, 4), ends_on=dt.date(2026, 5, 1),
            today=dt.date(2026, 5, 1),
        )  # fmt: skip
    assert refused.value.message_dict == {"ends_on": ["La fin de la campagne doit suivre son début."]}
    assert not CheckCampaign.objects.exists()


@pytest.fixture
def campaign(org):
    grid = Grid.objects.get(organisation=org, kind="visit")
    return create_campaign(
        organisation=org, actor=None, grid=grid, starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 6, 30),
        today=dt.date(2026, 4, 1),
    )  # fmt: skip


def test_a_grid_is_given_to_an_active_member_for_a_service(org, campaign, make_member):
    agent = make_member(org, Role.AGENT)
    service = Service.objects.get(organisation=org, code="accueil")
    assessment = assign_assessment(
        campaign=campaign, actor=None, assessor=agent, due_on=dt.date(2026, 6, 15), today=dt.date(2026, 4, 2),
        service=service,
    )  # fmt: skip
    assert (assessment.assessor, assessment.service, assessment.status) == (agent, service, "assigned")
    event = AuditEvent.objects.get(object_type="audits.assessment", object_id=str(assessment.pk))
    assert event.action == "create" and event.after is not None and event.after["assessor"] == agent.pk


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_or_an_auditor_is_not_given_a_grid(org, campaign, make_member, role):
    with pytest.raises(ValidationError, match="membre actif"):
        assign_assessment(
            campaign=campaign, actor=None, assessor=make_member(org, role), due_on=dt.date(2026, 6, 15),
            today=dt.date(2026, 4, 2),
        )  # fmt: skip


def test_a_member_whose_access_ended_or_of_another_town_is_not_given_a_grid(org, other_org, campaign, make_member):
    former = make_member(org, Role.AGENT)
    Membership.objects.filter(user=former).update(ends_on=dt.date(2026, 3, 31))
    for person in (former, make_member(other_org, Role.AGENT)):
        with pytest.raises(ValidationError, match="membre actif"):
            assign_assessment(
                campaign=campaign, actor=None, assessor=person, due_on=dt.date(2026, 6, 15), today=dt.date(2026, 4, 2)
            )


@pytest.mark.time_machine(dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC))
def test_manage_py_daily_opens_the_campaigns_of_the_new_quarter(org):
    from core.daily import run_daily_jobs

    outcome = run_daily_jobs(org)
    assert outcome.results["audits.open_campaigns"] == "5"
    starts = set(CheckCampaign.objects.filter(organisation=org).values_list("starts_on", flat=True))
    assert starts == {dt.date(2026, 7, 1)}


def test_an_outside_tester_is_given_a_grid_until_their_end_date(org, campaign, make_member):
    tester = make_member(org, Role.TESTER)
    Membership.objects.filter(user=tester).update(ends_on=dt.date(2026, 4, 30))
    assessment = assign_assessment(
        campaign=campaign, actor=None, assessor=tester, due_on=dt.date(2026, 4, 30), today=dt.date(2026, 4, 2)
    )
    assert assessment.assessor == tester
    with pytest.raises(ValidationError, match="membre actif"):
        assign_assessment(
            campaign=campaign, actor=None, assessor=tester, due_on=dt.date(2026, 6, 30), today=dt.date(2026, 5, 2)
        )
