"""Fixtures of the training tests: helpers that put agents on the roster and record sessions."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core import registries
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401 -- Debian's Chromium, sessions
from training.actions import add_agent, record_session
from training.models import Agent, Kind, TrainingSession

TODAY = dt.date(2027, 1, 15)
COMMITMENTS = [
    ("1", "1. Faciliter votre orientation par une signalétique adaptée"),
    ("11", "11. Avoir un personnel spécifiquement formé"),
    ("22", "22. Sensibiliser tous les agents autour de la démarche qualité"),
]


@pytest.fixture(autouse=True)
def followed(request):
    """The test towns follow a few commitments, as `commitments` would say through the core
    registry (training may not import commitments)."""
    registries.COMMITMENT_CHOICES.register("test", lambda organisation: COMMITMENTS)
    yield
    registries.COMMITMENT_CHOICES.unregister("test")


@pytest.fixture
def make_agent(org) -> Callable[..., Agent]:
    def make(full_name: str, arrived_on: dt.date, **fields: Any) -> Agent:
        values: dict[str, Any] = {"front_line": True} | fields
        organisation = values.pop("organisation", org)
        return add_agent(
            organisation=organisation, actor=None, today=TODAY, full_name=full_name, arrived_on=arrived_on, **values
        )

    return make


@pytest.fixture
def make_session(org) -> Callable[..., TrainingSession]:
    def make(held_on: dt.date, attendees: list[Agent], **fields: Any) -> TrainingSession:
        values: dict[str, Any] = {
            "kind": Kind.TRAINING,
            "topic": "Accueil des usagers",
            "trainer": "CNFPT",
            "commitments": ["11"],
        } | fields
        organisation = values.pop("organisation", org)
        return record_session(
            organisation=organisation, actor=None, today=TODAY, held_on=held_on, attendees=attendees, **values
        )

    return make
