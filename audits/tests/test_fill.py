"""Filling a grid (audits.fill): answers saved one by one, the grid submitted with its scores
per commitment, then final for everyone."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from audits import fill
from audits.models import AssessmentStatus, CommitmentScore, CriterionAnswer, Rating
from audits.tests.factories import make_grid
from audits.tests.images import image_upload
from core.models import AuditEvent

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 3, 10, tzinfo=PARIS)
TODAY = NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def answer_all(assessment, criteria, assessor, ratings):
    for criterion, rating in zip(criteria, ratings, strict=True):
        fill.save_answer(assessment=assessment, criterion=criterion, rating=rating, actor=assessor)


def test_an_answer_is_saved_then_changed_with_one_event_each_naming_the_criterion(assessment, criteria, assessor):
    first = fill.save_answer(assessment=assessment, criterion=criteria[0], rating=Rating.NO, actor=assessor)
    fill.save_answer(
        assessment=assessment, criterion=criteria[0], rating=Rating.PARTLY, comment=" Panneau masqué ", actor=assessor
    )
    fill.save_answer(
        assessment=assessment, criterion=criteria[0], rating=Rating.PARTLY, comment="Panneau masqué", actor=assessor
    )
    answer = CriterionAnswer.objects.get()
    assert (answer.pk, answer.rating, answer.comment) == (first.pk, Rating.PARTLY, "Panneau masqué")
    events = AuditEvent.objects.filter(action="answer_criterion").order_by("pk")
    assert [event.after["rating"] for event in events] == ["non", "en partie"]  # the same answer again: no event
    assert events[1].after == {
        "criterion": criteria[0].question,
        "rating": "en partie",
        "comment": "Panneau masqué",
        "photo": None,
    }


def test_a_new_photo_replaces_the_one_kept_and_its_file_goes(
    assessment, criteria, assessor, django_capture_on_commit_callbacks
):
    def answer_with(photo):
        with django_capture_on_commit_callbacks(execute=True):
            fill.save_answer(
                assessment=assessment, criterion=criteria[0], rating=Rating.NO, photo=photo, actor=assessor
            )
        return CriterionAnswer.objects.get().photo

    first = answer_with(image_upload())
    storage, first_name = first.storage, first.name
    assert storage.exists(first_name)
    second = answer_with(image_upload())
    assert second.name != first_name and storage.exists(second.name)
    assert not storage.exists(first_name)
    kept = answer_with(None)  # no photo sent: the one kept stays
    assert kept.name == second.name and storage.exists(second.name)


def test_a_criterion_of_another_grid_is_refused(org, assessment, assessor):
    other = make_grid(org, title="Visite mystère").criteria.get(position=1)
    with pytest.raises(ValidationError, match="n'appartient pas à cette grille"):
        fill.save_answer(assessment=assessment, criterion=other, rating=Rating.YES, actor=assessor)
    assert not CriterionAnswer.objects.exists()


def test_submitting_with_unanswered_criteria_is_refused_naming_each_and_writes_nothing(assessment, criteria, assessor):
    fill.save_answer(assessment=assessment, criterion=criteria[0], rating=Rating.YES, actor=assessor)
    with pytest.raises(fill.GridIncomplete) as refused:
        fill.submit_assessment(assessment=assessment, checked_on=TODAY, actor=assessor, now=NOW, today=TODAY)
    assert refused.value.missing == criteria[1:]
    assert "3 critères n'ont pas de réponse" in str(refused.value)
    assert "« Le hall est propre et dégagé »" in str(refused.value)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_at) == (AssessmentStatus.ASSIGNED, None)
    assert not CommitmentScore.objects.exists()


def test_a_submitted_grid_stores_one_weighted_score_per_commitment_and_its_date(
    assessment, criteria, assessor, recomputations, django_capture_on_commit_callbacks
):
    # Commitment 1: yes (weight 2) and no (1) -> 2 of 3; commitment 2: partly (1) and "sans objet" -> 0.5 of 1.
    answer_all(assessment, criteria, assessor, [Rating.YES, Rating.NO, Rating.PARTLY, Rating.NOT_APPLICABLE])
    with django_capture_on_commit_callbacks(execute=True):
        fill.submit_assessment(
            assessment=assessment, checked_on=dt.date(2026, 12, 2), actor=assessor, now=NOW, today=TODAY
        )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert (assessment.checked_on, assessment.submitted_at) == (dt.date(2026, 12, 2), NOW)
    scores = [(s.commitment_code, s.earned, s.possible) for s in CommitmentScore.objects.order_by("commitment_code")]
    assert scores == [("1", Decimal(2), Decimal(3)), ("2", Decimal("0.5"), Decimal(1))]
    event = AuditEvent.objects.get(action="submit_grid")
    assert event.after is not None and event.after["scores"] == "engagement 1 : 2/3 ; engagement 2 : 0,5/1"
    assert recomputations == [("ville-test", "audits", [dt.date(2026, 12, 1)])]


def test_a_submitted_grid_can_no_longer_be_changed_by_anyone(assessment, criteria, assessor):
    answer_all(assessment, criteria, assessor, [Rating.YES] * 4)
    fill.submit_assessment(assessment=assessment, checked_on=TODAY, actor=assessor, now=NOW, today=TODAY)
    with pytest.raises(fill.GridAlreadySubmitted, match="déjà été remise le 03/12/2026"):
        fill.save_answer(assessment=assessment, criterion=criteria[0], rating=Rating.NO, actor=assessor)
    with pytest.raises(fill.GridAlreadySubmitted):
        fill.submit_assessment(assessment=assessment, checked_on=TODAY, actor=assessor, now=NOW, today=TODAY)
    with pytest.raises(fill.GridAlreadySubmitted):
        fill.set_check_date(assessment=assessment, checked_on=TODAY, actor=assessor, today=TODAY)
    assert CriterionAnswer.objects.filter(rating=Rating.NO).count() == 0
    assert CommitmentScore.objects.count() == 2


def test_a_check_dated_after_today_is_refused(assessment, criteria, assessor):
    answer_all(assessment, criteria, assessor, [Rating.YES] * 4)
    with pytest.raises(ValidationError, match="postérieure à aujourd'hui"):
        fill.submit_assessment(
            assessment=assessment, checked_on=TODAY + dt.timedelta(days=1), actor=assessor, now=NOW, today=TODAY
        )
    with pytest.raises(ValidationError, match="postérieure à aujourd'hui"):
        fill.set_check_date(assessment=assessment, checked_on=TODAY + dt.timedelta(days=1), actor=assessor, today=TODAY)


def test_the_check_date_is_kept_before_the_grid_is_submitted(assessment, assessor):
    fill.set_check_date(assessment=assessment, checked_on=dt.date(2026, 12, 1), actor=assessor, today=TODAY)
    fill.set_check_date(assessment=assessment, checked_on=dt.date(2026, 12, 1), actor=assessor, today=TODAY)
    assessment.refresh_from_db()
    assert assessment.checked_on == dt.date(2026, 12, 1)
    assert AuditEvent.objects.filter(action="date_check").count() == 1
