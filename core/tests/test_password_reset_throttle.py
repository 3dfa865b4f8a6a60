"""Password-reset e-mails are throttled per address and per client, with a French message,
whether the address has an account or not."""

import pytest
from django.core import mail
from django.test import Client

from core.views import RESET_LIMIT_PER_ADDRESS, RESET_LIMIT_PER_CLIENT

pytestmark = pytest.mark.django_db

RESET = "/mot-de-passe/oubli/"


def test_one_address_gets_a_few_reset_emails_an_hour_then_a_french_refusal(org, make_member):
    user = make_member(org, "agent")
    for number in range(RESET_LIMIT_PER_ADDRESS):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")  # from several connections
        assert client.post(RESET, {"email": user.email}).status_code == 302
    refused = Client(REMOTE_ADDR="192.0.2.99").post(RESET, {"email": user.email.upper()})
    assert refused.status_code == 429
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert len(mail.outbox) == RESET_LIMIT_PER_ADDRESS


def test_one_client_asks_for_a_few_addresses_an_hour_then_gets_a_french_refusal(org):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(RESET_LIMIT_PER_CLIENT):
        assert client.post(RESET, {"email": f"personne{number}@exemple.fr"}).status_code == 302
    refused = client.post(RESET, {"email": "encore@exemple.fr"})
    assert refused.status_code == 429 and "réessayez dans une heure" in refused.content.decode()
