"""The home of a member who handles items: what every app asks of them this week
(core.registries.todo_lines), grouped by urgency, and for an agent the doors to their own work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.models import Membership, Role
from core.registries import TodoLine, todo_lines
from core.web import town_url
from registers.deadlines import DUE_SOON_WORKING_DAYS, due_soon_until

# The headings of core.registries.TodoLine.urgency, most urgent first.
SECTIONS = {0: "En retard", 1: "À traiter cette semaine", 2: "À suivre"}


@dataclass(frozen=True)
class Section:
    urgency: int
    title: str
    lines: list[TodoLine]


@dataclass(frozen=True)
class Door:
    """A link to a page of the agent's own work."""

    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Home:
    today: dt.date
    soon_until: dt.date
    soon_days: int
    sections: list[Section]
    doors: list[Door]

    @property
    def is_empty(self) -> bool:
        return not self.sections


def agent_doors(membership: Membership) -> list[Door]:
    organisation = membership.organisation
    return [
        Door("Guichet", "Appeler le ticket suivant", town_url("reception:desk", organisation)),
        Door(
            "Mes courriers",
            "Les demandes écrites qui vous sont confiées",
            town_url("correspondence:home", organisation, state="open", mine="on"),
        ),
        Door(
            "Actes à délivrer",
            "Les demandes d'actes d'état civil",
            town_url("civil_registry:home", organisation, state="pending"),
        ),
        Door(
            "Mes réclamations",
            "Celles dont vous êtes chargé·e",
            town_url("complaints:home", organisation, miennes="on"),
        ),
    ]


def home_page(membership: Membership, today: dt.date) -> Home:
    lines = todo_lines(membership, today)
    sections = [
        Section(urgency, title, [line for line in lines if line.urgency == urgency])
        for urgency, title in SECTIONS.items()
    ]
    return Home(
        today=today,
        soon_until=due_soon_until(membership.organisation, today),
        soon_days=DUE_SOON_WORKING_DAYS,
        sections=[section for section in sections if section.lines],
        doors=agent_doors(membership) if membership.role == Role.AGENT else [],
    )
