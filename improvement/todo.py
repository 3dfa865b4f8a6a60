"""The improvement plan and the steering committee on a home's "À faire": actions past their
due date, actions done whose effectiveness check date has come or that have none (to be
judged), the next
committee and the auditor's notes to examine. A quality manager or an administrator sees the
town's actions, an agent the ones they own. Three queries: one count of the actions (index on
organisation, status and due date), the next meeting (index on organisation and date), the notes
to examine (a handful a year)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from core.access import Capability, can
from core.models import Membership
from core.registries import TodoLine
from core.web import town_url
from core.workdays import french_date
from improvement.models import (
    OPEN_STATUSES,
    ActionStatus,
    AuditNote,
    AuditNoteStatus,
    ImprovementAction,
    SteeringMeeting,
)
from registers.todo import has_work, own_work_only

TO_KNOW = 2  # core.registries.TodoLine.urgency


def action_lines(membership: Membership, today: dt.date) -> list[TodoLine]:
    organisation = membership.organisation
    actions = ImprovementAction.objects.for_org(organisation).filter(status__in=[*OPEN_STATUSES, ActionStatus.DONE])
    scope = {}
    if own_work_only(membership):
        actions, scope = actions.filter(owner_id=membership.user_id), {"responsable": membership.user_id}
    counts = actions.aggregate(
        late=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        # As the list's `etat=a_verifier`: done, and its check date has come or it has none.
        check=Count("pk", filter=Q(status=ActionStatus.DONE) & (Q(check_on__isnull=True) | Q(check_on__lte=today))),
    )
    lines = []
    if counts["late"]:
        url = town_url("improvement:action_list", organisation, etat="en_retard", **scope)
        one, many = "action d'amélioration en retard", "actions d'amélioration en retard"
        lines.append(TodoLine.counted(counts["late"], one, many, url, urgency=0))
    if counts["check"]:
        url = town_url("improvement:action_list", organisation, etat="a_verifier", **scope)
        one, many = "action réalisée dont vérifier l'efficacité", "actions réalisées dont vérifier l'efficacité"
        lines.append(TodoLine.counted(counts["check"], one, many, url))
    return lines


def next_meeting_line(membership: Membership, today: dt.date) -> list[TodoLine]:
    """The next steering committee not yet held, from today on."""
    meetings = SteeringMeeting.objects.for_org(membership.organisation).filter(held=False, held_on__gte=today)
    meeting = meetings.order_by("held_on", "pk").only("pk", "held_on", "title").first()
    if meeting is None:
        return []
    url = reverse(
        "improvement:meeting_detail", kwargs={"org_slug": membership.organisation.slug, "meeting_id": meeting.pk}
    )
    return [TodoLine(f"Prochain comité de pilotage : {french_date(meeting.held_on)}", 1, url, urgency=TO_KNOW)]


def audit_notes_line(membership: Membership) -> list[TodoLine]:
    """The auditor's notes waiting for the quality manager's decision (accept or decline)."""
    organisation = membership.organisation
    pending = AuditNote.objects.for_org(organisation).filter(status=AuditNoteStatus.PENDING).count()
    url = town_url("improvement:note_list", organisation, statut="a_examiner")
    return [TodoLine.counted(pending, "remarque d'audit à examiner", "remarques d'audit à examiner", url, urgency=0)]


def todo(membership: Membership, today: dt.date) -> list[TodoLine]:
    if not has_work(membership):
        return []
    lines = action_lines(membership, today)
    if can(membership, Capability.MANAGE_QUALITY):
        lines += next_meeting_line(membership, today) + audit_notes_line(membership)
    return lines
