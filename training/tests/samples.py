"""Objects the URL walkers route to: one agent and one session (with its attendance sheet) per town."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Organisation
from training.actions import add_agent, record_session
from training.models import Agent, Kind, TrainingSession

SHEET = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def sample_values(organisation: Organisation) -> dict[str, Any]:
    today = dt.date(2026, 3, 10)
    agent = add_agent(
        organisation=organisation,
        actor=None,
        today=today,
        full_name="Agent Témoin",
        front_line=True,
        arrived_on=dt.date(2025, 9, 1),
    )
    session = record_session(
        organisation=organisation,
        actor=None,
        today=today,
        kind=Kind.TRAINING,
        topic="Accueil des usagers",
        held_on=dt.date(2026, 3, 2),
        trainer="Organisme témoin",
        commitments=[],
        attendees=[agent],
        attendance_sheet=SimpleUploadedFile("emargement.pdf", SHEET, content_type="application/pdf"),
    )
    return {"agent_id": agent.pk, "session_id": session.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first agent and first session with a sheet; sample ones when it has none."""
    agent = Agent.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    session = (
        TrainingSession.objects.for_org(organisation)
        .exclude(attendance_sheet="")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if agent is None or session is None:
        return sample_values(organisation)
    return {"agent_id": agent, "session_id": session}
