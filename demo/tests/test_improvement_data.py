"""The demo towns' improvement loop: committees in both years, actions from every origin, each
effectiveness verdict the one the stored indicator values give, some late, some open, and
nothing that crosses from one town to the other."""

import datetime as dt
import hashlib

import pytest
from django.db import transaction
from django.test import TestCase

from commitments.models import IndicatorValue, Status
from complaints.models import Complaint
from core.models import Membership
from core.periods import Granularity, Period
from demo.generator import build_towns
from demo.improvement_data import add_improvement, validate_demo_review
from improvement.models import (
    OPEN_STATUSES,
    ActionStatus,
    AnnualReview,
    ImprovementAction,
    Origin,
    ReviewStatus,
    SteeringMeeting,
)

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def towns(django_db_setup, django_db_blocker):
    """The towns with their indicator values stored (the on-commit recomputation run, as
    `load_demo` sees it), then their improvement loop; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_towns(today=TODAY)
        counts = {town.slug: add_improvement(town, today=TODAY) for town in built}
        for town in built:
            validate_demo_review(town, today=TODAY)
        yield {town.slug: town for town in built}, counts
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test here reads the database."""


def test_each_town_held_two_committees_a_year_for_two_years_and_plans_the_next(towns):
    for town in towns[0].values():
        meetings = list(SteeringMeeting.objects.for_org(town).order_by("held_on"))
        held = [meeting for meeting in meetings if meeting.held]
        assert [meeting.held_on.year for meeting in held] == [2025, 2025, 2026, 2026]
        assert all(
            meeting.held_on < TODAY and meeting.attendees and meeting.agenda and meeting.minutes for meeting in held
        )
        upcoming = [meeting for meeting in meetings if not meeting.held]
        assert len(upcoming) == 1 and upcoming[0].held_on >= TODAY
        for meeting in held:
            decisions = list(meeting.decisions.all())
            assert decisions and all(ImprovementAction.objects.filter(decision=d).exists() for d in decisions)


def test_actions_come_from_every_origin_and_a_complaint_is_named_without_personal_data(towns):
    for town in towns[0].values():
        actions = ImprovementAction.objects.for_org(town)
        origins = set(actions.values_list("origin", flat=True))
        assert {Origin.INDICATOR, Origin.COMPLAINT, Origin.DECISION, Origin.SUGGESTION} <= origins
        for action in actions.filter(origin=Origin.COMPLAINT):
            complaint = Complaint.objects.get(pk=action.origin_id)
            assert complaint.organisation_id == town.pk and action.origin_type == "complaints.complaint"
            assert action.origin_label == f"Réclamation {complaint.tracking_number}"
            assert not complaint.citizen_name or complaint.citizen_name not in action.origin_label + action.description
        for action in actions.filter(origin=Origin.INDICATOR):
            assert action.origin_indicator.organisation_id == town.pk


def test_every_recorded_verdict_is_what_the_stored_value_of_its_check_period_says(towns):
    verdicts = set()
    for town in towns[0].values():
        judged = ImprovementAction.objects.for_org(town).filter(checked_on__isnull=False, check_indicator__isnull=False)
        for action in judged.select_related("check_indicator"):
            indicator = action.check_indicator
            period = Period.containing(action.check_on, Granularity(indicator.granularity)).previous()
            stored = IndicatorValue.objects.get(
                organisation=town, indicator=indicator, granularity=indicator.granularity,
                period_start=period.start, service=None, site=None,
            )  # fmt: skip
            assert action.checked_period_start == period.start and action.checked_value == stored.value
            assert action.expected_value == indicator.target_value and action.checked_on == action.check_on < TODAY
            effective = indicator.status_for(stored.value) == Status.MET
            was_judged = action.transitions.filter(action="confirm_effective" if effective else "find_ineffective")
            assert was_judged.exists()
            verdicts.add(effective)
    assert verdicts == {True, False}


def test_some_actions_are_late_some_open_and_the_counts_say_so(towns):
    for slug, town in towns[0].items():
        open_actions = ImprovementAction.objects.for_org(town).filter(status__in=OPEN_STATUSES)
        assert open_actions.filter(due_on__lt=TODAY).exists()
        assert open_actions.filter(due_on__gte=TODAY).exists()
        counts = towns[1][slug]
        assert counts.late == open_actions.filter(due_on__lt=TODAY).count() and counts.open == open_actions.count()
        assert ImprovementAction.objects.for_org(town).filter(status=ActionStatus.INEFFECTIVE).exists()


def test_actions_are_numbered_in_the_year_they_were_opened_and_their_steps_are_dated_in_order(towns):
    for town in towns[0].values():
        for action in ImprovementAction.objects.for_org(town).prefetch_related("transitions"):
            steps = sorted(action.transitions.all(), key=lambda step: step.pk)
            assert steps[0].action == "create"
            opened = steps[0].at.astimezone(town.time_zone).date()
            assert action.number.startswith(f"A-{opened.year}-") and opened < TODAY
            assert [step.at for step in steps] == sorted(step.at for step in steps)
            assert steps[-1].to_status == action.status


def test_nothing_of_one_town_reaches_the_other(towns):
    for town in towns[0].values():
        members = set(Membership.objects.for_org(town).values_list("user_id", flat=True))
        for action in ImprovementAction.objects.for_org(town).select_related("decision__meeting", "check_indicator"):
            assert action.owner_id in members
            assert action.decision is None or action.decision.meeting.organisation_id == town.pk
            assert action.check_indicator is None or action.check_indicator.organisation_id == town.pk
            assert action.transitions.exclude(organisation=town).count() == 0


def test_last_years_review_is_validated_and_frozen_and_this_years_is_a_draft(towns):
    for town in towns[0].values():
        validated, draft = AnnualReview.objects.for_org(town).order_by("year")
        assert (validated.year, validated.status, draft.year, draft.status) == (
            2025, ReviewStatus.VALIDATED, 2026, ReviewStatus.DRAFT,
        )  # fmt: skip
        assert validated.conclusions and validated.objectives and validated.validated_by is not None
        stored = validated.pdf.read()
        assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == validated.pdf_sha256


def test_each_action_was_opened_on_its_day_of_the_past_before_its_due_date(towns):
    for town in towns[0].values():
        for action in ImprovementAction.objects.for_org(town):
            opened = action.created_at.astimezone(town.time_zone).date()
            assert opened < TODAY and opened <= action.due_on, action.number
            assert action.number.startswith(f"A-{opened.year}-"), action.number
