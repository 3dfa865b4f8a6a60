"""Fixtures of the improvement plan's tests: a town that follows Qualivilles, its quality
manager and a helper that opens actions."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from commitments.frameworks import load_framework
from commitments.models import Indicator
from commitments.tests.conftest import keep_typed
from core.models import Role, User
from improvement.actions import open_action
from improvement.models import ImprovementAction, Origin
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401 -- Debian's Chromium, sessions

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def qualivilles(org):
    framework = load_framework(organisation=org, code="qualivilles")
    keep_typed(org)  # 4.1 and 7.2 as typed figures, whose values the tests enter
    return framework


def indicator_of(organisation, code: str) -> Indicator:
    return Indicator.objects.get(organisation=organisation, commitment__framework__code="qualivilles", code=code)


@pytest.fixture
def manager(org, make_member) -> User:
    return make_member(org, Role.QUALITY_MANAGER, email="qualite@ville-test.test")


@pytest.fixture
def make_action(org, manager) -> Callable[..., ImprovementAction]:
    def make(organisation=None, **fields: Any) -> ImprovementAction:
        values: dict[str, Any] = {
            "origin": Origin.SUGGESTION,
            "title": "Refaire la signalétique du hall",
            "owner": manager,
            "due_on": dt.date(2026, 6, 30),
        } | fields
        return open_action(organisation=organisation or org, actor=None, **values)

    return make
