"""Fixtures of the counter tests: the town's site and services, two of the visit reasons it was
created with, and Paris times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.models import Role, Service, Site
from reception.models import VisitReason
from tests.conftest import browser_type_launch_args, kiosk_page, log_in  # noqa: F401  Chromium, login, tablet

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A wall-clock time in Paris, as the aware datetime the actions take."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


@pytest.fixture
def site(org):
    return Site.objects.get(organisation=org)


@pytest.fixture
def accueil(org):
    return Service.objects.get(organisation=org, code="accueil")


@pytest.fixture
def etat_civil(org):
    return Service.objects.get(organisation=org, code="etat-civil")


@pytest.fixture
def reason(org, accueil):
    """One of the reasons the town was created with, tied to its reception service."""
    return VisitReason.objects.get(organisation=org, label="Renseignement", service=accueil)


@pytest.fixture
def act_reason(org, etat_civil):
    """One of the reasons the town was created with, tied to its civil registry."""
    return VisitReason.objects.get(organisation=org, label="État civil : acte", service=etat_civil)


@pytest.fixture
def agent(org, make_member):
    return make_member(org, Role.AGENT)


@pytest.fixture
def agent_client(org, client_as):
    return client_as(org, Role.AGENT)


@pytest.fixture
def reader_client(org, client_as):
    return client_as(org, Role.READER)
