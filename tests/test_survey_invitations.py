"""The requests the surveys invite by e-mail come from the apps that handle them, through
core.registries.CLOSED_REQUESTS: complaints and written requests closed in the window, with
the one valid e-mail address the citizen left; another town's, anonymised ones and requests
closed outside the window are left out. Here because it needs three apps."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from complaints import workflow as complaint_workflow
from complaints.tests.conftest import make_complaint  # noqa: F401
from core.models import Service
from core.registries import CLOSED_REQUESTS, ClosedRequest, closed_requests
from correspondence import actions as request_actions
from correspondence.tests.conftest import make_request  # noqa: F401
from surveys.invitations import email_invitations
from surveys.models import SurveyInvitation
from surveys.tests.conftest import email_campaign, questionnaire  # noqa: F401

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 12, 3)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 1, tzinfo=PARIS), tick=False)]


def close_complaint(complaint, on: dt.date):
    complaint = complaint_workflow.answer(
        complaint=complaint, actor=None, seen_version=complaint.version, on=on, today=TODAY
    )
    return complaint_workflow.close(complaint=complaint, actor=None, seen_version=complaint.version, on=on, today=TODAY)


def close_request(request, on: dt.date):
    request = request_actions.answer(request, actor=None, seen_version=request.version, on=on)
    return request_actions.close(request, actor=None, seen_version=request.version, on=on)


def test_both_apps_offer_their_closed_requests():
    assert {"complaints", "correspondence"} <= set(CLOSED_REQUESTS.keys())


def test_a_closed_complaint_is_offered_with_the_citizens_address_and_its_services_site(org, make_complaint):  # noqa: F811
    service = Service.objects.get(organisation=org, code="accueil")
    complaint = close_complaint(
        make_complaint(service=service, citizen_email="Jeanne@Exemple.fr"), dt.date(2026, 12, 1)
    )
    close_complaint(make_complaint(citizen_email=""), dt.date(2026, 12, 1))  # no address
    make_complaint(citizen_email="ouverte@exemple.fr")  # still open
    close_complaint(make_complaint(citizen_email="avant@exemple.fr"), dt.date(2026, 11, 26))  # before the window
    assert closed_requests(org, dt.date(2026, 11, 27), TODAY) == [
        ClosedRequest(f"complaints:{complaint.pk}", dt.date(2026, 12, 1), "jeanne@exemple.fr", service.site_id)
    ]


def test_a_closed_written_request_is_offered_when_its_contact_holds_one_address(org, make_request):  # noqa: F811
    one = close_request(make_request(requester_contact="12 rue Haute, 06 12 34 56 78, paul@exemple.fr"), TODAY)
    close_request(make_request(requester_contact="12 rue Haute, 75001 Paris"), TODAY)  # a postal address only
    close_request(make_request(requester_contact="paul@exemple.fr ; marie@exemple.fr"), TODAY)  # whose?
    offered = closed_requests(org, TODAY, TODAY)
    assert [(request.key, request.email) for request in offered] == [(f"correspondence:{one.pk}", "paul@exemple.fr")]
    assert offered[0].site_id == one.service.site_id


def test_another_towns_and_anonymised_requests_are_not_offered(org, other_org, make_complaint, make_request):  # noqa: F811
    close_complaint(make_complaint(other_org, citizen_email="voisin@exemple.fr"), dt.date(2026, 12, 1))
    close_request(make_request(other_org, requester_contact="voisine@exemple.fr"), dt.date(2026, 12, 1))
    complaint = close_complaint(make_complaint(citizen_email="efface@exemple.fr"), dt.date(2026, 12, 1))
    type(complaint).objects.filter(pk=complaint.pk).update(anonymised_at=dt.datetime(2026, 12, 2, tzinfo=PARIS))
    assert closed_requests(org, dt.date(2026, 11, 27), TODAY) == []
    assert len(closed_requests(other_org, dt.date(2026, 11, 27), TODAY)) == 2


def test_the_daily_job_invites_the_citizens_of_closed_complaints_and_written_requests(
    org,
    email_campaign,  # noqa: F811
    make_complaint,  # noqa: F811
    make_request,  # noqa: F811
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.QUALIPILOTE_SITE_URL = "https://qualite.ville-test.fr/"  # a final slash, not doubled in the link
    close_complaint(make_complaint(citizen_email="jeanne@exemple.fr"), dt.date(2026, 12, 2))
    close_request(make_request(requester_contact="Paul Martin <paul@exemple.fr>"), dt.date(2026, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert email_invitations(org, TODAY) == "2 invitations par courriel"
    assert sorted(message.to[0] for message in mailoutbox) == ["jeanne@exemple.fr", "paul@exemple.fr"]
    assert "https://qualite.ville-test.fr/p/ville-test/enquete/" in mailoutbox[0].body
    keys = sorted(SurveyInvitation.objects.values_list("request_key", flat=True))
    assert [key.split(":")[0] for key in keys] == ["complaints", "correspondence"]
