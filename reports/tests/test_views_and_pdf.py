"""The survey page, its PDF and the telephony_report command."""

import datetime as dt
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Role, Service
from reports.tests.conftest import add_call
from telephony.models import PhoneLine

pytestmark = pytest.mark.django_db

MARCH = {"du": "2026-03-01", "au": "2026-03-31"}


def page_url(org):
    return reverse("reports:telephony_survey", args=[org.slug])


def pdf_url(org):
    return reverse("reports:telephony_survey_pdf", args=[org.slug])


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(path):
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_reports_index_links_to_the_survey(org, client_as):
    page = client_as(org, Role.READER).get(reverse("reports:index", args=[org.slug]))
    assert page.status_code == 200
    assert page_url(org) in page.content.decode()
    assert reverse("publication:draft", args=[org.slug]) in page.content.decode()
    assert reverse("evidence:packs", args=[org.slug]) in page.content.decode()


def test_the_page_offers_last_month_every_line_and_one_agent_each_by_default(org, survey_calls, client_as):
    page = client_as(org, Role.READER).get(page_url(org))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.is_valid()
    assert form["agents_accueil"].value() == "1" and form.survey_request().agents_present == {
        "accueil": 1,
        "etat-civil": 1,
    }
    text = page.content.decode()
    assert 'name="agents_etat-civil"' in text and "Agents présents sur la ligne État civil" in text


def test_the_page_shows_the_figures_and_a_pdf_link_with_the_same_choices(org, survey_calls, client_as):
    query = {**MARCH, "lignes": ["accueil"], "agents_accueil": "2"}
    page = client_as(org, Role.READER).get(page_url(org), query)
    text = page.content.decode()
    assert "80,0\u00a0%" in text and "60,0\u00a0%" in text
    assert "État civil</th>" not in text  # not chosen
    assert f"{pdf_url(org)}?du=2026-03-01&amp;au=2026-03-31&amp;lignes=accueil&amp;agents_accueil=2" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "2026-03-31", "au": "2026-03-01"}, "La date de fin doit suivre la date de début."),
        ({"du": "2025-01-01", "au": "2026-03-01"}, "Une enquête couvre au plus 366 jours"),
        ({"du": "31/02/2026", "au": "2026-03-01"}, "Saisissez une date valide."),
        ({**MARCH, "agents_accueil": "-1"}, "supérieure ou égale à 0"),
        ({**MARCH, "lignes": ["voirie"]}, "voirie n’en fait pas partie"),
    ],
)
def test_bad_choices_get_a_french_message_and_no_pdf(org, lines, client_as, query, message):
    client = client_as(org, Role.READER)
    page = client.get(page_url(org), query)
    assert message in page.content.decode()
    assert page.context["survey"] is None
    download = client.get(pdf_url(org), query)
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/html")


def test_a_reader_downloads_the_tagged_pdf_with_the_figures_counted_by_hand(org, survey_calls, client_as, tmp_path):
    response = client_as(org, Role.READER).get(
        pdf_url(org), {"du": "2026-03-09", "au": "2026-03-16", "agents_accueil": 2}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="enquete-telephonique-2026-03-09.pdf"'
    path = tmp_path / "enquete.pdf"
    path.write_bytes(response.content)
    assert "Tagged:          yes" in pdf_info(path)
    text = pdf_text(path)
    assert "Affluence téléphonique : Accueil et État civil" in text
    assert "Enquête du lundi 9 mars 2026 au lundi 16 mars 2026" in text
    assert "Ville de Test" in text
    assert "import « Standard » ; relevé manuel" in text
    assert "80,0 %" in text and "60,0 %" in text  # accueil: 8 of 10 answered, 6 within 5 rings
    assert "66,7 %" in text  # état civil: 2 of 3
    assert "Les 2 créneaux les plus chargés" in text
    assert "Agents nécessaires : ligne Accueil" in text
    assert "agents nécessaires pour décrocher 90 % des appels en 5 sonneries" in text
    assert "Durée moyenne de conversation : 2 min 50 s. Agents présents : 2." in text


def test_without_choices_the_pdf_covers_last_month(org, lines, client_as, settings):
    response = client_as(org, Role.READER).get(pdf_url(org))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_an_outsider_gets_404_on_the_page_and_the_pdf(org, outsider_client):
    assert outsider_client.get(page_url(org)).status_code == 404
    assert outsider_client.get(pdf_url(org), MARCH).status_code == 404


def run(*args):
    out = StringIO()
    call_command("telephony_report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_pdf_of_the_chosen_lines(org, survey_calls, tmp_path):
    path = tmp_path / "enquete.pdf"
    output = run(
        "--org",
        org.slug,
        "--from",
        "2026-03-09",
        "--to",
        "2026-03-10",
        "--line",
        "accueil",
        "--agents",
        "accueil=3",
        "--output",
        str(path),
    )
    assert "8 appels présentés du lundi 9 mars 2026 au mardi 10 mars 2026" in output
    text = pdf_text(path)
    assert "Affluence téléphonique : Accueil" in text and "Agents nécessaires : ligne État civil" not in text
    assert "Agents présents : 3." in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nulle-part"], "Organisation « nulle-part » introuvable"),
        (["--org", "ville-test", "--from", "09/03/2026"], "--from : date « 09/03/2026 » illisible"),
        (["--org", "ville-test", "--to", "2026-02-01"], "--to doit suivre --from"),
        (["--org", "ville-test", "--line", "voirie"], "--line : ligne « voirie » inconnue"),
        (["--org", "ville-test", "--agents", "accueil=beaucoup"], "nombre d'agents « beaucoup » invalide"),
        (["--org", "ville-test", "--agents", "voirie=2"], "--agents : ligne « voirie » inconnue"),
    ],
)
def test_the_command_refuses_bad_arguments_in_french(org, lines, tmp_path, args, message):
    defaults = {"--from": "2026-03-01", "--to": "2026-03-31", "--output": str(tmp_path / "x.pdf")}
    for option, value in defaults.items():
        if option not in args:
            args = [*args, option, value]
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not (tmp_path / "x.pdf").exists()


def test_the_survey_page_runs_the_same_queries_for_two_lines_or_eight(org, survey_calls, client_as, page_queries):
    reader = client_as(org, Role.READER)
    few = page_queries(reader, page_url(org), MARCH)
    site = Service.objects.get(organisation=org, code="accueil").site
    for number in range(6):
        service = Service.objects.create(organisation=org, site=site, code=f"s{number}", name=f"Service {number}")
        line = PhoneLine.objects.create(
            organisation=org, code=f"ligne-{number}", name=f"Ligne {number}", service=service
        )
        for minute in range(0, 50, 5):
            add_call(line, dt.datetime(2026, 3, 9 + number % 5, 10, minute), wait=5 + minute)
    assert "Ligne 5" in reader.get(page_url(org), MARCH).content.decode()
    assert page_queries(reader, page_url(org), MARCH) == few <= 10  # +1: the sites, for the site choice
    assert page_queries(reader, reverse("reports:index", args=[org.slug])) <= 3  # the session, the user, the membership
