"""Pages of the steering committee (meetings and their decisions) and of the annual review.
Thin: fetch through get_for_org, call a query or an action, render. Everyone reads; only the
quality manager (and the administrator) writes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from core.access import Capability, OrgRequest, can, get_for_org, org_view
from core.concurrency import ConcurrentEditError
from core.web import acting_user, page_of, show_refusal
from improvement import meetings
from improvement.meeting_forms import DecisionForm, MeetingForm, ReviewForm, ReviewNewForm
from improvement.meeting_queries import decision_rows, past_meetings, reviews, upcoming_meetings
from improvement.models import AnnualReview, ReviewStatus, SteeringMeeting

NAV = {"nav_section": "improvement"}
PAGE_SIZE = 20
MANAGE = Capability.MANAGE_QUALITY


def _to_meeting(request: OrgRequest, meeting: SteeringMeeting) -> HttpResponseBase:
    return redirect("improvement:meeting_detail", org_slug=request.org.slug, meeting_id=meeting.pk)


def _to_review(request: OrgRequest, review: AnnualReview) -> HttpResponseBase:
    return redirect("improvement:review_detail", org_slug=request.org.slug, review_id=review.pk)


@org_view()
def meeting_list(request: OrgRequest) -> HttpResponse:
    today = request.org.today()
    upcoming = list(upcoming_meetings(request.org, today=today))
    page = page_of(request, past_meetings(request.org, today=today), per_page=PAGE_SIZE)
    context = {**NAV, "upcoming": upcoming, "page": page, "today": today}
    return render(request, "improvement/meeting_list.html", context)


@org_view(read=MANAGE, write=MANAGE)
def meeting_new(request: OrgRequest) -> HttpResponseBase:
    today = request.org.today()
    form = MeetingForm(request.POST or None, initial={"held_on": today}, today=today)
    if request.method == "POST" and form.is_valid():
        meeting = meetings.create_meeting(organisation=request.org, actor=acting_user(request), **form.changes())
        messages.success(request, f"Le {meeting} est enregistré.")
        return _to_meeting(request, meeting)
    return render(request, "improvement/meeting_form.html", {**NAV, "form": form, "meeting": None})


@org_view()
def meeting_detail(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = get_for_org(SteeringMeeting, request, pk=meeting_id)
    today = request.org.today()
    form = DecisionForm(organisation=request.org, today=today) if can(request.membership, MANAGE) else None
    context = {**NAV, "meeting": meeting, "decisions": decision_rows(meeting), "decision_form": form}
    return render(request, "improvement/meeting_detail.html", context)


@org_view(read=MANAGE, write=MANAGE)
def meeting_edit(request: OrgRequest, meeting_id: int) -> HttpResponseBase:
    meeting = get_for_org(SteeringMeeting, request, pk=meeting_id)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting), today=request.org.today())
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            seen = form.cleaned_data["version"] or 0
            meetings.update_meeting(meeting=meeting, actor=acting_user(request), seen_version=seen, **form.changes())
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, f"Le {meeting} est enregistré.")
            return _to_meeting(request, meeting)
    return render(request, "improvement/meeting_form.html", {**NAV, "form": form, "meeting": meeting}, status=status)


@org_view(read=MANAGE, write=MANAGE)
def decision_new(request: OrgRequest, meeting_id: int) -> HttpResponseBase:
    meeting = get_for_org(SteeringMeeting, request, pk=meeting_id)
    form = DecisionForm(request.POST or None, organisation=request.org, today=request.org.today())
    if request.method == "POST" and form.is_valid():
        try:
            decision = meetings.add_decision(meeting=meeting, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Décision n° {decision.position} enregistrée, avec son action d'amélioration.")
            return _to_meeting(request, meeting)
    return render(request, "improvement/meeting_decision_form.html", {**NAV, "form": form, "meeting": meeting})


@org_view()
def review_list(request: OrgRequest) -> HttpResponse:
    page = page_of(request, reviews(request.org), per_page=PAGE_SIZE)
    return render(request, "improvement/review_list.html", {**NAV, "page": page})


@org_view(read=MANAGE, write=MANAGE)
def review_new(request: OrgRequest) -> HttpResponseBase:
    today = request.org.today()
    form = ReviewNewForm(request.POST or None, initial={"year": today.year - 1}, today=today)
    if request.method == "POST" and form.is_valid():
        review = meetings.create_review(organisation=request.org, actor=acting_user(request), **form.cleaned_data)
        messages.success(request, f"{review} créé : rédigez ses conclusions et objectifs.")
        return _to_review(request, review)
    return render(request, "improvement/review_new.html", {**NAV, "form": form})


@org_view()
def review_detail(request: OrgRequest, review_id: int) -> HttpResponse:
    review = get_for_org(AnnualReview.objects.select_related("validated_by"), request, pk=review_id)
    year_over = request.org.today().year > review.year
    return render(request, "improvement/review_detail.html", {**NAV, "review": review, "year_over": year_over})


@org_view(read=MANAGE, write=MANAGE)
def review_edit(request: OrgRequest, review_id: int) -> HttpResponseBase:
    review = get_for_org(AnnualReview, request, pk=review_id)
    if review.status == ReviewStatus.VALIDATED:
        messages.error(request, meetings.VALIDATED_REFUSAL)
        return _to_review(request, review)
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_for(review))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            seen = form.cleaned_data.pop("version")
            meetings.update_review(review=review, actor=acting_user(request), seen_version=seen, **form.cleaned_data)
        except (ConcurrentEditError, ValidationError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            status = 409
        else:
            messages.success(request, f"{review} enregistré.")
            return _to_review(request, review)
    return render(request, "improvement/review_form.html", {**NAV, "form": form, "review": review}, status=status)
