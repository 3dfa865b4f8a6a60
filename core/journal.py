"""How the audit trail reads in French: the one table of action labels, the person behind an
event, and its moment in the town's time.

Actions are stored as short English codes (`create`, `update`, a workflow step's name such as
`acknowledge`); every page, history block and export shows them through `action_label`. A
code written by new code but missing here shows as itself with a visible mark, and a test
walks every workflow's transitions table so that no step is missed."""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ObjectDoesNotExist

from core.models import User

SYSTEM = "système"

ACTION_LABELS: dict[str, str] = {
    # Any record
    "create": "création",
    "update": "modification",
    "delete": "suppression",
    "correction": "correction",
    "import": "import",
    "import_replace": "import en remplacement (appels de la période supprimés puis réimportés)",
    "anonymise": "anonymisation",
    "settings": "modification des paramètres",
    "invite": "invitation",
    # Accounts (two-factor login)
    "reset_second_factor": "réinitialisation de la double authentification",
    # Indicator values (commitments) and phone calls entered by hand (telephony)
    "enter": "saisie",
    "compute": "calcul",
    "tally": "relevé d'appel",
    # Survey comments (surveys): published without personal data, or set aside
    "moderate": "modération",
    # Survey campaigns (surveys): the day's e-mail invitations, counted (never the addresses)
    "email_invitations": "envoi des invitations par courriel",
    # The addresses set aside from the e-mail invitations (surveys/refusals.py), counted only
    "refuse_invitations": "adresse écartée des invitations aux enquêtes",
    "restore_invitations": "adresse remise dans les invitations aux enquêtes",
    # Register workflows: written requests (correspondence) and act requests (civil_registry)
    "register": "enregistrement",
    "acknowledge": "accusé de réception",
    "holding_reply": "réponse d'attente",
    "answer": "réponse",
    "close": "clôture",
    "reopen": "réouverture",
    "reassign": "réattribution",
    "edit": "modification",
    "deliver": "délivrance",
    "refuse": "refus",
    # Complaints
    "judge": "décision sur le bien-fondé",
    # Counter tickets (reception)
    "call": "appel",
    "recall": "rappel",
    "start": "début du service",
    "end": "fin du service",
    "leave": "départ sans être servi",
    "redirect": "réorientation",
    "close_at_closing": "clôture à la fermeture (parti sans être servi)",
    # Appointments (appointments): "start" and "end" as for counter tickets
    "book": "réservation du rendez-vous",
    "import_appointment": "import du rendez-vous",
    "move_booking": "déplacement du rendez-vous",
    "check_in": "arrivée de l'usager",
    "no_show": "absence de l'usager",
    "cancel_booking": "annulation du rendez-vous",
    # Improvement actions (improvement)
    "plan": "planification",
    "begin": "démarrage",
    "complete": "réalisation",
    "confirm_effective": "efficacité vérifiée",
    "find_ineffective": "constat de non-efficacité",
    "relaunch": "relance",
    "cancel": "abandon",
    # Steering committee and annual review (improvement.meetings)
    "add_decision": "décision du comité enregistrée (action d'amélioration ouverte)",
    "validate_review": "validation du bilan annuel (document figé)",
    # The auditor's notes on the year under audit (improvement.audit_notes)
    "write_audit_note": "remarque d'audit notée",
    "accept_audit_note": "remarque d'audit acceptée (action d'amélioration ouverte)",
    "decline_audit_note": "remarque d'audit écartée",
    # Whole-register runs, recorded on the town
    "import_requests": "import du registre des courriers",
    "import_act_requests": "import du registre des demandes d'actes",
    "import_act_errors": "import du registre des erreurs d'actes",
    "anonymise_requests": "anonymisation des courriers clos",
    "recompute_request_due_dates": "recalcul des échéances des courriers",
    "recompute_act_due_dates": "recalcul des échéances des demandes d'actes",
    "recompute_complaint_due_dates": "recalcul des échéances des réclamations",
    "recompute_ring_waits": "recalcul des attentes comptées en sonneries",
    "calendar_change": "changement du calendrier",
    # Logins, recorded on the person in each of their towns (core/login_journal.py)
    "login": "connexion",
    "login_failed": "échec de connexion",
    "lockout": "blocage des connexions",
    "unlock": "déblocage des connexions",
    # Kiosk tablets (core.kiosk): paired with their one-time code, revoked by the quality manager
    "pair": "appairage de la borne",
    "revoke": "révocation de la borne",
    # Check grids (audits/fill.py): an answer saved, a grid submitted, a paper grid typed in
    "answer_criterion": "réponse à un critère de la grille",
    "date_check": "date du contrôle saisie",
    "submit_grid": "remise de la grille",
    "enter_paper_grid": "saisie d'une grille papier",
    # The training roster (training): an agent's last day in post
    "depart": "départ de l'agent",
    # Closed years (core.closing, commitments.closing): closing, reopening, a correction after closing
    "close_year": "clôture de l'exercice (valeurs figées)",
    "reopen_year": "réouverture de l'exercice",
    "correct_after_closing": "correction après clôture de l'exercice",
    # Invitations answered by the person invited (administration.Invitation)
    "accept_invitation": "invitation acceptée",
    "decline_invitation": "invitation refusée",
}

# The French names of the values an event stores that are no field of its object (the counts
# of a `calendar_change`, keyed by core.registries.CALENDAR_LISTENERS).
VALUE_LABELS: dict[str, str] = {
    "calendar_change": "changement",
    "telephony": "appels rejugés (présentés ou hors horaires)",
    "correspondence": "échéances de courriers déplacées",
    "civil_registry": "échéances de demandes d'actes déplacées",
    "complaints": "réclamations dont une échéance a bougé",
    # Login events (core/login_journal.py)
    "client_address": "adresse du poste",
    "failures": "échecs de connexion",
    # E-mail invitations of a survey campaign (surveys/invitations.py)
    "invitations_sent": "invitations envoyées",
    # A questionnaire duplicated as a new version (surveys.editor): the id of the original
    "copied_from": "copie du questionnaire n°",
    # A grid duplicated as a new version (audits.editor): the id of the original
    "copied_from_grid": "copie de la grille n°",
    # The addresses set aside from them (surveys/refusals.py): the town's count after the change
    "invitation_refusals": "adresses écartées des invitations",
    # An answer to a grid's criterion and a grid's scores, recorded on the grid (audits/fill.py)
    "criterion": "critère",
    "rating": "réponse",
    "comment": "commentaire",
    "photo": "photo",
    "scores": "points par engagement (obtenus/possibles)",
    # A closed year (core.closing): its closing and the corrections after it, on each record
    "exercice": "exercice",
    "correction_step": "modification corrigée",
    "lignes": "lignes du fichier",
}


# Events keep the object type they were written with; a model that moved to another app is
# read under its new name (docs/adr/0006-core-is-the-core.md).
MOVED_MODELS = {"core.importsource": "imports.importsource", "core.importrun": "imports.importrun"}


def action_label(code: str) -> str:
    """The French label of an action code; a code missing from the table shows as itself,
    marked, rather than passing for French."""
    label = ACTION_LABELS.get(code)
    return label if label is not None else f"{code} (action sans libellé)"


class Acted(Protocol):
    """A trail or log row: who did it (None for the system or an account since deleted)."""

    @property
    def actor(self) -> User | None: ...


def person_name(row: Acted) -> str:
    """Who did it, by name: the person's full name, else their e-mail; "système" when nobody.
    A deleted account keeps the e-mail the row was written with (`actor_label`)."""
    try:
        actor = row.actor
    except ObjectDoesNotExist:  # the trail keeps the id of a deleted account
        actor = None
    if actor is not None:
        return actor.full_name or actor.email
    label: str = getattr(row, "actor_label", "") or ""
    return label or SYSTEM
