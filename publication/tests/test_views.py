"""The quality manager's publication pages and the town's public results: the draft is the
public page to the letter, validation takes a POST by the quality manager only, small cells
are hidden on the page, the posters and the open data, and outsiders see nothing."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import IndicatorValue
from core.models import AuditEvent, Role
from publication.actions import publish_results
from publication.models import Licence, Publication, PublicationSettings
from publication.opendata import field_names
from publication.snapshot import HIDDEN_TEXT, build_snapshot, fingerprint
from publication.tests.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

SIGNAGE = "Usagers satisfaits de la signalétique (enquête)"  # indicator 1.2: 3 satisfied of 4


def back(name: str, org, **kwargs) -> str:
    return reverse(f"publication:{name}", kwargs={"org_slug": org.slug, **kwargs})


def public(name: str, org, **kwargs) -> str:
    return reverse(f"publication_public:{name}", kwargs={"org_slug": org.slug, **kwargs})


def results_fragment(html: str) -> str:
    """What the results include renders, from its opening div to its closing note."""
    start = html.index('<div class="published-results">')
    return html[start : html.index("pourrait désigner des personnes.", start)]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "affiche.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def manager_client(town, manager) -> Client:
    from accounts.testing import log_in_verified

    return log_in_verified(Client(), manager)


@pytest.fixture
def published(town, year_2025, manager) -> Publication:
    return publish_results(organisation=town, year=2025, actor=manager, now=NOW)


# --- The draft and its validation ---------------------------------------------------------


def test_the_draft_shows_the_last_complete_year_by_default(town, year_2025, manager_client):
    page = manager_client.get(back("draft", town))
    assert page.status_code == 200 and page.context["year"] == 2025
    html = page.content.decode()
    assert "Sur 1\u00a0000 appels reçus, 912 ont été décrochés par un agent, soit 91,2\u00a0%." in html
    assert "Valider et publier les résultats de 2025" in html


def test_the_manager_picks_another_complete_year(town, store, year_2025, manager_client):
    store("20.2", "2024", 70, 100)
    page = manager_client.get(back("draft", town), {"annee": "2024"})
    assert page.context["year"] == 2024 and page.context["years"] == [2025, 2024]
    assert "Sur 100 personnes ayant donné leur avis, 70 se disent satisfaites" in page.content.decode()
    assert manager_client.get(back("draft", town), {"annee": "2026"}).context["year"] == 2025  # not complete


def test_the_published_page_is_the_draft_the_manager_validated(town, year_2025, manager_client):
    draft = manager_client.get(back("draft", town)).content.decode()
    response = manager_client.post(
        back("publish", town),
        {"annee": "2025", "empreinte": fingerprint(build_snapshot(organisation=town, year=2025)), "confirmation": "on"},
    )
    publication = Publication.objects.get(organisation=town)
    assert response.status_code == 302 and response["Location"] == back("publications", town)
    assert publication.validated_by is not None and publication.validated_by.email.startswith("quality_manager@")
    public_page = Client().get(public("latest", town)).content.decode()
    assert results_fragment(public_page) == results_fragment(draft)
    messages = [str(message) for message in manager_client.get(back("publications", town)).context["messages"]]
    assert any("sont publiés (version 1)" in message for message in messages)


def test_validating_without_confirming_writes_nothing_and_says_why(town, year_2025, manager_client):
    events = AuditEvent.objects.count()
    empreinte = fingerprint(build_snapshot(organisation=town, year=2025))
    response = manager_client.post(back("publish", town), {"annee": "2025", "empreinte": empreinte})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer que vous avez relu l'aperçu." in unescape(response.content.decode())
    assert not Publication.objects.exists() and AuditEvent.objects.count() == events


def test_figures_changed_since_the_preview_send_the_manager_back_to_the_new_draft(town, year_2025, manager_client):
    empreinte = fingerprint(build_snapshot(organisation=town, year=2025))
    IndicatorValue.objects.filter(organisation=town, indicator__code="20.2").update(numerator=80, value=80)
    response = manager_client.post(
        back("publish", town), {"annee": "2025", "empreinte": empreinte, "confirmation": "on"}
    )
    assert response.status_code == 302 and response["Location"] == back("draft", town) + "?annee=2025"
    assert not Publication.objects.exists()


def test_a_reader_sees_the_draft_but_cannot_publish_nor_change_the_licence(town, year_2025, client_as):
    reader = client_as(town, Role.READER)
    page = reader.get(back("draft", town))
    assert page.status_code == 200 and "Valider et publier les résultats" not in page.content.decode()
    data = {
        "annee": "2025",
        "empreinte": fingerprint(build_snapshot(organisation=town, year=2025)),
        "confirmation": "on",
    }
    assert reader.post(back("publish", town), data).status_code == 403
    assert reader.post(back("licence", town), {"licence": Licence.ODBL}).status_code == 403
    assert not Publication.objects.exists()
    assert PublicationSettings.objects.get(organisation=town).licence == Licence.ETALAB


def test_an_outsider_gets_404_on_every_publication_page_of_the_town(town, published, outsider_client):
    pages = [back(name, town) for name in ("draft", "publications", "licence")]
    pages += [back(name, town, publication_id=published.pk) for name in ("poster_a4", "poster_a3")]
    for address in pages:
        assert outsider_client.get(address).status_code == 404, address
    assert outsider_client.post(back("publish", town), {"annee": "2025"}).status_code == 404


def test_the_licence_is_chosen_by_the_manager_and_a_bad_one_is_refused(town, manager_client):
    response = manager_client.post(back("licence", town), {"licence": Licence.CC_BY})
    assert response.status_code == 302
    assert PublicationSettings.objects.get(organisation=town).licence == Licence.CC_BY
    refused = manager_client.post(back("licence", town), {"licence": "copyright"})
    assert refused.status_code == 400 and "Sélectionnez un choix valide" in refused.content.decode()
    assert PublicationSettings.objects.get(organisation=town).licence == Licence.CC_BY


def test_the_list_of_publications_reads_a_fixed_number_of_queries(
    town, year_2025, manager, manager_client, page_queries
):
    publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    small = page_queries(manager_client, back("publications", town))
    for _ in range(6):
        publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    assert page_queries(manager_client, back("publications", town)) == small


# --- The public page ----------------------------------------------------------------------


def test_a_town_that_published_nothing_says_so_in_plain_french(town):
    response = Client().get(public("latest", town))
    assert response.status_code == 404
    assert f"{town.name} n'a pas encore publié de résultats." in response.content.decode()
    assert Client().get(public("data_csv", town)).status_code == 404
    assert Client().get(public("year", town, year=2025)).status_code == 404


def test_each_publication_keeps_its_address(town, published, manager):
    IndicatorValue.objects.filter(organisation=town, indicator__code="20.2").update(numerator=95, value=95)
    publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    first = Client().get(public("version", town, year=2025, version=1)).content.decode()
    latest = Client().get(public("year", town, year=2025)).content.decode()
    assert "92 se disent satisfaites" in first and "Vous consultez une publication antérieure" in first
    assert "95 se disent satisfaites" in latest and "version 2, corrigée" in latest
    assert Client().get(public("version", town, year=2025, version=3)).status_code == 404


def test_the_public_page_hides_small_cells_and_internal_commitments(town, published):
    html = Client().get(public("latest", town)).content.decode()
    assert f"<strong>{SIGNAGE}</strong> : {HIDDEN_TEXT}" in html
    assert "Sur 4 personnes" not in html and "3 se disent" not in html
    assert "Sensibiliser tous les agents" not in html  # commitment 22 is internal
    assert "Engagement 16 : " in html
    assert "Licence Ouverte / Open Licence version 2.0 (Etalab)" in html


def test_the_public_page_is_the_towns_own(town, published, other_org):
    assert Client().get(public("latest", other_org)).status_code == 404
    assert Client().get(public("version", other_org, year=2025, version=1)).status_code == 404


# --- Open data ----------------------------------------------------------------------------


def test_the_csv_follows_its_schema_names_the_licence_and_hides_small_cells(town, published):
    response = Client().get(public("data_csv", town))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == field_names()
    assert {row["licence"] for row in rows} == {"etalab-2.0"}
    signage = next(row for row in rows if row["indicateur_code"] == "1.2")
    assert signage["statut"] == "non_publie" and signage["texte"] == HIDDEN_TEXT
    assert all(signage[name] == "" for name in ("valeur", "numerateur", "denominateur", "effectif"))
    decroche = next(row for row in rows if row["resultat_services_publics_plus"] == "decroche")
    assert (decroche["numerateur"], decroche["denominateur"], decroche["valeur"]) == ("912", "1000", "91.2")
    assert all(row["indicateur_code"] not in ("22.1", "23.1") for row in rows)


def test_the_json_gives_the_same_rows_with_the_licence_and_the_schema(town, published):
    document = json.loads(Client().get(public("year_data_json", town, year=2025)).content)
    rows = list(csv.DictReader(io.StringIO(Client().get(public("data_csv", town)).content.decode())))
    assert len(document["resultats"]) == len(rows)
    assert document["licence"] == {
        "id": "etalab-2.0",
        "nom": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
    assert document["schema"] == "http://testserver" + public("schema", town)
    assert document["publication"]["adresse"] == "http://testserver" + public("version", town, year=2025, version=1)
    signage = next(row for row in document["resultats"] if row["indicateur_code"] == "1.2")
    assert signage["valeur"] is None and signage["effectif"] is None and signage["statut"] == "non_publie"
    schema = json.loads(Client().get(public("schema", town)).content)
    assert [field["name"] for field in schema["fields"]] == list(document["resultats"][0])


def test_a_publication_keeps_the_licence_it_was_released_under_in_its_files(town, published, manager_client):
    manager_client.post(back("licence", town), {"licence": Licence.ODBL})
    rows = list(csv.DictReader(io.StringIO(Client().get(public("data_csv", town)).content.decode())))
    assert {row["licence"] for row in rows} == {"etalab-2.0"}


# --- Posters ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "size"), [("poster_a4", "A4"), ("poster_a3", "A3")])
def test_the_poster_is_one_tagged_page_with_fonts_embedded_and_the_address(
    town, published, manager_client, tmp_path, name, size
):
    response = manager_client.get(back(name, town, publication_id=published.pk))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "affiche.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE) and f"({size})" in info and "Tagged:          yes" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert town.name in text and "Nos résultats 2025" in text and "Taux de décroché" in text
    assert "912 ont été décrochés par un agent" in text
    assert f"http://testserver/p/{town.slug}/resultats/2025/" in text.replace(" ", "")


def test_a_small_cell_is_hidden_on_the_poster_too(town, store, manager, manager_client, tmp_path):
    store("16.2", "2025-01", 2, 3)
    store("20.2", "2025", 90, 100)
    publication = publish_results(organisation=town, year=2025, actor=manager, now=NOW)
    text = " ".join(
        pdf_text(manager_client.get(back("poster_a4", town, publication_id=publication.pk)).content, tmp_path).split()
    )
    assert HIDDEN_TEXT in text and "Sur 3 appels" not in text and "66,7" not in text
