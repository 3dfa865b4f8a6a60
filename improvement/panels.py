"""The improvement actions shown on the page of the record they come from (core.registries
RECORD_PANELS): a complaint's, an indicator's, a survey comment's or question's, an audit
finding's (a criterion answered "non" or "en partie" on a filled grid). One query for
any number of records; the one-click button that opens another action for members who may
capture. The panel names actions
by number, title, status and due date: no personal data, readers see it too."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse

from core.access import Capability, can
from core.models import Membership
from core.registries import PanelLink, RecordPanel
from improvement.models import ImprovementAction, Origin
from improvement.queries import actions_from_records

# The records an action can be opened from in one click, by model label: (origin, field).
OPENED_FROM = {
    "complaints.complaint": (Origin.COMPLAINT, "record"),
    "commitments.indicator": (Origin.INDICATOR, "indicator"),
    "surveys.comment": (Origin.SURVEY, "comment"),
    "surveys.question": (Origin.SURVEY, "question"),
    "audits.criterionanswer": (Origin.AUDIT, "finding"),
}
EMPTY = {
    "complaints.complaint": "Aucune action d'amélioration n'a été ouverte à la suite de cette réclamation.",
    "commitments.indicator": "Aucune action d'amélioration n'a été ouverte pour cet indicateur.",
    "surveys.comment": "Aucune action d'amélioration n'a été ouverte à la suite de ce commentaire.",
    "surveys.question": "Aucune action d'amélioration n'a été ouverte pour cette question.",
    "audits.criterionanswer": "Aucune action d'amélioration n'a été ouverte pour ce constat.",
}


def action_link(action: ImprovementAction, slug: str) -> PanelLink:
    return PanelLink(
        label=str(action),
        url=reverse("improvement:action_detail", args=[slug, action.pk]),
        detail=f"{action.get_status_display()}, échéance le {action.due_on:%d/%m/%Y}",
    )


def open_url(slug: str, label: str, pk: object) -> str:
    """The one-click POST address; the record it comes from rides in the query string."""
    origin, field = OPENED_FROM[label]
    return f"{reverse('improvement:action_open_from', args=[slug])}?{urlencode({'origin': origin, field: pk})}"


def action_panels(membership: Membership, records: Sequence[Model]) -> dict[object, RecordPanel]:
    """The provider (RECORD_PANELS): each complaint's or indicator's actions."""
    if not records or records[0]._meta.label_lower not in OPENED_FROM:
        return {}
    label = records[0]._meta.label_lower
    slug = membership.organisation.slug
    may_open = can(membership, Capability.CAPTURE)
    found = actions_from_records(membership.organisation, records)
    return {
        record.pk: RecordPanel(
            title="Actions d'amélioration",
            links=tuple(action_link(action, slug) for action in found[record.pk]),
            empty=EMPTY[label],
            open_label=open_label(record) if may_open else "",
            open_url=open_url(slug, label, record.pk) if may_open else "",
        )
        for record in records
    }


def open_label(record: Model) -> str:
    """The button's words; an indicator's and a finding's name it, as their pages show several."""
    label = record._meta.label_lower
    if label == "audits.criterionanswer":
        return f"Ouvrir une action d'amélioration (constat n° {record.pk})"
    code = getattr(record, "code", "") if label == "commitments.indicator" else ""
    return f"Ouvrir une action d'amélioration ({code})" if code else "Ouvrir une action d'amélioration"
