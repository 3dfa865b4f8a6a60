"""A verdict only for a complete period (domain.md, "Periods and verdicts").

On 4 December 2026, 8.1 (tickets called within 15 minutes, monthly, target ≥ 90 %) stood at
87.8 % for November and 95 % for the four days of December: the latest result is November's,
not met; December is shown beside it, en cours, without a verdict."""

import csv
import datetime as dt
import json
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from commitments.models import IndicatorValue, Status
from commitments.queries import commitment_page, commitments_overview
from core.periods import Period

from .conftest import indicator_of

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS), tick=False),
]


def store(indicator, key, numerator, denominator):
    period = Period.parse(key)
    return IndicatorValue.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=period.granularity,
        period_start=period.start,
        numerator=numerator,
        denominator=denominator,
        value=100 * numerator / denominator,
        sample_size=denominator,
    )


@pytest.fixture
def tickets_indicator(qualivilles, org):
    """8.1 with November below its target and December above it so far."""
    indicator = indicator_of(org, "8.1")
    store(indicator, "2026-10", 460, 500)
    store(indicator, "2026-11", 439, 500)  # 87.8 %
    store(indicator, "2026-12", 95, 100)  # four days so far
    return indicator


def overview_row(overview, code):
    return next(
        row
        for framework in overview.frameworks
        for module in framework.modules
        for commitment in module.commitments
        for row in commitment.indicators
        if row.indicator.code == code
    )


def html_row(page: str, text: str) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if text in row)


def test_the_latest_result_is_the_last_complete_month_with_the_current_one_beside_it(tickets_indicator, org):
    row = overview_row(commitments_overview(organisation=org, today=dt.date(2026, 12, 4)), "8.1")
    assert (row.latest.period.key, round(row.latest.value, 1)) == ("2026-11", 87.8)
    assert row.status == Status.NOT_MET
    assert (row.current_period.key, row.current.value) == ("2026-12", 95)
    assert row.current_status == Status.IN_PROGRESS


def test_the_summary_counts_the_verdict_of_the_complete_month_only(tickets_indicator, org):
    summary = commitments_overview(organisation=org, today=dt.date(2026, 12, 4)).summary
    assert (summary.met, summary.not_met) == (0, 1)


def test_a_month_becomes_the_latest_result_the_day_after_its_last_day(tickets_indicator, org):
    on_last_day = overview_row(commitments_overview(organisation=org, today=dt.date(2026, 12, 31)), "8.1")
    next_day = overview_row(commitments_overview(organisation=org, today=dt.date(2027, 1, 1)), "8.1")
    assert (on_last_day.latest.period.key, on_last_day.status) == ("2026-11", Status.NOT_MET)
    assert (next_day.latest.period.key, next_day.status) == ("2026-12", Status.MET)
    assert next_day.current is None and next_day.current_period.key == "2027-01"


def test_an_indicator_with_only_a_current_value_has_no_verdict_yet(qualivilles, org):
    indicator = indicator_of(org, "8.1")
    store(indicator, "2026-12", 95, 100)
    row = overview_row(commitments_overview(organisation=org, today=dt.date(2026, 12, 4)), "8.1")
    assert row.latest is None and row.status == Status.NO_DATA
    assert row.current.value == 95


def test_the_overview_page_shows_november_not_met_and_december_en_cours(tickets_indicator, org, client_as):
    from core.models import Role

    page = client_as(org, Role.READER).get(reverse("commitments:overview", args=[org.slug])).content.decode()
    row = html_row(page, "8.1 Tickets")
    assert "87,8\u00a0%" in row and "novembre 2026" in row
    assert '<span class="status status--not_met">Non atteint</span>' in row
    assert "95\u00a0%" in row and "décembre 2026" in row
    assert '<span class="status status--in_progress">En cours</span>' in row
    assert ">Atteint<" not in row
    assert ">0 atteints<" in page and ">1 non atteint<" in page


def test_the_commitment_page_judges_complete_months_and_marks_the_current_one_en_cours(
    tickets_indicator, org, client_as
):
    from core.models import Role

    detail = commitment_page(commitment=tickets_indicator.commitment, today=dt.date(2026, 12, 4))
    [indicator] = [item for item in detail.indicators if item.row.indicator.code == "8.1"]
    assert [(item.value.period.key, item.status) for item in indicator.values] == [
        ("2026-12", Status.IN_PROGRESS),
        ("2026-11", Status.NOT_MET),
        ("2026-10", Status.MET),
    ]
    url = reverse("commitments:commitment_detail", args=[org.slug, tickets_indicator.commitment_id])
    page = client_as(org, Role.READER).get(url).content.decode()
    summary_row = html_row(page, "8.1 Tickets")
    assert '<span class="status status--not_met">Non atteint</span>' in summary_row
    assert "En cours" in summary_row and "95\u00a0%" in summary_row
    december = html_row(page, '<th scope="row">décembre 2026</th>')
    assert '<span class="status status--in_progress">En cours</span>' in december
    assert "status--met" not in december and "status--not_met" not in december
    november = html_row(page, '<th scope="row">novembre 2026</th>')
    assert '<span class="status status--not_met">Non atteint</span>' in november


def run(*args):
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def tickets_row(output):
    return next(row for row in json.loads(output) if row["indicator"] == "8.1")


def test_the_command_marks_the_current_month_incomplete_and_gives_it_no_verdict(tickets_indicator, org):
    december = tickets_row(run("--org", org.slug, "--period", "2026-12"))
    assert (december["value"], december["complete"], december["status"]) == (95, False, "in_progress")
    november = tickets_row(run("--org", org.slug, "--period", "2026-11"))
    assert (november["value"], november["complete"], november["status"]) == (87.8, True, "not_met")


def test_the_command_in_csv_writes_complete_and_no_verdict_for_the_current_year(tickets_indicator, org):
    rows = list(csv.DictReader(StringIO(run("--org", org.slug, "--period", "2026", "--format", "csv"))))
    assert {row["complete"] for row in rows} == {"false"}
    assert {row["status"] for row in rows} <= {"in_progress", "no_data"}
    november = list(csv.DictReader(StringIO(run("--org", org.slug, "--period", "2026-11", "--format", "csv"))))
    share = next(row for row in november if row["indicator"] == "8.1")
    assert (share["complete"], share["status"]) == ("true", "not_met")


def test_the_commitment_page_reads_the_statuses_of_3_or_30_values_in_the_same_queries(
    tickets_indicator, org, client_as, page_queries
):
    from core.models import Role

    client = client_as(org, Role.READER)
    url = reverse("commitments:commitment_detail", args=[org.slug, tickets_indicator.commitment_id])
    few = page_queries(client, url)
    for month in range(1, 10):
        store(tickets_indicator, f"2026-{month:02d}", 90, 100)
    for month in range(1, 13):
        store(tickets_indicator, f"2025-{month:02d}", 80, 100)
    for code in ("8.2", "8.3"):
        for month in range(1, 13):
            store(indicator_of(org, code), f"2026-{month:02d}", 5, 10)
    # +1: the town's sites, for the site selector; +1: the trends; +1: the actions opened from its indicators;
    # +1: the closed years, whose values are marked frozen; +1: their targets (ADR 0025)
    assert page_queries(client, url) == few <= 15


def test_a_value_entered_for_the_current_period_is_confirmed_en_cours_without_a_verdict(
    share_indicator, org, client_as
):
    from core.models import Role

    entry = reverse("commitments:value_entry", args=[org.slug, share_indicator.pk])
    response = client_as(org, Role.QUALITY_MANAGER).post(
        entry, {"period_text": "2026-12", "numerator": "10", "denominator": "10"}, follow=True
    )
    message = "Valeur enregistrée pour 4.1, décembre 2026 (tous services) : 100\u00a0%, en cours."
    assert message in response.content.decode()


@pytest.mark.time_machine(dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC), tick=False)
def test_a_month_is_complete_by_the_towns_own_date(tickets_indicator, org):
    """30 November 15:00 in Paris is already 1 December 01:00 in Nouméa."""
    assert tickets_row(run("--org", org.slug, "--period", "2026-11"))["complete"] is False
    org.holiday_zone = "NC"
    org.save()
    november = tickets_row(run("--org", org.slug, "--period", "2026-11"))
    assert (november["complete"], november["status"]) == (True, "not_met")
