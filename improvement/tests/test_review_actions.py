"""The annual review's versions: a new version starts from the latest text, a validated one is
frozen with its PDF and its SHA-256, and nothing overwrites it."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError

from core.concurrency import ConcurrentEditError
from core.models import AuditEvent, Role
from improvement.meetings import create_review, update_review, validate_review
from improvement.models import AnnualReview, ReviewStatus

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]
PDF = b"%PDF-1.7 bilan de test"


def write(review, conclusions, objectives=""):
    update_review(
        review=review, actor=None, seen_version=review.version, conclusions=conclusions, objectives=objectives
    )


def test_the_first_review_of_a_year_is_version_1_and_empty(org):
    review = create_review(organisation=org, actor=None, year=2025)
    assert (review.number, review.status, review.conclusions) == (1, ReviewStatus.DRAFT, "")
    assert AuditEvent.objects.filter(object_type="improvement.annualreview", action="create").count() == 1


def test_a_new_version_copies_the_text_of_the_latest_version(org):
    first = create_review(organisation=org, actor=None, year=2025)
    write(first, "Année contrastée.", "Tenir les délais.")
    second = create_review(organisation=org, actor=None, year=2025)
    assert (second.number, second.conclusions, second.objectives) == (2, "Année contrastée.", "Tenir les délais.")
    assert create_review(organisation=org, actor=None, year=2024).number == 1


def test_validating_stores_the_pdf_with_its_sha256_who_and_when(org, make_member):
    manager = make_member(org, Role.QUALITY_MANAGER)
    review = create_review(organisation=org, actor=None, year=2025)
    validate_review(review=review, pdf=PDF, actor=manager)
    review.refresh_from_db()
    assert review.status == ReviewStatus.VALIDATED and review.number == 1
    assert review.pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    # Named for its town, year and version; the storage adds a suffix rather than overwrite a
    # file of that name (another test's, here).
    assert review.pdf.read() == PDF
    assert re.fullmatch(rf"reviews/{org.pk}/bilan-2025-v1(_\w+)?\.pdf", review.pdf.name), review.pdf.name
    assert review.validated_by == manager and review.validated_at is not None
    assert AuditEvent.objects.filter(action="validate_review", object_id=str(review.pk)).count() == 1


def test_a_validated_review_can_be_neither_edited_nor_validated_again(org):
    review = create_review(organisation=org, actor=None, year=2025)
    validate_review(review=review, pdf=PDF, actor=None)
    with pytest.raises(ValidationError, match="validé"):
        write(review, "Réécrit.")
    with pytest.raises(ValidationError, match="validé"):
        validate_review(review=review, pdf=b"%PDF-autre", actor=None)
    review.refresh_from_db()
    assert review.conclusions == "" and review.pdf.read() == PDF


def test_a_copy_read_as_a_draft_before_the_validation_cannot_validate_again(org):
    review = create_review(organisation=org, actor=None, year=2025)
    stale = AnnualReview.objects.get(pk=review.pk)
    validate_review(review=review, pdf=PDF, actor=None)
    with pytest.raises(ValidationError):
        validate_review(review=stale, pdf=b"%PDF-autre", actor=None)
    with pytest.raises(ValidationError):
        write(stale, "Réécrit.")
    review.refresh_from_db()
    assert review.pdf_sha256 == hashlib.sha256(PDF).hexdigest()


def test_a_new_version_never_overwrites_a_validated_one(org):
    first = create_review(organisation=org, actor=None, year=2025)
    write(first, "Version validée.")
    validate_review(review=first, pdf=PDF, actor=None)
    second = create_review(organisation=org, actor=None, year=2025)
    write(second, "Version corrigée.")
    validate_review(review=second, pdf=b"%PDF-1.7 seconde", actor=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.conclusions == "Version validée." and first.pdf.read() == PDF
    assert first.pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    assert second.pdf.name != first.pdf.name and second.pdf.read() == b"%PDF-1.7 seconde"


def test_text_changed_by_someone_else_since_the_form_opened_is_refused(org):
    review = create_review(organisation=org, actor=None, year=2025)
    seen = review.version
    write(review, "Premier")
    with pytest.raises(ConcurrentEditError):
        update_review(review=review, actor=None, seen_version=seen, conclusions="Second", objectives="")


def test_something_that_is_not_a_pdf_is_refused(org):
    review = create_review(organisation=org, actor=None, year=2025)
    with pytest.raises(ValidationError):
        validate_review(review=review, pdf=b"<html>", actor=None)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and not review.pdf


def test_the_review_of_a_year_not_over_cannot_be_validated(org):
    review = create_review(organisation=org, actor=None, year=2026)
    with pytest.raises(ValidationError, match="L'année 2026 n'est pas terminée"):
        validate_review(review=review, pdf=PDF, actor=None)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and not review.pdf
