"""Objects the URL walkers route to: one improvement action per town (helper "steering" adds
meeting_id and review_id in its branch: the lead merges both)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Membership, Organisation, Role, User
from improvement.actions import open_action
from improvement.models import ImprovementAction, Origin


def _owner(organisation: Organisation) -> User:
    membership = Membership.objects.for_org(organisation).filter(role__in=[Role.QUALITY_MANAGER, Role.ADMIN]).first()
    if membership is not None:
        return membership.user
    user = User.objects.create_user(f"qualite-actions@{organisation.slug}.test", "x", full_name="Qualité témoin")
    Membership.objects.create(organisation=organisation, user=user, role=Role.QUALITY_MANAGER)
    return user


def sample_values(organisation: Organisation) -> dict[str, Any]:
    action = open_action(
        organisation=organisation,
        actor=None,
        origin=Origin.SUGGESTION,
        title="Refaire la signalétique du hall",
        owner=_owner(organisation),
        due_on=dt.date(2026, 4, 30),
        description="Les usagers cherchent le guichet de l'état civil.",
    )
    return {"action_id": action.pk}


def existing_values(organisation: Organisation) -> dict[str, Any]:
    """The demo town's first action; a sample one while the demo has none."""
    first = ImprovementAction.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True).first()
    return {"action_id": first} if first is not None else sample_values(organisation)
