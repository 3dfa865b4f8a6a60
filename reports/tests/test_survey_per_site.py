"""The telephone survey of one site (issue 9, item 10): the page, its PDF and
`telephony_report --site` count the lines of that site's services only.

The town hall has the lines Accueil and État civil; the annex "Mairie annexe du Port" has the
line Port. On Monday 9 March 2026 the town hall's Accueil takes 3 calls (all answered) and the
Port 2 calls (1 answered)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import Role, Service, Site
from reports.documents import survey_filename
from reports.telephony_survey import SurveyRequest, build_survey
from reports.tests.conftest import add_call
from reports.tests.test_views_and_pdf import page_url, pdf_info, pdf_text, pdf_url
from telephony.models import PhoneLine

pytestmark = pytest.mark.django_db

DAY = {"du": "2026-03-09", "au": "2026-03-09"}
ANNEX = "mairie-annexe-du-port"


@pytest.fixture
def annex(org, lines):
    site = Site.objects.create(organisation=org, name="Mairie annexe du Port", address="1 quai du Port")
    service = Service.objects.create(organisation=org, site=site, code="port", name="Accueil du Port")
    port = PhoneLine.objects.create(organisation=org, code="port", name="Port", service=service)
    for minute in (0, 10, 20):
        add_call(lines["accueil"], dt.datetime(2026, 3, 9, 10, minute))
    add_call(port, dt.datetime(2026, 3, 9, 10, 0))
    add_call(port, dt.datetime(2026, 3, 9, 10, 30), outcome="abandoned", wait=None)
    return site


def test_a_site_s_survey_counts_the_lines_of_its_services_only(org, lines, annex):
    survey = build_survey(
        SurveyRequest(organisation=org, start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 9), site=annex),
        with_charts=False,
    )
    assert [line.code for line in survey.lines] == ["port"]
    assert (survey.total.presented, survey.total.answered) == (2, 1)
    whole = build_survey(SurveyRequest(organisation=org, start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 9)))
    assert (whole.total.presented, whole.total.answered) == (5, 4)


def test_a_line_chosen_at_another_site_is_left_out(org, lines, annex):
    request = SurveyRequest(
        organisation=org, start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 9), lines=(lines["accueil"],), site=annex
    )
    assert build_survey(request, with_charts=False).lines == []


def test_the_page_offers_the_sites_and_shows_the_chosen_one(org, annex, client_as):
    client = client_as(org, Role.READER)
    page = client.get(page_url(org)).content.decode()
    assert '<label for="id_site">Site</label>' in page
    assert f'<option value="{ANNEX}">Mairie annexe du Port</option>' in page
    chosen = client.get(page_url(org), {**DAY, "site": ANNEX}).content.decode()
    assert "Chiffres du lundi 9 mars 2026 au lundi 9 mars 2026, site Mairie annexe du Port" in chosen
    assert "Port</th>" in chosen and "Accueil</th>" not in chosen
    assert f"site={ANNEX}" in chosen  # the PDF link keeps the site


def test_a_town_with_one_site_is_not_asked_for_a_site(org, lines, client_as):
    assert 'name="site"' not in client_as(org, Role.READER).get(page_url(org)).content.decode()


def test_the_pdf_of_a_site_names_it_and_counts_its_lines(org, annex, client_as, tmp_path):
    response = client_as(org, Role.READER).get(pdf_url(org), {**DAY, "site": ANNEX})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="enquete-telephonique-{ANNEX}-2026-03-09.pdf"'
    path = tmp_path / "port.pdf"
    path.write_bytes(response.content)
    assert "Tagged:          yes" in pdf_info(path)
    text = pdf_text(path)
    assert "Affluence téléphonique : Port" in text
    assert "Site Mairie annexe du Port, enquête du lundi 9 mars 2026 au lundi 9 mars 2026" in text
    assert "Mairie annexe du Port, 1 quai du Port : les lignes de ses services seulement." in text
    assert "50,0 %" in text  # 1 of 2 answered


def test_the_command_writes_a_site_s_report(org, annex, tmp_path):
    path = tmp_path / "port.pdf"
    out = StringIO()
    call_command(
        "telephony_report", "--org", org.slug, "--from", "2026-03-09", "--to", "2026-03-09", "--site", ANNEX,
        "--output", str(path), stdout=out,
    )  # fmt: skip
    assert "2 appels présentés au site Mairie annexe du Port" in out.getvalue()
    assert "Affluence téléphonique : Port" in pdf_text(path)


def test_the_command_names_the_sites_when_one_is_unknown(org, annex, tmp_path):
    with pytest.raises(CommandError, match=f"site « nulle-part » inconnu ; sites : hotel-de-ville, {ANNEX}"):
        call_command(
            "telephony_report", "--org", org.slug, "--from", "2026-03-09", "--to", "2026-03-09", "--site",
            "nulle-part", "--output", str(tmp_path / "x.pdf"),
        )  # fmt: skip
    assert not (tmp_path / "x.pdf").exists()


def test_the_file_name_of_the_whole_town_s_report_is_unchanged(org, lines):
    survey = build_survey(SurveyRequest(organisation=org, start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 9)))
    assert survey_filename(survey) == "enquete-telephonique-2026-03-09.pdf"
