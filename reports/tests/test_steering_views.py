"""The committee's PDFs through their pages: who may open and validate them, the validated
review served as its frozen file, and a fixed number of queries on a small and a large town."""

import datetime as dt
import hashlib
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent, Role
from improvement.meetings import create_meeting, create_review
from improvement.models import AnnualReview, ReviewStatus
from reports.tests.steering_data import steering_town

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]


def url(name, org, **kwargs):
    return reverse(f"reports:{name}", kwargs={"org_slug": org.slug, **kwargs})


def meeting(org, held_on, held=False):
    return create_meeting(organisation=org, actor=None, held_on=held_on, title="Comité de pilotage qualité", held=held)


def pdf_response(client, address):
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_member_downloads_the_pack_and_the_minutes(org, client_as):
    held = meeting(org, dt.date(2026, 11, 20), held=True)
    reader = client_as(org, Role.READER)
    assert pdf_response(reader, url("meeting_pack", org, meeting_id=held.pk)).startswith(b"%PDF-")
    assert pdf_response(reader, url("meeting_minutes", org, meeting_id=held.pk)).startswith(b"%PDF-")


def test_validating_freezes_the_pdf_that_the_review_page_then_serves(org, manager_client):
    steering_town(org)
    review = create_review(organisation=org, actor=None, year=2025)
    draft = pdf_response(manager_client, url("review_pdf", org, review_id=review.pk))
    assert draft.startswith(b"%PDF-")
    response = manager_client.post(url("review_validate", org, review_id=review.pk))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.VALIDATED
    served = pdf_response(manager_client, url("review_pdf", org, review_id=review.pk))
    assert hashlib.sha256(served).hexdigest() == review.pdf_sha256
    assert pdf_response(manager_client, url("review_pdf", org, review_id=review.pk)) == served


def test_validating_twice_keeps_the_first_file(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2025)
    manager_client.post(url("review_validate", org, review_id=review.pk))
    review.refresh_from_db()
    first = (review.pdf.name, review.pdf_sha256)
    response = manager_client.post(url("review_validate", org, review_id=review.pk), follow=True)
    assert "ne peut plus être modifié" in response.content.decode()
    review.refresh_from_db()
    assert (review.pdf.name, review.pdf_sha256) == first


def test_validation_takes_post_only(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2025)
    assert manager_client.get(url("review_validate", org, review_id=review.pk)).status_code == 405
    assert AnnualReview.objects.get().status == ReviewStatus.DRAFT


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR, Role.AGENT])
def test_only_the_quality_manager_validates(org, client_as, role):
    review = create_review(organisation=org, actor=None, year=2025)
    events = AuditEvent.objects.count()
    assert client_as(org, role).post(url("review_validate", org, review_id=review.pk)).status_code == 403
    assert AnnualReview.objects.get().status == ReviewStatus.DRAFT and AuditEvent.objects.count() == events


def test_an_outsider_gets_404_on_every_pdf_of_another_town(org, outsider_client):
    held = meeting(org, dt.date(2026, 11, 20), held=True)
    review = create_review(organisation=org, actor=None, year=2025)
    assert outsider_client.get(url("meeting_pack", org, meeting_id=held.pk)).status_code == 404
    assert outsider_client.get(url("meeting_minutes", org, meeting_id=held.pk)).status_code == 404
    assert outsider_client.get(url("review_pdf", org, review_id=review.pk)).status_code == 404
    assert outsider_client.post(url("review_validate", org, review_id=review.pk)).status_code == 404
    assert AnnualReview.objects.get().status == ReviewStatus.DRAFT


def count_queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        pdf_response(client, address)
    return len(captured.captured_queries)


def addresses(org):
    meeting(org, dt.date(2026, 9, 15), held=True)
    upcoming = meeting(org, dt.date(2026, 12, 10))
    review = create_review(organisation=org, actor=None, year=2026)
    return [
        url("meeting_pack", org, meeting_id=upcoming.pk),
        url("meeting_minutes", org, meeting_id=upcoming.pk),
        url("review_pdf", org, review_id=review.pk),
    ]


def test_the_documents_read_as_many_queries_on_a_small_town_as_on_a_large_one(org, other_org, client_as):
    steering_town(org)
    client = client_as(org, Role.QUALITY_MANAGER)
    small = [count_queries(client, address) for address in addresses(org)]
    steering_town(other_org, large=True)
    client = client_as(other_org, Role.QUALITY_MANAGER)
    large = [count_queries(client, address) for address in addresses(other_org)]
    assert small == large
    assert max(small) <= 25


def test_the_frozen_file_says_who_validated_it_and_when(org, client_as, tmp_path):
    manager = client_as(org, Role.QUALITY_MANAGER)
    review = create_review(organisation=org, actor=None, year=2025)
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(pdf_response(manager, url("review_pdf", org, review_id=review.pk)))
    manager.post(url("review_validate", org, review_id=review.pk))
    frozen = tmp_path / "frozen.pdf"
    frozen.write_bytes(pdf_response(manager, url("review_pdf", org, review_id=review.pk)))

    def text(path):
        return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())

    assert "brouillon, non validé" in text(draft)
    assert "validée le 06/12/2026 par quality_manager Ville de Test" in text(frozen)
    assert "brouillon" not in text(frozen)


def test_the_review_of_the_current_year_is_not_validated_through_the_page(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2026)
    response = manager_client.post(url("review_validate", org, review_id=review.pk), follow=True)
    assert "n&#x27;est pas terminée" in response.content.decode()
    assert AnnualReview.objects.get().status == ReviewStatus.DRAFT
    page = manager_client.get(
        reverse("improvement:review_detail", kwargs={"org_slug": org.slug, "review_id": review.pk})
    )
    assert "Valider et figer" not in page.content.decode()


def test_a_stored_file_that_no_longer_matches_its_sha256_is_not_served(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2025)
    manager_client.post(url("review_validate", org, review_id=review.pk))
    review.refresh_from_db()
    with open(review.pdf.path, "ab") as stored:
        stored.write(b"altered")
    response = manager_client.get(url("review_pdf", org, review_id=review.pk))
    assert response.status_code == 500 and "SHA-256" in response.content.decode()
