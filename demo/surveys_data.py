"""Two satisfaction surveys a year apart for a demo town, on the default Qualivilles
questionnaire: each April, on the web and on paper at the town hall and the annex. Most
questions are above 90 % satisfied; the wait and the opening hours fall short the first year
and the wait improves the second (the improvement plan's effect); comments, some moderated
and published, some still waiting with a citizen's name in them, one set aside.

Answers go through the product's own path (surveys.answers.record_responses), so the stored
counts and the indicators are what a real campaign gives."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from core.models import Organisation, Site
from surveys.actions import create_campaign, create_questionnaire_from_template, moderate_comment
from surveys.answers import Submission, campaign_questions, record_responses
from surveys.models import Campaign, Comment, Question, QuestionKind, Questionnaire

ANSWERS_A_CAMPAIGN = (180, 230)  # the first year's, then the second's
# The share of satisfied answers each question aims at, by year (first, second); the others 0.93.
SATISFIED = {"attente": (0.78, 0.88), "horaires": (0.86, 0.91), "signaletique": (0.9, 0.94)}
DEFAULT_SATISFIED = 0.93
NO_OPINION = 0.06
ASKED_BY_PHONE = 0.45
WROTE_TO_US = 0.3
COMMENTS = [
    (
        "Accueil très aimable, merci à l'agent de l'état civil.",
        "Accueil très aimable, merci à l'agent de l'état civil.",
    ),
    ("Trop d'attente le samedi matin, une seule personne au guichet.", "Trop d'attente le samedi matin."),
    (
        "Les panneaux vers l'annexe ne sont pas clairs depuis le parking.",
        "Les panneaux vers l'annexe ne sont pas clairs.",
    ),
    ("Mme Vidal (06 12 34 56 78) n'a jamais été rappelée pour son dossier.", ""),
    ("Ouvrir plus tard le jeudi soir serait pratique pour ceux qui travaillent.", "Ouvrir plus tard le jeudi soir."),
    ("Rien à redire, efficace et rapide.", "Rien à redire, efficace et rapide."),
    ("Personne ne répond au téléphone entre midi et deux.", "Personne ne répond au téléphone entre midi et deux."),
    ("Site internet à revoir, impossible de trouver les horaires.", ""),
]


def _choice(question: Question, satisfied: float, rng: random.Random) -> str:
    if question.kind == QuestionKind.YES_NO:
        return "oui" if rng.random() < satisfied else "non"
    if rng.random() < NO_OPINION:
        return "sans_avis"
    if rng.random() < satisfied:
        return "tres_satisfait" if rng.random() < 0.45 else "satisfait"
    return "peu_satisfait" if rng.random() < 0.75 else "pas_satisfait"


def drawn_choices(questions: list[Question], year_index: int, rng: random.Random) -> dict[str, list[str]]:
    """A respondent's answers drawn at random, by question key: the demo's two campaigns
    (`year_index` 0 or 1) and the survey benchmarks (bench/survey_*.py) use them."""
    choices: dict[str, list[str]] = {}
    for question in questions:
        if question.key == "telephone_utilise":
            choices[question.key] = ["oui" if rng.random() < ASKED_BY_PHONE else "non"]
        elif question.key == "courrier_utilise":
            choices[question.key] = ["oui" if rng.random() < WROTE_TO_US else "non"]
        elif question.shown_after is not None:
            if choices.get(question.shown_after.key) == [question.shown_if]:
                choices[question.key] = [_choice(question, DEFAULT_SATISFIED, rng)]
        elif question.kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
            satisfied = SATISFIED.get(question.key, (DEFAULT_SATISFIED, DEFAULT_SATISFIED))[year_index]
            choices[question.key] = [_choice(question, satisfied, rng)]
        elif question.kind == QuestionKind.SCORE:
            choices[question.key] = [str(min(10, max(0, round(rng.gauss(8, 1.4)))))]
        elif question.kind == QuestionKind.MULTIPLE and rng.random() < 0.6:
            codes = [code for code, _ in question.choices if code != "rien"]
            choices[question.key] = rng.sample(codes, k=rng.randint(1, 2))
        elif question.is_profile and rng.random() < 0.85:
            choices[question.key] = [rng.choice([code for code, _ in question.choices])]
    return choices


def _campaign(organisation: Organisation, questionnaire: Questionnaire, year: int, *, on_email: bool) -> Campaign:
    return create_campaign(
        organisation=organisation,
        actor=None,
        questionnaire=questionnaire,
        title=f"Enquête de satisfaction, avril {year}",
        opens_on=dt.date(year, 4, 1),
        closes_on=dt.date(year, 4, 30),
        on_web=True,
        on_paper=True,
        on_email=on_email,
    )


def _channel(campaign: Campaign, site: Site | None, number: int) -> str:
    """Paper at a counter; else the web, or one answer in four from an e-mail invitation when
    the campaign invites (the second year's: the town started inviting after closed requests)."""
    if site is not None:
        return "paper"
    return "email" if campaign.on_email and number % 4 == 0 else "web"


def add_surveys(organisation: Organisation, *, rng: random.Random, today: dt.date) -> list[Campaign]:
    """The two Aprils before `today` (a campaign still running is left out)."""
    last_april = today.year if today >= dt.date(today.year, 5, 1) else today.year - 1
    questionnaire = create_questionnaire_from_template(
        organisation=organisation, actor=None, today=dt.date(last_april - 1, 3, 15)
    )
    sites = list(Site.objects.for_org(organisation).order_by("pk"))
    campaigns = []
    for year_index, year in enumerate((last_april - 1, last_april)):
        campaign = _campaign(organisation, questionnaire, year, on_email=year_index == 1)
        submissions = drawn_submissions(campaign, sites, year_index, year, rng)
        record_responses(campaign=campaign, submissions=submissions)
        moderate_demo_comments(campaign, all_of_them=year_index == 0)
        campaigns.append(campaign)
    return campaigns


def drawn_submissions(
    campaign: Campaign, sites: list[Site], year_index: int, year: int, rng: random.Random
) -> Iterator[Submission]:
    """The campaign's responses, drawn one after the other as they are recorded."""
    questions = campaign_questions(campaign)
    for number in range(ANSWERS_A_CAMPAIGN[year_index]):
        day = dt.date(year, 4, 1) + dt.timedelta(days=rng.randint(0, 29))
        site = rng.choice(sites) if rng.random() < 0.55 else None  # paper at a counter, else the web
        texts = {}
        if number % 23 == 0:
            texts["commentaire"] = COMMENTS[(number // 23 + year_index) % len(COMMENTS)][0]
        yield Submission(
            _channel(campaign, site, number),
            day,
            site=site,
            choices=drawn_choices(questions, year_index, rng),
            texts=texts,
        )


def moderate_demo_comments(campaign: Campaign, *, all_of_them: bool) -> None:
    """Every comment of the first year moderated, half of the second's (the rest wait): each
    published as its text without personal data, or set aside when it has none."""
    published = dict(COMMENTS)
    for index, comment in enumerate(Comment.objects.filter(response__campaign=campaign).order_by("pk")):
        if all_of_them or index % 2 == 0:
            text = published.get(comment.text, "")
            moderate_comment(comment=comment, actor=None, publish=bool(text), published_text=text)
