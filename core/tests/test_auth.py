import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD, log_in_verified
from core.models import Role

pytestmark = pytest.mark.django_db


def test_a_member_logs_in_with_their_email_and_lands_on_their_town(org, make_member):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    client = Client()
    response = client.post(reverse("core:login"), {"username": "Agent@Ville-Test.test", "password": PASSWORD})
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home"))["Location"] == reverse("dashboards:home", args=[org.slug])


def test_a_wrong_password_is_refused_with_a_french_message(org, make_member):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    response = Client().post(reverse("core:login"), {"username": "agent@ville-test.test", "password": "faux"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_home_lists_the_towns_of_a_member_of_several(org, other_org, make_member):
    from core.models import Membership

    user = make_member(org, Role.AGENT)
    Membership.objects.create(organisation=other_org, user=user, role=Role.READER)
    client = Client()
    log_in_verified(client, user)
    page = client.get(reverse("core:home")).content.decode()
    assert org.name in page and other_org.name in page


def test_logout_needs_a_post_and_ends_the_session(manager_client):
    assert manager_client.get(reverse("core:logout")).status_code == 405
    manager_client.post(reverse("core:logout"))
    assert manager_client.get(reverse("core:home")).status_code == 302


def test_a_password_reset_link_lets_the_member_choose_a_new_password(org, make_member):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    client = Client()
    client.post(reverse("core:password_reset"), {"email": "agent@ville-test.test"})
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert match is not None
    link = match[1]
    form_page = client.get(link, follow=True)
    new_password = "un-nouveau-mot-de-passe-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert Client().login(username="agent@ville-test.test", password=new_password)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db):
    response = Client().post(reverse("core:password_reset"), {"email": "inconnu@ville-test.test"})
    assert response.status_code == 302
    assert mail.outbox == []


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_logins_are_locked_after_repeated_failures(org, make_member):
    make_member(org, Role.AGENT, email="agent@ville-test.test")
    client = Client()
    for _ in range(3):
        client.post(reverse("core:login"), {"username": "agent@ville-test.test", "password": "faux"})
    response = client.post(reverse("core:login"), {"username": "agent@ville-test.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()


def test_home_runs_the_same_queries_for_a_member_of_two_towns_or_twelve(org, other_org, make_member, page_queries):
    from core.models import Membership, Organisation

    user = make_member(org, Role.AGENT)
    Membership.objects.create(organisation=other_org, user=user, role=Role.READER)
    client = Client()
    log_in_verified(client, user)
    few = page_queries(client, reverse("core:home"))
    for number in range(10):
        town = Organisation.objects.create(slug=f"ville-{number}", name=f"Ville {number}")
        Membership.objects.create(organisation=town, user=user, role=Role.READER)
    assert "Ville 9" in client.get(reverse("core:home")).content.decode()
    assert page_queries(client, reverse("core:home")) == few <= 3  # the session, the user, the memberships
