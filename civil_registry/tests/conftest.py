"""Fixtures of the civil-registry tests: helpers that register act requests and errors, and
the browser fixtures of tests/conftest.py (Debian's Chromium, log_in)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from civil_registry.actions import deliver, record_error, register_act_request
from civil_registry.models import ActChannel, ActError, ActFormat, ActRequest, ActType, ErrorFinder
from core.models import Service
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401


@pytest.fixture
def make_act(org) -> Callable[..., ActRequest]:
    def make(organisation=None, **fields) -> ActRequest:
        town = organisation or org
        values: dict[str, Any] = {
            "act_type": ActType.BIRTH,
            "act_format": ActFormat.FULL,
            "channel": ActChannel.POST,
            "copies": 1,
            "received_on": dt.date(2026, 3, 2),
            "service": Service.objects.filter(organisation=town, code="etat-civil").first(),
        } | fields
        if values["channel"] == ActChannel.COUNTER or values.get("delivered_on") is None:
            return register_act_request(organisation=town, actor=None, **values)
        # Only the counter delivers on receipt: another channel is registered, then delivered.
        delivered_on = values.pop("delivered_on")
        act = register_act_request(organisation=town, actor=None, **values)
        return deliver(act, actor=None, seen_version=act.version, on=delivered_on)

    return make


@pytest.fixture
def make_error(org) -> Callable[..., ActError]:
    def make(organisation=None, **fields) -> ActError:
        town = organisation or org
        values: dict[str, Any] = {
            "act_type": ActType.BIRTH,
            "issued_on": dt.date(2026, 2, 10),
            "found_on": dt.date(2026, 3, 10),
            "found_by": ErrorFinder.CITIZEN,
            "attributable": True,
            "service": Service.objects.filter(organisation=town, code="etat-civil").first(),
        } | fields
        return record_error(organisation=town, actor=None, **values)

    return make
