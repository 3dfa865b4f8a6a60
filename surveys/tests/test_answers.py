"""Recording an anonymous response: checked whole, the condition of a question applied, the
stored counts raised, nothing journaled and nothing that identifies the respondent."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent, DailyRun, Site
from surveys.answers import Submission, record_responses, tell_campaigns_answered
from surveys.models import ANSWERED, Answer, AnswerCount, Comment, Response

pytestmark = pytest.mark.django_db


def counts(campaign, key: str, dimension: str = "channel") -> dict[tuple[str, str], int]:
    rows = AnswerCount.objects.filter(campaign=campaign, question__key=key, dimension=dimension).exclude(code=ANSWERED)
    return {(row.code, row.value): row.count for row in rows}


def answered(campaign, key: str) -> int:
    return sum(
        AnswerCount.objects.filter(
            campaign=campaign, question__key=key, dimension="channel", code=ANSWERED
        ).values_list("count", flat=True)
    )


def test_a_response_keeps_its_answers_and_raises_the_stored_counts(campaign, answer):
    answer(globale="tres_satisfait", priorites=["attente", "horaires"], note="8")
    answer(globale="tres_satisfait", note="10")
    answer(globale="peu_satisfait", channel="paper", day=dt.date(2026, 12, 1))
    assert Response.objects.filter(campaign=campaign).count() == 3
    assert counts(campaign, "globale") == {("tres_satisfait", "web"): 2, ("peu_satisfait", "paper"): 1}
    assert counts(campaign, "priorites") == {("attente", "web"): 1, ("horaires", "web"): 1}
    assert counts(campaign, "note") == {("8", "web"): 1, ("10", "web"): 1}
    assert Answer.objects.filter(response__campaign=campaign, question__key="priorites").count() == 2
    assert (answered(campaign, "globale"), answered(campaign, "priorites"), answered(campaign, "signaletique")) == (
        3,
        1,
        0,
    )


def test_responses_recorded_together_raise_the_counts_their_sum_and_tell_the_indicators_once(
    campaign, recomputations, django_capture_on_commit_callbacks
):
    choices = [
        {"globale": ["tres_satisfait"], "note": ["8"]},
        {"globale": ["tres_satisfait"]},
        {"globale": ["satisfait"]},
    ]
    submissions = [Submission("paper", dt.date(2026, 12, 2), choices=codes) for codes in choices]
    with django_capture_on_commit_callbacks(execute=True):
        assert record_responses(campaign=campaign, submissions=iter(submissions)) == 3
    assert Response.objects.filter(campaign=campaign, channel="paper").count() == 3
    assert counts(campaign, "globale") == {("tres_satisfait", "paper"): 2, ("satisfait", "paper"): 1}
    assert counts(campaign, "note") == {("8", "paper"): 1}
    assert (answered(campaign, "globale"), answered(campaign, "note")) == (3, 1)
    assert recomputations == [("ville-test", "surveys", [dt.date(2026, 12, 1)])]


def test_counts_are_kept_by_site_and_by_each_profile_answer(org, campaign, answer):
    site = Site.objects.get(organisation=org)
    answer(globale="satisfait", age="65_plus", motif="etat_civil", site=site)
    answer(globale="pas_satisfait", age="65_plus")
    assert counts(campaign, "globale", "profile") == {
        ("satisfait", "age:65_plus"): 1,
        ("satisfait", "motif:etat_civil"): 1,
        ("pas_satisfait", "age:65_plus"): 1,
    }
    assert counts(campaign, "globale", "site") == {("satisfait", str(site.pk)): 1}


def test_a_question_asked_after_a_given_answer_is_kept_only_when_that_answer_was_given(campaign, answer):
    answer(globale="satisfait", telephone_utilise="oui", telephone="satisfait")
    answer(globale="satisfait", telephone_utilise="non", telephone="pas_satisfait")  # changed their mind
    assert counts(campaign, "telephone") == {("satisfait", "web"): 1}
    assert counts(campaign, "telephone_utilise") == {("oui", "web"): 1, ("non", "web"): 1}


def test_a_wrong_or_missing_answer_is_refused_by_question_and_nothing_is_written(campaign, answer):
    with pytest.raises(ValidationError) as refused:
        answer(signaletique="ravi", horaires=["satisfait", "peu_satisfait"])
    assert refused.value.message_dict == {
        "signaletique": ["Choisissez une des réponses proposées."],
        "horaires": ["Une seule réponse est possible."],
        "globale": ["Cette question demande une réponse."],
    }
    assert not Response.objects.exists() and not AnswerCount.objects.exists()


@pytest.mark.parametrize(
    ("channel", "day", "message"),
    [
        ("web", dt.date(2026, 12, 21), "ouverte du 01/12/2026 au 20/12/2026"),
        ("kiosk", dt.date(2026, 12, 3), "pas proposée par ce canal"),
    ],
)
def test_a_response_outside_the_campaign_or_through_a_channel_not_offered_is_refused(answer, channel, day, message):
    with pytest.raises(ValidationError, match=message):
        answer(globale="satisfait", channel=channel, day=day)
    assert not Response.objects.exists()


def test_a_response_holds_no_trace_of_the_respondent_and_is_not_journaled(campaign, answer):
    before = AuditEvent.objects.count()
    response = answer(globale="satisfait", texts={"commentaire": "Très bon accueil"})
    fields = {field.name for field in Response._meta.concrete_fields}
    assert fields == {"id", "organisation", "campaign", "channel", "site", "answered_on"}
    assert AuditEvent.objects.count() == before
    comment = Comment.objects.get(response=response)
    assert comment.text == "Très bon accueil" and comment.moderation == "pending" and comment.published_text == ""


def test_a_comment_too_long_is_refused(answer):
    with pytest.raises(ValidationError, match="2000 caractères au plus"):
        answer(globale="satisfait", texts={"commentaire": "a" * 2001})


def test_a_citizen_s_own_answer_tells_the_indicators_nothing_and_a_paper_one_tells_them_at_once(
    campaign, answer, recomputations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(channel="web", globale="satisfait")
    assert recomputations == []
    with django_capture_on_commit_callbacks(execute=True):
        answer(channel="paper", globale="satisfait")
    assert recomputations == [("ville-test", "surveys", [dt.date(2026, 12, 1)])]


def test_the_daily_job_tells_the_campaigns_answered_by_citizens_since_its_last_run(
    org, campaign, answer, recomputations, django_capture_on_commit_callbacks
):
    campaign.on_kiosk = True
    campaign.save()
    DailyRun.objects.create(organisation=org, day=dt.date(2026, 12, 2), finished_at=timezone.now())
    answer(channel="web", day=dt.date(2026, 12, 1), globale="satisfait")  # told by the run of the 2nd
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_campaigns_answered(org, dt.date(2026, 12, 4)) == 0
    assert recomputations == []

    answer(channel="kiosk", day=dt.date(2026, 12, 3), globale="peu_satisfait")
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_campaigns_answered(org, dt.date(2026, 12, 4)) == 1
    assert recomputations == [("ville-test", "surveys", [dt.date(2026, 12, 1)])]
