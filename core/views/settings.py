from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import Capability, org_view


@org_view(read=Capability.ADMINISTER)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "core/settings/overview.html", {"nav_section": "settings"})
