"""Fixtures of the complaint tests: a helper that registers complaints on given dates."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from complaints.actions import register_complaint
from complaints.models import Channel, Complaint, Kind
from core import registries
from tests.conftest import browser_type_launch_args, log_in  # noqa: F401 -- Debian's Chromium, sessions

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def make_complaint(org) -> Callable[..., Complaint]:
    def make(organisation=None, **fields) -> Complaint:
        values: dict[str, Any] = {
            "kind": Kind.COMPLAINT,
            "channel": Channel.EMAIL,
            "received_on": dt.date(2026, 3, 2),
            "subject": "Attente au guichet",
            "description": "J'ai attendu quarante minutes.",
            "citizen_name": "Jeanne Usagère",
            "citizen_email": "jeanne@exemple.fr",
        } | fields
        return register_complaint(organisation=organisation or org, actor=None, today=TODAY, **values)

    return make


COMMITMENTS = [
    ("1", "1. Faciliter votre orientation par une signalétique adaptée"),
    ("6", "6. Offrir des horaires adaptés à vos attentes"),
    ("8", "8. En cas d'affluence, vous faire patienter dans de bonnes conditions"),
    ("16", "16. Répondre rapidement à vos appels téléphoniques"),
    ("19", "19. Délivrer les actes d'état civil dans les délais"),
    ("21", "21. Traiter systématiquement vos réclamations"),
]


@pytest.fixture
def followed(org):
    """`org` follows a few commitments, as `commitments` would say through the core registry
    (complaints may not import commitments)."""

    def provider(organisation):
        return COMMITMENTS if organisation.pk == org.pk else []

    registries.COMMITMENT_CHOICES.register("test", provider)
    yield org
    registries.COMMITMENT_CHOICES.unregister("test")


@pytest.fixture
def internal(followed):
    """Of the commitments `followed` follows, "21" is internal (not shown to the public), as
    `commitments` would say of an unticked « affiché au public »."""
    registries.INTERNAL_COMMITMENTS.register("test", lambda organisation: {"21"})
    yield followed
    registries.INTERNAL_COMMITMENTS.unregister("test")
