from typing import Any

from django.http import HttpRequest

from core.access import Capability, can, sees_personal_data


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation and role of the page, for the header and the menu."""
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
    }
