"""Write the telephone traffic survey PDF of a town for a span of days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import Organisation, Site
from reports.documents import survey_pdf
from reports.telephony_survey import MAX_SPAN_DAYS, SurveyRequest, build_survey
from telephony.models import PhoneLine


def parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} : date « {text} » illisible, écrivez AAAA-MM-JJ (par exemple 2026-03-09)."
        ) from None


def parse_agents(texts: list[str], lines: dict[str, PhoneLine]) -> dict[str, int]:
    """`--agents accueil=2` as {"accueil": 2}."""
    agents = {}
    for text in texts:
        code, _, count = text.partition("=")
        if code not in lines:
            raise CommandError(f"--agents : ligne « {code} » inconnue ; lignes : {', '.join(lines) or 'aucune'}.")
        if not count.isdigit() or int(count) > 99:
            raise CommandError(f"--agents : nombre d'agents « {count} » invalide pour la ligne {code} (0 à 99).")
        agents[code] = int(count)
    return agents


def parse_site(organisation: Organisation, code: str | None) -> Site | None:
    """`--site mairie-annexe-du-port`: a site named by its code (the slug of its name)."""
    if code is None:
        return None
    sites = {site.code: site for site in Site.objects.for_org(organisation).order_by("name")}
    if code not in sites:
        raise CommandError(f"--site : site « {code} » inconnu ; sites : {', '.join(sites) or 'aucun'}.")
    return sites[code]


class Command(BaseCommand):
    help = "Écrit le rapport PDF de l'enquête d'affluence téléphonique d'une organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="identifiant de l'organisation")
        parser.add_argument("--from", dest="start", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--to", dest="end", required=True, help="dernier jour inclus, AAAA-MM-JJ")
        parser.add_argument("--output", required=True, help="fichier PDF à écrire")
        parser.add_argument(
            "--line", action="append", default=[], help="code d'une ligne (répétable) ; toutes par défaut"
        )
        parser.add_argument(
            "--site",
            help="code d'un site (mairie annexe, mairie de quartier) : les lignes de ses services ; "
            "toute la ville par défaut",
        )
        parser.add_argument(
            "--agents",
            action="append",
            default=[],
            help="agents présents sur une ligne, CODE=N (répétable) ; 1 par défaut",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"Organisation « {options['org']} » introuvable.")
        start, end = parse_day(options["start"], "--from"), parse_day(options["end"], "--to")
        if end < start:
            raise CommandError("--to doit suivre --from.")
        if (end - start).days >= MAX_SPAN_DAYS:
            raise CommandError(f"Une enquête couvre au plus {MAX_SPAN_DAYS} jours.")
        lines = {line.code: line for line in PhoneLine.objects.for_org(organisation).select_related("service")}
        unknown = [code for code in options["line"] if code not in lines]
        if unknown:
            raise CommandError(f"--line : ligne « {unknown[0]} » inconnue ; lignes : {', '.join(lines) or 'aucune'}.")
        request = SurveyRequest(
            organisation=organisation,
            start=start,
            end=end,
            lines=tuple(lines[code] for code in options["line"]),
            agents_present=parse_agents(options["agents"], lines),
            site=parse_site(organisation, options["site"]),
        )
        survey = build_survey(request)
        output = Path(options["output"])
        try:
            output.write_bytes(survey_pdf(survey))
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {output} » : {error.strerror}.") from error
        where = f" au site {survey.site.name}" if survey.site else ""
        self.stdout.write(
            f"Rapport écrit dans {output} : {survey.total.presented} appels présentés{where} "
            f"du {survey.start_label} au {survey.end_label}."
        )
