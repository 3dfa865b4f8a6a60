""" "Answered within N rings" is one figure: the telephone survey report (reports) and the
indicator (telephony.metrics, read from the summary rows) give it for the same calls, with
presented calls as denominator and the answered calls whose wait is unknown beside it."""

import datetime as dt
from decimal import Decimal

import pytest

from core.metrics import MetricQuery
from core.models import Role, Service
from core.periods import Period
from core.registries import METRICS
from reports.telephony_survey import SurveyRequest, build_survey
from reports.tests.conftest import add_call
from telephony.actions import refresh_calls
from telephony.metrics import ANSWERED_WITHIN_RINGS
from telephony.models import CallOrigin, CallOutcome, PhoneLine

pytestmark = pytest.mark.django_db
MARCH = Period.parse("2026-03")


@pytest.fixture
def line(org):
    service = Service.objects.get(organisation=org, code="accueil")
    return PhoneLine.objects.create(organisation=org, code="accueil", name="Accueil", service=service)


@pytest.fixture
def calls(org, line):
    """Monday 9 March 2026, in hours: answered after 10, 25 and 26 s; two tallies with their
    rings and no measured wait (3 rings: within, 7: after); one tally answered without rings
    and one import answered without a time (waits unknown); one abandoned, one voicemail; one
    call out of hours. Ring cycle 5 s: presented 9, within 5 rings 3 (10 s, 25 s, 3 rings)."""
    monday = dt.date(2026, 3, 9)

    def at(minute):
        return dt.datetime.combine(monday, dt.time(9, minute))

    for minute, wait in ((1, 10), (2, 25), (3, 26)):
        add_call(line, at(minute), wait=wait)
    add_call(line, at(4), wait=None, origin=CallOrigin.TALLY, rings=3)
    add_call(line, at(5), wait=None, origin=CallOrigin.TALLY, rings=7)
    add_call(line, at(6), wait=None, origin=CallOrigin.TALLY)
    add_call(line, at(7), wait=None)
    add_call(line, at(8), outcome=CallOutcome.ABANDONED, wait=None)
    add_call(line, at(9), outcome=CallOutcome.VOICEMAIL, wait=None)
    add_call(line, dt.datetime.combine(monday, dt.time(19)), outcome=CallOutcome.VOICEMAIL, wait=None, in_hours=False)
    refresh_calls(organisation=org, months={monday})
    return line


def indicator(org, **params):
    compute = METRICS.get(ANSWERED_WITHIN_RINGS).compute
    assert compute is not None
    return compute(MetricQuery(organisation=org, period=MARCH, params=params))


def survey(org):
    request = SurveyRequest(organisation=org, start=MARCH.start, end=MARCH.end - dt.timedelta(days=1), lines=())
    return build_survey(request, with_charts=False)


def test_the_report_and_the_indicator_give_the_same_within_five_rings_for_the_same_calls(org, calls):
    report = survey(org).total
    measure = indicator(org, rings=5)
    assert (report.within, report.presented) == (measure.numerator, measure.denominator) == (3, 9)
    assert report.within_rate == pytest.approx(measure.value) == pytest.approx(100 * 3 / 9)
    assert report.wait_unknown == 2


def test_they_stay_equal_when_the_town_changes_its_ring_cycle(org, calls):
    org.ring_cycle_seconds = Decimal("6")  # 5 rings = 30 s: 26 s is now within
    org.save()
    refresh_calls(organisation=org, months={MARCH.start})
    report = survey(org).total
    measure = indicator(org, rings=5)
    assert (report.within, report.presented) == (measure.numerator, measure.denominator) == (4, 9)


def test_the_report_page_and_pdf_show_the_answered_calls_whose_wait_is_unknown(org, calls, client_as, tmp_path):
    from django.urls import reverse

    from reports.tests.test_views_and_pdf import pdf_text

    reader = client_as(org, Role.READER)
    choices = {"du": "2026-03-01", "au": "2026-03-31"}
    html = reader.get(reverse("reports:telephony_survey", args=[org.slug]), choices).content.decode()
    assert "2 appels décrochés dont l'attente n'est pas connue" in html
    assert "33,3\u00a0%" in html  # 3 within 5 rings of 9 presented
    pdf = reader.get(reverse("reports:telephony_survey_pdf", args=[org.slug]), choices)
    path = tmp_path / "enquete.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(pdf_text(path).split())
    assert "2 appels décrochés dont l'attente n'est pas connue" in text
