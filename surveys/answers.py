"""Recording one anonymous response (a citizen on the web or the kiosk, a paper questionnaire
typed by an agent, a row of an imported file): THE way answers are written.

- Checked whole first: the campaign open on the day and offering the channel, each answer one
  of its question's choices, required questions answered. Answers to a question whose
  condition is not met (the citizen changed the earlier answer) are not kept.
- Then, in one transaction: the response (campaign, channel, site, day: nothing else, domain.md
  "Responses are anonymous"), its answers, its comments, and the stored counts (AnswerCount)
  raised by an upsert, so the results never read the answers themselves.
- Not journaled one by one: an audit event holds the exact time and the acting account, which
  an anonymous answer must not have. Moderating a comment or deleting a response is journaled.
- The indicator engine is told once the transaction commits (a campaign's figures belong to the
  period of its closing day: surveys.metrics) for a response typed or imported by staff. A
  response the citizen gave himself (web, kiosk, e-mail: SELF_ANSWERED) is told the next
  morning by the daily job `tell_campaigns_answered`, for the day's responses together: told at
  once, each answer would write indicator values journaled at the minute it arrived, their
  numerators moved by that answer alone (ADR 0022), and would recompute them on every answer
  of a busy campaign."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core import registries
from core.closing import guard_change
from core.daily import last_run_day
from core.models import Organisation, Site
from surveys.models import (
    ANSWERED,
    Answer,
    AnswerCount,
    Campaign,
    Channel,
    Comment,
    Dimension,
    Question,
    QuestionKind,
    Response,
    mark_routing,
)

METRIC_PREFIX = "surveys"
T = TypeVar("T")
COMMENT_MAX_LENGTH = 2000
# The channels a campaign must offer for an answer to come through them; an imported file
# carries paper questionnaires typed elsewhere.
OFFER_OF_CHANNEL = {
    Channel.WEB: "on_web",
    Channel.KIOSK: "on_kiosk",
    Channel.PAPER: "on_paper",
    Channel.EMAIL: "on_email",
    Channel.IMPORT: "on_paper",
}
# The channels where the respondent answers by himself, at a time of his own: told to the
# indicator engine by the daily job, never per response.
SELF_ANSWERED = frozenset({Channel.WEB, Channel.KIOSK, Channel.EMAIL})


@dataclass(frozen=True)
class Submission:
    """What a respondent gave: by question key, the codes chosen (one for every kind but
    multiple choices; a score as "0" to "10") and the free texts."""

    channel: str
    answered_on: dt.date
    site: Site | None = None
    choices: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def questionnaire_questions(questionnaire_id: int) -> list[Question]:
    """A questionnaire's questions in the order they are asked, each knowing whether it routes to
    others (one query)."""
    return mark_routing(
        list(
            Question.objects.filter(questionnaire_id=questionnaire_id)
            .select_related("section", "shown_after")
            .order_by("section__position", "position", "pk")
        )
    )


def campaign_questions(campaign: Campaign) -> list[Question]:
    """The campaign's questions in the order they are asked (one query)."""
    return questionnaire_questions(campaign.questionnaire_id)


def by_section(questions: list[Question], value: Callable[[Question], T]) -> list[tuple[str, list[T]]]:
    """(section title, [value of each of its questions]) in the order asked."""
    sections: list[tuple[str, list[T]]] = []
    for question in questions:
        if not sections or sections[-1][0] != question.section.title:
            sections.append((question.section.title, []))
        sections[-1][1].append(value(question))
    return sections


def _is_asked(question: Question, kept: dict[int, list[str]]) -> bool:
    """Whether the question applies: no condition, or its condition's answer was given."""
    return question.shown_after_id is None or question.shown_if in kept.get(question.shown_after_id, [])


def _check_campaign(campaign: Campaign, submission: Submission) -> None:
    if not campaign.opens_on <= submission.answered_on <= campaign.closes_on:
        raise ValidationError(
            f"L'enquête « {campaign.title} » est ouverte du {campaign.opens_on:%d/%m/%Y} au "
            f"{campaign.closes_on:%d/%m/%Y} : une réponse du {submission.answered_on:%d/%m/%Y} n'y entre pas."
        )
    offer = OFFER_OF_CHANNEL.get(Channel(submission.channel)) if submission.channel in Channel.values else None
    if offer is None or not getattr(campaign, offer):
        raise ValidationError(f"Cette enquête n'est pas proposée par ce canal ({submission.channel}).")
    if submission.site is not None and submission.site.organisation_id != campaign.organisation_id:
        raise ValidationError("Ce site appartient à une autre organisation.")


def _checked_codes(question: Question, codes: list[str]) -> list[str]:
    codes = [code for code in dict.fromkeys(code.strip() for code in codes) if code]
    offered = {code for code, _ in question.choices}
    if any(code not in offered for code in codes):
        raise ValidationError({question.key: "Choisissez une des réponses proposées."})
    if len(codes) > 1 and question.kind != QuestionKind.MULTIPLE:
        raise ValidationError({question.key: "Une seule réponse est possible."})
    return codes


def kept_answers(questions: list[Question], submission: Submission) -> tuple[dict[int, list[str]], dict[int, str]]:
    """The codes and texts to keep, by question id, once checked; raises a ValidationError whose
    keys are the question keys, with every problem found."""
    kept: dict[int, list[str]] = {}
    texts: dict[int, str] = {}
    problems: dict[str, str] = {}
    for question in questions:
        if not _is_asked(question, kept):
            continue
        try:
            if question.kind == QuestionKind.TEXT:
                text = submission.texts.get(question.key, "").strip()
                if len(text) > COMMENT_MAX_LENGTH:
                    raise ValidationError({question.key: f"{COMMENT_MAX_LENGTH} caractères au plus."})
                if text:
                    texts[question.pk] = text
            else:
                codes = _checked_codes(question, submission.choices.get(question.key, []))
                if codes:
                    kept[question.pk] = codes
            if question.required and question.pk not in kept and question.pk not in texts:
                raise ValidationError({question.key: "Cette question demande une réponse."})
        except ValidationError as error:
            problems |= {key: " ".join(messages) for key, messages in error.message_dict.items()}
    if problems:
        raise ValidationError(problems)
    if not kept and not texts:
        raise ValidationError("Le questionnaire est vide : répondez à au moins une question.")
    return kept, texts


def count_rows(
    questions: list[Question], kept: dict[int, list[str]], *, channel: str, site: Site | None
) -> Counter[tuple[int, str, str, str]]:
    """The stored counts one response raises: (question id, code, dimension, value) → 1, and
    (question id, ANSWERED, …) once per question answered (a multiple choice gives several codes)."""
    profile = [
        f"{question.key}:{code}" for question in questions if question.is_profile for code in kept.get(question.pk, [])
    ]
    groups = [(Dimension.CHANNEL, channel), *((Dimension.PROFILE, value) for value in profile)]
    if site is not None:
        groups.append((Dimension.SITE, str(site.pk)))
    return Counter(
        (question_id, code, str(dimension), value)
        for question_id, codes in kept.items()
        for code in (ANSWERED, *codes)
        for dimension, value in groups
    )


def raise_counts(campaign: Campaign, rows: Iterable[tuple[tuple[int, str, str, str], int]]) -> None:
    """Add to the stored counts in one statement per row, creating the missing rows: an upsert,
    safe when two responses of the same campaign arrive together."""
    table = AnswerCount._meta.db_table  # the model's own name, no input: safe to format in
    statement = (
        f"INSERT INTO {table} (organisation_id, campaign_id, question_id, code, dimension, value, count) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (campaign_id, question_id, code, dimension, value) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    parameters = [
        (campaign.organisation_id, campaign.pk, question_id, code, dimension, value, count)
        for (question_id, code, dimension, value), count in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, parameters)


def campaign_changed(campaign: Campaign) -> None:
    """Tell the indicator engine that the campaign's answers changed (once its transaction commits)."""
    registries.records_changed(
        organisation=campaign.organisation, metric_prefix=METRIC_PREFIX, months={campaign.closes_on.replace(day=1)}
    )


def tell_campaigns_answered(organisation: Organisation, day: dt.date) -> int:
    """The daily job (core.registries.DAILY_JOBS): tell the indicator engine about every campaign
    that received self-answered responses since the town's last daily run (or yesterday), once
    for all of them; returns how many campaigns were told."""
    since = last_run_day(organisation, before=day) or day - dt.timedelta(days=1)
    answered = Campaign.objects.for_org(organisation).filter(
        responses__answered_on__gte=since, responses__channel__in=SELF_ANSWERED
    )
    campaigns = list(answered.distinct().order_by("pk"))
    for campaign in campaigns:
        campaign_changed(campaign)
    return len(campaigns)


@transaction.atomic
def record_response(*, campaign: Campaign, submission: Submission, notify: bool = True) -> Response:
    """Record one response. A self-answered one (SELF_ANSWERED) leaves the indicators to the
    daily job; the others tell them once this transaction commits, unless `notify=False` for many
    at once: the caller then calls `campaign_changed` once (or uses `record_responses`)."""
    response, counts = _write_response(campaign, campaign_questions(campaign), submission)
    raise_counts(campaign, counts.items())
    if notify and submission.channel not in SELF_ANSWERED:
        campaign_changed(campaign)
    return response


@transaction.atomic
def record_responses(*, campaign: Campaign, submissions: Iterable[Submission]) -> int:
    """Record many responses at once (an import, the demo), each as `record_response` does, their
    stored counts raised once for all of them, then tell the indicator engine once; returns how
    many. Raised response by response, PostgreSQL would update the same count rows hundreds of
    times in one transaction, each update slower than the last (a row's versions pile up until
    the commit: 33 s for the demo's 820 responses)."""
    questions = campaign_questions(campaign)
    counts: Counter[tuple[int, str, str, str]] = Counter()
    recorded = 0
    for submission in submissions:
        counts.update(_write_response(campaign, questions, submission)[1])
        recorded += 1
    raise_counts(campaign, counts.items())
    campaign_changed(campaign)
    return recorded


def _write_response(
    campaign: Campaign, questions: list[Question], submission: Submission
) -> tuple[Response, Counter[tuple[int, str, str, str]]]:
    """Check and write one response, its answers and its comments; return it with the stored
    counts it raises, left to the caller."""
    _check_campaign(campaign, submission)
    kept, texts = kept_answers(questions, submission)
    response = Response.objects.create(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        channel=submission.channel,
        site=submission.site,
        answered_on=submission.answered_on,
    )
    if submission.channel != Channel.IMPORT:  # a file's lines of a closed year: surveys.imports
        days = (submission.answered_on,)
        guard_change(organisation=campaign.organisation, days=days, actor=None, instance=response, action="create")
    Answer.objects.bulk_create(
        Answer(organisation_id=campaign.organisation_id, response=response, question_id=question_id, code=code)
        for question_id, codes in kept.items()
        for code in codes
    )
    Comment.objects.bulk_create(
        Comment(organisation_id=campaign.organisation_id, response=response, question_id=question_id, text=text)
        for question_id, text in texts.items()
    )
    return response, count_rows(questions, kept, channel=submission.channel, site=submission.site)
