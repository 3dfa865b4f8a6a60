"""Stored indicator values per site, the site selector of the commitment pages and
`indicators --site` (issue 9, item 10), on the answer rate (Qualivilles 16.2) of March 2026:

| calls presented in March          | presented | answered | rate    |
|-----------------------------------|-----------|----------|---------|
| town hall (Accueil)               | 3         | 2        | 66,67 % |
| annex "Mairie annexe du Port"     | 1         | 1        | 100 %   |
| whole town                        | 4         | 3        | 75 %    |

(tests/sites.py; each site also had one call on a Saturday, out of hours.)"""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.actions import recompute_all_services, record_manual_value
from commitments.frameworks import load_framework
from commitments.models import Indicator, IndicatorValue
from commitments.tests.conftest import keep_typed
from core.models import Organisation, Role, Service, Site
from core.periods import Period
from tests.sites import MARCH, calls, open_weekdays, two_sites

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 4, 2, 10, tzinfo=dt.UTC))]

ANNEX = "mairie-annexe-du-port"


@pytest.fixture
def framework(org: Organisation) -> None:
    load_framework(organisation=org, code="qualivilles", actor=None)


@pytest.fixture
def town(org: Organisation, framework: None) -> dict[str, Any]:
    return two_sites(org)


def answer_rate(org: Organisation) -> Indicator:
    return Indicator.objects.get(organisation=org, code="16.2")


def stored(org: Organisation) -> dict[str | None, tuple[float | None, float | None]]:
    values = IndicatorValue.objects.filter(indicator=answer_rate(org), period_start=MARCH.start, service=None)
    return {value.site.code if value.site else None: (value.numerator, value.denominator) for value in values}


def run(*args: str) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_a_town_with_an_annex_stores_the_values_of_each_site_beside_the_town_s(org, town):
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    assert stored(org) == {None: (3, 4), "hotel-de-ville": (2, 3), ANNEX: (1, 1)}


def test_a_town_with_one_site_stores_no_value_per_site(org, framework):
    open_weekdays(org, Site.objects.get(organisation=org))
    calls(org, Service.objects.get(organisation=org, code="accueil"), [2, None])
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    assert stored(org) == {None: (1, 2)}


def test_the_site_code_is_the_slug_of_its_name():
    assert Site(name="Mairie annexe du Port").code == ANNEX
    assert Site(name="Hôtel de ville").code == "hotel-de-ville"


def test_the_overview_reads_the_chosen_site_s_values(org, town, client_as):
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    client = client_as(org, Role.READER)
    url = reverse("commitments:overview", args=[org.slug])
    whole = client.get(url).content.decode()
    assert '<label for="id_site" class="inline-label">Site</label>' in whole
    assert f'<option value="{ANNEX}" >Mairie annexe du Port</option>' in whole
    assert "75\u00a0%" in whole
    annex = client.get(url, {"site": ANNEX}).content.decode()
    assert f'<option value="{ANNEX}" selected>Mairie annexe du Port</option>' in annex
    assert "Résultats du site Mairie annexe du Port" in annex
    assert "100\u00a0%" in annex and "75\u00a0%" not in annex


def test_a_town_with_one_site_has_no_site_selector(org, framework, client_as):
    page = client_as(org, Role.READER).get(reverse("commitments:overview", args=[org.slug])).content.decode()
    assert 'name="site"' not in page


def test_the_commitment_page_shows_the_chosen_site_s_values_only(org, town, client_as):
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    client = client_as(org, Role.READER)
    url = reverse("commitments:commitment_detail", args=[org.slug, answer_rate(org).commitment_id])
    whole = client.get(url).content.decode()
    assert "Site Mairie annexe du Port" in whole and "Site Hôtel de ville" in whole
    annex = client.get(url, {"site": ANNEX}).content.decode()
    assert "Site Mairie annexe du Port" in annex and "Site Hôtel de ville" not in annex
    assert "Tous les services" not in annex


def test_an_unknown_site_on_a_page_shows_the_whole_town(org, town, client_as):
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    page = client_as(org, Role.READER).get(reverse("commitments:overview", args=[org.slug]), {"site": "nulle-part"})
    assert "Résultats du site" not in page.content.decode()
    assert "75\u00a0%" in page.content.decode()


def test_the_indicators_command_prints_a_site_s_values_with_its_code(org, town):
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    rows = {row["indicator"]: row for row in json.loads(run("--org", org.slug, "--period", "2026-03", "--site", ANNEX))}
    assert rows["16.2"]["site"] == ANNEX and rows["16.2"]["service"] is None
    assert (rows["16.2"]["numerator"], rows["16.2"]["denominator"], rows["16.2"]["value"]) == (1, 1, 100)
    whole = {row["indicator"]: row for row in json.loads(run("--org", org.slug, "--period", "2026-03"))}
    assert whole["16.2"]["site"] is None and whole["16.2"]["value"] == 75


def test_the_indicators_command_computes_a_site_s_value_not_stored_yet(org, town):
    rows = {row["indicator"]: row for row in json.loads(run("--org", org.slug, "--period", "2026-Q1", "--site", ANNEX))}
    assert (rows["16.2"]["numerator"], rows["16.2"]["denominator"]) == (1, 1)
    assert not IndicatorValue.objects.filter(site__isnull=False).exists()


def test_the_indicators_command_writes_the_site_in_csv(org, town):
    text = run("--org", org.slug, "--period", "2026-03", "--site", "hotel-de-ville", "--format", "csv", "--recompute")
    rows = {row["indicator"]: row for row in csv.DictReader(StringIO(text))}
    assert (rows["16.2"]["site"], rows["16.2"]["numerator"], rows["16.2"]["denominator"]) == (
        "hotel-de-ville",
        "2",
        "3",
    )
    assert stored(org)["hotel-de-ville"] == (2, 3)


def test_the_indicators_command_names_the_sites_when_one_is_unknown(org, town):
    with pytest.raises(CommandError, match=f"sites : hotel-de-ville, {ANNEX}"):
        run("--org", org.slug, "--period", "2026-03", "--site", "nulle-part")
    with pytest.raises(CommandError, match="pas les deux"):
        run("--org", org.slug, "--period", "2026-03", "--site", ANNEX, "--service", "accueil")


def test_in_a_town_with_one_site_the_site_s_values_are_the_town_s(org, framework):
    open_weekdays(org, Site.objects.get(organisation=org))
    calls(org, Service.objects.get(organisation=org, code="accueil"), [2, None])
    recompute_all_services(indicator=answer_rate(org), period=MARCH)
    rows = {
        row["indicator"]: row
        for row in json.loads(run("--org", org.slug, "--period", "2026-03", "--site", "hotel-de-ville"))
    }
    assert (rows["16.2"]["site"], rows["16.2"]["numerator"], rows["16.2"]["denominator"]) == ("hotel-de-ville", 1, 2)


def test_a_manual_value_may_be_entered_for_a_site(org, town):
    keep_typed(org)  # 4.1 typed, as a town that enters its own figures has it
    indicator = Indicator.objects.get(organisation=org, code="4.1")
    annex = Site.objects.get(organisation=org, name="Mairie annexe du Port")
    value = record_manual_value(
        indicator=indicator, period=Period.parse("2026-03"), actor=None, numerator=3, denominator=4, site=annex
    )
    assert (value.site, value.service, value.value) == (annex, None, 75)
    with pytest.raises(ValidationError):
        record_manual_value(
            indicator=indicator,
            period=Period.parse("2026-03"),
            actor=None,
            numerator=3,
            denominator=4,
            site=annex,
            service=Service.objects.get(organisation=org, code="accueil"),
        )


def test_a_manager_enters_a_site_s_value_on_the_entry_form(org, town, manager_client):
    keep_typed(org)  # 4.1 typed, as a town that enters its own figures has it
    indicator = Indicator.objects.get(organisation=org, code="4.1")
    address = reverse("commitments:value_entry", args=[org.slug, indicator.pk])
    assert '<label for="id_site">Ou un site</label>' in manager_client.get(address).content.decode()
    annex = Site.objects.get(organisation=org, name="Mairie annexe du Port")
    response = manager_client.post(
        address, {"period_text": "2026-03", "site": annex.pk, "numerator": "3", "denominator": "4"}, follow=True
    )
    assert "(site Mairie annexe du Port) : 75\u00a0%, non atteint." in response.content.decode()
    assert IndicatorValue.objects.get(indicator=indicator).site == annex


def test_a_town_with_one_site_enters_no_site_value(org, framework, manager_client):
    keep_typed(org)  # 4.1 typed, as a town that enters its own figures has it
    indicator = Indicator.objects.get(organisation=org, code="4.1")
    page = manager_client.get(reverse("commitments:value_entry", args=[org.slug, indicator.pk])).content.decode()
    assert 'name="site"' not in page


def test_recompute_indicators_names_the_sites_it_stored(org, town):
    out = StringIO()
    call_command("recompute_indicators", "--org", org.slug, "--period", "2026-03", "--indicator", "16.2", stdout=out)
    assert "mars 2026, site Mairie annexe du Port : 100\u00a0%" in out.getvalue()
    assert "mars 2026, tous services : 75\u00a0%" in out.getvalue()
