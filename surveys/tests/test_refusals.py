"""The addresses set aside from the e-mail invitations: kept as a keyed hash, never the
address; skipped by the daily job; typed in, checked and put back by the quality manager on a
page of their own (POST only, journaled as a count); refused to the other roles."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.testing import log_in_verified
from core.audit import history_of
from core.models import AuditEvent, Role
from core.registries import CLOSED_REQUESTS, ClosedRequest
from surveys.invitations import email_invitations
from surveys.models import InvitationRefusal, SurveyInvitation
from surveys.refusals import address_digest, refuse_invitations, refused_addresses, restore_invitations

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 12, 3)
ADDRESS = "jeanne.roy@exemple.fr"
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def page_url(org) -> str:
    return reverse("surveys:invitation_refusals", kwargs={"org_slug": org.slug})


def set_aside(org, address: str = ADDRESS) -> InvitationRefusal:
    refusal, _ = refuse_invitations(organisation=org, actor=None, address=address, today=TODAY)
    return refusal


# The hash


def test_the_stored_hash_is_neither_the_address_nor_contains_any_part_of_it(org):
    refusal = set_aside(org)
    digest = InvitationRefusal.objects.values_list("address_digest", flat=True).get()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)  # HMAC-SHA256, in hex
    assert digest == refusal.address_digest == address_digest(org, ADDRESS)
    for part in (ADDRESS, "jeanne", "roy", "exemple"):
        assert part not in digest
    row = InvitationRefusal.objects.values().get()
    assert not any("@" in str(value) or "jeanne" in str(value) for value in row.values())


def test_the_hash_is_keyed_by_the_secret_key_and_the_town(org, other_org, settings):
    digest = address_digest(org, ADDRESS)
    assert address_digest(other_org, ADDRESS) != digest  # two towns' lists cannot be compared
    assert address_digest(org, "paul@exemple.fr") != digest
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    assert address_digest(org, ADDRESS) != digest  # nobody without the key can test a guess


def test_a_refusal_recorded_under_a_former_secret_key_still_counts(org, settings):
    set_aside(org)
    former = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = (
        "the-new-secret-key-for-this-test-only-0123456789abcdef",
        [former],
    )
    assert refused_addresses(org, [ADDRESS, "paul@exemple.fr"]) == {ADDRESS}
    settings.SECRET_KEY_FALLBACKS = []
    assert refused_addresses(org, [ADDRESS]) == set()


def test_an_address_is_listed_once_per_town(org, other_org):
    first = set_aside(org)
    again, created = refuse_invitations(organisation=org, actor=None, address=ADDRESS, today=TODAY)
    assert again == first and not created
    set_aside(other_org)
    assert InvitationRefusal.objects.for_org(org).count() == 1 and InvitationRefusal.objects.count() == 2
    assert refused_addresses(other_org, [ADDRESS]) == {ADDRESS}
    assert restore_invitations(organisation=other_org, actor=None, address=ADDRESS)
    assert refused_addresses(org, [ADDRESS]) == {ADDRESS}  # the other town's list only


# The daily job


@pytest.fixture
def closed_requests(org):
    closed = [
        ClosedRequest(key="complaints:1", closed_on=TODAY, email="Jeanne Roy <Jeanne.Roy@Exemple.fr>"),
        ClosedRequest(key="complaints:2", closed_on=TODAY, email="paul@exemple.fr"),
    ]
    CLOSED_REQUESTS.register("test_requests", lambda organisation, first, last: closed if organisation == org else [])
    yield closed
    CLOSED_REQUESTS.unregister("test_requests")


def test_the_daily_job_skips_an_address_set_aside_and_invites_it_once_put_back(
    org, other_org, email_campaign, closed_requests, django_capture_on_commit_callbacks
):
    set_aside(org, ADDRESS)
    set_aside(other_org, "paul@exemple.fr")  # another town's list changes nothing here
    with django_capture_on_commit_callbacks(execute=True):
        assert email_invitations(org, TODAY) == "1 invitation par courriel"
    assert [message.to for message in mail.outbox] == [["paul@exemple.fr"]]
    assert list(SurveyInvitation.objects.values_list("request_key", flat=True)) == ["complaints:2"]
    # Skipped, not recorded as invited: put back within the week, the request is invited.
    restore_invitations(organisation=org, actor=None, address=ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        assert email_invitations(org, TODAY + dt.timedelta(days=1)) == "1 invitation par courriel"
    assert mail.outbox[-1].to == [ADDRESS]


# The page


def test_the_quality_manager_sets_an_address_aside_and_the_page_shows_the_count_only(org, manager_client):
    page = manager_client.get(page_url(org)).content.decode()
    assert "Aucune adresse écartée." in page and "La liste ne peut pas être affichée" in page
    response = manager_client.post(page_url(org), {"action": "ecarter", "ecarter-address": " Jeanne.Roy@Exemple.fr "})
    assert response.status_code == 302 and response["Location"] == page_url(org)
    assert refused_addresses(org, [ADDRESS]) == {ADDRESS}  # normalised as the job reads addresses
    page = manager_client.get(page_url(org)).content.decode()
    assert "Adresse écartée : elle ne recevra plus d&#x27;invitation aux enquêtes." in page
    assert "1 adresse écartée." in page and "jeanne" not in page.lower()


def test_an_address_already_listed_is_said_so_and_nothing_changes(org, manager_client):
    set_aside(org)
    events = AuditEvent.objects.count()
    response = manager_client.post(
        page_url(org), {"action": "ecarter", "ecarter-address": "Jeanne Roy <jeanne.roy@exemple.fr>"}, follow=True
    )
    assert "Cette adresse était déjà écartée, depuis le 03/12/2026 : rien n&#x27;a changé." in response.content.decode()
    assert InvitationRefusal.objects.count() == 1 and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "typed", ["", "jeanne.roy", "jeanne@@exemple", "06 12 34 56 78", "jeanne@exemple.fr, paul@exemple.fr"]
)
def test_an_invalid_address_is_refused_in_french_under_its_field_and_nothing_is_written(org, manager_client, typed):
    response = manager_client.post(page_url(org), {"action": "ecarter", "ecarter-address": typed})
    assert response.status_code == 200
    errors = response.context["set_aside_form"].errors["address"]
    expected = "Ce champ est obligatoire." if not typed else "Ce n'est pas une adresse électronique valide"
    assert errors[0].startswith(expected)
    assert 'id="id_ecarter-address_error"' in response.content.decode()
    assert not InvitationRefusal.objects.exists()


def test_the_quality_manager_checks_an_address_then_puts_it_back(org, manager_client):
    set_aside(org)
    check = {"action": "verifier", "verifier-address": ADDRESS}
    page = manager_client.post(page_url(org), check, follow=True).content.decode()
    assert "Cette adresse est dans la liste : écartée des invitations depuis le 03/12/2026." in page
    assert InvitationRefusal.objects.count() == 1  # checking changes nothing
    page = manager_client.post(page_url(org), check | {"action": "remettre"}, follow=True).content.decode()
    assert "Adresse remise dans les envois" in page and "Aucune adresse écartée." in page
    assert not InvitationRefusal.objects.exists()
    page = manager_client.post(page_url(org), check, follow=True).content.decode()
    assert "Cette adresse n&#x27;est pas dans la liste" in page
    page = manager_client.post(page_url(org), check | {"action": "remettre"}, follow=True).content.decode()
    assert "Cette adresse n&#x27;était pas dans la liste : rien n&#x27;a changé." in page


def test_setting_aside_and_putting_back_are_journaled_on_the_town_as_a_count_without_the_address(
    org, manager_client, client_as
):
    manager_client.post(page_url(org), {"action": "ecarter", "ecarter-address": ADDRESS})
    manager_client.post(page_url(org), {"action": "ecarter", "ecarter-address": "paul@exemple.fr"})
    manager_client.post(page_url(org), {"action": "verifier", "verifier-address": ADDRESS})
    manager_client.post(page_url(org), {"action": "remettre", "verifier-address": ADDRESS})
    events = history_of(org).filter(action__in=["refuse_invitations", "restore_invitations"]).order_by("pk")
    assert [(event.action, event.after) for event in events] == [
        ("refuse_invitations", {"invitation_refusals": 1}),
        ("refuse_invitations", {"invitation_refusals": 2}),
        ("restore_invitations", {"invitation_refusals": 1}),
    ]
    assert all(event.actor is not None and event.actor.email.startswith("quality") for event in events)
    journal_url = reverse("core:audit_trail", kwargs={"org_slug": org.slug})
    journal = client_as(org, Role.ADMIN).get(journal_url).content.decode().lower()
    assert "adresse écartée des invitations aux enquêtes" in journal and "adresses écartées des invitations" in journal
    assert "adresse remise dans les invitations aux enquêtes" in journal and "exemple.fr" not in journal
    digests = set(InvitationRefusal.objects.values_list("address_digest", flat=True)) | {address_digest(org, ADDRESS)}
    for event in AuditEvent.objects.all():
        written = f"{event.object_repr} {event.before} {event.after}"
        assert "exemple.fr" not in written and not any(digest in written for digest in digests)


def test_the_page_is_for_quality_managers_and_administrators_only(org, client_as):
    for role in (Role.QUALITY_MANAGER, Role.ADMIN):
        assert client_as(org, role).get(page_url(org)).status_code == 200
    for role in (Role.AGENT, Role.READER, Role.AUDITOR):
        member = client_as(org, role)
        assert member.get(page_url(org)).status_code == 403
        assert member.post(page_url(org), {"action": "ecarter", "ecarter-address": ADDRESS}).status_code == 403
    assert not InvitationRefusal.objects.exists()


def test_an_outsider_gets_404_and_writes_nothing(org, outsider_client):
    assert outsider_client.get(page_url(org)).status_code == 404
    assert outsider_client.post(page_url(org), {"action": "ecarter", "ecarter-address": ADDRESS}).status_code == 404
    assert not InvitationRefusal.objects.exists()


def test_the_forms_need_the_csrf_token(org, make_member):
    client = log_in_verified(Client(enforce_csrf_checks=True), make_member(org, Role.QUALITY_MANAGER))
    assert client.post(page_url(org), {"action": "ecarter", "ecarter-address": ADDRESS}).status_code == 403
    assert not InvitationRefusal.objects.exists()


def test_the_surveys_home_links_to_the_page_for_quality_managers_only(org, manager_client, client_as):
    home = reverse("surveys:home", kwargs={"org_slug": org.slug})
    assert f'href="{page_url(org)}"' in manager_client.get(home).content.decode()
    for role in (Role.AGENT, Role.READER):
        assert page_url(org) not in client_as(org, role).get(home).content.decode()
