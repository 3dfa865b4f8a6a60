"""Importing a spreadsheet of answers: the export reads back, labels or codes, a wrong cell
names its line and column and nothing is written."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Site
from documents.tabular import TableError
from surveys.imports import import_answers
from surveys.models import AnswerCount, Comment, Response

PARIS = ZoneInfo("Europe/Paris")
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)]


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_the_export_of_a_campaign_imports_back_into_another(org, campaign, answer, manager_client):
    answer(globale="satisfait", priorites=["attente", "horaires"], age="25_44")
    answer(globale="pas_satisfait", note="3")
    exported = manager_client.get(
        reverse("surveys:answer_export", args=[org.slug, campaign.pk]), {"format": "xlsx"}
    ).content
    Response.objects.all().delete()
    AnswerCount.objects.all().delete()
    upload = SimpleUploadedFile("reponses.xlsx", exported)
    page = manager_client.post(reverse("surveys:answer_import", args=[org.slug, campaign.pk]), {"file": upload})
    assert page.status_code == 302
    assert Response.objects.filter(channel="import").count() == 2
    satisfied = AnswerCount.objects.get(question__key="globale", code="satisfait", dimension="channel")
    assert satisfied.value == "import" and satisfied.count == 1
    assert AnswerCount.objects.get(question__key="priorites", code="horaires", dimension="channel").count == 1


def test_codes_labels_sites_and_comments_are_read(org, campaign):
    Site.objects.filter(organisation=org).update(name="Mairie annexe du Port")
    text = (
        "Jour;Site;globale;Que faudrait-il améliorer en priorité ?;commentaire\n"
        "02/12/2026;mairie annexe du port;Très satisfait;attente;Merci\n"
        "2026-12-03;;peu_satisfait;\"Le temps d'attente ; Les horaires d'ouverture\";\n"
    )
    assert import_answers(campaign=campaign, binary=csv_file(text), filename="r.csv") == 2
    first = Response.objects.order_by("pk").first()
    assert first is not None and first.site is not None and first.answered_on == dt.date(2026, 12, 2)
    assert Comment.objects.get().text == "Merci"
    assert AnswerCount.objects.get(question__key="priorites", code="horaires", dimension="channel").count == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "Jour;globale\n02/12/2026;Satisfait\n03/12/2026;Ravi\n",
            "ligne 3, colonne « globale » : réponse « Ravi » inconnue",
        ),
        ("Jour;globale\n31/12/2026;Satisfait\n", "ligne 2, colonne « Jour » : le 31/12/2026 est hors de l'enquête"),
        ("Jour;globale\n02/12/2026;\n", "ligne 2 : globale : Cette question demande une réponse."),
        ("Jour;couleur\n02/12/2026;bleu\n", "ligne 1 : colonne(s) inconnue(s) : couleur"),
        ("globale\nSatisfait\n", "colonne(s) manquante(s) : Jour"),
        ("Jour;Site;globale\n02/12/2026;Lune;Satisfait\n", "ligne 2, colonne « Site » : site « Lune » inconnu"),
    ],
)
def test_a_wrong_file_is_refused_with_its_line_and_column_and_nothing_is_written(campaign, rows, message):
    with pytest.raises(TableError) as refused:
        import_answers(campaign=campaign, binary=csv_file(rows), filename="r.csv")
    assert message in str(refused.value)
    assert not Response.objects.exists() and not AnswerCount.objects.exists()


def test_the_page_says_the_error_and_a_reader_cannot_import(org, campaign, manager_client, client_as):
    from core.models import Role

    upload = SimpleUploadedFile("r.csv", b"Jour;globale\n02/12/2026;Ravi\n")
    page = manager_client.post(reverse("surveys:answer_import", args=[org.slug, campaign.pk]), {"file": upload})
    assert "Fichier r.csv, ligne 2, colonne « globale » : réponse « Ravi » inconnue" in page.content.decode()
    assert "Rien n&#x27;a été enregistré" in page.content.decode()
    assert (
        client_as(org, Role.READER).get(reverse("surveys:answer_import", args=[org.slug, campaign.pk])).status_code
        == 403
    )
