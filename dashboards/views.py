"""The home of each role (dashboards:home): the quality manager's and the administrator's "À
faire" for the week, the agent's own work first; readers and auditors go to their summary."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from core.access import Capability, OrgRequest, can, org_view
from dashboards.landing import landing
from dashboards.queries import home_page


@org_view()
def home(request: OrgRequest) -> HttpResponseBase:
    if not can(request.membership, Capability.CAPTURE):  # readers and auditors: their summary
        return redirect(landing(request.membership))
    page = home_page(request.membership, request.org.today())
    return render(request, "dashboards/home.html", {"nav_section": "dashboards", "home": page})
