"""What a publication shows: the year's results from stored values, in plain French, the
three Services Publics+ results first, public commitments only, small cells hidden."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.frameworks import load_framework
from commitments.models import Commitment, Indicator
from core.periods import Granularity, Period
from publication.snapshot import HIDDEN_TEXT, Stored, all_cells, build_snapshot, cell, sentence, year_figure
from publication.tests.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
YEAR = Period(dt.date(2025, 1, 1), Granularity.YEAR)


def indicator(metric_key: str = "telephony.answer_rate", granularity: str = "month", unit: str = "%") -> Indicator:
    return Indicator(
        code="1.1", label="Indicateur", metric_key=metric_key, granularity=granularity, unit=unit, target_value=90
    )


def share(numerator: int, denominator: int, sample: int | None = None) -> Stored:
    return Stored(100 * numerator / denominator, numerator, denominator, denominator if sample is None else sample)


def test_a_monthly_share_makes_its_year_from_the_sums_of_its_numerators_and_denominators():
    figure = year_figure(indicator(), [share(90, 100), share(10, 50)])
    assert figure is not None
    assert (figure.numerator, figure.denominator, figure.value, figure.sample_size) == (100, 150, 100 * 100 / 150, 150)
    assert (figure.measured, figure.met) == (2, 1)


def test_a_median_does_not_add_up_and_counts_the_months_that_met_the_target():
    median = indicator("reception.median_wait", unit="min")
    median.comparator = "<="
    median.target_value = 10
    figure = year_figure(median, [Stored(8, None, None, 120), Stored(12, None, None, 130), Stored(9, None, None, 90)])
    assert figure is not None and figure.value is None and (figure.met, figure.measured) == (2, 3)
    assert sentence(median, figure, YEAR) == "Objectif atteint 2 mois sur 3 mesurés."


def test_the_answer_rate_reads_as_a_sentence():
    figure = year_figure(indicator(), [share(912, 1000)])
    assert sentence(indicator(), figure, YEAR) == (
        "Sur 1\u00a0000 appels reçus, 912 ont été décrochés par un agent, soit 91,2\u00a0%."
    )


def test_a_cell_of_fewer_than_5_answers_is_published_without_any_of_its_figures():
    satisfaction = indicator("surveys.satisfaction", granularity="year")
    hidden = year_figure(satisfaction, [share(3, 4)])
    shown = year_figure(satisfaction, [share(4, 5)])
    assert hidden is not None and hidden.hidden and shown is not None and not shown.hidden


def test_a_value_typed_without_counts_or_a_tally_is_not_read_from_answers():
    yes = year_figure(indicator("manual.yes_no", granularity="year", unit="oui/non"), [Stored(1, None, None, 0)])
    held = year_figure(indicator("surveys.held", granularity="year", unit="nombre"), [Stored(1, 1, None, 1)])
    assert yes is not None and not yes.hidden
    assert held is not None and not held.hidden


def test_a_score_of_the_towns_own_checks_is_published_whatever_the_number_of_grids():
    grids = year_figure(indicator("audits.score", granularity="quarter"), [share(15, 18, sample=3)])
    assert grids is not None and not grids.hidden and round(grids.value or 0, 1) == 83.3


def test_a_hidden_cell_carries_no_figure(town, store):
    store("1.2", "2025", 3, 4)
    signage = Indicator.objects.select_related("commitment__framework").get(organisation=town, code="1.2")
    published = cell(
        signage, year_figure(signage, [share(3, 4)]), period=YEAR, scope="Toute la commune", scope_kind="town"
    )
    assert published["hidden"] and published["text"] == HIDDEN_TEXT and published["status"] == "hidden"
    figures = ("value", "numerator", "denominator", "sample_size", "periods_measured", "periods_met")
    assert all(published[name] is None for name in figures) and published["value_text"] == ""


def test_the_three_services_publics_plus_results_come_first_from_the_commitments_that_measure_them(town, year_2025):
    content = build_snapshot(organisation=town, year=2025)
    required = {result["key"]: result for result in content["services_publics_plus"]}
    assert list(required) == ["decroche", "delais", "satisfaction"]
    assert [item["indicator_code"] for item in required["decroche"]["results"]] == ["16.2"]
    assert [item["indicator_code"] for item in required["delais"]["results"]] == ["17.1", "17.2"]
    assert [item["indicator_code"] for item in required["satisfaction"]["results"]] == ["20.2"]
    assert required["decroche"]["results"][0]["text"].startswith("Sur 1\u00a0000 appels reçus, 912 ont été décrochés")
    assert required["delais"]["results"][1]["text"] == "Aucun résultat mesuré en 2025."


def test_a_town_following_services_publics_plus_publishes_that_frameworks_indicators(town, store, year_2025):
    load_framework(organisation=town, code="services-publics-plus")
    store("2.1", "2025-01", 45, 50, framework="services-publics-plus")
    content = build_snapshot(organisation=town, year=2025)
    decroche = content["services_publics_plus"][0]["results"]
    assert [(item["framework"], item["indicator_code"]) for item in decroche] == [("Services Publics+", "2.1")]


def test_only_public_commitments_are_published(town, year_2025):
    Commitment.objects.filter(organisation=town, code="1").update(is_public=False)
    content = build_snapshot(organisation=town, year=2025)
    codes = [commitment["code"] for framework in content["frameworks"] for commitment in framework["commitments"]]
    assert "1" not in codes and "22" not in codes and "23" not in codes
    assert "2" in codes and "16" in codes
    assert all(item["commitment_code"] not in ("1", "22", "23") for _section, _key, item in all_cells(content))


def test_a_value_of_another_year_or_of_the_current_year_is_not_published(town, store, year_2025):
    store("20.2", "2024", 10, 100)
    store("20.2", "2026", 10, 100)
    satisfaction = build_snapshot(organisation=town, year=2025)["services_publics_plus"][2]["results"][0]
    assert (satisfaction["numerator"], satisfaction["denominator"], satisfaction["status"]) == (92, 100, "met")


def test_the_snapshot_reads_six_queries_whatever_the_number_of_values(town, store, year_2025):
    with CaptureQueriesContext(connection) as small:
        build_snapshot(organisation=town, year=2025)
    for month in range(1, 13):
        store("8.1", f"2025-{month:02d}", 80, 100)
        store("17.2", f"2025-{month:02d}", 80, 100)
    with CaptureQueriesContext(connection) as large:
        build_snapshot(organisation=town, year=2025)
    assert len(small.captured_queries) == len(large.captured_queries) == 6
