"""Importing a spreadsheet of answers (CSV, XLSX or ODS): questionnaires typed elsewhere, or
collected by another tool. The file has a "Jour" column (the day of each response), an
optional "Site" column (a site's name), and a column per question, headed by its text (as the
export writes it) or its code; an answer is its label ("Satisfait") or its code
("satisfait"), several separated by ";"; free texts become comments to moderate.

Read and checked whole first: one error names its line and column and nothing is written.
Then every response is recorded in one transaction (surveys.answers), channel "import"."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from core.closing import ImportClosing
from core.models import Site
from documents.tabular import Row, TableError, iter_rows, parse_date
from surveys.answers import Submission, campaign_questions, kept_answers, record_responses
from surveys.models import Campaign, Channel, Question, QuestionKind

DAY, SITE = "Jour", "Site"
MAX_ROWS = 20_000


def _columns(headers: list[str], questions: list[Question]) -> dict[str, Question]:
    """The question of each column, found by its text or its key; unknown columns are refused."""
    by_name = {question.text.strip(): question for question in questions} | {q.key: q for q in questions}
    known = {DAY, SITE, "Réponse", "Canal"}  # the export's own columns
    unknown = [header for header in headers if header not in by_name and header not in known]
    if unknown:
        raise TableError(
            f"colonne(s) inconnue(s) : {', '.join(unknown)} (ni le texte ni le code d'une question).", line=1
        )
    return {header: by_name[header] for header in headers if header in by_name}


def _codes(question: Question, text: str, row: Row, column: str) -> list[str]:
    by_label = {label.casefold(): code for code, label in question.choices} | {
        code: code for code, _ in question.choices
    }
    parts = [part.strip() for part in text.split(";") if part.strip()]
    codes = []
    for part in parts:
        code = by_label.get(part.casefold(), by_label.get(part))
        if code is None:
            offered = ", ".join(label for _, label in question.choices)
            raise TableError(
                f"réponse « {part} » inconnue ; réponses possibles : {offered}.", line=row.line, column=column
            )
        codes.append(code)
    return codes


def _submission(row: Row, columns: dict[str, Question], sites: dict[str, Site]) -> Submission:
    site_name = row.get(SITE)
    if site_name and site_name.casefold() not in sites:
        raise TableError(f"site « {site_name} » inconnu.", line=row.line, column=SITE)
    choices, texts = {}, {}
    for column, question in columns.items():
        value = row.get(column)
        if not value:
            continue
        if question.kind == QuestionKind.TEXT:
            texts[question.key] = value
        else:
            choices[question.key] = _codes(question, value, row, column)
    day = parse_date(row.get(DAY), line=row.line, column=DAY)
    return Submission(Channel.IMPORT, day, site=sites.get(site_name.casefold()), choices=choices, texts=texts)


def read_answers(
    campaign: Campaign, binary: IO[bytes], filename: str, closing: ImportClosing | None = None
) -> list[Submission]:
    """Every row as a submission, checked as `record_response` will check it; TableError else,
    as for a row of a closed year in the town's « refuser » mode (`closing` counts them in the
    « correction » mode, core.closing)."""
    closing = closing or ImportClosing.of(campaign.organisation)
    if not campaign.on_paper:
        raise TableError("cette enquête ne propose pas le questionnaire papier : cochez ce canal pour importer.")
    questions = campaign_questions(campaign)
    sites = {site.name.casefold(): site for site in Site.objects.for_org(campaign.organisation)}
    rows = iter_rows(binary, filename, required=[DAY])
    submissions: list[Submission] = []
    columns: dict[str, Question] | None = None
    for row in rows:
        if columns is None:
            columns = _columns(list(row.values), questions)
        if len(submissions) >= MAX_ROWS:
            raise TableError(f"plus de {MAX_ROWS} réponses : découpez le fichier.", line=row.line)
        submission = _submission(row, columns, sites)
        try:
            kept_answers(questions, submission)
        except ValidationError as refused:
            problem = "; ".join(f"{key} : {' '.join(messages)}" for key, messages in refused.message_dict.items())
            raise TableError(problem, line=row.line) from refused
        if not campaign.opens_on <= submission.answered_on <= campaign.closes_on:
            raise TableError(
                f"le {submission.answered_on:%d/%m/%Y} est hors de l'enquête "
                f"(du {campaign.opens_on:%d/%m/%Y} au {campaign.closes_on:%d/%m/%Y}).",
                line=row.line,
                column=DAY,
            )
        if closing.closing_of_day(submission.answered_on) is not None:
            if not closing.corrects:
                raise TableError(closing.line_refusal(submission.answered_on), line=row.line, column=DAY)
            closing.count(submission.answered_on)
        submissions.append(submission)
    if not submissions:
        raise TableError("le fichier ne contient aucune réponse.")
    return submissions


@transaction.atomic
def import_answers(*, campaign: Campaign, binary: IO[bytes], filename: str) -> int:
    """Record every response of the file, or none; returns how many. Its responses of a closed
    year are kept as one correction per year in the « correction » mode (core.closing)."""
    closing = ImportClosing.of(campaign.organisation)
    recorded = record_responses(campaign=campaign, submissions=read_answers(campaign, binary, filename, closing))
    closing.record(actor=None, instance=campaign, label=filename, metric_prefix="surveys")
    return recorded
