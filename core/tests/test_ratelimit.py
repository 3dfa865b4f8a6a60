import datetime as dt

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from core.localtime import PARIS
from core.ratelimit import allow, client_key
from core.registries import ANONYMISERS, Anonymiser

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def test_a_key_is_refused_once_its_limit_is_reached_within_the_window():
    results = [allow("plainte:abc", limit=3, window=dt.timedelta(minutes=10), now=NOON) for _ in range(4)]
    assert results == [True, True, True, False]


def test_the_next_window_starts_afresh_and_other_keys_are_counted_apart():
    for _ in range(3):
        allow("plainte:abc", limit=3, window=dt.timedelta(minutes=10), now=NOON)
    assert allow("plainte:def", limit=3, window=dt.timedelta(minutes=10), now=NOON)
    later = NOON + dt.timedelta(minutes=10)
    assert allow("plainte:abc", limit=3, window=dt.timedelta(minutes=10), now=later)


def test_the_client_address_is_hashed_in_the_key(org):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44")
    key = client_key(request, "plainte", organisation=org)
    assert key.startswith("plainte:") and "192.0.2.44" not in key


def test_a_client_is_counted_apart_in_each_town(org, other_org):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44")
    assert client_key(request, "plainte", organisation=org) != client_key(request, "plainte", organisation=other_org)


@pytest.mark.time_machine(dt.datetime(2026, 3, 10, 12, 0, tzinfo=PARIS), tick=False)
def test_anonymise_runs_every_registered_anonymiser_with_the_retention_date(org, capsys):
    calls = []

    def erase(organisation, closed_before, actor):
        calls.append(closed_before)
        return 2

    ANONYMISERS.register("test", Anonymiser("Registre d'essai", erase))
    try:
        call_command("anonymise", "--org", org.slug)
    finally:
        ANONYMISERS.unregister("test")
    assert len(calls) == 1 and calls[0].year <= 2026 - 3
    assert calls == [dt.date(2023, 3, 10)]  # three years (the default) before the day it runs
    assert "Registre d'essai : 2 enregistrement(s) anonymisé(s)" in capsys.readouterr().out
