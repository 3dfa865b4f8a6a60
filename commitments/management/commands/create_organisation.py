"""Open a new town: organisation, framework of commitments, administrator's invitation."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email, validate_slug

from commitments.actions import create_organisation
from commitments.frameworks import available_frameworks
from commitments.models import Commitment
from core.models import HolidayZone, Organisation

METROPOLE_WORDS = {"", "metropole", "métropole"}


def holiday_zone(text: str) -> str:
    """ "" or "metropole" for metropolitan France, else a zone code of HolidayZone (57, 6AE, 971...)."""
    word = text.strip()
    if word.lower() in METROPOLE_WORDS:
        return HolidayZone.METROPOLE
    if word.upper() in HolidayZone.values:
        return word.upper()
    codes = ", ".join(code for code in HolidayZone.values if code)
    raise CommandError(f"Zone « {text} » inconnue : écrivez metropole ou l'un de ces codes : {codes}.")


class Command(BaseCommand):
    help = "Crée une organisation, charge son référentiel d'engagements et invite son administrateur."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="identifiant dans les adresses, par exemple ville-de-test")
        parser.add_argument("--name", required=True, help="nom affiché, par exemple « Ville de Test »")
        parser.add_argument("--zone", required=True, help="zone des jours fériés : metropole, 57, 6AE, 971...")
        parser.add_argument("--framework", default="qualivilles", choices=available_frameworks())
        parser.add_argument("--admin", required=True, help="adresse e-mail de l'administrateur invité")
        parser.add_argument(
            "--base-url", default="http://localhost:8000", help="adresse du site pour le lien d'invitation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        zone = holiday_zone(options["zone"])
        slug, email = options["slug"].strip(), options["admin"].strip()
        try:
            validate_slug(slug)
            validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if Organisation.objects.filter(slug=slug).exists():
            raise CommandError(f"Une organisation d'identifiant « {slug} » existe déjà : rien n'a été créé.")
        try:
            organisation = create_organisation(
                slug=slug,
                name=options["name"].strip(),
                holiday_zone=zone,
                framework_code=options["framework"],
                admin_email=email,
                base_url=options["base_url"],
            )
        except (ValidationError, ValueError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        count = Commitment.objects.for_org(organisation).count()
        self.stdout.write(f"Organisation « {organisation.name} » créée ({slug}) avec {count} engagements.")
        self.stdout.write(f"Invitation envoyée à {email}.")
