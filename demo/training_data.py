"""Training records for a demo town, through training's own actions: the roster (the town's
six agents with their accounts, an annex agent and an archivist without one, an agent who left
last year, and three newcomers this year), and each year from two years back a training on
the reception commitments in March, one on the civil registry's in October and a briefing on
the commitments in January; each newcomer's briefing: one within the deadline, one after it,
the latest still to come. Sessions after `today` are not held yet and are left out. The records are written through
training's actions without telling the indicators one by one (`notify=False`): the caller
recomputes the demo's years once (`demo.generator.recompute_demo_indicators`).

The indicators follow from these records (training.metrics): 11.1 misses its target the years
an agent arrived after the March training (the annex agent is trained in October), 22.1 the
years a newcomer missed the January briefing, 22.2 this year (one newcomer briefed late). The
latest training carries an attendance sheet: a one-page PDF listing who attended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Membership, Organisation, Role, Service
from documents.pdf import render_pdf
from training.actions import add_agent, record_session
from training.models import Agent, Kind

RECEPTION_COMMITMENTS = ["7", "10", "11", "12", "13", "15", "16"]
REGISTRY_COMMITMENTS = ["11", "18", "19"]

# The agents without an account, per town: the annex agent, the archivist, the one who left,
# then the three newcomers. Each town has its own people.
NAMES_WITHOUT_ACCOUNT = {
    "ville-demo": ["Maëlle Dupont", "Paul Lambert", "Rose Colin", "Lina Perrin", "Hugo Marchand", "Sarah Benali"],
    "ville-demo-est": ["Léa Schmitt", "Marc Muller", "Anne Weber", "Émilie Klein", "Lucas Meyer", "Yasmine Haddad"],
}


@dataclass(frozen=True)
class TrainingCounts:
    agents: int
    sessions: int
    newcomers: int


def add_training(organisation: Organisation, *, today: dt.date) -> TrainingCounts:
    """The roster and three years of sessions and briefings of the demo town."""
    manager = Membership.objects.get(organisation=organisation, role=Role.QUALITY_MANAGER).user
    roster = _add_roster(organisation, manager, today)
    newcomers = _add_newcomers(organisation, manager, today)
    sessions = _add_yearly_sessions(organisation, manager, today, roster + newcomers)
    sessions += _brief_newcomers(organisation, manager, today, newcomers)
    return TrainingCounts(agents=len(roster) + len(newcomers), sessions=sessions, newcomers=len(newcomers))


def _service(organisation: Organisation, code: str) -> Service:
    return Service.objects.get(organisation=organisation, code=code)


def _add(organisation: Organisation, manager: object, today: dt.date, **values: object) -> Agent:
    return add_agent(organisation=organisation, actor=manager, today=today, notify=False, **values)  # type: ignore[arg-type]


def _add_roster(organisation: Organisation, manager: object, today: dt.date) -> list[Agent]:
    """The town's six agents (their accounts linked), two agents without an account and one
    who left last year."""
    agents = []
    members = Membership.objects.filter(organisation=organisation, role=Role.AGENT).select_related("user")
    for index, member in enumerate(members.order_by("user__email")):
        code = "accueil" if member.user.email.startswith("accueil") else "etat-civil"
        arrived = dt.date(today.year - 6 + index % 3, 9, 1)
        agents.append(
            _add(
                organisation,
                manager,
                today,
                full_name=member.user.full_name,
                service=_service(organisation, code),
                front_line=True,
                arrived_on=arrived,
                user=member.user,
            )
        )
    annex = _service(organisation, "accueil-annexe")
    annex_agent, archivist, departed = _names_without_account(organisation)[:3]
    agents.append(
        _add(
            organisation,
            manager,
            today,
            full_name=annex_agent,
            service=annex,
            arrived_on=dt.date(today.year - 2, 4, 6),
        )
    )
    agents.append(
        _add(
            organisation,
            manager,
            today,
            full_name=archivist,
            service=_service(organisation, "etat-civil"),
            front_line=False,
            arrived_on=dt.date(today.year - 8, 1, 5),
        )
    )
    agents.append(
        _add(
            organisation,
            manager,
            today,
            full_name=departed,
            service=_service(organisation, "accueil"),
            arrived_on=dt.date(today.year - 7, 3, 2),
            departed_on=dt.date(today.year - 1, 6, 30),
        )
    )
    return agents


def _add_newcomers(organisation: Organisation, manager: object, today: dt.date) -> list[Agent]:
    """Three newcomers: arrived about 7 months, 3 months and 12 days ago."""
    reception = _service(organisation, "accueil")
    arrivals = zip(_names_without_account(organisation)[3:], (210, 95, 12), strict=True)
    return [
        _add(
            organisation,
            manager,
            today,
            full_name=name,
            service=reception,
            arrived_on=today - dt.timedelta(days=days_ago),
        )
        for name, days_ago in arrivals
    ]


def _names_without_account(organisation: Organisation) -> list[str]:
    return NAMES_WITHOUT_ACCOUNT.get(organisation.slug, NAMES_WITHOUT_ACCOUNT["ville-demo"])


def _in_post(agents: Sequence[Agent], day: dt.date, **filters: object) -> list[Agent]:
    found = [agent for agent in agents if agent.is_in_post_on(day)]
    if "service_codes" in filters:
        codes = filters["service_codes"]
        found = [agent for agent in found if agent.service is not None and agent.service.code in codes]  # type: ignore[operator]
    return [agent for agent in found if agent.front_line] if filters.get("front_line") else found


def _record(organisation: Organisation, manager: object, today: dt.date, **values: object) -> bool:
    """Record the session if it was held by `today` and someone attended it."""
    held_on = values["held_on"]
    assert isinstance(held_on, dt.date)
    if held_on > today or not values["attendees"]:
        return False
    record_session(organisation=organisation, actor=manager, today=today, notify=False, **values)  # type: ignore[arg-type]
    return True


def _yearly_sessions(year: int, agents: list[Agent]) -> list[dict[str, object]]:
    january, march, october = dt.date(year, 1, 20), dt.date(year, 3, 12), dt.date(year, 10, 8)
    return [
        {
            "kind": Kind.BRIEFING,
            "topic": "Les engagements Qualivilles de la ville",
            "held_on": january,
            "trainer": "Responsable qualité",
            "duration_hours": Decimal(1),
            "commitments": ["22"],
            "attendees": _in_post(agents, january),
        },
        {
            "kind": Kind.TRAINING,
            "topic": "Accueil physique et téléphonique",
            "held_on": march,
            "trainer": "CNFPT",
            "duration_hours": Decimal(7),
            "commitments": RECEPTION_COMMITMENTS,
            "attendees": _in_post(agents, march, service_codes=("accueil",), front_line=True),
        },
        {
            "kind": Kind.TRAINING,
            "topic": "Délivrance des actes et accueil à l'annexe",
            "held_on": october,
            "trainer": "Service de l'état civil",
            "duration_hours": Decimal("3.5"),
            "commitments": REGISTRY_COMMITMENTS,
            "attendees": _in_post(agents, october, service_codes=("etat-civil", "accueil-annexe"), front_line=True),
        },
    ]


def _add_yearly_sessions(organisation: Organisation, manager: object, today: dt.date, agents: list[Agent]) -> int:
    """Three years of sessions; the latest training held carries its attendance sheet."""
    planned = [values for year in range(today.year - 2, today.year + 1) for values in _yearly_sessions(year, agents)]
    trainings = [v for v in planned if v["kind"] == Kind.TRAINING and v["held_on"] <= today and v["attendees"]]  # type: ignore[operator]
    if trainings:
        trainings[-1]["attendance_sheet"] = _sheet(organisation, trainings[-1])
    return sum(_record(organisation, manager, today, **values) for values in planned)


def _brief_newcomers(organisation: Organisation, manager: object, today: dt.date, newcomers: list[Agent]) -> int:
    """The first newcomer briefed 3 weeks after arriving (within 30 days), the second 6 weeks
    after (late); the third, arrived 12 days ago, not yet."""
    held = 0
    for agent, after in zip(newcomers[:2], (21, 42), strict=True):
        held += _record(
            organisation,
            manager,
            today,
            kind=Kind.BRIEFING,
            topic="Accueil des nouveaux agents : nos engagements",
            held_on=agent.arrived_on + dt.timedelta(days=after),
            trainer="Responsable qualité",
            duration_hours=Decimal("1.5"),
            commitments=["11", "22"],
            attendees=[agent],
        )
    return held


def _sheet(organisation: Organisation, values: dict[str, object]) -> SimpleUploadedFile:
    """The session's attendance sheet, as the trainer would scan it: its list of names."""
    context = {"org": organisation, "session": values, "attendees": values["attendees"]}
    pdf = render_pdf("demo/attendance_sheet.html", context)
    return SimpleUploadedFile("feuille-emargement.pdf", pdf, content_type="application/pdf")
