"""The annual review's pages: the list of versions, a new version, writing a draft, a
validated version refused to the editor; readers read, outsiders see nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEvent, Role
from improvement.meetings import create_review, validate_review
from improvement.models import AnnualReview

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]
PDF = b"%PDF-1.7 bilan de test"


def url(name, org, **kwargs):
    return reverse(f"improvement:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_quality_manager_starts_a_review_and_writes_it(org, manager_client):
    response = manager_client.post(url("review_new", org), {"year": "2025"})
    review = AnnualReview.objects.get()
    assert response.status_code == 302 and response["Location"] == url("review_detail", org, review_id=review.pk)
    form = {"version": review.version, "conclusions": "Année tenue.", "objectives": "Enquête au printemps."}
    assert manager_client.post(url("review_edit", org, review_id=review.pk), form).status_code == 302
    page = manager_client.get(url("review_detail", org, review_id=review.pk)).content.decode()
    assert "Année tenue." in page and "Enquête au printemps." in page and "Valider et figer le PDF" in page


def test_a_year_to_come_is_refused_in_french(org, manager_client):
    response = manager_client.post(url("review_new", org), {"year": "2027"})
    assert response.status_code == 200 and "Choisissez une année entre 2000 et 2026." in response.content.decode()
    assert not AnnualReview.objects.exists()


def test_the_new_version_button_of_a_validated_review_copies_its_text(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2025)
    AnnualReview.objects.filter(pk=review.pk).update(conclusions="Texte validé.")
    review.refresh_from_db()
    validate_review(review=review, pdf=PDF, actor=None)
    page = manager_client.get(url("review_detail", org, review_id=review.pk)).content.decode()
    assert "Créer une nouvelle version" in page and "Valider et figer" not in page
    manager_client.post(url("review_new", org), {"year": "2025"})
    assert AnnualReview.objects.get(number=2).conclusions == "Texte validé."


def test_the_editor_of_a_validated_review_is_refused(org, manager_client):
    review = create_review(organisation=org, actor=None, year=2025)
    validate_review(review=review, pdf=PDF, actor=None)
    form = {"version": review.version, "conclusions": "Réécrit.", "objectives": ""}
    response = manager_client.post(url("review_edit", org, review_id=review.pk), form, follow=True)
    assert "ne peut plus être modifié" in response.content.decode()
    review.refresh_from_db()
    assert review.conclusions == ""


def test_the_list_reads_as_many_queries_for_one_review_as_for_thirty(org, manager_client, page_queries, make_member):
    manager = make_member(org, Role.QUALITY_MANAGER, "valideur@ville-test.test")
    validate_review(review=create_review(organisation=org, actor=None, year=2025), pdf=PDF, actor=manager)
    small = page_queries(manager_client, url("review_list", org))
    for year in range(2000, 2015):
        for _ in range(2):
            review = create_review(organisation=org, actor=None, year=year)
        validate_review(
            review=review, pdf=PDF, actor=make_member(org, Role.QUALITY_MANAGER, f"q{year}@ville-test.test")
        )
    assert page_queries(manager_client, url("review_list", org)) == small
    assert page_queries(manager_client, url("review_list", org), {"page": 2}) == small


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR])
def test_a_reader_reads_the_reviews_but_writes_nothing(org, client_as, role):
    review = create_review(organisation=org, actor=None, year=2025)
    reader = client_as(org, role)
    assert reader.get(url("review_list", org)).status_code == 200
    page = reader.get(url("review_detail", org, review_id=review.pk)).content.decode()
    assert "Rédiger" not in page and "Valider" not in page
    events = AuditEvent.objects.count()
    assert reader.get(url("review_new", org)).status_code == 403
    assert reader.post(url("review_new", org), {"year": "2024"}).status_code == 403
    form = {"version": review.version, "conclusions": "X", "objectives": ""}
    assert reader.post(url("review_edit", org, review_id=review.pk), form).status_code == 403
    assert AuditEvent.objects.count() == events and AnnualReview.objects.count() == 1


def test_an_outsider_gets_404_on_every_review_page(org, outsider_client):
    review = create_review(organisation=org, actor=None, year=2025)
    for name in ("review_detail", "review_edit"):
        assert outsider_client.get(url(name, org, review_id=review.pk)).status_code == 404
    assert outsider_client.get(url("review_list", org)).status_code == 404
