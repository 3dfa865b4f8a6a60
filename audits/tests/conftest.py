"""Fixtures of the audits' tests: a grid over commitments 1 and 2, its December campaign and a
grid assigned to an agent, to fill."""

import datetime as dt
from collections.abc import Callable

import pytest

from audits.models import Assessment, CheckCampaign, Criterion, Grid
from audits.tests.factories import make_assessment, make_campaign, make_grid
from core.models import Organisation, Role, User
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401 -- Debian's Chromium, session login

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def grid(org: Organisation) -> Grid:
    return make_grid(org)


@pytest.fixture
def criteria(grid: Grid) -> list[Criterion]:
    return list(grid.criteria.order_by("position"))


@pytest.fixture
def check_campaign(org: Organisation, grid: Grid) -> CheckCampaign:
    return make_campaign(org, grid)


@pytest.fixture
def assessor(org: Organisation, make_member: Callable[..., User]) -> User:
    return make_member(org, Role.AGENT, email="controleur@ville-test.test")


@pytest.fixture
def assessment(check_campaign: CheckCampaign, assessor: User) -> Assessment:
    return make_assessment(check_campaign, assessor)
