"""The indicators of commitment 17 on a small register counted by hand, the holding-reply
setting, the service filter and anonymisation leaving every figure unchanged (the values the
indicator engine stores: tests/test_correspondence_indicators.py)."""

import datetime as dt

import pytest
from django.core.management import call_command

from core.localtime import PARIS
from core.metrics import MetricQuery
from core.models import AuditEvent, Service
from core.periods import Period
from core.registries import ANONYMISERS, METRICS
from correspondence import actions
from correspondence.models import Channel, DeadlineRule, WrittenRequest

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = Period.parse("2026-03")


@pytest.fixture
def register(make_request):
    """March 2026 has no public holiday in metropolitan France.

    n  channel  received  due (rule)   answer                            in March
    1  email    02/03     09/03 (5)    09/03                             on time
    2  email    04/03     11/03        12/03                             late
    3  email    20/03     27/03        none                              late (passed)
    4  email    25/03     01/04        26/03                             not due in March
    5  letter   16/02     09/03 (15)   06/03                             on time
    6  letter   16/02     09/03        holding 06/03 → 20/03, answer 20/03  late, on time if holding counts
    7  web      09/03     16/03        16/03                             on time
    8  phone    09/03     16/03        17/03                             late
    """

    def answered(request, on):
        return actions.answer(request, actor=None, seen_version=request.version, on=on)

    made = {}
    made[1] = answered(make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 2)), D(2026, 3, 9))
    made[2] = answered(make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 4)), D(2026, 3, 12))
    made[3] = make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 20))
    made[4] = answered(make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 25)), D(2026, 3, 26))
    made[5] = answered(make_request(channel=Channel.LETTER, received_on=D(2026, 2, 16)), D(2026, 3, 6))
    sixth = make_request(channel=Channel.LETTER, received_on=D(2026, 2, 16))
    actions.send_holding_reply(
        sixth, actor=None, seen_version=sixth.version, on=D(2026, 3, 6), promised_on=D(2026, 3, 20)
    )
    made[6] = answered(sixth, D(2026, 3, 20))
    made[7] = answered(make_request(channel=Channel.WEB, received_on=D(2026, 3, 9)), D(2026, 3, 16))
    made[8] = answered(make_request(channel=Channel.PHONE, received_on=D(2026, 3, 9)), D(2026, 3, 17))
    assert [made[n].due_on for n in (1, 2, 3, 4, 5, 6, 7, 8)] == [
        D(2026, 3, 9), D(2026, 3, 11), D(2026, 3, 27), D(2026, 4, 1),
        D(2026, 3, 9), D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 16),
    ]  # fmt: skip
    return made


def measure(org, key, period=MARCH, service=None, **params):
    compute = METRICS.get(key).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=period, service=service, params=params))


def figures(result):
    return (result.numerator, result.denominator, round(result.value, 2))


def test_letters_on_time_count_only_the_letters_due_in_the_period(org, register):
    result = measure(org, "correspondence.on_time", channels=["letter"])
    assert figures(result) == (1, 2, 50.0)
    assert set(result.record_ids) == {register[5].pk, register[6].pk}


def test_emails_and_web_requests_count_an_unanswered_overdue_email_as_late(org, register):
    result = measure(org, "correspondence.on_time", channels=["email", "web"])
    assert figures(result) == (2, 4, 50.0)
    assert register[3].pk in result.record_ids and register[4].pk not in result.record_ids


def test_all_channels_together(org, register):
    assert figures(measure(org, "correspondence.on_time")) == (3, 7, 42.86)


def test_a_holding_reply_counts_as_on_time_only_when_the_rule_of_its_channel_says_so(org, register):
    DeadlineRule.objects.filter(organisation=org, channel=Channel.LETTER).update(holding_reply_counts=True)
    assert figures(measure(org, "correspondence.on_time", channels=["letter"])) == (2, 2, 100.0)
    assert figures(measure(org, "correspondence.on_time", channels=["email", "web"])) == (2, 4, 50.0)


def test_a_service_filter_keeps_only_that_services_requests(org, register, make_request):
    civil = Service.objects.get(organisation=org, code="etat-civil")
    make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 3), service=civil)  # due 10/03, never answered
    assert figures(measure(org, "correspondence.on_time", service=civil)) == (0, 1, 0.0)
    accueil = Service.objects.get(organisation=org, code="accueil")
    assert figures(measure(org, "correspondence.on_time", service=accueil)) == (3, 7, 42.86)


def test_answered_within_n_days_uses_its_own_deadline_instead_of_the_rule(org, register):
    # 3 working days: email 2/03 due 5/03 (answered 9/03, late); 4/03 due 9/03 (12/03, late);
    # web 9/03 and phone 9/03 due 12/03 (16/03 and 17/03: late); 20/03 due 25/03 (late);
    # 25/03 due 30/03 (answered 26/03: on time). Letters of 16/02 were due 19/02.
    result = measure(org, "correspondence.answered_within", days=3)
    assert figures(result) == (1, 6, 16.67)


def test_acknowledged_within_two_days_takes_an_earlier_answer_or_holding_reply_for_the_acknowledgement(
    org, make_request
):
    acknowledged = make_request(channel=Channel.LETTER, received_on=D(2026, 3, 2))  # due 04/03
    actions.acknowledge(acknowledged, actor=None, seen_version=acknowledged.version, on=D(2026, 3, 4))
    answered = make_request(channel=Channel.EMAIL, received_on=D(2026, 3, 2))
    actions.answer(answered, actor=None, seen_version=answered.version, on=D(2026, 3, 3))
    too_late = make_request(channel=Channel.LETTER, received_on=D(2026, 3, 2))
    actions.acknowledge(too_late, actor=None, seen_version=too_late.version, on=D(2026, 3, 5))
    never = make_request(channel=Channel.LETTER, received_on=D(2026, 3, 2))
    result = measure(org, "correspondence.acknowledged_within", days=2)
    assert figures(result) == (2, 4, 50.0)
    assert never.pk in result.record_ids


def test_a_period_without_any_request_due_has_no_value(org, register):
    assert measure(org, "correspondence.on_time", period=Period.parse("2025-06")) is None


def test_anonymising_erases_names_contacts_and_subjects_but_leaves_every_figure_unchanged(org, register):
    for request in register.values():
        if request.answered_on:
            actions.close(request, actor=None, seen_version=request.version, on=request.answered_on)
    keys: list[tuple[str, dict]] = [
        ("correspondence.on_time", {"channels": ["letter"]}),
        ("correspondence.on_time", {"channels": ["email", "web"]}),
        ("correspondence.answered_within", {"days": 3}),
        ("correspondence.acknowledged_within", {"days": 2}),
    ]
    before = [measure(org, key, **params) for key, params in keys]
    erase = ANONYMISERS.get("correspondence").erase
    assert erase(org, D(2026, 4, 1), None) == 7  # the closed ones; number 3 is still open
    after = [measure(org, key, **params) for key, params in keys]
    assert after == before
    erased = WrittenRequest.objects.filter(organisation=org, anonymised_at__isnull=False)
    assert set(erased.values_list("subject", "requester_name", "requester_contact")) == {("", "", "")}
    kept = WrittenRequest.objects.get(pk=register[3].pk)
    assert kept.requester_name == "Jeanne Usagère"
    run = AuditEvent.objects.get(organisation=org, action="anonymise_requests")
    assert run.after == {"closed_before": "2026-04-01", "requests": 7}


@pytest.mark.time_machine(dt.datetime(2026, 11, 18, 10, 0, tzinfo=PARIS), tick=False)
def test_the_anonymise_command_runs_the_requests_anonymiser_for_the_retention_period(org, make_request, capsys):
    old = make_request(received_on=D(2020, 1, 6))
    actions.answer(old, actor=None, seen_version=old.version, on=D(2020, 1, 10))
    actions.close(old, actor=None, seen_version=old.version, on=D(2020, 1, 10))
    recent = make_request(received_on=D(2026, 1, 5))
    call_command("anonymise", "--org", org.slug)
    assert "Courriers et demandes écrites : 1 enregistrement(s) anonymisé(s)" in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.requester_name, recent.requester_name) == ("", "Jeanne Usagère")
