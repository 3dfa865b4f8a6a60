"""Two years of complaints and suggestions for a demo town, from every channel, with the
patterns a real register shows: more after the summer and in January, fewer in August,
counter and phone complaints on working days only, web forms any day; most acknowledged
within 2 working days and answered within 10 (15 for letters), a few late, the last weeks
still open; about half found justified, some opening an improvement action.

Rows are written with bulk_create, with their status log and audit events; no indicator is
computed here (the caller recomputes)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from complaints.actions import AUDIT_FIELDS
from complaints.deadlines import set_due_dates
from complaints.models import (
    Channel,
    Complaint,
    ComplaintSettings,
    ComplaintTransition,
    Justified,
    Kind,
    Status,
    new_tracking_number,
)
from core.audit import snapshot
from core.localtime import aware_local
from core.models import AuditEvent, Membership, Organisation, Role, Service, User
from core.registries import commitment_choices
from core.workdays import WorkingCalendar, calendar_for

COMPLAINTS_A_YEAR = 170
MONTH_FACTOR = (1.2, 1.0, 1.0, 0.95, 0.9, 1.0, 0.8, 0.55, 1.25, 1.1, 1.05, 0.9)
CHANNELS = (
    (Channel.COUNTER, 0.22),
    (Channel.PHONE, 0.2),
    (Channel.LETTER, 0.13),
    (Channel.EMAIL, 0.25),
    (Channel.WEB, 0.2),
)
SUGGESTION_SHARE = 0.15
LATE_ACK_SHARE = 0.05
LATE_ANSWER_SHARE = 0.07
BATCH = 1000

# Citizens: names unlike the demo agents' (the isolation test looks for those).
CITIZEN_FIRST = ["Aurélie", "Bernard", "Chantal", "Didier", "Fatima", "Gérard", "Hugo", "Josiane", "Mehdi", "Odile"]
CITIZEN_LAST = ["Aubert", "Blanchard", "Collin", "Delmas", "Ferrand", "Guillot", "Hoarau", "Jacquet", "Perrin", "Vidal"]


@dataclass(frozen=True)
class Topic:
    commitment: str
    service: str
    subject: str
    description: str
    action: str


TOPICS = (
    Topic("8", "accueil", "Attente trop longue à l'accueil", "J'ai attendu plus de quarante minutes un lundi matin, "
          "avec un seul guichet ouvert.", "Deuxième guichet ouvert le lundi de 8 h 30 à 10 h"),
    Topic("8", "accueil", "File d'attente mal organisée", "Personne ne savait quel ticket prendre à la borne.",
          "Affichette explicative sur la borne"),
    Topic("16", "accueil", "Personne ne décroche", "J'ai appelé trois fois dans la matinée sans réponse.",
          "Renvoi d'appel vers le deuxième poste quand le premier est occupé"),
    Topic("16", "etat-civil", "Message d'attente interminable", "Plus de dix minutes en attente au téléphone.",
          "Message d'attente raccourci, rappel proposé"),
    Topic("17", "accueil", "Courrier resté sans réponse", "Je n'ai reçu aucune réponse à mon courrier du mois dernier.",
          "Relance automatique des courriers à J+10"),
    Topic("19", "etat-civil", "Acte de naissance non reçu", "Ma demande d'acte en ligne date de deux semaines.",
          "Contrôle quotidien des demandes en ligne"),
    Topic("19", "etat-civil", "Erreur sur un acte délivré", "Le prénom de ma mère est mal orthographié.",
          "Double relecture des actes avant envoi"),
    Topic("6", "accueil", "Horaires inadaptés", "La mairie est fermée quand je sors du travail.",
          "Ouverture le jeudi jusqu'à 19 h à l'essai"),
    Topic("12", "accueil", "Accueil peu aimable", "L'agent ne m'a pas regardé et m'a répondu sèchement.",
          "Rappel des règles d'accueil en réunion de service"),
    Topic("2", "accueil-annexe", "Sanitaires hors service", "Les toilettes de l'annexe sont fermées depuis un mois.",
          "Intervention des services techniques"),
    Topic("1", "accueil", "Signalétique confuse", "Impossible de trouver le bureau de l'état civil.",
          "Nouveaux panneaux dans le hall"),
    Topic("3", "accueil-annexe", "Accès difficile en fauteuil", "La rampe de l'annexe est trop raide.",
          "Étude d'une nouvelle rampe"),
    Topic("", "accueil", "Information erronée", "On m'a indiqué une mauvaise pièce à fournir.", ""),
)  # fmt: skip
TOPIC_WEIGHTS = (11, 7, 10, 6, 10, 8, 4, 6, 6, 3, 3, 3, 8)
SUGGESTIONS = (
    ("6", "Ouvrir le samedi matin", "Une permanence le samedi aiderait les personnes qui travaillent."),
    ("4", "Formulaires en ligne", "Pourriez-vous mettre les formulaires sur le site de la ville ?"),
    ("8", "Prise de rendez-vous en ligne", "Un rendez-vous éviterait l'attente à l'accueil."),
    ("2", "Un coin pour les enfants", "Quelques jeux dans la salle d'attente seraient bienvenus."),
)


@dataclass
class Town:
    organisation: Organisation
    calendar: WorkingCalendar
    settings: ComplaintSettings
    services: dict[str, Service]
    labels: dict[str, str]
    agents: dict[str, list[User]]
    today: dt.date


def _town(organisation: Organisation, today: dt.date) -> Town:
    agents: dict[str, list[User]] = {"accueil": [], "etat-civil": []}
    memberships = Membership.objects.for_org(organisation).filter(role=Role.AGENT).select_related("user")
    for membership in memberships.order_by("user__email"):
        team = "etat-civil" if membership.user.email.startswith("etat-civil") else "accueil"
        agents[team].append(membership.user)
    return Town(
        organisation=organisation,
        calendar=calendar_for(organisation),
        settings=ComplaintSettings.for_org(organisation),
        services={service.code: service for service in Service.objects.for_org(organisation)},
        labels=dict(commitment_choices(organisation)),
        agents=agents,
        today=today,
    )


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _working_after(town: Town, day: dt.date, days: int) -> dt.date:
    return town.calendar.add_working_days(day, days)


def _received_days(town: Town, rng: random.Random, years: int) -> list[dt.date]:
    """Receipt days over the period: a Poisson-like count per month, spread over its days."""
    days: list[dt.date] = []
    start = town.today.replace(year=town.today.year - years, day=1)
    month = start
    while month <= town.today:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        expected = COMPLAINTS_A_YEAR / 12 * MONTH_FACTOR[month.month - 1]
        count = max(0, round(rng.gauss(expected, expected**0.5)))
        span = (min(following, town.today + dt.timedelta(days=1)) - month).days
        days.extend(month + dt.timedelta(days=rng.randrange(span)) for _ in range(count))
        month = following
    return sorted(days)


def _citizen(rng: random.Random, channel: str) -> tuple[str, str, str]:
    if rng.random() < 0.12:
        return "", "", ""  # anonymous
    first, last = rng.choice(CITIZEN_FIRST), rng.choice(CITIZEN_LAST)
    email = ""
    if channel in (Channel.EMAIL, Channel.WEB) or rng.random() < 0.3:
        email = f"{first.lower()}.{last.lower()}@courriel.example".replace("é", "e").replace("è", "e")
    phone = f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return f"{first} {last}", email, phone if channel == Channel.PHONE or rng.random() < 0.3 else ""


STREETS = ("rue des Lilas", "avenue de la Gare", "impasse des Tilleuls", "place du Marché", "chemin des Vignes")


def _address(name: str, town: Town) -> str:
    """A made-up postal address for a letter's sender, drawn from the name (the random sequence,
    and so the rest of the demo, stays as it was)."""
    number = sum(map(ord, name))
    city = town.organisation.contact_address.splitlines()[-1] if town.organisation.contact_address else ""
    return f"{number % 60 + 1} {STREETS[number % len(STREETS)]}\n{city}".strip()


def _received_on(town: Town, day: dt.date, channel: str) -> dt.date:
    """Counter, phone and letters arrive on working days; e-mails and the web form any day."""
    if channel in (Channel.EMAIL, Channel.WEB) or town.calendar.is_working_day(day):
        return day
    following = _working_after(town, day, 1)
    if following <= town.today:
        return following
    while not town.calendar.is_working_day(day):  # the last days before a weekend "today"
        day -= dt.timedelta(days=1)
    return day


def _topic(town: Town, rng: random.Random, kind: str) -> tuple[str, str, str, str, str]:
    """(commitment code, service code, subject, description, improvement action)."""
    if kind == Kind.SUGGESTION:
        code, subject, description = rng.choice(SUGGESTIONS)
        return code, "accueil", subject, description, ""
    topic = rng.choices(TOPICS, weights=TOPIC_WEIGHTS)[0]
    return topic.commitment, topic.service, topic.subject, topic.description, topic.action


def _handling(town: Town, rng: random.Random, complaint: Complaint) -> None:
    """Acknowledgement, answer, justification and closure, as the agents handled it."""
    received = complaint.received_on
    if complaint.channel == Channel.WEB and complaint.citizen_email:
        acknowledged: dt.date | None = received  # the automatic e-mail
    else:
        delay = rng.randint(3, 6) if rng.random() < LATE_ACK_SHARE else rng.choice((0, 1, 1, 2))
        acknowledged = _working_after(town, received, delay)
    answer_days = town.settings.answer_days_for(complaint.channel)
    if complaint.kind == Kind.SUGGESTION:
        answered = _working_after(town, received, rng.randint(3, 20)) if rng.random() < 0.5 else None
    elif rng.random() < LATE_ANSWER_SHARE:
        answered = _working_after(town, received, answer_days + rng.randint(1, 8))
    else:
        answered = _working_after(town, received, rng.randint(1, answer_days - 1))
    if acknowledged is not None and acknowledged > town.today:
        acknowledged = None
    if answered is not None and (answered > town.today or acknowledged is None):
        answered = None
    if answered is not None and acknowledged is not None:
        acknowledged = min(acknowledged, answered)
    complaint.acknowledged_on, complaint.answered_on = acknowledged, answered
    closed = _working_after(town, answered, rng.randint(0, 4)) if answered else None
    if complaint.kind == Kind.SUGGESTION and answered is None and acknowledged and rng.random() < 0.6:
        closed = _working_after(town, acknowledged, rng.randint(5, 30))
    complaint.closed_on = closed if closed is not None and closed <= town.today else None
    if answered is not None and complaint.kind == Kind.COMPLAINT:
        complaint.justified = _pick(rng, ((Justified.YES, 0.55), (Justified.NO, 0.37), (Justified.UNDETERMINED, 0.08)))
        complaint.answer = "Réponse envoyée à l'usager." if complaint.citizen_email or complaint.citizen_name else ""
    complaint.status = complaint.status_implied_by_dates()


def _complaint(town: Town, rng: random.Random, day: dt.date, numbers: set[str]) -> Complaint:
    channel = _pick(rng, CHANNELS)
    kind = Kind.SUGGESTION if rng.random() < SUGGESTION_SHARE else Kind.COMPLAINT
    received = _received_on(town, day, channel)
    code, service_code, subject, description, action = _topic(town, rng, kind)
    if code not in town.labels:
        code = ""
    name, email, phone = _citizen(rng, channel)
    team = "etat-civil" if service_code == "etat-civil" else "accueil"
    handler = rng.choice(town.agents[team]) if town.agents[team] else None
    number = new_tracking_number(received.year, choose=rng.choice)
    while number in numbers:
        number = new_tracking_number(received.year, choose=rng.choice)
    numbers.add(number)
    complaint = Complaint(
        organisation=town.organisation,
        tracking_number=number,
        kind=kind,
        channel=channel,
        received_on=received,
        received_at=aware_local(
            dt.datetime.combine(received, dt.time(rng.randint(7, 22), rng.randrange(60))), town.organisation.time_zone
        )
        if channel == Channel.WEB
        else None,
        received_month=received.replace(day=1),
        service=town.services.get(service_code),
        commitment_code=code,
        commitment_label=town.labels.get(code, ""),
        subject=subject,
        description=description,
        citizen_name=name,
        citizen_email=email,
        citizen_phone=phone,
        citizen_address=_address(name, town) if channel == Channel.LETTER and name else "",
        handled_by=handler,
        created_by=None if channel == Channel.WEB else handler,
    )
    set_due_dates(complaint, town.calendar, town.settings)
    _handling(town, rng, complaint)
    if complaint.justified == Justified.YES and action and rng.random() < 0.6:
        complaint.action_note = action
    return complaint


STEPS_APART = dt.timedelta(minutes=7)
# The day field of each step, as the audit event records it.
DAY_FIELDS = {"create": "received_on", "acknowledge": "acknowledged_on", "answer": "answered_on", "close": "closed_on"}


def _history(complaint: Complaint, rng: random.Random) -> tuple[list[ComplaintTransition], list[AuditEvent]]:
    """The status log and the audit events of the steps the complaint went through."""
    transitions, events = [], []
    final = snapshot(complaint, AUDIT_FIELDS)
    previous: dt.datetime | None = None
    for step in complaint.dated_history("create"):
        day, to_status = step.on, step.to_status
        automatic = step.action == "create" or (step.action == "acknowledge" and day == complaint.received_on)
        actor = None if complaint.channel == Channel.WEB and automatic else complaint.handled_by
        at = aware_local(
            dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randrange(60))), complaint.organisation.time_zone
        )
        if previous is not None and at <= previous:  # two steps of one day: in their order
            at = previous + STEPS_APART
        previous = at
        transitions.append(
            ComplaintTransition.of(
                complaint,
                action=step.action,
                actor=actor,
                from_status=step.from_status,
                to_status=to_status,
                on=day,
                at=at,
            )
        )
        after: dict[str, Any] = {"status": to_status, DAY_FIELDS[step.action]: day.isoformat()}
        if step.action == "create":
            after = {key: value for key, value in final.items() if key not in ("acknowledged_on", "answered_on")}
            after |= {"status": Status.RECEIVED, "closed_on": None, "justified": Justified.UNDETERMINED}
        if step.action == "answer":
            after["justified"] = complaint.justified
        events.append(
            AuditEvent(
                organisation=complaint.organisation,
                actor=actor,
                actor_label=transitions[-1].actor_label,
                at=at,
                object_type=Complaint._meta.label_lower,
                object_id=str(complaint.pk),
                object_repr=str(complaint),
                action=step.action,
                before=None if step.action == "create" else {"status": step.from_status},
                after=after,
            )
        )
    return transitions, events


def add_complaints(organisation: Organisation, *, rng: random.Random, today: dt.date, years: int = 2) -> int:
    """Seed `years` years of complaints and suggestions up to `today`; returns how many."""
    town = _town(organisation, today)
    numbers: set[str] = set()
    complaints = [_complaint(town, rng, day, numbers) for day in _received_days(town, rng, years)]
    Complaint.objects.bulk_create(complaints, batch_size=BATCH)
    transitions: list[ComplaintTransition] = []
    events: list[AuditEvent] = []
    for complaint in complaints:
        steps, trail = _history(complaint, rng)
        transitions += steps
        events += trail
    ComplaintTransition.objects.bulk_create(transitions, batch_size=BATCH)
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(complaints)
