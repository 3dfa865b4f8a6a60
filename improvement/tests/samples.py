"""Objects the URL walkers route to: an improvement action, a steering meeting with a decision,
an annual review and an auditor's note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commitments.frameworks import load_framework
from commitments.models import Commitment
from core.closing import last_complete_year
from core.models import Membership, Organisation, Role, User
from improvement.actions import open_action
from improvement.audit_notes import write_audit_note
from improvement.meetings import add_decision, create_meeting, create_review
from improvement.models import AnnualReview, AuditNote, AuditNoteKind, ImprovementAction, Origin, SteeringMeeting


def _owner(organisation: Organisation) -> User:
    membership = Membership.objects.for_org(organisation).filter(role__in=[Role.QUALITY_MANAGER, Role.ADMIN]).first()
    if membership is not None:
        return membership.user
    user = User.objects.create_user(f"qualite-actions@{organisation.slug}.test", "x", full_name="Qualité témoin")
    Membership.objects.create(organisation=organisation, user=user, role=Role.QUALITY_MANAGER)
    return user


def sample_values(organisation: Organisation) -> dict[str, Any]:
    owner = _owner(organisation)
    action = open_action(
        organisation=organisation,
        actor=None,
        origin=Origin.SUGGESTION,
        title="Refaire la signalétique du hall",
        owner=owner,
        due_on=dt.date(2026, 4, 30),
        description="Les usagers cherchent le guichet de l'état civil.",
    )
    meeting = create_meeting(
        organisation=organisation,
        actor=None,
        held_on=dt.date(2026, 3, 20),
        title="Comité de pilotage qualité",
        place="Salle du conseil",
        attendees="Mme Martin, directrice générale des services\nM. Durand, responsable qualité",
        agenda="Résultats du trimestre",
        minutes="Les délais de réponse aux courriers sont tenus.",
        held=True,
    )
    add_decision(
        meeting=meeting,
        actor=None,
        text="Renforcer l'accueil téléphonique le lundi matin.",
        title="Renfort téléphonique du lundi",
        owner=owner,
        due_on=dt.date(2026, 6, 30),
    )
    review = create_review(organisation=organisation, actor=None, year=2025)
    return {"action_id": action.pk, "meeting_id": meeting.pk, "review_id": review.pk, "note_id": _note(organisation)}


def _note(organisation: Organisation) -> int:
    """An auditor's note, still to examine, on the town's first commitment (the core samples
    load the framework; this app's tests alone, here)."""
    commitment = Commitment.objects.for_org(organisation).order_by("pk").first()
    if commitment is None:
        load_framework(organisation=organisation, code="qualivilles")
        commitment = Commitment.objects.for_org(organisation).order_by("pk").first()
    assert commitment is not None
    note = write_audit_note(
        organisation=organisation,
        actor=None,
        year=last_complete_year(organisation),
        commitment=commitment,
        kind=AuditNoteKind.SENSITIVE,
        text="La signalétique du hall n'a pas été vérifiée en août.",
    )
    return note.pk


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first action, meeting and review; sample ones while the demo has none."""
    action = ImprovementAction.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    meeting = SteeringMeeting.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    # A draft, whose edit page opens (a validated one's redirects to it).
    reviews = AnnualReview.objects.for_org(organisation).order_by("status", "pk")
    review = reviews.values_list("pk", flat=True).first()
    if action is None or meeting is None or review is None:
        return sample_values(organisation)
    # A note still to examine, whose decline page opens (a decided one's says so); one written
    # here while the town has none (a demo built without its audit).
    note = AuditNote.objects.for_org(organisation).order_by("-status", "pk").values_list("pk", flat=True).first()
    return {"action_id": action, "meeting_id": meeting, "review_id": review, "note_id": note or _note(organisation)}
