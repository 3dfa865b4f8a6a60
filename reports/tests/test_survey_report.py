"""The results report of a survey campaign as a tagged PDF: its text (read back with pdftotext)
carries the cover, the method, each question's share and interval, the commitments judged only
on a complete period, the comparison with the previous campaign and the published comments,
never a comment as written; every member reads it, an outsider gets 404; it reads stored
counts, so a campaign of 100,000 answers costs what a small one does."""

import datetime as dt
import re
import subprocess
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.frameworks import load_framework
from core.models import Role
from documents.pdf import DOCUMENTS_CACHE
from reports.survey_charts import answer_bars
from reports.survey_report import Cell, survey_report, survey_results_pdf
from surveys.actions import create_campaign, create_questionnaire_from_template, moderate_comment
from surveys.answers import Submission, campaign_changed, campaign_questions, count_rows, raise_counts, record_response
from surveys.models import Campaign, Comment, Response

pytestmark = pytest.mark.django_db
AFTER_THE_YEAR = pytest.mark.time_machine(dt.datetime(2027, 2, 10, 9, tzinfo=dt.UTC))
DURING_THE_YEAR = pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))
RAW_COMMENT = "L'agent M. Dupont, 06 12 34 56 78, a été très aimable."
PUBLISHED_COMMENT = "L'agent a été très aimable."
PENDING_COMMENT = "Texte en attente de relecture : Mme Martin, 3 rue des Lilas."
HIDDEN_COMMENT = "Texte écarté par la modération."


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def campaign_of(org, questionnaire, title, opens_on, closes_on) -> Campaign:
    return create_campaign(
        organisation=org,
        actor=None,
        questionnaire=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        on_web=True,
        on_paper=True,
    )


def record(campaign, day, channel="web", texts=None, **choices):
    codes = {key: [value] for key, value in choices.items()}
    return record_response(
        campaign=campaign, submission=Submission(channel, day, choices=codes, texts=texts or {}), notify=False
    )


def surveyed_town(org, django_capture_on_commit_callbacks, *, closes_on=dt.date(2026, 11, 30)):
    """April 2026: 100 answers, 45 satisfied overall. November 2026: 100 answers, 60 satisfied
    overall, everyone very satisfied with the signage, 3 not very satisfied with courtesy (a
    count under 5), 70 who did not call the town hall; three comments, one of each moderation."""
    load_framework(organisation=org, code="qualivilles")
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=dt.date(2026, 3, 1))
    april = campaign_of(org, questionnaire, "Enquête d'avril 2026", dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    november = campaign_of(org, questionnaire, "Enquête de novembre 2026", dt.date(2026, 11, 2), closes_on)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(100):
            record(april, dt.date(2026, 4, 10), globale="satisfait" if index < 45 else "pas_satisfait")
        for index in range(100):
            choices = {
                "globale": "satisfait" if index < 60 else "pas_satisfait",
                "signaletique": "tres_satisfait",
                "courtoisie": "peu_satisfait" if index < 3 else "satisfait",
                "telephone_utilise": "non" if index < 70 else "oui",
            }
            record(november, dt.date(2026, 11, 3 + index % 20), "paper" if index < 30 else "web", **choices)
        record(november, dt.date(2026, 11, 25), globale="satisfait", texts={"commentaire": RAW_COMMENT})
        record(november, dt.date(2026, 11, 26), globale="satisfait", texts={"commentaire": PENDING_COMMENT})
        record(november, dt.date(2026, 11, 27), globale="satisfait", texts={"commentaire": HIDDEN_COMMENT})
        campaign_changed(april)
        campaign_changed(november)
    comments = {comment.text: comment for comment in Comment.objects.filter(organisation=org)}
    moderate_comment(comment=comments[RAW_COMMENT], actor=None, publish=True, published_text=PUBLISHED_COMMENT)
    moderate_comment(comment=comments[HIDDEN_COMMENT], actor=None, publish=False)
    return november


@AFTER_THE_YEAR
def test_the_report_gives_the_cover_the_method_and_each_questions_share_with_its_interval(
    org, django_capture_on_commit_callbacks, tmp_path
):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    text = pdf_text(survey_results_pdf(november), tmp_path)
    assert org.name in text and "Résultats de l'enquête de satisfaction" in text
    assert "Enquête de novembre 2026" in text and "Enquête du lundi 2 novembre 2026 au lundi 30 novembre 2026" in text
    assert "103 réponses" in text
    # Method: 30 on paper, 73 on the web; answers from 3 to 27 November.
    assert "Questionnaire papier 30" in text and "Lien web 73" in text
    assert "réponses reçues du mardi 3 novembre 2026 au vendredi 27 novembre 2026" in text
    # Overall: 63 satisfied of 103, Wilson 95 % from 51.5 % to 70.0 % (statistics.wilson_interval).
    assert "61,2 % de satisfaits (intervalle de confiance à 95 % : 51,5 % à 70 %" in text
    assert "103 réponses hors « sans avis »" in text
    # Courtesy: 3 "peu satisfait" answers, a count under 5, hidden.
    courtesy = text.split("L'accueil a-t-il été courtois et attentif ?")[-1][:600]
    assert re.search(r"Peu satisfait <\s?5", courtesy) and re.search(r"Pas du tout satisfait 0 0\s?%", courtesy)


@AFTER_THE_YEAR
def test_a_routing_question_shows_its_answers_without_a_satisfaction_share(
    org, django_capture_on_commit_callbacks, tmp_path
):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    routing = next(question for question in survey_report(november).questions if question.key == "telephone_utilise")
    assert routing.satisfaction is None and routing.routes
    text = pdf_text(survey_results_pdf(november), tmp_path)
    block = text.split("Avez-vous appelé la mairie au cours des trois derniers mois ?")[-1][:300]
    assert "Question d'orientation" in block and "de satisfaits (intervalle" not in block


@AFTER_THE_YEAR
def test_the_commitments_are_judged_on_the_complete_year_of_the_closing_day(
    org, django_capture_on_commit_callbacks, tmp_path
):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    lines = {line.indicator.code: line for line in survey_report(november).commitments}
    # 2026: both campaigns; overall (45 + 63) / 203 = 53.2 %, under 90 %; signage 100 %.
    overall = lines["20.2"].value
    assert lines["20.2"].status == "not_met" and overall is not None and round(overall.value or 0, 1) == 53.2
    assert lines["1.2"].status == "met" and lines["20.1"].status == "met"
    text = pdf_text(survey_results_pdf(november), tmp_path)
    assert "20.2 Satisfaction globale (enquête) 61,2 % 53,2 % ≥ 90 % Non atteint" in text
    assert "Engagements non atteints : " in text and "en cours" not in text.lower().split("engagements mesurés")[1]


@DURING_THE_YEAR
def test_a_campaign_of_a_year_not_over_gets_no_verdict(org, django_capture_on_commit_callbacks, tmp_path):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    assert {line.status for line in survey_report(november).commitments} <= {"in_progress", "no_data"}
    text = pdf_text(survey_results_pdf(november), tmp_path)
    commitments = text.split("Engagements mesurés par l'enquête")[1].split("Comparaison avec")[0]
    assert "L'année 2026 n'est pas terminée" in commitments and "En cours" in commitments
    assert "Non atteint" not in commitments and "Atteint" not in commitments


@AFTER_THE_YEAR
def test_the_comparison_gives_the_change_and_whether_it_is_significant(
    org, django_capture_on_commit_callbacks, tmp_path
):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    text = pdf_text(survey_results_pdf(november), tmp_path)
    comparison = text.split("Comparaison avec l'enquête précédente")[-1].split("Commentaires")[0]
    # 45 % of 100 in April, 61.2 % of 103 in November: +16.2 points, z = 2.29 > 1.96.
    assert "« Enquête d'avril 2026 »" in comparison and "du mercredi 1er avril 2026" in text
    assert "45 % (n = 100) 61,2 % (n = 103) +16,2 pts oui" in comparison


@AFTER_THE_YEAR
def test_only_published_comments_appear_and_no_citizen_data(org, django_capture_on_commit_callbacks, tmp_path):
    november = surveyed_town(org, django_capture_on_commit_callbacks)
    text = pdf_text(survey_results_pdf(november), tmp_path)
    assert PUBLISHED_COMMENT in text and "1 commentaire publié" in text
    for unpublished in (RAW_COMMENT, PENDING_COMMENT, HIDDEN_COMMENT, "Dupont", "06 12 34 56 78", "Martin"):
        assert unpublished not in text


@AFTER_THE_YEAR
def test_the_pdf_is_tagged_for_accessibility(org, django_capture_on_commit_callbacks, tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(survey_results_pdf(surveyed_town(org, django_capture_on_commit_callbacks)))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info  # the catalogue's MarkInfo
    assert "Title:           Résultats de l'enquête de satisfaction « Enquête de novembre 2026 »" in info
    # The structure tree (StructTreeRoot): headings, each chart a figure, each data table a table.
    tree = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True).stdout
    elements = [line.split()[0].rstrip(":") for line in tree.splitlines() if line.strip()]
    assert elements.count("H1") == 1 and elements.count("Figure") >= 3 and elements.count("Table") >= 5


@DURING_THE_YEAR
def test_every_member_downloads_the_report_and_an_outsider_gets_404(org, client_as, outsider_client):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=dt.date(2026, 3, 1))
    campaign = campaign_of(org, questionnaire, "Enquête", dt.date(2026, 12, 1), dt.date(2026, 12, 20))
    record(campaign, dt.date(2026, 12, 2), globale="satisfait")
    url = reverse("reports:survey_results_pdf", args=[org.slug, campaign.pk])
    reader = client_as(org, Role.READER)
    for client in (reader, client_as(org, Role.AUDITOR), client_as(org, Role.QUALITY_MANAGER)):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "resultats-enquete-2026-12" in response["Content-Disposition"]
    assert outsider_client.get(url).status_code == 404
    assert reader.post(url).status_code in (403, 405)
    page = reader.get(reverse("surveys:campaign_detail", args=[org.slug, campaign.pk]))
    assert url in page.content.decode()


def stored_answers(campaign: Campaign, count: int) -> None:
    """`count` responses as the recording leaves them (responses and stored counts), written in
    bulk: the report reads the counts and the responses' channels and days, never the answers."""
    questions = campaign_questions(campaign)
    by_key = {question.key: question for question in questions}
    scale = ["tres_satisfait", "satisfait", "satisfait", "peu_satisfait", "pas_satisfait", "sans_avis"]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Response._meta.db_table} (organisation_id, campaign_id, channel, answered_on) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [
                (campaign.organisation_id, campaign.pk, "web", campaign.opens_on + dt.timedelta(days=index % 20))
                for index in range(count)
            ],
        )
    rows: dict[tuple[int, str, str, str], int] = {}
    for index, code in enumerate(scale):
        kept = {by_key[key].pk: [code] for key in ("globale", "signaletique", "courtoisie", "locaux", "horaires")}
        for row, one in count_rows(questions, kept, channel="web", site=None).items():
            rows[row] = rows.get(row, 0) + one * (count // len(scale) + (index < count % len(scale)))
    raise_counts(campaign, rows.items())


@DURING_THE_YEAR
def test_a_campaign_of_100000_answers_reads_as_many_queries_as_a_small_one(org, capsys):
    load_framework(organisation=org, code="qualivilles")
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=dt.date(2026, 3, 1))
    campaign_of(org, questionnaire, "Ancienne", dt.date(2026, 9, 1), dt.date(2026, 9, 20))  # each has a previous one
    small = campaign_of(org, questionnaire, "Petite", dt.date(2026, 10, 1), dt.date(2026, 10, 20))
    large = campaign_of(org, questionnaire, "Grande", dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    stored_answers(small, 12)
    stored_answers(large, 100_000)

    def measured(campaign, kept=False):
        campaign = Campaign.objects.select_related("organisation", "questionnaire").get(pk=campaign.pk)
        if not kept:
            caches[DOCUMENTS_CACHE].clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            content = survey_results_pdf(campaign)
            elapsed = time.perf_counter() - started
        return len(queries), elapsed, content

    survey_results_pdf(Campaign.objects.get(pk=small.pk))  # warm: templates, fonts
    small_queries, small_seconds, _ = measured(small)
    large_queries, large_seconds, _ = measured(large)
    kept_queries, kept_seconds, _ = measured(large, kept=True)
    assert small_queries == large_queries == kept_queries <= 12
    report = survey_report(Campaign.objects.get(pk=large.pk))
    assert report.results.responses == 100_000 and report.method.channels[0].count == 100_000
    # Drawing costs seconds whatever the size (WeasyPrint, on shared cores: a loose bound); what
    # the size could change, the figures read before drawing, is the kept download's cost.
    assert large_seconds < 15 and kept_seconds < 1.0, (small_seconds, large_seconds, kept_seconds)
    with capsys.disabled():
        print(
            f"\nsurvey results PDF: 12 answers {small_seconds:.2f} s, 100 000 answers {large_seconds:.2f} s, "
            f"100 000 answers kept {kept_seconds * 1000:.0f} ms"
        )


@DURING_THE_YEAR
def test_the_pdf_is_kept_until_what_it_shows_changes(org):
    questionnaire = create_questionnaire_from_template(organisation=org, actor=None, today=dt.date(2026, 3, 1))
    campaign = campaign_of(org, questionnaire, "Enquête", dt.date(2026, 12, 1), dt.date(2026, 12, 20))
    record(campaign, dt.date(2026, 12, 2), globale="satisfait")
    first = survey_results_pdf(campaign)
    started = time.perf_counter()
    assert survey_results_pdf(campaign) == first
    assert time.perf_counter() - started < 0.5  # read back, not drawn again (a draw takes seconds)
    record(campaign, dt.date(2026, 12, 3), globale="pas_satisfait")
    assert survey_results_pdf(campaign) != first


def test_a_count_of_one_to_four_is_hidden_and_a_zero_is_shown():
    assert [Cell("satisfait", "Satisfait", count, None).shown for count in (0, 1, 4, 5)] == [True, False, False, True]


def test_a_hidden_answer_has_no_bar_in_the_chart_and_each_text_is_escaped():
    svg = answer_bars(
        [("satisfait", "Satisfait", 0.75), ("peu_satisfait", "<Peu> satisfait", None)], title="Q « x »", judged=True
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Q « x »</title>" in svg
    assert svg.count("<rect") == 3  # two tracks, one bar: the hidden answer has none
    assert "&lt; 5" in svg and "&lt;Peu&gt; satisfait" in svg and "75\u00a0%" in svg
    assert "style=" not in svg
