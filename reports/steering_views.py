"""The steering committee's PDFs: the meeting pack, the minutes, the annual review (a draft is
rendered on each request; a validated one is the stored frozen file), and its validation."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from core.access import Capability, OrgRequest, get_for_org, org_view
from core.web import acting_user
from improvement.meetings import check_validable, validate_review
from improvement.models import AnnualReview, ReviewStatus, SteeringMeeting
from reports.steering import (
    annual_review_pdf,
    meeting_pack_pdf,
    minutes_filename,
    minutes_pdf,
    pack_filename,
    review_filename,
)

TAMPERED = (
    "Le PDF conservé de ce bilan ne correspond plus à l'empreinte SHA-256 enregistrée à sa validation : "
    "il n'est pas servi. Prévenez l'administrateur."
)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view()
def meeting_pack(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = get_for_org(SteeringMeeting.objects.select_related("organisation"), request, pk=meeting_id)
    return _pdf(meeting_pack_pdf(meeting=meeting), pack_filename(meeting))


@org_view()
def meeting_minutes(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = get_for_org(SteeringMeeting.objects.select_related("organisation"), request, pk=meeting_id)
    return _pdf(minutes_pdf(meeting=meeting), minutes_filename(meeting))


@org_view()
def review_pdf(request: OrgRequest, review_id: int) -> HttpResponseBase:
    review = get_for_org(AnnualReview.objects.select_related("organisation"), request, pk=review_id)
    if review.status == ReviewStatus.VALIDATED:
        with review.pdf.open("rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != review.pdf_sha256:
            return HttpResponseServerError(TAMPERED, content_type="text/plain; charset=utf-8")
        return _pdf(content, review_filename(review))
    return _pdf(annual_review_pdf(review=review), review_filename(review))


@org_view(read=Capability.VIEW, write=Capability.MANAGE_QUALITY)
def review_validate(request: OrgRequest, review_id: int) -> HttpResponseBase:
    """POST only: render the review now and freeze that very file."""
    review = get_for_org(AnnualReview.objects.select_related("organisation"), request, pk=review_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        check_validable(review=review, today=request.org.today())
        actor = acting_user(request)
        validate_review(review=review, pdf=annual_review_pdf(review=review, validated_by=actor), actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{review} validé : son PDF est conservé tel quel.")
    return redirect("improvement:review_detail", org_slug=request.org.slug, review_id=review.pk)
