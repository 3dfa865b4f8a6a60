"""The phone pages through the client: figures, the calls behind them, the tally, phone lines."""

import datetime as dt

import pytest
from django.urls import reverse

from core.localtime import PARIS
from core.models import AuditEvent, Role, Service, Site
from telephony.actions import create_line, tally_call
from telephony.models import Call, CallOrigin, PhoneLine
from telephony.tests.conftest import CIVIL, STANDARD, cdr
from telephony.tests.test_metrics import CALLS

pytestmark = pytest.mark.django_db
# Session, user and membership, then the page's own reads: the same for 10 calls or 90, for
# one phone line or 21, for one tallied call or 30.
QUERIES_OF_THE_FIGURES = 14
QUERIES_OF_THE_CALL_LIST = 8
QUERIES_OF_THE_LINES = 5  # +1: the verified second factor (accounts, ADR 0015)
QUERIES_OF_THE_TALLY = 5


def more_calls(count: int) -> list[str]:
    """`count` more calls over the weekdays of March, on both numbers, answered or not."""
    days = [day for day in range(2, 32) if dt.date(2026, 3, day).weekday() < 5]
    calls = []
    for n in range(count):
        day, minute = days[n % len(days)], 10 + n % 40
        start = f"2026-03-{day:02d} 10:{minute:02d}:00"
        if n % 3:
            answer, end = (
                f"2026-03-{day:02d} 10:{minute:02d}:{5 + n % 50:02d}",
                f"2026-03-{day:02d} 10:{minute + 1:02d}:00",
            )
            calls.append(
                cdr(start, answer, end, duration=60, billsec=40, dst=(STANDARD, CIVIL)[n % 2], uniqueid=f"9.{n}")
            )
        else:
            end = f"2026-03-{day:02d} 10:{minute:02d}:30"
            calls.append(cdr(start, "", end, disposition="NO ANSWER", duration=30, uniqueid=f"9.{n}"))
    return calls


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def url(org, name, **kwargs):
    return reverse(f"telephony:{name}", kwargs={"org_slug": org.slug, **kwargs})


@pytest.fixture
def imported(org, asterisk, write, run_import):
    run_import(asterisk, write("Master.csv", CALLS))


def test_the_figures_page_shows_rates_heat_map_and_tables_in_few_queries(
    org, imported, client_as, django_assert_max_num_queries, page_queries, asterisk, write, run_import
):
    reader = client_as(org, Role.READER)
    with django_assert_max_num_queries(14):
        response = reader.get(url(org, "home"), {"periode": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Taux de décroché" in html and "55,6 %" in html  # 5 answered of 9 presented, both services
    assert "20 s" in html and "sur 5 appels décrochés dont l'attente est connue" in html  # waits 5, 10, 20, 30, 40
    assert 'role="img"' in html and "Appels par demi-heure et par jour de la semaine" in html
    assert "vue=dans-le-delai" in html and "periode=2026-03" in html
    few = page_queries(reader, url(org, "home"), {"periode": "2026-03"})
    assert run_import(asterisk, write("More.csv", more_calls(80))).run.imported == 80
    assert page_queries(reader, url(org, "home"), {"periode": "2026-03"}) == few <= QUERIES_OF_THE_FIGURES


def test_a_period_without_calls_shows_a_sentence_instead_of_empty_charts(org, imported, client_as):
    page = client_as(org, Role.READER).get(url(org, "home"), {"periode": "2025-03"}).content.decode()
    assert 'role="img"' not in page and "Aucun appel sur cette période" in page


def test_the_call_list_opens_the_calls_behind_a_figure(
    org, imported, client_as, django_assert_max_num_queries, page_queries, asterisk, write, run_import
):
    reader = client_as(org, Role.READER)
    with django_assert_max_num_queries(8):
        response = reader.get(url(org, "call_list"), {"periode": "2026-03", "vue": "dans-le-delai"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3  # waits 10 and 20 s on reception, 5 s on civil registry
    out = reader.get(url(org, "call_list"), {"periode": "2026-03", "vue": "hors-horaires"})
    assert out.context["page"].paginator.count == 1  # Saturday 7 March (no closure day here)
    assert "0612345678" not in out.content.decode()
    views = [{"periode": "2026-03", "vue": view} for view in ("dans-le-delai", "hors-horaires", "")]
    few = [page_queries(reader, url(org, "call_list"), params) for params in views]
    assert run_import(asterisk, write("More.csv", more_calls(80))).run.imported == 80
    assert reader.get(url(org, "call_list"), views[0]).context["page"].paginator.count > 25
    assert [page_queries(reader, url(org, "call_list"), params) for params in views] == few
    assert max(few) <= QUERIES_OF_THE_CALL_LIST


def test_a_bad_period_gets_a_french_message(org, client_as):
    response = client_as(org, Role.READER).get(url(org, "home"), {"periode": "2026-13"})
    assert response.status_code == 200
    assert "Période « 2026-13 » invalide" in response.content.decode()


def test_an_agent_taps_a_call_and_sees_it_in_the_day_list(org, hours, standard, client_as):
    agent = client_as(org, Role.AGENT)
    response = agent.post(url(org, "tally"), {"line": standard.pk, "outcome": "answered", "rings": "2"})
    assert response.status_code == 302
    call = Call.objects.get()
    assert (call.origin, call.rings, call.outcome) == (CallOrigin.TALLY, 2, "answered")
    page = agent.get(url(org, "tally"))
    assert "Corriger" in page.content.decode() and "1 appel relevé" in page.content.decode()


def test_a_reader_cannot_tally_nor_open_the_tally(org, hours, standard, client_as):
    reader = client_as(org, Role.READER)
    assert reader.get(url(org, "tally")).status_code == 403
    assert reader.post(url(org, "tally"), {"line": standard.pk, "outcome": "answered"}).status_code == 403
    assert Call.objects.count() == 0


def test_a_line_of_another_town_cannot_be_tallied(org, other_org, hours, standard, client_as):
    from core.models import Service
    from telephony.actions import create_line

    foreign = create_line(
        organisation=other_org, actor=None, code="x", name="X", service=Service.objects.get(organisation=other_org)
    )
    agent = client_as(org, Role.AGENT)
    agent.post(url(org, "tally"), {"line": foreign.pk, "outcome": "answered"})
    assert Call.objects.count() == 0


# A tally cannot be corrected to a time still to come: the clock is frozen after 09:15.
@pytest.mark.time_machine(dt.datetime(2026, 3, 11, 16, 0, tzinfo=PARIS), tick=False)
def test_an_agent_corrects_then_deletes_a_tallied_call(org, hours, standard, client_as):
    agent = client_as(org, Role.AGENT)
    agent.post(url(org, "tally"), {"line": standard.pk, "outcome": "answered", "rings": "2"})
    call = Call.objects.get()
    day = call.local_date.isoformat()
    response = agent.post(
        url(org, "tally_edit", call_id=call.pk),
        {"outcome": "abandoned", "rings": "", "day": day, "time": "09:15", "version": "0"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.outcome, call.started_at.astimezone(dt.UTC).hour, call.version) == ("abandoned", 8, 1)

    stale = agent.post(
        url(org, "tally_edit", call_id=call.pk),
        {"outcome": "answered", "rings": "1", "day": day, "time": "09:15", "version": "0"},
    )
    assert "modifié par" in stale.content.decode()
    assert agent.post(url(org, "tally_delete", call_id=call.pk)).status_code == 302
    assert Call.objects.count() == 0


def test_imported_calls_are_not_editable_as_tallies(org, imported, client_as):
    imported_call = Call.objects.get(dedupe_key="u1.1")
    agent = client_as(org, Role.AGENT)
    assert agent.get(url(org, "tally_edit", call_id=imported_call.pk)).status_code == 404


def test_the_quality_manager_manages_lines_and_agents_cannot(org, accueil, manager_client, client_as):
    assert client_as(org, Role.AGENT).get(url(org, "lines")).status_code == 403
    response = manager_client.post(
        url(org, "line_add"), {"name": "Standard", "code": "standard", "service": accueil.pk}
    )
    assert response.status_code == 302
    line = PhoneLine.objects.get(organisation=org)
    assert AuditEvent.objects.filter(
        object_type="telephony.phoneline", object_id=str(line.pk), action="create"
    ).exists()
    clash = manager_client.post(url(org, "line_add"), {"name": "Autre", "code": "standard", "service": accueil.pk})
    assert "déjà le code" in clash.content.decode()
    assert PhoneLine.objects.count() == 1


def test_a_line_with_calls_cannot_be_deleted(org, asterisk, standard, write, run_import, manager_client):
    run_import(
        asterisk, write("Master.csv", [cdr("2026-03-03 10:00:00", "", "2026-03-03 10:00:09", disposition="BUSY")])
    )
    page = manager_client.get(url(org, "line_delete", line_id=standard.pk))
    assert "ne peut pas être supprimée" in page.content.decode()
    manager_client.post(url(org, "line_delete", line_id=standard.pk))
    assert PhoneLine.objects.filter(pk=standard.pk).exists()


def test_an_outsider_sees_nothing_of_the_phone_pages(org, imported, outsider_client):
    assert outsider_client.get(url(org, "home")).status_code == 404
    assert outsider_client.get(url(org, "call_list")).status_code == 404


def test_the_phone_lines_page_runs_the_same_queries_for_one_line_or_many(org, standard, manager_client, page_queries):
    few = page_queries(manager_client, url(org, "lines"))
    for number in range(20):
        site = Site.objects.create(organisation=org, name=f"Annexe {number}")
        service = Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
        create_line(organisation=org, actor=None, code=f"ligne-{number}", name=f"Ligne {number}", service=service)
    assert "Ligne 19" in manager_client.get(url(org, "lines")).content.decode()
    assert page_queries(manager_client, url(org, "lines")) == few <= QUERIES_OF_THE_LINES


def test_the_tally_page_runs_the_same_queries_for_one_call_of_the_day_or_many(
    org, hours, standard, client_as, page_queries
):
    agent = client_as(org, Role.AGENT)
    day = {"jour": "2026-03-03"}
    tally_call(organisation=org, line=standard, outcome="answered", rings=2, now=paris(2026, 3, 3, 9), actor=None)
    few = page_queries(agent, url(org, "tally"), day)
    others = []
    for number in range(5):
        site = Site.objects.create(organisation=org, name=f"Annexe {number}")
        service = Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
        others.append(
            create_line(organisation=org, actor=None, code=f"l{number}", name=f"Ligne {number}", service=service)
        )
    for minute in range(29):
        line = others[minute % 5]
        outcome = "answered" if minute % 2 else "abandoned"
        tally_call(
            organisation=org, line=line, outcome=outcome, rings=None, now=paris(2026, 3, 3, 10, minute), actor=None
        )
    assert len(agent.get(url(org, "tally"), day).context["calls"]) == 30
    assert page_queries(agent, url(org, "tally"), day) == few <= QUERIES_OF_THE_TALLY


def test_the_figures_page_shows_within_rings_over_presented_calls_and_the_unknown_waits_beside(
    org, client_as, hours, standard, write, run_import
):
    from telephony.tests.test_metrics import SMALL_CASE, table_source

    source = table_source(org, {"started_at": "Début", "wait": "Attente", "outcome": "Issue"})
    assert run_import(source, write("export.csv", SMALL_CASE)).run.imported == 3
    reader = client_as(org, Role.READER)
    html = reader.get(url(org, "home"), {"periode": "2026-03"}).content.decode()
    assert "33,3 %" in html and "1 sur 3 appels présentés" in html
    assert "1 appel décroché dont l'attente n'est pas connue" in html
    assert "vue=attente-inconnue" in html
    listed = reader.get(url(org, "call_list"), {"periode": "2026-03", "vue": "attente-inconnue"})
    assert listed.context["page"].paginator.count == 1
