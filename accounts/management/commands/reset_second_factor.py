"""manage.py reset_second_factor EMAIL: remove a person's second factor (a lost phone and no
recovery code left); they enrol again at their next login. Written in each of their towns'
journals, by "système"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.second_factor import reset_second_factor
from core.models import Organisation, User


class Command(BaseCommand):
    help = "Réinitialise la double authentification d'une personne (elle la réactivera à sa prochaine connexion)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="adresse e-mail de la personne")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour l'adresse {email}.")
        towns = list(Organisation.objects.filter(membership__user=user).order_by("slug"))
        removed = reset_second_factor(user=user, actor=None, organisations=towns)
        if removed:
            self.stdout.write(
                f"Double authentification de {user.email} réinitialisée ({removed} appareil(s) supprimé(s))."
            )
        else:
            self.stdout.write(f"{user.email} n'avait pas de double authentification : rien à réinitialiser.")
