"""The survey pages of the back office: the quality manager prepares a campaign and reads its
results; readers read, never write; outsiders get 404; lists and results read a fixed number
of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.models import Role
from surveys.models import Campaign

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def url(name: str, org, **kwargs) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_the_quality_manager_starts_from_the_template_then_launches_a_campaign(org, manager_client):
    page = manager_client.get(url("home", org)).content.decode()
    assert "Créer un questionnaire à partir du modèle Qualivilles" in page and "Lancer une enquête" not in page
    assert manager_client.post(url("questionnaire_from_template", org))["Location"] == url("campaign_new", org)
    form = {"title": "Enquête de décembre", "opens_on": "2026-12-01", "closes_on": "2026-12-20"}
    form["questionnaire"] = manager_client.get(url("campaign_new", org)).context["form"].initial["questionnaire"].pk
    refused = manager_client.post(url("campaign_new", org), form)
    assert "Cochez au moins un canal de réponse." in refused.content.decode() and not Campaign.objects.exists()
    response = manager_client.post(url("campaign_new", org), form | {"on_web": "on"})
    campaign = Campaign.objects.get()
    assert response["Location"] == url("campaign_detail", org, campaign_id=campaign.pk)
    page = manager_client.get(response["Location"]).content.decode()
    assert f"/p/{org.slug}/enquete/{campaign.code}/" in page and "en cours" in page


def test_the_results_show_each_question_with_its_share_interval_and_warning(org, campaign, answer, client_as):
    for code in ["tres_satisfait", "satisfait", "satisfait", "pas_satisfait"]:
        answer(globale=code)
    page = client_as(org, Role.READER).get(url("campaign_detail", org, campaign_id=campaign.pk)).content.decode()
    assert "75\u00a0% satisfaits" in page and "n = 4" in page and "moins de 30 réponses" in page
    assert "satisfaction nette +50\u00a0pts" in page
    assert "Clore l'enquête" not in page  # a reader reads
    assert "les réponses en ligne comptent dans les indicateurs le lendemain matin" in page


def test_a_paper_only_campaign_says_nothing_of_a_lag_in_the_indicators(org, campaign, client_as):
    campaign.on_web = False
    campaign.save()
    page = client_as(org, Role.READER).get(url("campaign_detail", org, campaign_id=campaign.pk)).content.decode()
    assert "le lendemain matin" not in page


def test_the_campaign_page_gives_a_routing_question_no_satisfaction_share(org, campaign, answer, client_as):
    answer(globale="satisfait", telephone_utilise="non")
    page = client_as(org, Role.READER).get(url("campaign_detail", org, campaign_id=campaign.pk)).content.decode()
    routing = page.split('id="q-telephone_utilise"')[1].split("</section>")[0]
    assert "Oui" in routing and "Non" in routing and "satisfaits" not in routing


def test_closing_a_campaign_today_is_the_quality_managers_and_a_post(org, campaign, manager_client, client_as):
    reader = client_as(org, Role.READER)
    assert reader.post(url("campaign_close", org, campaign_id=campaign.pk)).status_code == 403
    assert reader.get(url("campaign_new", org)).status_code == 403
    assert manager_client.get(url("campaign_close", org, campaign_id=campaign.pk)).status_code == 405
    campaign.refresh_from_db()
    assert campaign.closes_on == dt.date(2026, 12, 20)  # GET never writes
    manager_client.post(url("campaign_close", org, campaign_id=campaign.pk))
    campaign.refresh_from_db()
    assert campaign.closes_on == dt.date(2026, 12, 3)


def test_an_outsider_gets_404_on_every_survey_page(org, campaign, outsider_client):
    assert outsider_client.get(url("home", org)).status_code == 404
    assert outsider_client.get(url("campaign_detail", org, campaign_id=campaign.pk)).status_code == 404
    assert outsider_client.post(url("campaign_close", org, campaign_id=campaign.pk)).status_code == 404


def test_the_list_and_the_results_read_as_many_queries_small_or_large(
    org, questionnaire, campaign, answer, manager_client, page_queries
):
    def old_campaign(index: int) -> None:
        Campaign.objects.create(
            organisation=org,
            questionnaire=questionnaire,
            title=f"Enquête {index}",
            opens_on=dt.date(2025, 1, 1) + dt.timedelta(days=index),
            closes_on=dt.date(2025, 1, 2) + dt.timedelta(days=index),
            on_paper=True,
            code=f"OLD{index:05d}",
        )

    answer(globale="satisfait")
    old_campaign(0)  # a previous campaign to compare with
    small = (
        page_queries(manager_client, url("home", org)),
        page_queries(manager_client, url("campaign_detail", org, campaign_id=campaign.pk)),
    )
    for index in range(1, 30):
        answer(globale="peu_satisfait", age="25_44", priorites=["attente"])
        old_campaign(index)
    large = (
        page_queries(manager_client, url("home", org)),
        page_queries(manager_client, url("campaign_detail", org, campaign_id=campaign.pk)),
    )
    assert small == large
    assert large[0] <= 10 and large[1] <= 14


def test_the_quality_manager_moderates_and_the_others_read_only_the_published_text(
    org, campaign, answer, manager_client, client_as
):
    from core.audit import history_of
    from surveys.models import Comment

    answer(globale="satisfait", texts={"commentaire": "Mme Dupont du 3 rue des Lilas a été très bien reçue"})
    answer(globale="satisfait", texts={"commentaire": "Achetez des chaises, bande de nuls"})
    polite, rude = Comment.objects.order_by("pk")
    reader = client_as(org, Role.READER)
    listing = url("comment_list", org, campaign_id=campaign.pk)
    assert "Dupont" in manager_client.get(listing).content.decode()
    assert "Dupont" not in reader.get(listing).content.decode()
    moderate = url("comment_moderate", org, comment_id=polite.pk)
    assert reader.post(moderate, {"decision": "publish", "published_text": "x"}).status_code == 403
    refused = manager_client.post(moderate, {"decision": "publish", "published_text": " "}, follow=True)
    assert "Écrivez le texte à publier" in refused.content.decode()
    manager_client.post(moderate, {"decision": "publish", "published_text": "Une usagère a été très bien reçue."})
    manager_client.post(url("comment_moderate", org, comment_id=rude.pk), {"decision": "hide"})
    page = reader.get(listing).content.decode()
    assert "Une usagère a été très bien reçue." in page and "Dupont" not in page and "nuls" not in page
    detail = manager_client.get(url("campaign_detail", org, campaign_id=campaign.pk)).content.decode()
    assert "0 à modérer, 1 publié, 1 écarté" in detail
    event = history_of(polite).get(action="moderate")
    assert "Dupont" not in str(event.before) + str(event.after) and event.after == {"moderation": "published"}


def test_an_agent_types_paper_questionnaires_digit_by_digit(org, campaign, client_as):
    from surveys.models import AnswerCount, Response

    agent = client_as(org, Role.AGENT)
    entry = url("paper_entry", org, campaign_id=campaign.pk)
    page = agent.get(entry).content.decode()
    assert "1 Très satisfait ; 2 Satisfait ; 3 Peu satisfait ; 4 Pas du tout satisfait ; 5 Sans avis" in page
    typed = {"answered_on": "2026-12-02", "site": "", "globale": "2", "priorites": "1 3", "note": "9", "age": "4"}
    saved = agent.post(entry, typed)
    assert saved["Location"] == entry + "?jour=2026-12-02&site="
    response = Response.objects.get()
    assert (response.channel, response.answered_on) == ("paper", dt.date(2026, 12, 2))
    given = AnswerCount.objects.filter(dimension="channel").exclude(code="")
    assert set(given.values_list("question__key", "code")) == {
        ("globale", "satisfait"),
        ("priorites", "attente"),
        ("priorites", "signaletique"),
        ("note", "9"),
        ("age", "65_plus"),
    }
    again = agent.get(saved["Location"])
    assert again.context["form"].initial["answered_on"] == "2026-12-02"


def test_a_wrong_digit_is_said_at_its_question_and_nothing_is_kept(org, campaign, client_as):
    from surveys.models import Response

    agent = client_as(org, Role.AGENT)
    entry = url("paper_entry", org, campaign_id=campaign.pk)
    refused = agent.post(entry, {"answered_on": "2026-12-02", "globale": "7", "horaires": "12"})
    page = refused.content.decode()
    assert "« 7 » : tapez 1, 2, 3, 4, 5." in page and "Un seul chiffre pour cette question." in page
    missing = agent.post(entry, {"answered_on": "2026-12-02", "signaletique": "1"}).content.decode()
    assert "Cette question demande une réponse." in missing  # globale is required
    late = agent.post(entry, {"answered_on": "2026-12-25", "globale": "1"}).content.decode()
    assert "ouverte du 01/12/2026 au 20/12/2026" in late
    assert not Response.objects.exists()
    assert client_as(org, Role.READER).get(entry).status_code == 403


def test_the_answers_export_to_a_spreadsheet_with_published_comments_only_and_formulas_neutralised(
    org, campaign, answer, client_as
):
    import csv
    import io

    from surveys.actions import moderate_comment
    from surveys.models import Comment

    answer(globale="satisfait", priorites=["attente", "horaires"], texts={"commentaire": '=HYPERLINK("x") Mme Roux'})
    answer(globale="peu_satisfait", texts={"commentaire": "Trop d'attente"})
    moderate_comment(
        comment=Comment.objects.get(text="Trop d'attente"), actor=None, publish=True, published_text="=1+1"
    )
    reader = client_as(org, Role.READER)
    exported = reader.get(url("answer_export", org, campaign_id=campaign.pk), {"format": "csv"})
    assert exported["Content-Disposition"] == f'attachment; filename="enquete-2026-12-{campaign.pk}-reponses.csv"'
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    header, first, second = rows
    assert header[:4] == ["Réponse", "Jour", "Canal", "Site"] and len(header) == 4 + 22
    column = {text: index for index, text in enumerate(header)}
    assert first[column["Dans l'ensemble, êtes-vous satisfait de l'accueil de la mairie ?"]] == "Satisfait"
    assert first[column["Que faudrait-il améliorer en priorité ?"]] == "Le temps d'attente ; Les horaires d'ouverture"
    assert first[column["Vos remarques et suggestions"]] == ""  # not moderated: not exported
    assert second[column["Vos remarques et suggestions"]] == "'=1+1"
    assert first[:3] == ["1", "03/12/2026", "lien web"]
    for file_format in ("xlsx", "ods"):
        assert (
            reader.get(url("answer_export", org, campaign_id=campaign.pk), {"format": file_format}).status_code == 200
        )
    assert reader.get(url("answer_export", org, campaign_id=campaign.pk), {"format": "pdf"}).status_code == 400


def test_the_poster_is_a_one_page_pdf_with_the_address_and_a_vector_qr_code(org, campaign, client_as, tmp_path):
    import re
    import subprocess

    poster = client_as(org, Role.AGENT).get(url("campaign_poster", org, campaign_id=campaign.pk))
    assert poster["Content-Type"] == "application/pdf"
    path = tmp_path / "affiche.pdf"
    path.write_bytes(poster.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"http://testserver/p/{org.slug}/enquete/{campaign.code}/" in "".join(text.split())
    assert "Votre avis compte" in text and "du 1 décembre 2026 au 20 décembre 2026" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2  # the header lines only: the QR code is paths, not a picture


def test_the_results_read_by_channel_and_by_a_profile_answer(org, campaign, answer, client_as):
    answer(globale="satisfait", age="65_plus")
    answer(globale="pas_satisfait", age="65_plus")
    answer(globale="satisfait", age="25_44", channel="paper")
    reader = client_as(org, Role.READER)
    detail = url("campaign_detail", org, campaign_id=campaign.pk)
    by_age = reader.get(detail, {"par": "age"})
    table = by_age.context["breakdown"]
    assert table.groups == ["25 à 44 ans", "65 ans ou plus"]
    globale = next(cells for question, cells in table.rows if question.key == "globale")
    assert [(cell.satisfied, cell.answers) for cell in globale] == [(1, 1), (1, 2)]
    by_channel = reader.get(detail, {"par": "canal"}).context["breakdown"]
    assert by_channel.groups == ["lien web", "questionnaire papier"]
    assert reader.get(detail, {"par": "inconnu"}).context["breakdown"] is None
