"""Two years of written requests and civil-registry acts for a demo town, with the patterns a
quality manager recognises: fewer requests and slower answers in summer, a backlog in
December, a few late answers, a few errors on issued acts, Saturday mornings at the civil
registry. Due dates follow the town's own calendar (its holiday zone and closure days).

`add_registers(organisation, rng=, today=)` is called by the demo generator after the town's
services, members, closure days and commitments exist; it then asks the indicator engine to
store the values of every month it filled."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from civil_registry.actions import ERRORS_NUMBERING, deadlines, ensure_rules
from civil_registry.actions import WORKFLOW as ACTS
from civil_registry.models import (
    ActChannel,
    ActError,
    ActFormat,
    ActRequest,
    ActStatus,
    ActType,
    ErrorFinder,
    ErrorKind,
)
from core.models import Membership, Organisation, Role, Service, User
from core.registries import records_changed
from core.workdays import WorkingCalendar, calendar_for
from correspondence.actions import WORKFLOW as REQUESTS
from correspondence.models import Category, Channel, WrittenRequest
from correspondence.rules import Rules, ensure_defaults
from registers.models import Numbering

# Requests received per working day, per channel (a town of about 17,000 inhabitants).
REQUESTS_PER_DAY = {Channel.LETTER: 3.0, Channel.EMAIL: 3.5, Channel.WEB: 2.0, Channel.PHONE: 1.2}
# Act requests per opening day, per channel; the counter also opens on Saturday mornings.
ACTS_PER_DAY = {ActChannel.COUNTER: 7.0, ActChannel.POST: 2.0, ActChannel.WEB: 4.0, ActChannel.COMEDEC: 3.5}
ACTS_PER_DAY |= {ActChannel.NOTARY: 0.6}
CATEGORY_WEIGHTS = {
    "information": 30,
    "urbanisme": 15,
    "voirie": 20,
    "etat-civil": 12,
    "scolaire": 10,
    "social": 8,
    "autre": 5,
}
SUBJECTS = {
    "information": ["Horaires de la mairie", "Inscription sur les listes électorales", "Location de salle"],
    "urbanisme": ["Déclaration préalable de travaux", "Question sur le PLU", "Certificat d'urbanisme"],
    "voirie": ["Éclairage public en panne", "Nid-de-poule", "Dépôt sauvage", "Stationnement gênant"],
    "etat-civil": ["Livret de famille", "Recensement citoyen", "Dossier de mariage"],
    "scolaire": ["Inscription scolaire", "Cantine", "Accueil périscolaire"],
    "social": ["Rendez-vous CCAS", "Portage de repas", "Aide au chauffage"],
    "autre": ["Remerciements", "Demande diverse"],
}
ACT_TYPES = [(ActType.BIRTH, 60), (ActType.MARRIAGE, 20), (ActType.DEATH, 15), (ActType.RECOGNITION, 5)]
ACT_FORMATS = [
    (ActFormat.FULL, 45),
    (ActFormat.WITH_PARENTAGE, 30),
    (ActFormat.WITHOUT_PARENTAGE, 15),
    (ActFormat.MULTILINGUAL, 10),
]
SEASON = {1: 1.05, 2: 1.0, 3: 1.05, 4: 1.0, 5: 0.95, 6: 1.0, 7: 0.65, 8: 0.55, 9: 1.15, 10: 1.05, 11: 1.0, 12: 0.9}
# Share of late answers by month: slower in August (leave) and a December backlog.
LATE_SHARE = {8: 0.09, 12: 0.16}
BASE_LATE_SHARE = 0.03
ERROR_SHARE = 0.0035


@dataclass(frozen=True)
class RegisterCounts:
    requests: int
    acts: int
    errors: int


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, which is all we need."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weighted(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _late_share(day: dt.date) -> float:
    return LATE_SHARE.get(day.month, BASE_LATE_SHARE)


def _answer_day(rng: random.Random, calendar: WorkingCalendar, received: dt.date, days: int, due: dt.date) -> dt.date:
    """Most answers come well within the deadline; a seasonal share comes after it."""
    if rng.random() < _late_share(due):
        return calendar.add_working_days(due, rng.randint(1, 6))
    if days == 0:
        return received
    return calendar.add_working_days(received, rng.randint(max(0, days // 4), days))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days)]


class RequestMaker:
    def __init__(self, organisation: Organisation, rng: random.Random, today: dt.date) -> None:
        ensure_defaults(organisation)
        self.organisation, self.rng, self.today = organisation, rng, today
        self.calendar, self.rules = calendar_for(organisation), Rules(organisation)
        self.categories = {category.code: category for category in Category.objects.filter(organisation=organisation)}
        self.services = list(Service.objects.filter(organisation=organisation).order_by("pk"))
        agents = Membership.objects.filter(organisation=organisation, role=Role.AGENT).select_related("user")
        self.agents: list[User] = [membership.user for membership in agents.order_by("user__email")]

    def day(self, day: dt.date) -> list[WrittenRequest]:
        working = self.calendar.is_working_day(day)
        made: list[WrittenRequest] = []
        for channel, per_day in REQUESTS_PER_DAY.items():
            mean = (
                per_day
                * SEASON[day.month]
                * (1.0 if working else 0.25 if channel in (Channel.EMAIL, Channel.WEB) else 0)
            )
            made.extend(self.request(channel, day) for _ in range(_poisson(self.rng, mean)))
        return made

    def request(self, channel: str, received: dt.date) -> WrittenRequest:
        rng = self.rng
        code = _weighted(rng, list(CATEGORY_WEIGHTS.items()))
        category = self.categories.get(code)
        deadline = self.rules.deadline(channel, category.pk if category else None)
        due = self.calendar.add_working_days(received, deadline.days, business=deadline.business_days)
        request = WrittenRequest(
            organisation=self.organisation,
            channel=channel,
            received_on=received,
            service=self.services[0] if code != "etat-civil" or len(self.services) < 2 else self.services[1],
            category=category,
            subject=rng.choice(SUBJECTS[code]),
            assigned_to=rng.choice(self.agents[:3] or [None]),
            deadline_days=deadline.days,
            business_days=deadline.business_days,
            due_on=due,
        )
        self.progress(request, deadline.days)
        return request

    def progress(self, request: WrittenRequest, days: int) -> None:
        """Acknowledgement, holding reply, answer and closure, as far as `today` allows."""
        rng, calendar, today = self.rng, self.calendar, self.today
        if request.channel == Channel.LETTER and rng.random() < 0.85:
            acknowledged = calendar.add_working_days(request.received_on, rng.choice([0, 1, 1, 2, 3]))
            request.acknowledged_on = acknowledged if acknowledged < today else None
        elif request.channel in (Channel.EMAIL, Channel.WEB) and rng.random() < 0.92:
            request.acknowledged_on = request.received_on  # the automatic reply
        answered = _answer_day(rng, calendar, request.received_on, days, request.due_on)
        if answered > request.due_on and rng.random() < 0.3:
            holding = calendar.add_working_days(request.received_on, max(1, days - 2))
            if holding < today:
                request.holding_reply_on, request.promised_on = holding, answered + dt.timedelta(days=3)
        if answered >= today or rng.random() < 0.004:  # a few forgotten requests stay open
            request.status = request.status_implied_by_dates()
            return
        request.answered_on = answered
        closed = calendar.add_working_days(answered, rng.choice([0, 0, 1, 2]))
        request.closed_on = closed if closed < today else None
        request.status = request.status_implied_by_dates()


class ActMaker:
    def __init__(self, organisation: Organisation, rng: random.Random, today: dt.date) -> None:
        ensure_rules(organisation)
        self.organisation, self.rng, self.today = organisation, rng, today
        self.calendar, self.deadlines = calendar_for(organisation), deadlines(organisation)
        civil = Service.objects.filter(organisation=organisation, code="etat-civil").first()
        self.service = civil

    def day(self, day: dt.date) -> list[ActRequest]:
        working = self.calendar.is_working_day(day)
        saturday = day.weekday() == 5 and self.calendar.is_working_day(day, business=True)
        made: list[ActRequest] = []
        for channel, per_day in ACTS_PER_DAY.items():
            if channel == ActChannel.COUNTER:
                factor = 1.0 if working else 0.8 if saturday else 0.0
            else:
                factor = 1.0 if working else 0.0
            mean = per_day * SEASON[day.month] * factor
            made.extend(self.act(channel, day) for _ in range(_poisson(self.rng, mean)))
        return made

    def act(self, channel: str, received: dt.date) -> ActRequest:
        rng = self.rng
        deadline = self.deadlines[channel]
        due = self.calendar.add_working_days(received, deadline.days, business=deadline.business_days)
        act_type = ActType.DEATH if channel == ActChannel.NOTARY and rng.random() < 0.7 else _weighted(rng, ACT_TYPES)
        act = ActRequest(
            organisation=self.organisation,
            act_type=act_type,
            act_format=ActFormat.FULL if channel == ActChannel.NOTARY else _weighted(rng, ACT_FORMATS),
            channel=channel,
            copies=rng.choice([1, 1, 1, 1, 2, 2, 3]),
            received_on=received,
            service=self.service,
            deadline_days=deadline.days,
            business_days=deadline.business_days,
            due_on=due,
        )
        if channel == ActChannel.COUNTER:
            late = rng.random() < 0.02 + (0.03 if received.month == 12 else 0)
            delivered = self.calendar.add_working_days(received, 1, business=True) if late else received
        else:
            delivered = _answer_day(rng, self.calendar, received, deadline.days, due)
        if delivered < self.today:
            act.delivered_on = delivered
            act.status = ActStatus.REFUSED if rng.random() < 0.01 else ActStatus.DELIVERED
        return act

    def errors(self, acts: list[ActRequest]) -> list[ActError]:
        rng, made = self.rng, []
        for act in acts:
            if act.status != ActStatus.DELIVERED or act.delivered_on is None or rng.random() >= ERROR_SHARE:
                continue
            found = act.delivered_on + dt.timedelta(days=rng.randint(2, 75))
            if found >= self.today:
                continue
            corrected = found + dt.timedelta(days=rng.randint(0, 12))
            made.append(
                ActError(
                    organisation=self.organisation,
                    act_request=act,
                    act_type=act.act_type,
                    issued_on=act.delivered_on,
                    service=act.service,
                    kind=_weighted(
                        rng, [(kind.value, weight) for kind, weight in zip(ErrorKind, (5, 3, 4, 2, 2, 1), strict=True)]
                    ),
                    found_on=found,
                    found_by=_weighted(
                        rng,
                        [
                            (ErrorFinder.CITIZEN, 5),
                            (ErrorFinder.INTERNAL, 3),
                            (ErrorFinder.OTHER_TOWN, 2),
                            (ErrorFinder.COURT, 1),
                        ],
                    ),
                    attributable=rng.random() < 0.75,
                    corrected_on=corrected if corrected < self.today else None,
                )
            )
        return made


def _number(rows: Sequence[Any], numbering: Numbering, day_field: str) -> None:
    """References numbered per register and year in date order, as the application numbers
    them; the register's counters then follow, so the next registration continues the
    sequence."""
    counters: dict[int, int] = {}
    for row in sorted(rows, key=lambda row: getattr(row, day_field)):
        year = getattr(row, day_field).year
        counters[year] = counters.get(year, 0) + 1
        row.reference = numbering.reference(year, counters[year])
    if rows:
        numbering.follow(rows[0].organisation_id, [row.reference for row in rows])


def add_registers(organisation: Organisation, *, rng: random.Random, today: dt.date, years: int = 2) -> RegisterCounts:
    """Fill `years` years of written requests, act requests and act errors, up to `today`."""
    start = dt.date(today.year - years, today.month, 1)
    requests_maker, acts_maker = RequestMaker(organisation, rng, today), ActMaker(organisation, rng, today)
    requests: list[WrittenRequest] = []
    acts: list[ActRequest] = []
    for day in _days(start, today):
        requests.extend(requests_maker.day(day))
        acts.extend(acts_maker.day(day))
    _number(requests, REQUESTS.numbering, "received_on")
    requests = WrittenRequest.objects.bulk_create(requests, batch_size=1000)
    _number(acts, ACTS.numbering, "received_on")
    acts = ActRequest.objects.bulk_create(acts, batch_size=1000)
    errors = acts_maker.errors(acts)
    _number(errors, ERRORS_NUMBERING, "found_on")
    errors = ActError.objects.bulk_create(errors, batch_size=1000)
    months = {day.replace(day=1) for day in _days(start, today)}
    records_changed(organisation=organisation, metric_prefix="correspondence", months=months)
    records_changed(organisation=organisation, metric_prefix="civil_registry", months=months)
    return RegisterCounts(requests=len(requests), acts=len(acts), errors=len(errors))
