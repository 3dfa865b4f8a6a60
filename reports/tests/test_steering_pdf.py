"""The meeting pack, the minutes and the annual review as PDFs: their text carries the
hand-counted figures of reports/tests/steering_data.py, and nothing of the citizens."""

import datetime as dt
import re
import subprocess

import pytest

from commitments.models import Indicator, IndicatorValue
from improvement.meetings import add_decision, create_meeting, create_review, update_review
from reports.steering import annual_review_pdf, meeting_pack_pdf, minutes_pdf
from reports.tests.steering_data import CITIZEN, steering_town

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))]


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r" ?/ ?", "/", " ".join(text.split()))


def meeting(org, held_on, held=False, **fields):
    return create_meeting(
        organisation=org, actor=None, held_on=held_on, title="Comité de pilotage qualité", held=held, **fields
    )


def test_the_meeting_pack_covers_the_months_since_the_previous_meeting_held(org, tmp_path):
    steering_town(org)
    meeting(org, dt.date(2026, 9, 15), held=True)
    text = pdf_text(meeting_pack_pdf(meeting=meeting(org, dt.date(2026, 12, 10))), tmp_path)
    assert "du mardi 15 septembre 2026 au samedi 5 décembre 2026" in text
    assert "depuis le comité du 15/09/2026" in text
    # 16.2: September, October and November 2026 ended since, each 95 %; August ended before.
    assert "16.2 Taux de décroché" in text
    assert "3/3" in text and "95 %" in text
    # 8.2: October 2026, 12 min against ≤ 10 min.
    assert "12 min" in text and "Non atteint" in text
    # Complaints: 3 on commitment 16, 2 founded of 3 judged, and a suggestion.
    assert "3 réclamations reçues" in text and "66,7 %" in text and "1 suggestion" in text
    assert "Aucune enquête sur la période" in text
    # Actions: the late one and the effective one.
    assert "Former les agents au nouveau standard" in text and "30/09/2026" in text
    assert "A-2026-00002 Renfort téléphonique" in text and "92 95 efficace" in text
    assert CITIZEN not in text


def test_the_first_meeting_pack_covers_the_twelve_months_before(org, tmp_path):
    steering_town(org)
    text = pdf_text(meeting_pack_pdf(meeting=meeting(org, dt.date(2026, 3, 10))), tmp_path)
    assert "premier comité, les douze mois précédents" in text
    assert "du samedi 1er mars 2025" in text or "du samedi 1 mars 2025" in text
    # 16.2 from March 2025 to February 2026: March 2025 at 85 % missed the target.
    assert "11/12" in text


def test_the_minutes_list_attendees_agenda_and_decisions_with_their_action_numbers(org, tmp_path):
    actions = steering_town(org)
    owner = actions["late"].owner
    held = meeting(
        org,
        dt.date(2026, 11, 20),
        held=True,
        attendees="Mme Martin, directrice générale des services\nM. Durand, élu délégué",
        agenda="Résultats du téléphone",
        minutes="Le taux de décroché est remonté.",
    )
    add_decision(
        meeting=held,
        actor=None,
        text="Ouvrir une ligne de rappel.",
        title="Ligne de rappel",
        owner=owner,
        due_on=dt.date(2027, 1, 31),
    )
    text = pdf_text(minutes_pdf(meeting=held), tmp_path)
    assert "Mme Martin, directrice générale des services" in text and "M. Durand, élu délégué" in text
    assert "Résultats du téléphone" in text and "Le taux de décroché est remonté." in text
    assert "Ouvrir une ligne de rappel." in text and "A-2026-00004" in text and "31/01/2027" in text


def test_the_annual_review_compares_each_indicator_with_its_target_and_the_previous_year(org, tmp_path):
    steering_town(org)
    review = create_review(organisation=org, actor=None, year=2026)
    update_review(
        review=review,
        actor=None,
        seen_version=review.version,
        conclusions="Le téléphone progresse.",
        objectives="Tenir 95 % en 2027.",
    )
    text = pdf_text(annual_review_pdf(review=review), tmp_path)
    assert "Bilan annuel 2026" in text and "brouillon" in text
    # 16.2: 2025 = 2150 / 2400 = 89,58 %; 2026 so far 2090 / 2200 = 95 %.
    assert "89,58 %" in text and "95 %" in text and "+5,42 pts" in text
    assert "11/11" in text
    assert "l'année n'est pas terminée" in text
    assert "Le téléphone progresse." in text and "Tenir 95 % en 2027." in text
    assert CITIZEN not in text


def test_the_annual_review_of_a_complete_year_gives_verdicts(org, tmp_path):
    steering_town(org)
    text = pdf_text(annual_review_pdf(review=create_review(organisation=org, actor=None, year=2025)), tmp_path)
    # 16.2 in 2025: 89,58 % against ≥ 90 %: not met, 11 of 12 months met.
    assert "89,58 %" in text and "11/12" in text and "Non atteint" in text
    # 8.2 (a median: does not add up): every month met.
    assert "12/12" in text
    # One complaint in 2025 (March), founded.
    assert "1 réclamation reçue" in text


def test_the_documents_read_the_whole_towns_values_only_and_ignore_older_years(org, tmp_path):
    steering_town(org, large=True)
    meeting(org, dt.date(2026, 9, 15), held=True)
    pack = pdf_text(meeting_pack_pdf(meeting=meeting(org, dt.date(2026, 12, 10))), tmp_path)
    assert "3/3" in pack and "50 %" not in pack and "75 %" not in pack
    review = pdf_text(annual_review_pdf(review=create_review(organisation=org, actor=None, year=2025)), tmp_path)
    assert "89,58 %" in review and "75 %" in review  # 2024 at 75 %: the previous year of 2025


def test_the_pack_names_the_indicators_that_missed_their_target_on_its_first_page(org, tmp_path):
    steering_town(org)
    meeting(org, dt.date(2026, 9, 15), held=True)
    content = meeting_pack_pdf(meeting=meeting(org, dt.date(2026, 12, 10)))
    path = tmp_path / "pack.pdf"
    path.write_bytes(content)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Indicateurs sous leur cible" in first_page and "8.2 Attente médiane au guichet" in first_page
    assert "16.2" not in first_page


def test_survey_results_appear_when_a_survey_indicator_has_values(org, tmp_path):
    steering_town(org)
    survey = Indicator.objects.get(organisation=org, code="20.2")
    IndicatorValue.objects.create(
        organisation=org,
        indicator=survey,
        granularity=survey.granularity,
        period_start=dt.date(2025, 1, 1),
        numerator=87,
        denominator=100,
        value=87,
        sample_size=100,
    )
    text = pdf_text(meeting_pack_pdf(meeting=meeting(org, dt.date(2026, 3, 10))), tmp_path)
    assert "Aucune enquête sur la période" not in text
    assert "Résultats des enquêtes de satisfaction" in text and "20.2 Satisfaction globale (enquête)" in text
    assert "87 %" in text
