from typing import Any

from django.core.management.base import BaseCommand

from demo.generator import DEMO_PASSWORD, demo_accounts


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration et leur mot de passe."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = demo_accounts()
        if not rows:
            self.stdout.write("Aucun compte de démonstration : lancez « python manage.py load_demo ».")
            return
        self.stdout.write(f"\nComptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD})")
        for slug, email, role in rows:
            self.stdout.write(f"  {slug:<16} {email:<36} {role}")
        self.stdout.write(
            "Double authentification : à la première connexion, les administrateurs et responsables qualité "
            "l'activent en scannant un code QR avec une application d'authentification (FreeOTP, Aegis...)."
        )
        self.stdout.write("")
