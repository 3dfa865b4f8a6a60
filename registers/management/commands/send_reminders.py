"""E-mail each agent their overdue and due-soon items (cron, once a working day)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError

from core.models import Membership, Organisation, User
from core.workdays import calendar_for, french_date
from registers.reminders import ReminderItem, reminders_by_person

DEFAULT_SOON_DAYS = 2


class Command(BaseCommand):
    help = (
        "Envoie à chaque agent la liste de ses dossiers en retard et de ceux dont l'échéance est proche "
        "(à lancer chaque matin par cron)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", metavar="SLUG", help="une seule organisation (toutes par défaut)")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_SOON_DAYS,
            metavar="N",
            help="échéance proche : dans N jours ouvrés au plus (2 par défaut)",
        )
        parser.add_argument("--today", metavar="AAAA-MM-JJ", help="date du jour (pour rejouer un envoi)")
        parser.add_argument("--base-url", default="http://localhost:8000", help="adresse du site, pour les liens")
        parser.add_argument("--dry-run", action="store_true", help="afficher sans envoyer")

    def handle(self, *args: Any, **options: Any) -> None:
        replayed = _parse_today(options["today"])
        if options["days"] < 0 or options["days"] > 60:
            raise CommandError("--days doit être compris entre 0 et 60.")
        organisations = Organisation.objects.all()
        if options["org"]:
            organisations = organisations.filter(slug=options["org"])
            if not organisations.exists():
                raise CommandError(f"Organisation « {options['org']} » inconnue.")
        sent = 0
        for organisation in organisations:
            sent += self.send_for(organisation, replayed or organisation.today(), options)
        self.stdout.write(f"{sent} e-mail(s) de rappel {'à envoyer' if options['dry_run'] else 'envoyé(s)'}.")

    def send_for(self, organisation: Organisation, today: dt.date, options: dict[str, Any]) -> int:
        soon_until = calendar_for(organisation).add_working_days(today, options["days"])
        active = {
            membership.user_id
            for membership in Membership.objects.filter(organisation=organisation)
            if membership.is_active_on(today)
        }
        sent = 0
        for person, items in sorted(reminders_by_person(organisation, today, soon_until).items(), key=_by_email):
            if person.pk not in active or not person.is_active or not items:
                continue
            subject, body = reminder_message(organisation, person, items, today=today, base_url=options["base_url"])
            if options["dry_run"]:
                self.stdout.write(f"{person.email} : {len(items)} dossier(s)")
            else:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
            sent += 1
        return sent


def _by_email(entry: tuple[User, list[ReminderItem]]) -> str:
    return str(entry[0].email)


def _parse_today(text: str | None) -> dt.date | None:
    """The day given to replay a sending, or None for each town's own today."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Date « {text} » invalide : écrivez-la AAAA-MM-JJ.") from None


def reminder_message(
    organisation: Organisation, person: User, items: list[ReminderItem], *, today: dt.date, base_url: str
) -> tuple[str, str]:
    """The French subject and plain-text body of one person's reminder."""
    overdue = [item for item in items if item.is_overdue(today)]
    soon = [item for item in items if not item.is_overdue(today)]
    base = base_url.rstrip("/")
    lines = [
        f"Bonjour {person.full_name or person.email},",
        "",
        f"Voici les dossiers de {organisation.name} qui vous attendent ce {french_date(today)}.",
    ]
    if overdue:
        lines += ["", f"En retard ({len(overdue)}) :"]
        for item in overdue:
            lines.append(
                f"- {item.register} {item.reference} : {item.label}, échéance dépassée le {item.due_on:%d/%m/%Y}"
            )
            lines.append(f"  {base}{item.path}")
    if soon:
        lines += ["", f"Échéance proche ({len(soon)}) :"]
        for item in soon:
            lines.append(
                f"- {item.register} {item.reference} : {item.label}, à traiter au plus tard le {item.due_on:%d/%m/%Y}"
            )
            lines.append(f"  {base}{item.path}")
    lines += ["", "Ce message est envoyé chaque jour ouvré par Qualipilote."]
    subject = f"{organisation.name} : {len(overdue)} dossier(s) en retard, {len(soon)} à échéance proche"
    return subject, "\n".join(lines) + "\n"
