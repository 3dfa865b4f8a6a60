"""E-mail invitations after a request is closed (the daily job `surveys.email_invitations`):
the requests closed in the last 7 days are invited once, one in N when the campaign samples,
only while a campaign on the e-mail channel is open and the site's address is known; the
answer given from the link counts on the e-mail channel and nothing ties it to the invitation.

The requests come from a provider registered here in core.registries.CLOSED_REQUESTS, as the
complaints and the written requests register theirs (tests/test_survey_invitations.py); the
messages go through Django's mail framework to the test runner's local-memory backend."""

import datetime as dt
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.audit import history_of
from core.daily import run_daily_jobs
from core.models import AuditEvent
from core.registries import CLOSED_REQUESTS, ClosedRequest
from surveys.actions import create_campaign
from surveys.invitations import NO_SITE_URL, email_invitations, is_drawn
from surveys.models import Campaign, Response, SurveyInvitation
from surveys.tests.conftest import SITE_URL

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 12, 3)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 1, tzinfo=PARIS), tick=False)]

CLOSED: list[ClosedRequest] = []  # what the test provider says was closed


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture(autouse=True)
def closed_requests_provider(org) -> Iterator[list[ClosedRequest]]:
    """A provider of closed requests for `org`, filtered on the days asked as the real ones are."""

    def provider(organisation, first, last):
        if organisation.pk != org.pk:
            return []
        return [request for request in CLOSED if first <= request.closed_on <= last]

    CLOSED.clear()
    CLOSED_REQUESTS.register("test_requests", provider)
    yield CLOSED
    CLOSED_REQUESTS.unregister("test_requests")
    CLOSED.clear()


@pytest.fixture(autouse=True)
def site_url(settings) -> None:
    settings.QUALIPILOTE_SITE_URL = SITE_URL


def closed(key: str, days: int, email: str = "") -> ClosedRequest:
    request = ClosedRequest(key=key, closed_on=days_ago(days), email=email or f"{key}@exemple.fr")
    CLOSED.append(request)
    return request


def invite(org, django_capture_on_commit_callbacks, today: dt.date = TODAY) -> str:
    """Run the job as the daily runner does, the messages leaving once it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return email_invitations(org, today)


def test_the_requests_closed_in_the_last_seven_days_are_invited_with_the_public_link(
    org, email_campaign, django_capture_on_commit_callbacks
):
    closed("today", 0), closed("six-days", 6), closed("seven-days", 7)
    assert invite(org, django_capture_on_commit_callbacks) == "2 invitations par courriel"
    assert sorted(message.to[0] for message in mail.outbox) == ["six-days@exemple.fr", "today@exemple.fr"]
    message = mail.outbox[0]
    link = f"{SITE_URL}/p/ville-test/enquete/{email_campaign.code}/?canal=courriel"
    assert message.subject == "Ville de Test : votre avis sur la réponse à votre demande"
    assert len(message.to) == 1 and not message.cc and not message.bcc
    assert f"\n{link}\n" in message.body
    assert "Votre demande auprès de Ville de Test a été traitée récemment." in message.body
    assert "ouvert jusqu'au 20/12/2026" in message.body
    assert "Si vous ne souhaitez plus recevoir d'invitation à nos enquêtes, répondez à ce courriel" in message.body
    assert mail.outbox[1].body == message.body  # the same link for everyone: no per-person token
    sent = SurveyInvitation.objects.filter(campaign=email_campaign)
    assert sorted(sent.values_list("request_key", "sent_on")) == [("six-days", TODAY), ("today", TODAY)]


def test_a_request_is_invited_once_however_often_the_job_runs(org, email_campaign, django_capture_on_commit_callbacks):
    closed("a", 1), closed("b", 2)
    invite(org, django_capture_on_commit_callbacks)
    assert invite(org, django_capture_on_commit_callbacks) == "0 invitation par courriel"
    closed("c", 0)
    assert invite(org, django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=1)) == (
        "1 invitation par courriel"
    )
    assert [message.to for message in mail.outbox][2:] == [["c@exemple.fr"]]
    assert SurveyInvitation.objects.count() == 3


def test_a_second_campaign_open_at_the_same_time_does_not_invite_the_same_request_again(
    org, questionnaire, email_campaign, django_capture_on_commit_callbacks
):
    create_campaign(
        organisation=org,
        actor=None,
        questionnaire=questionnaire,
        title="Enquête des demandes écrites",
        opens_on=dt.date(2026, 12, 2),
        closes_on=dt.date(2026, 12, 31),
        on_email=True,
    )
    closed("a", 1)
    assert invite(org, django_capture_on_commit_callbacks) == "1 invitation par courriel"
    assert SurveyInvitation.objects.get().campaign == email_campaign  # the one opened first


def test_a_sampling_campaign_invites_the_requests_its_fixed_draw_picks(
    org, email_campaign, django_capture_on_commit_callbacks
):
    email_campaign.sample_every, email_campaign.code = 3, "DEC26EML"  # a fixed code: a fixed draw
    email_campaign.save()
    requests = [closed(f"complaints:{number}", number % 7, f"usager{number}@exemple.fr") for number in range(1, 61)]
    drawn = {request.key for request in requests if is_drawn(email_campaign, request.key)}
    assert len(drawn) == 24  # of 60: about one in three (crc32 of "DEC26EML/complaints:<n>", modulo 3)
    invite(org, django_capture_on_commit_callbacks)
    assert set(SurveyInvitation.objects.values_list("request_key", flat=True)) == drawn
    assert len(mail.outbox) == len(drawn)
    # The draw is the same on every run: the requests left out stay out the next day.
    invite(org, django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=1))
    assert len(mail.outbox) == len(drawn)


def test_without_sampling_every_request_is_drawn(email_campaign):
    assert all(is_drawn(email_campaign, f"complaints:{number}") for number in range(50))


@pytest.mark.parametrize(
    ("change", "result"),
    [
        ({"closes_on": dt.date(2026, 12, 2)}, "aucune enquête par courriel en cours"),  # closed yesterday
        (
            {"opens_on": dt.date(2026, 12, 4), "closes_on": dt.date(2026, 12, 20)},
            "aucune enquête par courriel en cours",
        ),
        ({"on_email": False, "on_web": True}, "aucune enquête par courriel en cours"),
    ],
)
def test_a_campaign_closed_not_yet_open_or_without_e_mail_sends_nothing(
    org, email_campaign, django_capture_on_commit_callbacks, change, result
):
    Campaign.objects.filter(pk=email_campaign.pk).update(**change)
    closed("a", 1)
    assert invite(org, django_capture_on_commit_callbacks) == result
    assert mail.outbox == [] and not SurveyInvitation.objects.exists()


def test_without_the_site_address_nothing_is_sent_and_the_job_says_why(
    org, email_campaign, settings, django_capture_on_commit_callbacks
):
    settings.QUALIPILOTE_SITE_URL = ""
    closed("a", 1)
    result = invite(org, django_capture_on_commit_callbacks)
    assert result == NO_SITE_URL and "QUALIPILOTE_SITE_URL" in result and "aucune invitation envoyée" in result
    assert mail.outbox == [] and not SurveyInvitation.objects.exists()


def test_invalid_or_several_addresses_are_skipped(org, email_campaign, django_capture_on_commit_callbacks):
    closed("good", 1, email="Jeanne.Usagere@Exemple.fr")
    closed("not-an-address", 1, email="06 12 34 56 78")
    closed("broken", 1, email="jeanne@@exemple")
    closed("two-people", 1, email="jeanne@exemple.fr, paul@exemple.fr")
    assert invite(org, django_capture_on_commit_callbacks) == "1 invitation par courriel"
    assert [message.to for message in mail.outbox] == [["jeanne.usagere@exemple.fr"]]
    assert list(SurveyInvitation.objects.values_list("request_key", flat=True)) == ["good"]


def test_the_messages_leave_only_once_the_transaction_commits(org, email_campaign, django_capture_on_commit_callbacks):
    closed("a", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_invitations(org, TODAY)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_the_sending_is_journaled_per_campaign_with_the_count_and_no_address(
    org, email_campaign, django_capture_on_commit_callbacks
):
    closed("a", 1), closed("b", 2)
    invite(org, django_capture_on_commit_callbacks)
    event = history_of(email_campaign).get(action="email_invitations")
    assert event.after == {"invitations_sent": 2} and event.actor is None
    assert not any("@" in str(row.before) + str(row.after) for row in AuditEvent.objects.all())


def test_the_daily_runner_sends_the_invitations_after_its_run_commits(
    org, email_campaign, django_capture_on_commit_callbacks
):
    closed("a", 1)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_daily_jobs(org)
    assert outcome.results["surveys.email_invitations"] == "1 invitation par courriel"
    assert [message.to for message in mail.outbox] == [["a@exemple.fr"]]


def test_the_answer_from_the_e_mail_link_counts_on_the_e_mail_channel_and_nothing_ties_it_to_the_invitation(
    org, email_campaign, django_capture_on_commit_callbacks, time_machine
):
    closed("a", 1)
    invite(org, django_capture_on_commit_callbacks)
    link = next(line for line in mail.outbox[0].body.splitlines() if line.startswith(SITE_URL))
    address = urlsplit(link)
    client = Client()
    page = client.get(address.path, {"canal": "courriel"})
    assert page.status_code == 200 and "surveys/public/answer.html" in [t.name for t in page.templates]
    time_machine.shift(dt.timedelta(minutes=1))
    data = {"started": page.context["form"]["started"].value(), "website": "", "globale": "satisfait"}
    answered = client.post(f"{address.path}?{address.query}", data)
    assert answered.status_code == 302
    response = Response.objects.get(campaign=email_campaign)
    assert (response.channel, response.answered_on, response.site) == ("email", TODAY, None)
    # A response keeps its campaign, channel, site and day; an invitation its request and day.
    assert {field.name for field in Response._meta.concrete_fields} == {
        "id",
        "organisation",
        "campaign",
        "channel",
        "site",
        "answered_on",
    }
    assert {field.name for field in SurveyInvitation._meta.concrete_fields} == {
        "id",
        "organisation",
        "campaign",
        "request_key",
        "sent_on",
    }


def test_the_e_mail_mark_is_refused_by_a_campaign_without_the_e_mail_channel(campaign, time_machine):
    path = reverse("surveys_public:answer", kwargs={"org_slug": campaign.organisation.slug, "code": campaign.code})
    client = Client()
    page = client.get(path, {"canal": "courriel"})
    assert "surveys/public/closed.html" in [t.name for t in page.templates]
    started = client.get(path).context["form"]["started"].value()
    time_machine.shift(dt.timedelta(minutes=1))
    client.post(f"{path}?canal=courriel", {"started": started, "website": "", "globale": "satisfait"})
    assert not Response.objects.exists()


def test_the_campaign_page_says_how_many_invitations_were_sent(
    org, email_campaign, manager_client, django_capture_on_commit_callbacks
):
    closed("a", 1), closed("b", 1)
    invite(org, django_capture_on_commit_callbacks)
    page = manager_client.get(reverse("surveys:campaign_detail", args=[org.slug, email_campaign.pk]))
    assert "<dt>Invitations par courriel</dt><dd>2 envoyées" in page.content.decode()


def test_a_citizen_with_two_requests_closed_the_same_week_gets_one_message(
    org, email_campaign, django_capture_on_commit_callbacks
):
    closed("a", 1, email="jeanne@exemple.fr"), closed("b", 3, email="Jeanne@exemple.fr")
    assert invite(org, django_capture_on_commit_callbacks) == "1 invitation par courriel"
    assert [message.to for message in mail.outbox] == [["jeanne@exemple.fr"]]
    assert SurveyInvitation.objects.count() == 2  # neither request is invited later
    assert history_of(email_campaign).get(action="email_invitations").after == {"invitations_sent": 1}


def test_a_mail_server_that_refuses_is_logged_without_the_addresses(
    org, email_campaign, settings, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    closed("a", 1)
    assert invite(org, django_capture_on_commit_callbacks) == "1 invitation par courriel"
    assert "envoi de 1 message(s) en échec (ConnectionRefusedError)" in caplog.text
    assert "@" not in caplog.text
