"""A campaign's results, question by question, read from the stored counts (AnswerCount): a
few hundred rows whatever the number of answers.

For each question: the distribution of its answers (each choice's count and share), and for
the satisfaction scale and yes/no the satisfaction share with its 95 % Wilson interval, n, the
net satisfaction, a warning below 30 answers, and the change since the previous campaign of the
same questionnaire key (the latest one closing before this one opened) with whether it is
significant. The same, broken down by channel, by site or by a profile question's answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.models import Site
from surveys.answers import campaign_questions
from surveys.models import (
    ANSWERED,
    DISSATISFIED,
    NO_OPINION,
    SATISFACTION_KINDS,
    SATISFIED,
    AnswerCount,
    Campaign,
    Channel,
    Dimension,
    Question,
    QuestionKind,
)
from surveys.statistics import Change, Satisfaction, change_between

# (question id, code) → count, for one breakdown value (the totals: every channel summed).
Counts = dict[tuple[int, str], int]


@dataclass(frozen=True)
class ChoiceResult:
    code: str
    label: str
    count: int
    share: float | None  # of the question's answers, "no opinion" included


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    choices: list[ChoiceResult]
    answers: int  # responses that answered it (a multiple choice gives several codes, counted once)
    satisfaction: Satisfaction | None
    change: Change | None
    before: Satisfaction | None = None  # the previous campaign's, when compared

    @property
    def is_small(self) -> bool:
        return self.satisfaction.is_small if self.satisfaction is not None else False


def satisfaction_of(counts: Counts, question_id: int) -> Satisfaction:
    def total(codes: frozenset[str]) -> int:
        return sum(counts.get((question_id, code), 0) for code in codes)

    return Satisfaction(satisfied=total(SATISFIED), dissatisfied=total(DISSATISFIED), no_opinion=total(NO_OPINION))


def stored_counts(campaign: Campaign, dimension: str = Dimension.CHANNEL) -> dict[str, Counts]:
    """The campaign's counts by breakdown value ("web", a site's id, "age:65_plus"): one query."""
    rows = AnswerCount.objects.filter(campaign=campaign, dimension=dimension).values_list(
        "value", "question_id", "code", "count"
    )
    by_value: dict[str, Counts] = defaultdict(dict)
    for value, question_id, code, count in rows:
        by_value[value][(question_id, code)] = count
    return dict(by_value)


def totals(by_channel: dict[str, Counts]) -> Counts:
    summed: Counts = defaultdict(int)
    for counts in by_channel.values():
        for key, count in counts.items():
            summed[key] += count
    return dict(summed)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The town's latest campaign closed before this one opened (any questionnaire: questions are
    compared by their key)."""
    return (
        Campaign.objects.filter(organisation_id=campaign.organisation_id)
        .filter(closes_on__lt=campaign.opens_on)
        .order_by("-closes_on", "-pk")
        .first()
    )


def _satisfaction_by_key(previous: Campaign | None) -> dict[str, Satisfaction]:
    if previous is None:
        return {}
    counts = totals(stored_counts(previous))
    questions = Question.objects.filter(questionnaire_id=previous.questionnaire_id, kind__in=list(SATISFACTION_KINDS))
    return {question.key: satisfaction_of(counts, question.pk) for question in questions}


def question_results(
    questions: list[Question], counts: Counts, previous: dict[str, Satisfaction]
) -> list[QuestionResult]:
    """The results of each question but free text, from `counts`."""
    results = []
    for question in questions:
        if question.kind == QuestionKind.TEXT:
            continue
        given = {code: counts.get((question.pk, code), 0) for code, _ in question.choices}
        answers = counts.get((question.pk, ANSWERED), 0)
        choices = [
            ChoiceResult(code, label, given[code], given[code] / answers if answers else None)
            for code, label in question.choices
        ]
        satisfaction = satisfaction_of(counts, question.pk) if question.measures_satisfaction else None
        before = previous.get(question.key)
        change = change_between(before, satisfaction) if before and satisfaction else None
        results.append(QuestionResult(question, choices, answers, satisfaction, change, before if change else None))
    return results


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    previous: Campaign | None
    responses: int
    questions: list[QuestionResult]


def campaign_results(campaign: Campaign) -> CampaignResults:
    """The whole campaign's results, every channel together (five queries)."""
    counts = totals(stored_counts(campaign))
    previous = previous_campaign(campaign)
    responses = campaign.responses.count()
    return CampaignResults(
        campaign=campaign,
        previous=previous,
        responses=responses,
        questions=question_results(campaign_questions(campaign), counts, _satisfaction_by_key(previous)),
    )


@dataclass(frozen=True)
class Breakdown:
    """The satisfaction of each question by group (a channel, a site, a profile answer)."""

    title: str
    groups: list[str]
    rows: list[tuple[Question, list[Satisfaction]]]


def breakdown_choices(questions: list[Question]) -> list[tuple[str, str]]:
    """What the results can be read by: the channel, the site, each profile question."""
    profiles = [(question.key, question.text) for question in questions if question.is_profile]
    return [("canal", "Canal de réponse"), ("site", "Site"), *profiles]


def breakdown(campaign: Campaign, questions: list[Question], by: str) -> Breakdown | None:
    """The satisfaction questions read by `by` (a key of breakdown_choices); None if unknown."""
    choices = dict(breakdown_choices(questions))
    if by not in choices:
        return None
    if by == "canal":
        counts = stored_counts(campaign, Dimension.CHANNEL)
        labels = {value: str(Channel(value).label) for value in counts}
    elif by == "site":
        counts = stored_counts(campaign, Dimension.SITE)
        sites = Site.objects.filter(organisation_id=campaign.organisation_id, pk__in=[int(v) for v in counts])
        labels = {str(site.pk): site.name for site in sites}
    else:
        profile = next(question for question in questions if question.key == by)
        prefix = f"{by}:"
        counts = {v: c for v, c in stored_counts(campaign, Dimension.PROFILE).items() if v.startswith(prefix)}
        names = dict(profile.choices)
        labels = {value: names.get(value.removeprefix(prefix), value) for value in counts}
    order = sorted(counts, key=lambda value: labels.get(value, value))
    satisfaction = [question for question in questions if question.measures_satisfaction]
    rows = [(question, [satisfaction_of(counts[value], question.pk) for value in order]) for question in satisfaction]
    return Breakdown(title=choices[by], groups=[labels.get(value, value) for value in order], rows=rows)
