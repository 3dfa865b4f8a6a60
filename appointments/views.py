"""Pages of the appointments for the town's members. Citizens' names and contacts are shown
only to those who handle them (Capability.PERSONAL_DATA), never to readers or auditors."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from appointments.queries import appointments_of
from core.access import Capability, OrgRequest, can, org_view
from core.periods import Period
from core.web import page_of

NAV = {"nav_section": "appointments"}
PAGE_SIZE = 50


def _period(request: OrgRequest) -> Period | None:
    try:
        return Period.parse(request.GET.get("periode", "")) if request.GET.get("periode") else None
    except ValueError:
        return None


@org_view()
def appointment_list(request: OrgRequest) -> HttpResponse:
    """Every appointment, or those of a period: what indicator 9.1's drill-down opens."""
    period = _period(request)
    context = {
        **NAV,
        "period": period,
        "page": page_of(request, appointments_of(request.org, period), per_page=PAGE_SIZE),
        "shows_citizen": can(request.membership, Capability.PERSONAL_DATA),
    }
    return render(request, "appointments/list.html", context)
