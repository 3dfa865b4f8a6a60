"""The `indicators` command: a town's indicator values for one period, as JSON or CSV."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.actions import record_manual_value
from commitments.models import Indicator, IndicatorValue
from core.models import Service
from core.periods import Period

from .conftest import indicator_of

pytestmark = pytest.mark.django_db

KEYS = [
    "commitment", "indicator", "period", "complete", "service", "site", "numerator", "denominator", "value", "target",
    "status",
]  # fmt: skip


def run(*args):
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def by_code(rows):
    return {row["indicator"]: row for row in rows}


@pytest.fixture
def march_values(share_indicator, score_indicator):
    """4.1 (monthly) at 9 / 10 in March 2026; 7.2 (quarterly) at 95 % in 2026-Q1."""
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=9, denominator=10
    )
    record_manual_value(indicator=score_indicator, period=Period.parse("2026-Q1"), actor=None, value=95)


def test_json_lists_every_monthly_indicator_with_its_value_target_and_status(org, march_values):
    rows = json.loads(run("--org", org.slug, "--period", "2026-03"))
    assert list(rows[0]) == [*KEYS, "unit", "label"]
    share = by_code(rows)["4.1"]
    assert share == {
        "commitment": "4",
        "indicator": "4.1",
        "period": "2026-03",
        "complete": True,
        "service": None,
        "site": None,
        "numerator": 9,
        "denominator": 10,
        "value": 90,
        "target": 100,
        "status": "not_met",
        "unit": "%",
        "label": "Part des dépliants et pages web à jour au contrôle mensuel",
    }
    assert isinstance(share["value"], int) and isinstance(share["target"], int)
    assert by_code(rows)["7.2"]["value"] is None  # entered per quarter: nothing for a month
    assert {row["period"] for row in rows} == {"2026-03"}
    assert all(row["status"] == "no_data" and row["value"] is None for row in rows if row["indicator"] != "4.1")


def test_a_quarter_lists_every_indicator_with_the_values_entered_for_the_quarter(org, march_values):
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-Q1")))
    assert rows["7.2"]["value"] == 95 and rows["7.2"]["status"] == "met"
    assert rows["7.2"]["target"] == 90
    assert rows["4.1"]["value"] is None  # entered per month: a manual value is never summed up
    assert rows["1.1"]["status"] == "no_data"


def test_an_indicator_whose_granularity_changed_still_shows_the_values_stored_for_the_period(org, march_values):
    Indicator.objects.filter(organisation=org, code="4.1").update(granularity="quarter")
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03")))
    assert rows["4.1"]["value"] == 90


def test_a_decimal_value_stays_a_decimal_number(org, share_indicator):
    record_manual_value(
        indicator=share_indicator, period=Period.parse("2026-03"), actor=None, numerator=37, denominator=40
    )
    row = by_code(json.loads(run("--org", org.slug, "--period", "2026-03")))["4.1"]
    assert row["value"] == 92.5


def test_the_service_option_reads_the_values_of_that_service(org, share_indicator):
    service = Service.objects.get(organisation=org, code="etat-civil")
    record_manual_value(
        indicator=share_indicator,
        period=Period.parse("2026-03"),
        service=service,
        actor=None,
        numerator=10,
        denominator=10,
    )
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03", "--service", "etat-civil")))
    assert rows["4.1"]["service"] == "etat-civil"
    assert (rows["4.1"]["value"], rows["4.1"]["status"]) == (100, "met")
    everything = by_code(json.loads(run("--org", org.slug, "--period", "2026-03")))
    assert everything["4.1"]["value"] is None


def test_csv_has_a_header_and_empty_cells_for_missing_figures(org, march_values):
    output = run("--org", org.slug, "--period", "2026-03", "--format", "csv")
    rows = list(csv.DictReader(StringIO(output)))
    assert output.splitlines()[0] == ",".join([*KEYS, "unit", "label"])
    share = next(row for row in rows if row["indicator"] == "4.1")
    assert (share["numerator"], share["denominator"], share["value"], share["target"]) == ("9", "10", "90", "100")
    assert share["service"] == ""
    planned = next(row for row in rows if row["indicator"] == "8.1")
    assert (planned["value"], planned["status"]) == ("", "no_data")


def test_csv_neutralises_a_label_that_a_spreadsheet_would_run_as_a_formula(org, share_indicator):
    Indicator.objects.filter(pk=share_indicator.pk).update(label='=HYPERLINK("http://x")')
    output = run("--org", org.slug, "--period", "2026-03", "--format", "csv")
    share = next(row for row in csv.DictReader(StringIO(output)) if row["indicator"] == "4.1")
    assert share["label"].startswith("'=")


def test_inactive_indicators_and_commitments_are_left_out(org, share_indicator):
    Indicator.objects.filter(pk=share_indicator.pk).update(is_active=False)
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03")))
    assert "4.1" not in rows and "8.1" in rows


def test_recompute_stores_the_computed_metrics_first(org, share_indicator, constant_metric):
    computed = Indicator.objects.create(
        organisation=org,
        commitment=share_indicator.commitment,
        code="4.2",
        label="Mesure de test",
        metric_key="test.constant",
        target_value=90,
    )
    live = by_code(json.loads(run("--org", org.slug, "--period", "2026-03")))["4.2"]
    assert live["value"] == 80  # computed from the records when nothing is stored...
    assert not IndicatorValue.objects.filter(indicator=computed).exists()  # ...and not stored
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03", "--recompute")))
    assert rows["4.2"]["numerator"] == 80 and rows["4.2"]["denominator"] == 100
    assert (rows["4.2"]["value"], rows["4.2"]["status"]) == (80, "not_met")
    assert IndicatorValue.objects.filter(indicator=computed, period_start="2026-03-01").count() == 1
    assert [query.period.key for query in constant_metric] == ["2026-03", "2026-03"]


def test_recompute_stores_nothing_for_a_period_shorter_than_the_indicators_own(org, share_indicator, constant_metric):
    yearly = Indicator.objects.create(
        organisation=org,
        commitment=share_indicator.commitment,
        code="4.3",
        label="Mesure annuelle de test",
        metric_key="test.constant",
        target_value=90,
        granularity="year",
    )
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03", "--recompute")))
    assert (rows["4.3"]["value"], rows["4.3"]["status"]) == (None, "no_data")
    assert not IndicatorValue.objects.filter(indicator=yearly).exists()
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026", "--recompute")))
    assert rows["4.3"]["value"] == 80
    assert IndicatorValue.objects.filter(indicator=yearly, period_start="2026-01-01").count() == 1


def test_recompute_for_a_service_computes_for_that_service(org, share_indicator, constant_metric):
    Indicator.objects.create(
        organisation=org,
        commitment=share_indicator.commitment,
        code="4.2",
        label="Mesure de test",
        metric_key="test.constant",
        target_value=90,
    )
    rows = by_code(json.loads(run("--org", org.slug, "--period", "2026-03", "--service", "accueil", "--recompute")))
    assert rows["4.2"]["value"] == 80 and rows["4.2"]["service"] == "accueil"
    assert constant_metric[0].service.code == "accueil"


def test_the_stored_values_are_read_in_a_fixed_number_of_queries(org, march_values, django_assert_max_num_queries):
    """Two reads, plus the automatic indicators computed live (a bounded set of metrics): as
    many for a town of 2 services as for one of 8 with a value each."""
    with django_assert_max_num_queries(60):
        run("--org", org.slug, "--period", "2026-03")
    with CaptureQueriesContext(connection) as few:
        run("--org", org.slug, "--period", "2026-03")
    site = Service.objects.filter(organisation=org).select_related("site")[0].site
    for number in range(6):
        Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
    for service in Service.objects.filter(organisation=org):
        record_manual_value(
            indicator=indicator_of(org, "4.1"), period=Period.parse("2026-03"), service=service, actor=None,
            numerator=1, denominator=2,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        run("--org", org.slug, "--period", "2026-03")
    assert len(many.captured_queries) == len(few.captured_queries) <= 32  # with the closed years' targets


def test_another_towns_values_are_never_listed(org, other_org, march_values):
    from commitments.frameworks import load_framework

    load_framework(organisation=other_org, code="qualivilles")
    rows = json.loads(run("--org", other_org.slug, "--period", "2026-03"))
    assert all(row["value"] is None for row in rows)
    assert indicator_of(org, "4.1").values.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nulle-part", "--period", "2026-03"], "Organisation « nulle-part » introuvable"),
        (["--org", "ville-test", "--period", "2026-13"], "Période « 2026-13 » invalide"),
        (["--org", "ville-test", "--period", "mars"], "Période « mars » invalide"),
        (["--org", "ville-test", "--period", "2026", "--service", "voirie"], "Service « voirie » introuvable"),
        (["--org", "ville-test", "--period", "2026", "--format", "xml"], "Format « xml » inconnu"),
        (["--period", "2026"], "Précisez l'organisation"),
        (["--org", "ville-test"], "Précisez la période"),
    ],
)
def test_bad_arguments_are_refused_in_french(qualivilles, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
