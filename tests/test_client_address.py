"""Citizens behind the town's reverse proxy are told apart by the public form's rate limit;
a forged X-Forwarded-For from a peer that is no trusted proxy changes nothing."""

import pytest
from django.test import Client, override_settings

from complaints.models import Complaint
from complaints.public_views import FORM_LIMIT
from complaints.tests.test_public import FORM, filled
from qualipilote.env import env_trusted_proxies

pytestmark = pytest.mark.django_db
PROXY = "127.0.0.1"


@override_settings(QUALIPILOTE_TRUSTED_PROXIES=[PROXY])
def test_seven_citizens_through_one_trusted_proxy_each_get_through(org):
    statuses = [
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").post(FORM, filled()).status_code
        for number in range(1, 8)
    ]
    assert statuses == [302] * 7
    assert Complaint.objects.count() == 7


@override_settings(QUALIPILOTE_TRUSTED_PROXIES=[PROXY])
def test_a_forged_header_from_an_untrusted_peer_is_ignored(org):
    statuses = [
        Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").post(FORM, filled()).status_code
        for number in range(1, 8)
    ]
    assert statuses == [302] * FORM_LIMIT + [429] * (7 - FORM_LIMIT)


@override_settings(QUALIPILOTE_TRUSTED_PROXIES=[PROXY])
def test_one_citizen_behind_the_proxy_is_still_limited(org):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    statuses = [client.post(FORM, filled()).status_code for _ in range(FORM_LIMIT + 1)]
    assert statuses[-1] == 429


def test_the_setting_reads_a_count_or_addresses_and_refuses_anything_else(monkeypatch):
    for raw, expected in [("", None), ("0", None), ("2", 2), ("127.0.0.1, 10.0.0.0/8", ["127.0.0.1", "10.0.0.0/8"])]:
        monkeypatch.setenv("QUALIPILOTE_TRUSTED_PROXIES", raw)
        assert env_trusted_proxies("QUALIPILOTE_TRUSTED_PROXIES") == expected
    monkeypatch.setenv("QUALIPILOTE_TRUSTED_PROXIES", "nginx.local")
    with pytest.raises(RuntimeError, match="adresses IP ou réseaux"):
        env_trusted_proxies("QUALIPILOTE_TRUSTED_PROXIES")
