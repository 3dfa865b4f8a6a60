from typing import Any

from django.http import HttpRequest

from core.access import Capability, can, is_confined, sees_personal_data
from core.registries import landing_page


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation and role of the page, for the header and the menu. A confined member
    (a tester) gets a menu of their landing page alone: every other page answers them 404."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "org": membership.organisation,
        "membership": membership,
        "can_capture": can(membership, Capability.CAPTURE),
        "can_manage_quality": can(membership, Capability.MANAGE_QUALITY),
        "can_administer": can(membership, Capability.ADMINISTER),
        "sees_personal_data": sees_personal_data(membership),
        # A confined member's menu: their landing page alone (None: no app offers them one).
        "confined": is_confined(membership),
        "confined_home": landing_page(membership) if is_confined(membership) else None,
    }
