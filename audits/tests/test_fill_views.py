"""The fill pages through the client: « Mes grilles », the fill page with and without its
script, who may open a grid, and a submitted grid that nobody can change."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from accounts.testing import log_in_verified
from audits import fill
from audits.models import AssessmentStatus, CommitmentScore, CriterionAnswer, Rating
from audits.tests.factories import make_assessment
from audits.tests.images import image_upload, pdf_upload
from core.models import Membership, Role, User
from core.registries import landing_page

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 3, 10, tzinfo=PARIS)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def assessor_client(assessor):
    return log_in_verified(Client(), assessor)


@pytest.fixture
def tester(org):
    """An outside tester: fills the grids given to them, reaches nothing else, until an end date."""
    user = User.objects.create_user("testeur@exterieur.test", "x", full_name="Testeur extérieur")
    Membership.objects.create(organisation=org, user=user, role=Role.TESTER, ends_on=dt.date(2027, 1, 31))
    return user


def fill_url(assessment, name="audits:fill"):
    return reverse(name, args=[assessment.organisation.slug, assessment.pk])


def test_my_grids_lists_the_members_grids_still_to_fill_with_campaign_place_and_due_date(
    org, check_campaign, assessment, assessor, assessor_client, make_member
):
    make_assessment(check_campaign, make_member(org, Role.AGENT), due_on=dt.date(2026, 12, 20))  # someone else's
    done = make_assessment(check_campaign, assessor, due_on=dt.date(2026, 12, 1))
    done.status, done.checked_on, done.submitted_at = AssessmentStatus.SUBMITTED, dt.date(2026, 11, 30), NOW
    done.save()
    page = assessor_client.get(reverse("audits:my_grids", args=[org.slug])).content.decode()
    assert page.count('class="grid-list__item"') == 1
    assert fill_url(assessment) in page
    assert "Autoévaluation de décembre 2026" in page and "Hôtel de ville — Accueil" in page
    assert "15 décembre 2026" in page


def test_the_fill_page_shows_each_criterion_grouped_by_commitment_with_its_expected_answer(
    assessment, assessor_client, criteria
):
    page = assessor_client.get(fill_url(assessment)).content.decode()
    for criterion in criteria:
        assert escape(criterion.question) in page
    assert "Réponse attendue : Panneaux visibles depuis la rue" in page
    assert page.count('class="criterion"') == 4
    assert page.count('<section class="commitment"') == 2
    assert page.count('type="radio"') == 16
    assert "Les grilles évaluent le service, pas les agents" in page


def test_an_answer_sent_alone_is_saved_and_shown_after_a_reload(assessment, assessor_client, criteria):
    criterion = criteria[1]
    response = assessor_client.post(
        fill_url(assessment, "audits:fill_answer"),
        {"criterion": criterion.pk, f"c{criterion.pk}-rating": "partly", f"c{criterion.pk}-comment": "Affiche pâlie"},
    )
    assert response.status_code == 200 and response.json() == {"saved": True, "criterion": criterion.pk, "photo": False}
    answer = CriterionAnswer.objects.get()
    assert (answer.criterion, answer.rating, answer.comment) == (criterion, Rating.PARTLY, "Affiche pâlie")
    page = assessor_client.get(fill_url(assessment)).content.decode()
    assert f'name="c{criterion.pk}-rating" value="partly" id="id_c{criterion.pk}-rating_1" checked' in page
    assert "Affiche pâlie</textarea>" in page
    assert "1 critère répondu sur 4" in page


def test_a_photo_is_kept_with_its_answer_and_anything_but_an_image_is_refused_in_french(
    assessment, assessor_client, criteria
):
    criterion = criteria[0]
    url = fill_url(assessment, "audits:fill_answer")
    fields = {"criterion": criterion.pk, f"c{criterion.pk}-rating": "no"}
    refused = assessor_client.post(url, fields | {f"c{criterion.pk}-photo": pdf_upload("photo.jpg")})
    assert refused.status_code == 400
    assert "La photo doit être une image JPEG, PNG ou WebP" in refused.json()["message"]
    assert not CriterionAnswer.objects.exists()
    saved = assessor_client.post(url, fields | {f"c{criterion.pk}-photo": image_upload()})
    assert saved.json()["photo"] is True
    assert CriterionAnswer.objects.get().photo.name.endswith(".jpg")


def test_a_photo_is_kept_without_its_metadata_and_upright(assessment, assessor_client, criteria):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the phone was turned, the image must turn 90° to stand upright
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 7.0)}  # GPS latitude and longitude
    exif[0x0110] = "Téléphone de l'agent"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("hall.jpg", buffer.getvalue(), content_type="image/jpeg")
    criterion = criteria[0]
    fields = {"criterion": criterion.pk, f"c{criterion.pk}-rating": "no", f"c{criterion.pk}-photo": upload}
    assert assessor_client.post(fill_url(assessment, "audits:fill_answer"), fields).json()["photo"] is True
    with CriterionAnswer.objects.get().photo.open("rb") as kept, Image.open(kept) as image:
        assert (image.format, image.size) == ("JPEG", (30, 40))
        assert not image.getexif() and "exif" not in image.info


def test_a_photo_over_the_size_limit_is_refused(assessment, assessor_client, criteria, monkeypatch):
    from audits import fill_forms

    criterion = criteria[0]
    big = image_upload(size=(200, 200))
    monkeypatch.setattr(fill_forms, "PHOTO_MAX_BYTES", (big.size or 0) - 1)
    response = assessor_client.post(
        fill_url(assessment, "audits:fill_answer"),
        {"criterion": criterion.pk, f"c{criterion.pk}-rating": "no", f"c{criterion.pk}-photo": big},
    )
    assert response.status_code == 400
    assert "dépasse la taille maximale" in response.json()["message"]


def test_without_javascript_the_form_saves_every_answer_given_and_the_date(assessment, assessor_client, criteria):
    data = {"intent": "save", "checked_on": "2026-12-02"}
    data |= {f"c{criteria[0].pk}-rating": "yes", f"c{criteria[2].pk}-rating": "na"}
    response = assessor_client.post(fill_url(assessment), data)
    assert response.status_code == 302 and response["Location"] == fill_url(assessment)
    assert sorted(CriterionAnswer.objects.values_list("rating", flat=True)) == ["na", "yes"]
    assessment.refresh_from_db()
    assert (assessment.checked_on, assessment.status) == (dt.date(2026, 12, 2), AssessmentStatus.ASSIGNED)


def test_submitting_with_unanswered_criteria_lists_each_of_them_and_keeps_what_was_given(
    assessment, assessor_client, criteria
):
    data = {"intent": "submit", "checked_on": "2026-12-02", f"c{criteria[0].pk}-rating": "yes"}
    response = assessor_client.post(fill_url(assessment), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "3 critères n'ont pas de réponse" in page
    for criterion in criteria[1:]:
        assert f'<li><a href="#critere-{criterion.pk}">{escape(criterion.question)}</a></li>' in page
    assert CriterionAnswer.objects.count() == 1
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ASSIGNED


def test_submitting_a_complete_grid_stores_its_scores_and_lands_on_my_grids(org, assessment, assessor_client, criteria):
    data = {"intent": "submit", "checked_on": "2026-12-02"}
    data |= {f"c{criterion.pk}-rating": "yes" for criterion in criteria}
    response = assessor_client.post(fill_url(assessment), data)
    assert response.status_code == 302 and response["Location"] == reverse("audits:my_grids", args=[org.slug])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.checked_on) == (AssessmentStatus.SUBMITTED, dt.date(2026, 12, 2))
    assert CommitmentScore.objects.filter(assessment=assessment).count() == 2


def test_submitting_without_a_date_keeps_the_answers_and_says_only_the_date_is_wrong(
    assessment, assessor_client, criteria
):
    data = {"intent": "submit", "checked_on": ""} | {f"c{criterion.pk}-rating": "yes" for criterion in criteria}
    response = assessor_client.post(fill_url(assessment), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vos réponses sont enregistrées, mais la date du contrôle est à corriger" in page
    assert "Indiquez la date du contrôle." in page and "Certaines réponses n&#x27;ont pas été enregistrées" not in page
    assert CriterionAnswer.objects.filter(assessment=assessment).count() == len(criteria)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ASSIGNED


def test_a_submitted_grid_answers_409_to_every_change_and_says_why(assessment, assessor, assessor_client, criteria):
    for criterion in criteria:
        fill.save_answer(assessment=assessment, criterion=criterion, rating="yes", actor=assessor)
    fill.submit_assessment(assessment=assessment, checked_on=NOW.date(), actor=assessor, now=NOW, today=NOW.date())
    one = assessor_client.post(
        fill_url(assessment, "audits:fill_answer"), {"criterion": criteria[0].pk, f"c{criteria[0].pk}-rating": "no"}
    )
    assert one.status_code == 409 and "ne peut plus être modifiée" in one.json()["message"]
    whole = assessor_client.post(fill_url(assessment), {"intent": "save", f"c{criteria[0].pk}-rating": "no"})
    assert whole.status_code == 409 and "ne peut plus être modifiée" in whole.content.decode()
    day = assessor_client.post(fill_url(assessment, "audits:fill_date"), {"checked_on": "2026-12-01"})
    assert day.status_code == 409
    assert set(CriterionAnswer.objects.values_list("rating", flat=True)) == {"yes"}
    page = assessor_client.get(fill_url(assessment))
    assert page.status_code == 200 and "grille remise" in page.content.decode()


def test_the_date_sent_alone_is_kept_and_a_date_in_the_future_refused(assessment, assessor_client):
    url = fill_url(assessment, "audits:fill_date")
    assert assessor_client.post(url, {"checked_on": "2026-12-04"}).status_code == 400
    assert assessor_client.post(url, {"checked_on": "2026-12-01"}).json() == {"saved": True}
    assessment.refresh_from_db()
    assert assessment.checked_on == dt.date(2026, 12, 1)


def test_the_towns_staff_may_fill_any_of_its_grids(org, assessment, client_as):
    assert client_as(org, Role.AGENT).get(fill_url(assessment)).status_code == 200
    assert client_as(org, Role.QUALITY_MANAGER).get(fill_url(assessment)).status_code == 200


def test_a_tester_fills_only_the_grids_assigned_to_them_and_lands_on_them(org, check_campaign, assessment, tester):
    client = log_in_verified(Client(), tester)
    own = make_assessment(check_campaign, tester)
    assert client.get(fill_url(own)).status_code == 200
    assert client.get(fill_url(assessment)).status_code == 404
    answer = {"criterion": own.campaign.grid.criteria.get(position=1).pk}
    assert client.post(fill_url(assessment, "audits:fill_answer"), answer).status_code == 404
    assert client.post(fill_url(assessment, "audits:fill_date"), {"checked_on": "2026-12-01"}).status_code == 404
    assert landing_page(Membership.objects.get(user=tester)) == reverse("audits:my_grids", args=[org.slug])
    menu = client.get(reverse("audits:my_grids", args=[org.slug])).content.decode()
    assert f'<a href="/o/{org.slug}/controles/mes-grilles/" aria-current="page">Mes grilles</a>' in menu
    assert "Plan d&#x27;amélioration" not in menu
    # Past their end date, nothing opens.
    Membership.objects.filter(user=tester).update(ends_on=dt.date(2026, 12, 2))
    assert client.get(fill_url(own)).status_code == 404
    assert client.get(reverse("audits:my_grids", args=[org.slug])).status_code == 404


def test_the_other_members_keep_their_landing_page(org, assessor):
    assert landing_page(Membership.objects.get(user=assessor)) == reverse("dashboards:home", args=[org.slug])


def test_a_tester_cannot_type_in_a_paper_grid(org, check_campaign, tester):
    client = log_in_verified(Client(), tester)
    assert client.get(reverse("audits:paper_grid", args=[org.slug, check_campaign.pk])).status_code == 404


def test_a_reader_cannot_open_a_grid_to_fill(org, assessment, client_as):
    reader = client_as(org, Role.READER)
    assert reader.get(fill_url(assessment)).status_code == 403
    assert reader.get(reverse("audits:my_grids", args=[org.slug])).status_code == 403


def test_an_outsider_gets_404_on_every_fill_page(org, assessment, outsider_client, check_campaign):
    for url in (
        fill_url(assessment),
        fill_url(assessment, "audits:fill_answer"),
        fill_url(assessment, "audits:fill_date"),
        reverse("audits:my_grids", args=[org.slug]),
        reverse("audits:paper_grid", args=[org.slug, check_campaign.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {}).status_code == 404, url


def test_my_grids_and_the_fill_page_read_a_fixed_number_of_queries(
    org, check_campaign, assessment, assessor, assessor_client, criteria, page_queries
):
    my_grids = reverse("audits:my_grids", args=[org.slug])
    small = (page_queries(assessor_client, my_grids), page_queries(assessor_client, fill_url(assessment)))
    for _ in range(6):
        make_assessment(check_campaign, assessor)
    for criterion in criteria:
        fill.save_answer(assessment=assessment, criterion=criterion, rating="no", comment="Vu", actor=assessor)
    large = (page_queries(assessor_client, my_grids), page_queries(assessor_client, fill_url(assessment)))
    assert small == large
