import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from conftest import log_in_verified
from core.access import Capability, can
from core.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_audit_trail_of_their_town(org, client_as):
    response = client_as(org, Role.READER).get(reverse("core:audit_trail", args=[org.slug]))
    assert response.status_code == 200


def test_an_outsider_gets_404_for_another_town(org, outsider_client):
    response = outsider_client.get(reverse("core:audit_trail", args=[org.slug]))
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(org):
    response = Client().get(reverse("core:audit_trail", args=[org.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_an_auditor_loses_access_after_the_end_date(org, make_member):
    auditor = make_member(org, Role.AUDITOR)
    Membership.objects.filter(user=auditor).update(ends_on=dt.date(2020, 1, 1))
    client = Client()
    log_in_verified(client, auditor)
    assert client.get(reverse("core:audit_trail", args=[org.slug])).status_code == 404


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        (Role.READER, Capability.VIEW, True),
        (Role.READER, Capability.CAPTURE, False),
        (Role.AGENT, Capability.CAPTURE, True),
        (Role.AGENT, Capability.MANAGE_QUALITY, False),
        (Role.QUALITY_MANAGER, Capability.MANAGE_QUALITY, True),
        (Role.QUALITY_MANAGER, Capability.ADMINISTER, False),
        (Role.AUDITOR, Capability.CAPTURE, False),
        (Role.ADMIN, Capability.ADMINISTER, True),
    ],
)
def test_roles_grant_their_capabilities_only(role, capability, allowed):
    assert can(Membership(role=role), capability) is allowed
