"""An agent's certificate list as a tagged PDF: the trainings and briefings attended, with
their date, topic, trainer, duration and the commitments covered. No grade and nothing that
rates the person: the grids rate the service, never the agent."""

from __future__ import annotations

from django.utils.text import slugify

from documents.pdf import render_pdf
from training.models import Agent, Kind, TrainingSession

TEMPLATE = "training/pdf/certificates.html"


def certificates_pdf(agent: Agent, attended: list[TrainingSession]) -> bytes:
    """The tagged (PDF/UA) list, in French, on A4, oldest session first."""
    ordered = sorted(attended, key=lambda session: (session.held_on, session.pk))
    context = {
        "org": agent.organisation,
        "agent": agent,
        "trainings": [session for session in ordered if session.kind == Kind.TRAINING],
        "briefings": [session for session in ordered if session.kind == Kind.BRIEFING],
    }
    return render_pdf(TEMPLATE, context)


def certificates_filename(agent: Agent) -> str:
    return f"attestations-formation-{slugify(agent.full_name) or agent.pk}.pdf"
