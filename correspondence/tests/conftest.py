"""Fixtures of the written-request tests: a helper that registers requests on given dates,
and the browser fixtures of tests/conftest.py (Debian's Chromium, log_in)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.models import Service
from correspondence.actions import register_request
from correspondence.models import Category, Channel, WrittenRequest
from correspondence.rules import ensure_defaults
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401


@pytest.fixture
def make_request(org) -> Callable[..., WrittenRequest]:
    ensure_defaults(org)

    def make(organisation=None, *, category_code: str | None = None, **fields) -> WrittenRequest:
        town = organisation or org
        ensure_defaults(town)
        category = Category.objects.get(organisation=town, code=category_code) if category_code else None
        values: dict[str, Any] = {
            "channel": Channel.LETTER,
            "received_on": dt.date(2026, 3, 2),
            "service": Service.objects.filter(organisation=town).first(),
            "category": category,
            "subject": "Demande de stationnement",
            "requester_name": "Jeanne Usagère",
            "requester_contact": "jeanne@exemple.fr",
        } | fields
        return register_request(organisation=town, actor=None, **values)

    return make


@pytest.fixture
def contacted(org) -> Service:
    """The service `make_request` gives a request, with the whole contact an acknowledgement
    of receipt must print (R112-5)."""
    service = Service.objects.filter(organisation=org).first()
    assert service is not None
    service.postal_address = "1 place de la Mairie\n45999 Ville-de-Test"
    service.email = "accueil@ville-test.fr"
    service.phone = "02 61 91 00 10"
    service.save()
    return service
