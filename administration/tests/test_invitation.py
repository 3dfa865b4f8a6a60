import pytest
from django.core import mail

from administration.actions import invite_member
from core.models import Role

pytestmark = pytest.mark.django_db


def test_the_invitation_email_is_plain_text_without_html_escapes(org, django_capture_on_commit_callbacks):
    org.name = "Ville d'Essai & Environs"
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite_member(
            organisation=org, email="Nouveau@Ville.test", role=Role.AGENT, invited_by=None, base_url="https://q.test/"
        )
    body = mail.outbox[0].body
    assert "Ville d'Essai & Environs" in body
    assert "&#x27;" not in body and "&amp;" not in body
    assert "https://q.test/mot-de-passe/nouveau/" in body
    assert mail.outbox[0].to == ["nouveau@ville.test"]
