"""The pages that show trends: the commitment page (a chart per indicator with its data
table and panels), the overview's filters and trend column, the reader's one-screen summary.

On 4 December 2026: 8.1 (monthly, ≥ 90 %) missed its target in November; 4.1 (monthly,
≥ 100 %) met it."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.urls import reverse

from commitments.models import Commitment, IndicatorValue, Module
from core.models import Role, Service
from core.periods import Period
from core.registries import RECORD_PANELS, PanelLink, RecordPanel

from .conftest import indicator_of

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS), tick=False),
]


def url(name, org, *args):
    return reverse(f"commitments:{name}", args=[org.slug, *args])


def store(indicator, key, value, **scope):
    period = Period.parse(key)
    IndicatorValue.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        granularity=period.granularity,
        period_start=period.start,
        value=value,
        **scope,
    )


@pytest.fixture
def values(qualivilles, org):
    tickets = indicator_of(org, "8.1")
    for key, value in (("2025-11", 85.5), ("2026-10", 92), ("2026-11", 87.8), ("2026-12", 95)):
        store(tickets, key, value)
    leaflets = indicator_of(org, "4.1")
    for key in ("2026-10", "2026-11"):
        store(leaflets, key, 100)
    return tickets, leaflets


@pytest.fixture
def reader(org, client_as):
    return client_as(org, Role.READER)


def section(page, start, end):
    return page[page.index(start) : page.index(end, page.index(start))]


# The commitment page


def test_the_commitment_page_shows_a_chart_per_indicator_with_its_table_and_changes(values, reader, org):
    commitment = values[0].commitment
    page = reader.get(url("commitment_detail", org, commitment.pk)).content.decode()
    block = section(page, "<h3>8.1", "Valeurs de l'indicateur 8.1")
    assert (
        '<svg class="trend-chart" role="img" aria-label="Évolution de l&#x27;indicateur 8.1 sur les 12 derniers mois'
        in block
    )
    assert "novembre 2026, 87,8\u00a0% (non atteint)" in block
    assert "−4,2\u00a0pts" in block and "+2,3\u00a0pts" in block and "en recul" in block
    assert "<summary>Données du graphique" in block and "<caption>Indicateur 8.1" in block
    table = section(block, "<table>", "</table>")
    assert table.count("<tr>") == 13  # header and 12 complete months, the current one left out
    assert "décembre 2026" not in table and "décembre 2025" in table
    assert "style=" not in page and "<script" not in page


def test_the_commitment_page_shows_the_panels_other_apps_give_each_indicator(values, reader, org):
    tickets = values[0]

    def provider(membership, records):
        return {
            record.pk: RecordPanel("Panneau d'essai", (PanelLink("A-2026-00001", "/a/"),), "Aucune")
            for record in records
            if record.pk == tickets.pk
        }

    RECORD_PANELS.register("test", provider)
    try:
        page = reader.get(url("commitment_detail", org, tickets.commitment_id)).content.decode()
    finally:
        RECORD_PANELS.unregister("test")
    block = section(page, "<h3>8.1", "Valeurs de l'indicateur 8.1")
    assert "Panneau d&#x27;essai</h4>" in block and "A-2026-00001" in block
    assert page.count("Panneau d&#x27;essai") == 1


# The overview


def rows(page):
    return re.findall(r"<tr>.*?</tr>", page, re.S)


def test_each_overview_row_shows_its_trend(values, reader, org):
    page = reader.get(url("overview", org)).content.decode()
    row = next(row for row in rows(page) if "8.1 Tickets" in row)
    assert '−4,2\u00a0pts<span class="trend__versus"> vs période précédente</span>, en recul' in row
    assert 'class="sparkline" aria-hidden="true"' in row


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"statut": "non_atteint"}, ["8.1 "], ["4.1 ", "1.1 "]),
        ({"statut": "atteint"}, ["4.1 "], ["8.1 ", "1.1 "]),
        ({"statut": "en_cours"}, ["8.1 "], ["4.1 "]),
        ({"statut": "sans_donnee"}, ["1.1 "], ["8.1 ", "4.1 "]),
    ],
)
def test_the_overview_filters_by_status(values, reader, org, query, shown, hidden):
    page = reader.get(url("overview", org), query).content.decode()
    indicators = " ".join(re.findall(r'data-label="Indicateur">([^<]*)', page))
    assert all(code in indicators for code in shown), indicators
    assert not any(indicators.startswith(code) or f" {code}" in indicators for code in hidden), indicators
    assert f'value="{query["statut"]}" selected' in page


def test_the_overview_filters_by_module(values, reader, org):
    module = Module.objects.get(organisation=org, framework__code="qualivilles", number=2)
    page = reader.get(url("overview", org), {"module": module.pk}).content.decode()
    codes = {commitment.code for commitment in Commitment.objects.filter(module=module)}
    shown = set(re.findall(r'engagements/\d+/">(\d+)\. ', page))
    assert shown == codes
    assert f'value="{module.pk}" selected' in page


def test_the_overview_filters_by_service_keeping_the_indicators_of_every_service(values, reader, org):
    accueil, civil = (
        Service.objects.get(organisation=org, code="accueil"),
        Service.objects.get(organisation=org, code="etat-civil"),
    )
    values[0].services.set([civil], through_defaults={"organisation": org})
    page = reader.get(url("overview", org), {"service": "accueil"}).content.decode()
    indicators = re.findall(r'data-label="Indicateur">([^<]*)', page)
    assert not any(text.startswith("8.1 ") for text in indicators)
    assert any(text.startswith("4.1 ") for text in indicators)  # names no service: concerns all
    page = reader.get(url("overview", org), {"service": "etat-civil"}).content.decode()
    assert any(text.startswith("8.1 ") for text in re.findall(r'data-label="Indicateur">([^<]*)', page))
    assert accueil.name in page


def test_the_overview_filter_form_names_every_field(values, reader, org):
    page = reader.get(url("overview", org)).content.decode()
    for field in ("module", "service", "statut"):
        assert f'<label for="id_{field}">' in page and f'name="{field}" id="id_{field}"' in page


def test_an_unknown_filter_value_shows_everything(values, reader, org):
    response = reader.get(url("overview", org), {"statut": "n'importe", "module": "x", "service": "zz"})
    assert response.status_code == 200
    assert response.context["overview"].summary.total == 41


def test_the_overview_with_filters_reads_as_many_queries_small_or_large(qualivilles, org, reader, page_queries):
    from commitments.models import Indicator

    query = {"statut": "non_atteint", "service": "accueil"}
    store(indicator_of(org, "4.1"), "2026-08", 100)  # one value to fetch: the latest values' query runs
    small = page_queries(reader, url("overview", org), query)

    for indicator in Indicator.objects.filter(organisation=org):
        for key in (
            ("2026-09", "2026-10", "2026-11", "2026-12") if indicator.granularity == "month" else ("2026-Q2", "2026-Q3")
        ):
            if Period.parse(key).granularity == indicator.granularity:
                store(indicator, key, 50)
    caches["template_fragments"].clear()  # the values were written at the same frozen instant
    assert page_queries(reader, url("overview", org), query) == small <= 12  # with the closed years' targets
    assert page_queries(reader, url("overview", org), query) == 4  # then from the cache: session, user, town, mark


# The reader's summary


def test_the_summary_gives_each_commitment_the_worst_status_of_its_indicators(values, reader, org):
    response = reader.get(url("summary", org))
    assert response.status_code == 200
    page = response.content.decode()
    eight = next(item for item in re.findall(r'<li class="summary-item">.*?</li>', page, re.S) if ">8. " in item)
    assert "status--not_met" in eight and "8.1 : 87,8\u00a0% (novembre 2026)" in eight
    assert '−4,2\u00a0pts<span class="trend__versus"> vs période précédente</span>, en recul' in eight
    four = next(item for item in re.findall(r'<li class="summary-item">.*?</li>', page, re.S) if ">4. " in item)
    assert "status--met" in four
    summary = response.context["page"].counts
    assert summary.not_met == 1 and summary.met >= 1


def test_the_summary_filter_keeps_the_commitments_that_missed_their_target(values, reader, org):
    page = reader.get(url("summary", org), {"non_atteints": "1"}).content.decode()
    items = re.findall(r'<li class="summary-item">.*?</li>', page, re.S)
    assert len(items) == 1 and ">8. " in items[0]
    assert 'id="id_non_atteints" checked' in page
    assert '<label for="id_non_atteints"' in page


def test_the_summary_shows_no_person(values, org, client_as, make_member):
    value = IndicatorValue.objects.filter(indicator=values[1]).get(period_start=dt.date(2026, 11, 1))
    value.entered_by = make_member(org, Role.AGENT, email="saisie@ville-test.test")
    value.comment = "Appel de Mme Dupont"
    value.save()
    page = client_as(org, Role.READER).get(url("summary", org)).content.decode()
    assert "Dupont" not in page and "agent Ville de Test" not in page


@pytest.mark.parametrize("role", [Role.READER, Role.AUDITOR, Role.AGENT, Role.QUALITY_MANAGER, Role.ADMIN])
def test_every_role_may_open_the_summary(values, org, client_as, role):
    assert client_as(org, role).get(url("summary", org)).status_code == 200


def test_an_outsider_gets_404_on_the_summary(values, org, outsider_client):
    assert outsider_client.get(url("summary", org)).status_code == 404


def test_the_summary_reads_as_many_queries_for_a_small_or_a_large_town(qualivilles, org, reader, page_queries):
    small = page_queries(reader, url("summary", org))
    from commitments.models import Indicator

    for indicator in Indicator.objects.filter(organisation=org):
        for key in ("2025-11", "2026-10", "2026-11") if indicator.granularity == "month" else ("2026-Q3", "2025"):
            if Period.parse(key).granularity == indicator.granularity:
                store(indicator, key, 95)
    caches["template_fragments"].clear()  # the values were written at the same frozen instant
    assert page_queries(reader, url("summary", org)) == small <= 9  # with the closed years' targets


def test_a_new_value_or_a_new_target_shows_at_once_on_the_cached_pages(values, org, reader, time_machine):
    tickets = values[0]
    assert "8.1 : 87,8" in reader.get(url("summary", org)).content.decode()
    time_machine.move_to(dt.datetime(2026, 12, 4, 10, 0, 1, tzinfo=PARIS), tick=False)
    IndicatorValue.objects.filter(indicator=tickets, period_start=dt.date(2026, 11, 1)).update(value=91.0)
    IndicatorValue.objects.filter(indicator=tickets, period_start=dt.date(2026, 11, 1)).get().save()
    page = reader.get(url("summary", org)).content.decode()
    assert "87,8" not in page and ">0 non atteints<" in page  # 8.1 met: 8 waits for 8.2 and 8.3
    from commitments.actions import update_indicator

    assert ">1 non atteint<" not in reader.get(url("overview", org)).content.decode()
    update_indicator(indicator=tickets, actor=None, target_value=Decimal(95))  # audited: a new mark
    assert ">1 non atteint<" in reader.get(url("summary", org)).content.decode()
    assert ">1 non atteint<" in reader.get(url("overview", org)).content.decode()


def test_the_summary_and_the_overview_of_a_site_show_the_sites_values(values, org, reader):
    from core.models import Site

    annex = Site.objects.create(organisation=org, name="Mairie annexe")
    tickets = values[0]
    store(tickets, "2026-10", 70, site=annex)
    store(tickets, "2026-11", 75.5, site=annex)
    page = reader.get(url("summary", org), {"site": annex.code}).content.decode()
    assert "8.1 : 75,5\u00a0% (novembre 2026)" in page and "+5,5\u00a0pts" in page
    assert f'value="{annex.code}" selected' in page
    page = reader.get(url("overview", org), {"site": annex.code, "statut": "non_atteint"}).content.decode()
    row = next(row for row in rows(page) if "8.1 Tickets" in row)
    assert "75,5\u00a0%" in row and "+5,5\u00a0pts" in row
