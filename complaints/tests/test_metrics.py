"""The commitment-21 measures follow domain.md's counting rule: items DUE in the period."""

import datetime as dt

import pytest

from complaints import actions
from complaints.metrics import (
    ACKNOWLEDGED_ON_TIME,
    ANSWERED_ON_TIME,
    COUNT,
    JUSTIFIED_SHARE,
    acknowledged_on_time,
    answered_on_time,
    complaint_count,
    justified_share,
)
from complaints.models import Channel, Justified, Kind
from complaints.tests.conftest import TODAY
from core.metrics import MetricQuery
from core.models import Service
from core.periods import Period
from core.registries import METRICS

pytestmark = pytest.mark.django_db
D = dt.date
JULY = Period.parse("2026-07")


def counts(measure):
    """(numerator, denominator) of a measure that must exist."""
    assert measure is not None
    return measure.numerator, measure.denominator


def _answer(complaint, on, justified=None):
    actions.answer(
        complaint=complaint, actor=None, seen_version=complaint.version, on=on, today=TODAY, justified=justified
    )


def test_the_framework_keys_are_registered():
    for key in (ACKNOWLEDGED_ON_TIME, ANSWERED_ON_TIME, COUNT, JUSTIFIED_SHARE):
        assert METRICS.get(key).compute is not None


def test_answered_on_time_counts_the_complaints_due_in_the_period_on_time_late_or_unanswered(org, make_complaint):
    # E-mails received in late June fall due in July (10 working days); letters get 15.
    on_time = make_complaint(received_on=D(2026, 6, 29))  # due 13 July
    _answer(on_time, D(2026, 7, 13))
    late = make_complaint(received_on=D(2026, 6, 30))  # due 15 July
    _answer(late, D(2026, 7, 16))
    make_complaint(received_on=D(2026, 7, 1))  # due 16 July, never answered: late
    letter = make_complaint(channel=Channel.LETTER, received_on=D(2026, 7, 10))  # due 3 August: not in July
    _answer(letter, D(2026, 7, 20))
    make_complaint(kind=Kind.SUGGESTION, received_on=D(2026, 6, 29))  # no answer deadline

    measure = answered_on_time(MetricQuery(organisation=org, period=JULY), today=D(2026, 9, 1))
    assert counts(measure) == (1, 3)
    assert measure is not None and measure.value == pytest.approx(100 / 3)
    assert set(measure.record_ids) == {on_time.pk, late.pk, measure.record_ids[2]}


def test_an_unanswered_complaint_not_yet_due_is_not_counted_and_can_never_improve_the_score(org, make_complaint):
    make_complaint(received_on=D(2026, 7, 20))  # due 3 August
    query = MetricQuery(organisation=org, period=Period.parse("2026-08"))
    assert answered_on_time(query, today=D(2026, 8, 3)) is None  # due today: still pending
    measure = answered_on_time(query, today=D(2026, 8, 4))
    assert counts(measure) == (0, 1)


def test_acknowledged_on_time_follows_the_towns_acknowledgement_deadline(org, make_complaint):
    complaint = make_complaint(received_on=D(2026, 7, 10))  # 2 working days: due 15 July
    actions.acknowledge(complaint=complaint, actor=None, seen_version=complaint.version, on=D(2026, 7, 15), today=TODAY)
    assert counts(acknowledged_on_time(MetricQuery(org, JULY), today=TODAY)) == (1, 1)
    actions.update_settings(organisation=org, actor=None, acknowledge_days=1)  # now due 13 July
    assert counts(acknowledged_on_time(MetricQuery(org, JULY), today=TODAY)) == (0, 1)


def test_the_answer_deadlines_are_the_towns_and_letters_keep_their_own(org, make_complaint):
    actions.update_settings(organisation=org, actor=None, answer_days=5)
    email = make_complaint(received_on=D(2026, 7, 1))
    _answer(email, D(2026, 7, 9))  # 6 working days after
    letter = make_complaint(channel=Channel.LETTER, received_on=D(2026, 7, 1))
    _answer(letter, D(2026, 7, 9))
    measure = answered_on_time(MetricQuery(org, JULY), today=TODAY)
    # The e-mail is due 8 July under 5 days: late. The letter keeps 15 days (due 23 July): on time.
    assert counts(measure) == (1, 2)
    assert measure is not None and measure.record_ids == (letter.pk, email.pk)


def test_metrics_follow_the_service_and_channel_filters(org, make_complaint):
    accueil = Service.objects.get(organisation=org, code="accueil")
    at_desk = make_complaint(received_on=D(2026, 6, 29), service=accueil, channel=Channel.COUNTER)
    _answer(at_desk, D(2026, 7, 1))
    make_complaint(received_on=D(2026, 6, 29), channel=Channel.PHONE)
    by_service = answered_on_time(MetricQuery(org, JULY, service=accueil), today=TODAY)
    assert counts(by_service) == (1, 1)
    by_phone = answered_on_time(MetricQuery(org, JULY, params={"channel": Channel.PHONE}), today=TODAY)
    assert counts(by_phone) == (0, 1)


def test_count_by_commitment_and_justified(followed, make_complaint):
    org = followed
    first = make_complaint(received_on=D(2026, 7, 2), commitment_code="8")
    _answer(first, D(2026, 7, 3), justified=Justified.YES)
    second = make_complaint(received_on=D(2026, 7, 3), commitment_code="8")
    _answer(second, D(2026, 7, 6), justified=Justified.NO)
    make_complaint(received_on=D(2026, 7, 6), commitment_code="16")
    make_complaint(received_on=D(2026, 7, 6), kind=Kind.SUGGESTION, commitment_code="8")
    assert complaint_count(MetricQuery(org, JULY)).value == 3
    assert complaint_count(MetricQuery(org, JULY, params={"commitment": "8"})).value == 2
    assert complaint_count(MetricQuery(org, JULY, params={"commitment": "8", "justified": "oui"})).value == 1
    assert complaint_count(MetricQuery(org, JULY, params={"kind": "all"})).value == 4
    share = justified_share(MetricQuery(org, JULY))
    assert counts(share) == (1, 2)


def test_an_empty_period_has_no_deadline_measure(org):
    assert answered_on_time(MetricQuery(org, JULY), today=TODAY) is None
    assert acknowledged_on_time(MetricQuery(org, JULY), today=TODAY) is None
