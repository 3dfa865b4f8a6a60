"""Reads of the improvement plan's pages: the filtered list and its export, an action's page,
the members who may own an action, and the actions opened from given records (the panels)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from commitments.models import format_measure
from core.access import ROLE_CAPABILITIES, Capability
from core.audit import history_of
from core.models import AuditEvent, Membership, Organisation, User
from core.periods import Period
from improvement.effectiveness import checked_period
from improvement.models import OPEN_STATUSES, ActionStatus, ActionTransition, ImprovementAction

S = ActionStatus
# The list's `etat=` filter: the codes the home's "À faire" lines and other pages link to.
STATES = {
    "toutes": "toutes",
    "ouvertes": "à réaliser",
    "en_retard": "en retard",
    "a_verifier": "efficacité à vérifier",
    "realisees": "réalisées",
}
DEFAULT_STATE = "toutes"
DONE_STATUSES = frozenset({S.DONE, S.EFFECTIVE, S.INEFFECTIVE})
OWNER_ROLES = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.CAPTURE in capabilities]


def in_state(actions: QuerySet[ImprovementAction], state: str, *, today: dt.date) -> QuerySet[ImprovementAction]:
    """The actions in one state of the list's `etat=` filter (every one for an unknown code)."""
    if state == "ouvertes":
        return actions.filter(status__in=OPEN_STATUSES)
    if state == "en_retard":
        return actions.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    if state == "a_verifier":
        return actions.filter(Q(check_on__isnull=True) | Q(check_on__lte=today), status=S.DONE)
    if state == "realisees":
        return actions.filter(status__in=DONE_STATUSES)
    return actions


def filtered_actions(
    organisation: Organisation, filters: dict[str, Any], *, today: dt.date
) -> QuerySet[ImprovementAction]:
    """The list: `state`, `owner` (a user id), `origin` and `q` (number or title), the nearest
    due date first."""
    actions: QuerySet[ImprovementAction] = ImprovementAction.objects.for_org(organisation)
    actions = in_state(actions, filters.get("state") or DEFAULT_STATE, today=today)
    if filters.get("owner"):
        actions = actions.filter(owner_id=filters["owner"])
    if filters.get("origin"):
        actions = actions.filter(origin=filters["origin"])
    if filters.get("q"):
        text = filters["q"].strip()
        actions = actions.filter(Q(number__icontains=text) | Q(title__icontains=text))
    return actions.select_related("owner", "commitment", "origin_indicator").order_by("due_on", "pk")


def possible_owners(organisation: Organisation, today: dt.date, *, current: User | None = None) -> QuerySet[User]:
    """The town's active members who may carry out an action (agents, quality managers,
    administrators); the current owner stays a choice after they left."""
    members = Membership.objects.for_org(organisation).filter(role__in=OWNER_ROLES)
    active = members.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).values("user")
    users = User.objects.filter(Q(pk__in=active) | Q(pk=current.pk if current else None))
    return users.order_by("full_name", "email")


@dataclass(frozen=True)
class ActionPage:
    action: ImprovementAction
    transitions: list[ActionTransition]
    history: list[AuditEvent]
    check_period: Period | None  # the period its check reads (the latest complete one on the date)
    expected: str  # "au moins 90 %"
    measured: str  # "92,5 %", "—"


def action_page(action: ImprovementAction) -> ActionPage:
    """An action's page: its check in words, its workflow log and its audit history."""
    indicator = action.check_indicator
    period = checked_period(indicator, action.check_on) if indicator and action.check_on else None
    expected = measured = "—"
    if indicator is not None and action.expected_value is not None:
        wanted = format_measure(float(action.expected_value), indicator.unit)
        expected = f"{indicator.get_comparator_display()} {wanted}"
        measured = format_measure(action.checked_value, indicator.unit)
    return ActionPage(
        action=action,
        transitions=list(action.transitions.select_related("actor").order_by("at", "pk")),
        history=list(history_of(action).order_by("-at", "-id")),
        check_period=period,
        expected=expected,
        measured=measured,
    )


EXPORT_HEADERS = [
    "Numéro", "Intitulé", "Origine", "À l'origine", "Engagement", "Responsable", "Échéance", "Statut",
    "Réalisée le", "Indicateur à faire bouger", "Valeur attendue", "Date de vérification", "Vérifiée le",
    "Valeur mesurée",
]  # fmt: skip


def export_rows(actions: QuerySet[ImprovementAction]) -> Iterator[list[Any]]:
    """One row per action, in the columns of EXPORT_HEADERS (no personal data of citizens)."""
    for a in actions.select_related("check_indicator").iterator(chunk_size=1000):
        yield [
            a.number,
            a.title,
            a.get_origin_display(),
            a.origin_label,
            a.commitment.code if a.commitment else "",
            a.owner.full_name or a.owner.email,
            a.due_on,
            a.get_status_display(),
            a.done_on,
            a.check_indicator.code if a.check_indicator else "",
            a.expected_value,
            a.check_on,
            a.checked_on,
            a.checked_value,
        ]


def actions_from_records(organisation: Organisation, records: Sequence[Any]) -> dict[object, list[ImprovementAction]]:
    """The actions opened from each record (by primary key), in one query: from an indicator
    (`origin_indicator`) or from any other record named by its type and id (a complaint)."""
    if not records:
        return {}
    label = records[0]._meta.label_lower
    actions = ImprovementAction.objects.for_org(organisation).order_by("created_at", "pk")
    found: dict[object, list[ImprovementAction]] = {record.pk: [] for record in records}
    if label == "commitments.indicator":
        for action in actions.filter(origin_indicator__in=[record.pk for record in records]):
            found[action.origin_indicator_id].append(action)
        return found
    by_id = {str(record.pk): record.pk for record in records}
    for action in actions.filter(origin_type=label, origin_id__in=list(by_id)):
        found[by_id[action.origin_id]].append(action)
    return found
