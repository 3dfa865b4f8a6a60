"""The home of each role (dashboards:home): the quality manager's and the administrator's "À
faire" for the week, the agent's own work first; readers go to their summary, auditors to the
year under audit (dashboards:audit, the auditor's view, which every member may open)."""

from __future__ import annotations

from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from commitments.queries import values_marker
from core.access import Capability, OrgRequest, can, org_view
from dashboards.audit_year import audit_year
from dashboards.landing import landing
from dashboards.queries import home_page


@org_view()
def home(request: OrgRequest) -> HttpResponseBase:
    """Rendered from the fragment cache while nothing changed in the town (values_marker: every
    step, import, setting and recomputation moves it): the lines are then counted only when
    the member's cached HTML is missing."""
    if not can(request.membership, Capability.CAPTURE):  # readers and auditors: their summary
        return redirect(landing(request.membership))
    today = request.org.today()
    page = SimpleLazyObject(lambda: home_page(request.membership, today))
    context = {"home": page, "marker": values_marker(request.org, today), "member": request.membership.pk}
    return render(request, "dashboards/home.html", {"nav_section": "dashboards", **context})


@org_view()
def audit(request: OrgRequest) -> HttpResponseBase:
    """The year under audit (`?annee=` another closed year), commitment by commitment."""
    page = audit_year(organisation=request.org, today=request.org.today(), asked=request.GET.get("annee"))
    context = {"page": page, "may_note": can(request.membership, Capability.NOTE_AUDIT)}
    return render(request, "dashboards/audit.html", {"nav_section": "dashboards", **context})
